"""Requests per second of the reader pages against the minimal /health/ view, under gunicorn.

Usage: .venv/bin/python bench/reader.py [--seconds N] [--concurrency C] [--database-url URL]
       [--redis-url URL]

Builds a throwaway database (SQLite in a temporary directory, or a new PostgreSQL database named
by --database-url, created and dropped here), imports the seed and a document 100 times larger,
starts gunicorn on a free loopback port and loads each path in turn with wrk (or, when wrk is not
installed, with Python threads on keep-alive connections): /health/, the reader page of the seed
and of the large document (anonymous, from the cache), and a revalidation of the seed's page
(If-None-Match with its ETag, answered 304). The goals, as ratios to /health/: ≥ 0.9 for a
cached page, ≥ 1.0 for a 304 (they should cost no more than the minimal view). Exit status 0
whether or not the goals are met; non-zero when something failed (setup, server start, a response
other than the one expected).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from machine import describe
from serving import (
    BASELINE,
    HOST,
    PYTHON,
    ROOT,
    SEED,
    WORKERS,
    BenchError,
    create_database,
    free_port,
    get,
    is_postgres,
    postgres_admin,
    run,
    say,
    server_environment,
    start_server,
    stop_server,
)

SEED_PAGE = "/documents/npi-commentary-80/"
PAGES = [SEED_PAGE, "/documents/large/"]
REVALIDATION = "304 " + SEED_PAGE  # the seed's page, revalidated with its ETag
GOALS = {SEED_PAGE: 0.9, "/documents/large/": 0.9, REVALIDATION: 1.0}
# What a browser sends; --accept-encoding identity measures uncompressed pages.
ACCEPT_ENCODING = "gzip, deflate, br"

# wrk reports through this hook: one JSON line after the run (latencies in microseconds).
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "bytes": %d, "errors": %d, '
    .. '"mean_us": %.1f, "p50_us": %d, "p95_us": %d}\\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout,
    latency.mean, latency:percentile(50), latency:percentile(95)))
end
"""


@dataclass
class Target:
    label: str
    path: str
    headers: dict[str, str]
    status: int = 200


@dataclass
class Result:
    path: str
    rps: float
    mean_ms: float | None
    p50_ms: float | None
    p95_ms: float | None
    size: int
    errors: int


def populate(env: dict[str, str], workdir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.generated import write_large_commentary

    manage = [str(PYTHON), "manage.py"]
    say("  migrate …")
    run([*manage, "migrate", "--no-input", "-v", "0"], env)
    say(f"  import {SEED.name} (slug npi-commentary-80) …")
    run([*manage, "import_commentary", str(SEED), "--slug", "npi-commentary-80"], env)
    large = write_large_commentary(workdir / "large-commentary.txt", copies=100)
    say(f"  import {large.name}, 100 × the seed, {large.stat().st_size:,} bytes (slug large) …")
    run([*manage, "import_commentary", str(large), "--slug", "large"], env)


# --- load generators ----------------------------------------------------------------------


def load_wrk(port: int, target: Target, seconds: int, concurrency: int, script: Path) -> Result:
    threads = max(1, min(concurrency, os.cpu_count() or 1))
    cmd = ["wrk", "-t", str(threads), "-c", str(concurrency), "-d", f"{seconds}s"]
    cmd += ["--timeout", "10s", "-s", str(script), f"http://{HOST}:{port}{target.path}"]
    for name, value in target.headers.items():
        cmd += ["-H", f"{name}: {value}"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise BenchError(f"wrk failed on {target.label}:\n{done.stdout}{done.stderr}")
    data = json.loads(line.removeprefix("BENCH "))
    requests = data["requests"]
    return Result(
        target.label,
        requests / (data["duration_us"] / 1e6),
        data["mean_us"] / 1000,
        data["p50_us"] / 1000,
        data["p95_us"] / 1000,
        data["bytes"] // requests if requests else 0,  # with headers
        data["errors"],
    )


def load_python(port: int, target: Target, seconds: float, concurrency: int) -> Result:
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    size = [0] * concurrency
    start = time.perf_counter()
    deadline = start + seconds

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        while (began := time.perf_counter()) < deadline:
            try:
                conn.request("GET", target.path, headers=target.headers)
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
                continue
            latencies[index].append(time.perf_counter() - began)
            if response.status != target.status:
                errors[index] += 1
            size[index] = len(body)
        conn.close()

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - start
    times = sorted(t * 1000 for per in latencies for t in per)
    if not times:
        return Result(target.label, 0.0, None, None, None, 0, sum(errors))

    def pct(p: float) -> float:
        return times[min(len(times) - 1, int(p / 100 * len(times)))]

    mean = sum(times) / len(times)
    return Result(
        target.label, len(times) / elapsed, mean, pct(50), pct(95), max(size), sum(errors)
    )


def client(use_wrk: bool) -> str:
    if not use_wrk:
        return "Python threads + http.client keep-alive connections"
    done = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return (done.stdout + done.stderr).split(" [")[0].strip() or "wrk"


# --- report -------------------------------------------------------------------------------


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def report(results: list[Result], body_sizes: dict[str, int]) -> None:
    base = results[0].rps
    header = f"{'path':<34} {'req/s':>8} {'mean ms':>8} {'p50 ms':>7} {'p95 ms':>7}"
    header += f" {'body bytes':>11} {'errors':>6} {'vs /health/':>11}"
    say(header)
    say("-" * len(header))
    for r in results:
        ratio = "baseline" if r.path == BASELINE else f"{r.rps / base:.3f}" if base else "-"
        say(
            f"{r.path:<34} {r.rps:>8.1f} {ms(r.mean_ms):>8} {ms(r.p50_ms):>7} {ms(r.p95_ms):>7}"
            f" {body_sizes[r.path]:>11,} {r.errors:>6} {ratio:>11}"
        )
    say("")
    for r in results[1:]:
        ratio = r.rps / base if base else 0.0
        goal = GOALS[r.path]
        verdict = "met" if ratio >= goal else "NOT met"
        say(f"Goal: {r.path} at ≥ {goal} × /health/ req/s: {ratio:.3f} → {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="measured seconds per path")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured seconds per path")
    parser.add_argument("--concurrency", type=int, default=4, help="open connections")
    parser.add_argument("--database-url", help="postgres://… (created and dropped here)")
    parser.add_argument("--redis-url", help="redis://… for the cache (default: local memory)")
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    parser.add_argument(
        "--accept-encoding", default="gzip, deflate, br", help="Accept-Encoding (as a browser)"
    )
    args = parser.parse_args()
    global ACCEPT_ENCODING
    ACCEPT_ENCODING = args.accept_encoding
    if args.seconds < 1 or args.warmup < 0 or args.concurrency < 1:
        parser.error("--seconds ≥ 1, --warmup ≥ 0 and --concurrency ≥ 1 are required")

    if args.database_url and not is_postgres(args.database_url):
        parser.error("--database-url: only PostgreSQL URLs are supported (SQLite is the default)")

    use_wrk = shutil.which("wrk") is not None and not args.python_client
    host = describe()  # before the run: the load average tells whether the machine was idle
    workdir = Path(tempfile.mkdtemp(prefix="bench-reader-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = server_environment(url, args.redis_url)
    created_db: str | None = None
    server: subprocess.Popen[bytes] | None = None
    try:
        say(f"Setting up in {workdir} ({'PostgreSQL' if args.database_url else 'SQLite'}) …")
        if args.database_url:
            created_db = create_database(url)
            say(f"  created database {created_db}")
        populate(env, workdir)
        port = free_port()
        say(f"Starting gunicorn ({WORKERS} sync workers) on {HOST}:{port} …")
        server = start_server(env, port, workdir / "gunicorn.log")
        browser = {"Accept-Encoding": ACCEPT_ENCODING}
        targets = [Target(path, path, browser) for path in [BASELINE, *PAGES]]
        body_sizes: dict[str, int] = {}
        for target in list(targets):
            status, body, headers = get(port, target.path, headers=target.headers)
            if status != 200:
                raise BenchError(f"GET {target.path} answered {status}, not 200")
            body_sizes[target.label] = len(body)
            if target.path == SEED_PAGE:
                etag = headers["ETag"]
                if not etag:
                    raise BenchError(f"GET {SEED_PAGE} sent no ETag")
                targets.append(
                    Target(REVALIDATION, SEED_PAGE, {**browser, "If-None-Match": etag}, 304)
                )
                body_sizes[REVALIDATION] = 0
        script = workdir / "report.lua"
        script.write_text(WRK_SCRIPT)
        results = []
        for target in targets:
            say(f"  {target.label}: {args.warmup} s warm-up, {args.seconds} s measured …")
            # The Python client waits for its last responses: no request is left running (as
            # wrk leaves them) when the measurement starts, and each worker's cache is filled.
            if warm := load_python(port, target, args.warmup, args.concurrency).errors:
                raise BenchError(f"{warm} unexpected responses to {target.label} in the warm-up")
            if use_wrk:
                results.append(load_wrk(port, target, args.seconds, args.concurrency, script))
            else:
                results.append(load_python(port, target, args.seconds, args.concurrency))
        say("")
        say(f"Machine: {host}")
        say(
            f"Method: {client(use_wrk)}, {args.concurrency} connections, "
            f"{args.seconds} s per path, "
            f"Accept-Encoding: {args.accept_encoding}, "
            f"after {args.warmup} s warm-up; gunicorn {WORKERS} sync workers, DEBUG=0, "
            f"{'PostgreSQL' if args.database_url else 'SQLite'}, "
            f"{'Redis' if args.redis_url else 'local-memory'} cache; "
            "load generator on the same machine."
        )
        say("")
        report(results, body_sizes)
        errors = sum(r.errors for r in results)
        if errors:
            raise BenchError(f"{errors} failed or unexpected responses")
        return 0
    except BenchError as error:
        say(f"FAILED: {error}")
        return 1
    finally:
        if server is not None:
            stop_server(server)
        if created_db:
            postgres_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", created_db)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
