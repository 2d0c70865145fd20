"""What the benchmarks that load a server share: a throwaway database, gunicorn on a free
loopback port, and plain HTTP requests."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
SEED = ROOT / "seed" / "npi-commentary-80.txt"
HOST = "127.0.0.1"
BASELINE = "/health/"
WORKERS = 2


class BenchError(Exception):
    pass


def say(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def run(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    for line in done.stdout.splitlines():
        say(f"    {line}")
    if done.returncode != 0:
        raise BenchError(f"{' '.join(cmd[1:3])} failed:\n{done.stderr.strip()}")


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in ("postgres", "postgresql", "pgsql")


def postgres_admin(url: str, statement: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


def create_database(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name:
        raise BenchError(f"{url}: no database name")
    try:
        postgres_admin(url, "CREATE DATABASE {}", name)
    except Exception as error:  # an existing database is not ours to drop
        raise BenchError(f"cannot create database {name!r}: {error}") from error
    return name


def get(
    port: int, path: str, timeout: float = 10.0, headers: dict[str, str] | None = None
) -> tuple[int, bytes, http.client.HTTPMessage]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), response.headers
    finally:
        conn.close()


def start_server(
    env: dict[str, str], port: int, log: Path, workers: int = WORKERS
) -> subprocess.Popen[bytes]:
    # The static files as production serves them: hashed names, from the manifest.
    run([str(PYTHON), "manage.py", "collectstatic", "--noinput", "-v0"], env)
    cmd = [str(GUNICORN), "config.wsgi:application", "--workers", str(workers)]
    # No control socket: the default one in ~/.gunicorn would be shared with other servers.
    cmd += ["--bind", f"{HOST}:{port}", "--no-control-socket"]
    with log.open("wb") as out:
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            if get(port, BASELINE, timeout=2)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise BenchError(f"gunicorn did not answer {BASELINE} within 30 s:\n{log.read_text()}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def server_environment(database_url: str, redis_url: str | None = None) -> dict[str, str]:
    """The environment of a production-like server (DEBUG=0) on this database and cache."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + os.urandom(16).hex(),
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database_url,
    }
    if redis_url:
        env |= {"REDIS_URL": redis_url, "CACHE_KEY_PREFIX": "bench-" + os.urandom(4).hex()}
    return env
