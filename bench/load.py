"""Many clients at once against gunicorn on PostgreSQL with Redis, then a check that no
acknowledged write was lost and none was stored twice; optionally with faults in the middle: a
PostgreSQL restart, a Redis that hangs, a worker killed.

Usage: .venv/bin/python bench/load.py [--clients 50] [--seconds 60] [--restart-db]
       [--redis-hang SECONDS] [--kill-worker]
       [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--redis-url redis://…]

Creates a throwaway PostgreSQL database (named after the one in --database-url, or bench, then
_load_…, dropped at the end), imports the seed, makes analyst accounts with API tokens, and starts
gunicorn (2 sync workers, DEBUG=0, Redis cache). Each client then loops for the given time over a
mix of requests: anonymous reader pages (50 %), passage searches through the API (25 %), and, with
a token, annotation creates (15 %) and edits of its own annotations (10 %). A create answered 503,
or not answered at all, is sent once more after the Retry-After (at most 5 s), with the same body
and the same Idempotency-Key, as the README tells clients to.

Faults, each at its own time of the run:
- --redis-hang SECONDS: the server's cache is a redis-server of the benchmark's own (on a free
  port, no persistence; --redis-url is then ignored), stopped with SIGSTOP a quarter of the way
  through for that long, then resumed (SIGCONT): it hangs as a stuck server does.
- --restart-db: `pg_ctlcluster VERSION main restart` halfway through.
- --kill-worker: one gunicorn worker is killed (SIGKILL) three quarters of the way through;
  gunicorn starts another.

Afterwards every write acknowledged with 201 or 200 is looked up in the database: a created
annotation must exist, and an edited one must hold the last body acknowledged (or the body of a
later edit whose answer was lost); a create's body stored in more than one annotation is a
duplicate. The report gives the requests, the status counts and p50/p95 per kind, the lost and
duplicated writes, and for each fault, over the requests begun from its start to 5 s after its
end: the 5xx (503 with Retry-After apart), the requests slower than 1 s and the slowest, and the
lost and duplicated writes among them; with --restart-db also the time from the database's
return to the first success of a request that needs it.

The goals: no 5xx other than 503 with Retry-After (and only during a fault), no request slower
than 2 s beyond a hang's own, no lost or duplicated write, recovery within 5 s of the database
returning. The rate limits are raised for the run: every client comes from 127.0.0.1, and they
would otherwise be counted as one (the limits themselves are tested in the suite). Exit status 0
when the run completed, whether or not the goals are met; non-zero when something failed
(setup, server start).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from machine import describe
from serving import (
    HOST,
    PYTHON,
    ROOT,
    SEED,
    WORKERS,
    BenchError,
    create_database,
    free_port,
    is_postgres,
    postgres_admin,
    run,
    say,
    server_environment,
    start_server,
    stop_server,
)

READER = "/documents/npi-commentary-80/"
QUERIES = ["同盟", "韓国", "国家防衛戦略", "model allies", "burden sharing", "抑止", "在韓米軍"]
KINDS = {"reader": 50, "search": 25, "create": 15, "edit": 10}
ACCOUNTS = 10
PASSWORD = "load-bench-Password-42"
TIMEOUT = 30.0
DB_KINDS = ("search", "create", "edit")  # the kinds that need the database (pages are cached)
WRITES = ("create", "edit")
SLOW = 1.0  # seconds: a request slower than this is a stall
AFTER_FAULT = 5.0  # seconds after a fault's end whose requests are counted with it
RETRY_AT_MOST = 5.0  # seconds a client waits before sending a create again

# Makes the analysts and their tokens; prints them as JSON.
ACCOUNTS_SCRIPT = f"""
import json
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from accounts.models import ANALYSTS_GROUP
group, _ = Group.objects.get_or_create(name=ANALYSTS_GROUP)
tokens = []
for number in range({ACCOUNTS}):
    user = User.objects.create_user(f"load{{number}}", password={PASSWORD!r})
    user.groups.add(group)
    tokens.append(Token.objects.create(user=user).key)
print("TOKENS " + json.dumps(tokens))
"""


@dataclass
class Outcome:
    kind: str
    status: int  # 0: no answer (connection refused or reset, timeout)
    began: float
    seconds: float
    retry_after: bool = False  # the answer named a Retry-After


@dataclass
class Ledger:
    """What the server acknowledged, per annotation: the bodies in the order they were sent,
    the index of the last one acknowledged and when its request began; and when each create's
    body was first sent."""

    sent: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    acknowledged: dict[int, int] = field(default_factory=dict)
    when: dict[int, float] = field(default_factory=dict)
    created: dict[str, float] = field(default_factory=dict)


@dataclass
class Fault:
    name: str
    began: float = 0.0
    ended: float = 0.0
    problem: str = ""


class Client:
    def __init__(self, port: int, token: str, index: int, deadline: float) -> None:
        self.port, self.token, self.index, self.deadline = port, token, index, deadline
        self.random = random.Random(index)
        self.outcomes: list[Outcome] = []
        self.ledger = Ledger()
        self.mine: list[int] = []
        self.written = 0
        self.conn = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        body: object = None,
        auth: bool = False,
        key: str = "",
    ) -> tuple[int, object, float]:
        """Send a request; its status (0: no answer), its JSON and its Retry-After (0: none)."""
        headers = {"Accept-Encoding": "gzip", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if auth:
            headers["Authorization"] = f"Token {self.token}"
        if key:
            headers["Idempotency-Key"] = key
        began = time.monotonic()
        status, payload, retry_after = 0, None, 0.0
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
            status = response.status
            retry_after = _seconds(response.getheader("Retry-After", ""))
            if response.getheader("Content-Type", "").startswith("application/json"):
                payload = json.loads(raw)
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
        except (OSError, http.client.HTTPException, json.JSONDecodeError):
            self.conn.close()
            self.conn = self._connect()
        took = time.monotonic() - began
        self.outcomes.append(Outcome(kind, status, began, took, retry_after > 0))
        return status, payload, retry_after

    def run(self) -> None:
        kinds, weights = list(KINDS), list(KINDS.values())
        while time.monotonic() < self.deadline:
            kind = self.random.choices(kinds, weights)[0]
            if kind == "edit" and not self.mine:
                kind = "create"
            getattr(self, kind)()

    def reader(self) -> None:
        self.request("reader", "GET", READER)

    def search(self) -> None:
        query = quote(self.random.choice(QUERIES))
        self.request("search", "GET", f"/api/passages/?q={query}")

    def create(self) -> None:
        self.written += 1
        body = f"Load client {self.index}, note {self.written}."
        start = self.random.randrange(0, 400)
        annotation = {
            "document": "npi-commentary-80",
            "target": {
                "selector": [{"type": "TextPositionSelector", "start": start, "end": start + 6}]
            },
            "body": body,
        }
        key = str(uuid.uuid4())
        self.ledger.created[body] = time.monotonic()
        began = time.monotonic()
        status, payload, retry_after = self.request(
            "create", "POST", "/api/annotations/", annotation, True, key
        )
        if status in (0, 503) and time.monotonic() < self.deadline:
            time.sleep(min(retry_after or 1.0, RETRY_AT_MOST))  # then once more, the same key
            status, payload, _ = self.request(
                "create", "POST", "/api/annotations/", annotation, True, key
            )
        if status == 201 and isinstance(payload, dict):
            pk = int(payload["id"])
            self.mine.append(pk)
            self.ledger.sent[pk].append(body)
            self.ledger.acknowledged[pk] = 0
            self.ledger.when[pk] = began

    def edit(self) -> None:
        pk = self.random.choice(self.mine)
        self.written += 1
        body = f"Load client {self.index}, edit {self.written}."
        self.ledger.sent[pk].append(body)
        began = time.monotonic()
        status, _, _ = self.request(
            "edit", "PATCH", f"/api/annotations/{pk}/", {"body": body}, True
        )
        if status == 200:
            self.ledger.acknowledged[pk] = len(self.ledger.sent[pk]) - 1
            self.ledger.when[pk] = began


def _seconds(header: str) -> float:
    try:
        return max(0.0, float(header))
    except ValueError:
        return 0.0


def cluster_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not versions:
        raise BenchError("--restart-db needs a Debian PostgreSQL cluster (/etc/postgresql)")
    return versions[-1]


def restart_database(version: str, at: float, fault: Fault) -> None:
    time.sleep(max(0.0, at - time.monotonic()))
    fault.began = time.monotonic()
    cmd = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    fault.ended = time.monotonic()
    if done.returncode != 0:
        fault.problem = f"pg_ctlcluster failed: {done.stderr.strip()}"


def start_redis(port: int, log: Path) -> subprocess.Popen[bytes]:
    """A redis-server of the benchmark's own, which it may stop without harming anyone else's."""
    cmd = ["redis-server", "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"]
    with log.open("wb") as out:
        redis = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if redis.poll() is not None:
            raise BenchError(f"redis-server exited with {redis.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return redis
        except OSError:
            time.sleep(0.05)
    redis.kill()
    raise BenchError(f"redis-server did not listen on {port} within 10 s")


def hang_redis(redis: subprocess.Popen[bytes], at: float, seconds: float, fault: Fault) -> None:
    time.sleep(max(0.0, at - time.monotonic()))
    fault.began = time.monotonic()
    redis.send_signal(signal.SIGSTOP)
    try:
        time.sleep(seconds)
    finally:
        redis.send_signal(signal.SIGCONT)
        fault.ended = time.monotonic()


def kill_worker(server: subprocess.Popen[bytes], at: float, fault: Fault) -> None:
    """SIGKILL one of gunicorn's workers (a child of the master); the master starts another."""
    time.sleep(max(0.0, at - time.monotonic()))
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    pids = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    fault.began = time.monotonic()
    if not pids:
        fault.problem = "no gunicorn worker found to kill"
    else:
        os.kill(pids[0], signal.SIGKILL)
    fault.ended = time.monotonic()


def stored_bodies(url: str) -> dict[int, str]:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(("postgresql", *parts[1:]))) as conn:
        return dict(conn.execute("SELECT id, body FROM reader_annotation").fetchall())


def lost_writes(clients: list[Client], stored: dict[int, str]) -> list[tuple[float, str]]:
    """(when the acknowledged request began, what is wrong) for every acknowledged write the
    database does not hold."""
    lost = []
    for client in clients:
        for pk, last in client.ledger.acknowledged.items():
            bodies = client.ledger.sent[pk]
            when = client.ledger.when[pk]
            if pk not in stored:
                lost.append((when, f"annotation {pk}: acknowledged, not in the database"))
            elif stored[pk] not in bodies[last:]:
                lost.append(
                    (when, f"annotation {pk}: holds {stored[pk]!r}, acknowledged {bodies[last]!r}")
                )
    return lost


def duplicated_writes(clients: list[Client], stored: dict[int, str]) -> list[tuple[float, str]]:
    """(when the create was first sent, what is wrong) for every create stored more than once.
    Each create's body is unique: its copies are the rows that still hold it, and the one the
    client was given, if an edit has changed it since (the client never edits a copy it was not
    told of)."""
    copies = Counter(stored.values())
    found = []
    for client in clients:
        edited_away = Counter(
            bodies[0]
            for pk, bodies in client.ledger.sent.items()
            if pk in stored and stored[pk] != bodies[0]
        )
        for body, when in client.ledger.created.items():
            count = copies[body] + edited_away[body]
            if count > 1:
                found.append((when, f"{body!r} stored {count} times"))
    return found


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def report(outcomes: list[Outcome], seconds: float) -> None:
    say(f"{'kind':<8} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8}  statuses")
    for kind in KINDS:
        mine = [o for o in outcomes if o.kind == kind]
        if not mine:
            continue
        statuses = Counter(o.status for o in mine)
        shown = ", ".join(
            f"{'no answer' if s == 0 else s} × {n}" for s, n in sorted(statuses.items())
        )
        times = [o.seconds for o in mine]
        say(
            f"{kind:<8} {len(mine):>9} {len(mine) / seconds:>7.1f} {percentile(times, 50):>8.1f}"
            f" {percentile(times, 95):>8.1f}  {shown}"
        )
    total = Counter(o.status for o in outcomes)
    say(f"{'all':<8} {len(outcomes):>9} {len(outcomes) / seconds:>7.1f}")
    say("Statuses: " + ", ".join(f"{s or 'no answer'} × {n}" for s, n in sorted(total.items())))
    bad = [o for o in outcomes if o.status >= 500 and not (o.status == 503 and o.retry_after)]
    say(f"5xx other than 503 with Retry-After: {len(bad)}")
    slow = [o for o in outcomes if o.seconds > SLOW]
    slowest = max((o.seconds for o in outcomes), default=0.0)
    say(f"Requests slower than {SLOW:g} s: {len(slow)}; the slowest {slowest:.2f} s")


def report_fault(
    fault: Fault,
    outcomes: list[Outcome],
    lost: list[tuple[float, str]],
    duplicated: list[tuple[float, str]],
    start: float,
) -> None:
    """What the clients saw of one fault: the requests begun from its start to AFTER_FAULT
    seconds after its end (and those still running when it began)."""
    if fault.problem:
        say(f"{fault.name}: {fault.problem}")
    if not fault.began:
        return
    until = fault.ended + AFTER_FAULT

    def during(began: float, seconds: float = 0.0) -> bool:
        return began <= until and began + seconds >= fault.began

    seen = [o for o in outcomes if during(o.began, o.seconds)]
    if not seen:
        say(f"{fault.name}: no request during it")
        return
    errors = [o for o in seen if o.status >= 500]
    refused = [o for o in errors if o.status == 503 and o.retry_after]
    unanswered = [o for o in seen if o.status == 0]
    slow = [o for o in seen if o.seconds > SLOW]
    slowest = max((o.seconds for o in seen), default=0.0)
    say(
        f"{fault.name}: from {fault.began - start:.1f} s to {fault.ended - start:.1f} s "
        f"({fault.ended - fault.began:.2f} s); {len(seen)} requests until "
        f"{AFTER_FAULT:g} s after it"
    )
    others = Counter(o.status for o in errors if o not in refused)
    shown = ", ".join(f"{s} × {n}" for s, n in sorted(others.items())) or "none"
    say(
        f"  5xx: {len(errors)} ({len(refused)} × 503 with Retry-After; others: {shown}); "
        f"no answer: {len(unanswered)}"
    )
    times = [o.seconds for o in seen]
    say(
        f"  slower than {SLOW:g} s: {len(slow)}; p50 {percentile(times, 50):.0f} ms, "
        f"p95 {percentile(times, 95):.0f} ms, the slowest {slowest:.2f} s"
    )
    by_kind = Counter(o.kind for o in slow)
    if by_kind:
        say("  slow by kind: " + ", ".join(f"{k} × {n}" for k, n in sorted(by_kind.items())))
    lost_here = [what for when, what in lost if during(when)]
    duplicated_here = [what for when, what in duplicated if during(when)]
    say(f"  lost writes: {len(lost_here)}; duplicated writes: {len(duplicated_here)}")


def report_recovery(fault: Fault, outcomes: list[Outcome]) -> None:
    """The time from the database's return to the last failure of a request that needs it."""
    ended = fault.ended
    after = [
        o.began + o.seconds
        for o in outcomes
        if o.kind in DB_KINDS and o.status in (200, 201) and o.began >= ended
    ]
    failing_after = [
        o.began + o.seconds
        for o in outcomes
        if o.kind in DB_KINDS and o.status not in (200, 201) and o.began >= ended
    ]
    if after:
        recovered = max([min(after), *failing_after]) if failing_after else min(after)
        say(
            f"  recovery: the last failure of a database request ended "
            f"{max(0.0, recovered - ended):.2f} s after the database returned"
        )
    else:
        say("  recovery: no database request succeeded after the restart")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--restart-db", action="store_true", help="restart PostgreSQL halfway")
    parser.add_argument(
        "--redis-hang",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="hang the server's own Redis (SIGSTOP) this long, a quarter of the way through",
    )
    parser.add_argument(
        "--redis-port", type=int, default=0, help="port of that Redis (default: a free one)"
    )
    parser.add_argument(
        "--kill-worker", action="store_true", help="kill a gunicorn worker three quarters through"
    )
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/postgres", help="PostgreSQL"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    if args.clients < 1 or args.seconds < 2:
        parser.error("--clients ≥ 1 and --seconds ≥ 2 are required")
    if not is_postgres(args.database_url):
        parser.error("--database-url must be a PostgreSQL URL")
    if args.redis_hang < 0 or args.redis_hang >= args.seconds / 2:
        parser.error("--redis-hang must be between 0 and half of --seconds")
    if args.redis_hang and not shutil.which("redis-server"):
        parser.error("--redis-hang needs redis-server (apt-get install redis-server)")
    version = cluster_version() if args.restart_db else ""

    host = describe()
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    parts = urlsplit(args.database_url)
    prefix = parts.path.lstrip("/")
    name = f"{'bench' if prefix in ('', 'postgres') else prefix}_load_{os.urandom(4).hex()}"
    url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    created = False
    server = redis = None
    try:
        redis_url = args.redis_url
        if args.redis_hang:
            redis_port = args.redis_port or free_port()
            redis = start_redis(redis_port, workdir / "redis.log")
            redis_url = f"redis://{HOST}:{redis_port}/0"
        env = server_environment(url, redis_url)
        unlimited = "1000000/minute"
        env |= {
            "API_THROTTLE_ANON": unlimited,
            "API_THROTTLE_USER": unlimited,
            "SEARCH_THROTTLE": unlimited,
        }
        say(f"Setting up database {name} …")
        create_database(url)
        created = True
        manage = [str(PYTHON), "manage.py"]
        run([*manage, "migrate", "--no-input", "-v", "0"], env)
        run([*manage, "import_commentary", str(SEED), "--slug", "npi-commentary-80"], env)
        made = subprocess.run(
            [*manage, "shell", "-c", ACCOUNTS_SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        line = next((ln for ln in made.stdout.splitlines() if ln.startswith("TOKENS ")), None)
        if made.returncode != 0 or line is None:
            raise BenchError(f"making the accounts failed:\n{made.stderr}")
        tokens = json.loads(line.removeprefix("TOKENS "))
        port = free_port()
        say(f"Starting gunicorn ({WORKERS} sync workers) on {HOST}:{port} …")
        server = start_server(env, port, workdir / "gunicorn.log")

        faults: list[Fault] = []
        named = [
            f"Redis hanging {args.redis_hang:g} s from a quarter" if args.redis_hang else "",
            "PostgreSQL restarted halfway" if args.restart_db else "",
            "a worker killed at three quarters" if args.kill_worker else "",
        ]
        shown = "; ".join(n for n in named if n) or "no fault"
        say(f"{args.clients} clients for {args.seconds} s ({shown}) …")
        start = time.monotonic()
        deadline = start + args.seconds
        clients = [Client(port, tokens[i % len(tokens)], i, deadline) for i in range(args.clients)]
        threads = [threading.Thread(target=c.run) for c in clients]
        if redis is not None:
            fault = Fault("Redis hang")
            at = start + args.seconds / 4
            faults.append(fault)
            threads.append(
                threading.Thread(target=hang_redis, args=(redis, at, args.redis_hang, fault))
            )
        database_fault = None
        if args.restart_db:
            database_fault = Fault("PostgreSQL restart")
            at = start + args.seconds / 2
            faults.append(database_fault)
            threads.append(
                threading.Thread(target=restart_database, args=(version, at, database_fault))
            )
        if args.kill_worker:
            fault = Fault("Worker killed")
            at = start + args.seconds * 3 / 4
            faults.append(fault)
            threads.append(threading.Thread(target=kill_worker, args=(server, at, fault)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start

        stored = stored_bodies(url)
        lost = lost_writes(clients, stored)
        duplicated = duplicated_writes(clients, stored)
        outcomes = [o for c in clients for o in c.outcomes]
        acknowledged = sum(len(c.ledger.acknowledged) for c in clients)
        say("")
        say(f"Machine: {host}")
        say(
            f"Method: {args.clients} Python client threads (http.client, keep-alive) for "
            f"{args.seconds} s, mix {KINDS}; gunicorn {WORKERS} sync workers, DEBUG=0, "
            "PostgreSQL, Redis cache; load generator on the same machine."
        )
        say("")
        report(outcomes, elapsed)
        say(f"Annotations acknowledged: {acknowledged}; in the database: {len(stored)}")
        say(f"Lost writes: {len(lost)}; duplicated writes: {len(duplicated)}")
        for _, problem in (lost + duplicated)[:20]:
            say(f"  {problem}")
        first = min((f.began for f in faults if f.began), default=0.0)
        if first:
            before = [o for o in outcomes if o.began + o.seconds < first]
            slow = [o for o in before if o.seconds > SLOW]
            slowest = max((o.seconds for o in before), default=0.0)
            times = [o.seconds for o in before] or [0.0]
            say(
                f"Before the first fault ({first - start:.1f} s): {len(before)} requests, "
                f"{len(slow)} slower than {SLOW:g} s; p50 {percentile(times, 50):.0f} ms, "
                f"p95 {percentile(times, 95):.0f} ms, the slowest {slowest:.2f} s"
            )
        for fault in faults:
            report_fault(fault, outcomes, lost, duplicated, start)
            if fault is database_fault and fault.began:
                report_recovery(fault, outcomes)
        logged = (workdir / "gunicorn.log").read_text(errors="replace")
        say(f"gunicorn's log: {logged.count('Traceback')} tracebacks")
        return 0
    except BenchError as error:
        say(f"FAILED: {error}")
        return 1
    finally:
        if server is not None:
            stop_server(server)
        if redis is not None:
            redis.send_signal(signal.SIGCONT)
            redis.terminate()
            redis.wait(timeout=10)
        if created:
            for _ in range(10):  # the database may still be restarting
                try:
                    postgres_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
                    break
                except Exception:
                    time.sleep(1)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
