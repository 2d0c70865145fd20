"""Many clients at once against gunicorn on PostgreSQL with Redis, then a check that no
acknowledged write was lost; optionally with PostgreSQL restarted in the middle.

Usage: .venv/bin/python bench/load.py [--clients 50] [--seconds 60] [--restart-db]
       [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--redis-url redis://…]

Creates a throwaway PostgreSQL database (named bench_load_…, dropped at the end), imports the seed,
makes analyst accounts with API tokens, and starts gunicorn (2 sync workers, DEBUG=0, Redis
cache). Each client then loops for the given time over a mix of requests: anonymous reader
pages (50 %), passage searches through the API (25 %), and, with a token, annotation creates
(15 %) and edits of its own annotations (10 %). With --restart-db, `pg_ctlcluster VERSION main
restart` runs once halfway through. Creates carry an Idempotency-Key and are sent again with it
(up to CREATE_TRIES times, a second apart) after a network failure or a 503, as the README tells
clients to.

Afterwards every write acknowledged with 201 or 200 is looked up in the database: a created
annotation must exist, and an edited one must hold the last body acknowledged (or the body of a
later edit whose answer was lost). The report gives the requests, the status counts and
p50/p95 per kind, the lost writes, and with --restart-db the outage as the clients saw it and
the time from the database's return to the first success of a request that needs it, and the
annotations stored that no client was told of (a create stored twice).

The goals: no 5xx other than 503 (and only during the restart), no lost write, recovery within
5 s of the database returning. The rate limits are raised for the run: every client comes from
127.0.0.1, and they would otherwise be counted as one (the limits themselves are tested in the
suite). Exit status 0 when the run completed, whether or not the goals are met; non-zero when
something failed (setup, server start).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
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


@dataclass
class Ledger:
    """What the server acknowledged, per annotation: the bodies in the order they were sent,
    and the index of the last one acknowledged."""

    sent: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    acknowledged: dict[int, int] = field(default_factory=dict)


CREATE_TRIES = 5  # a create is sent again with its key after a network failure or a 503


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
        key: str | None = None,
    ) -> tuple[int, object]:
        headers = {"Accept-Encoding": "gzip", "Accept": "application/json"}
        if key is not None:
            headers["Idempotency-Key"] = key
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if auth:
            headers["Authorization"] = f"Token {self.token}"
        began = time.monotonic()
        status, payload = 0, None
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
            status = response.status
            if response.getheader("Content-Type", "").startswith("application/json"):
                payload = json.loads(raw)
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
        except (OSError, http.client.HTTPException, json.JSONDecodeError):
            self.conn.close()
            self.conn = self._connect()
        self.outcomes.append(Outcome(kind, status, began, time.monotonic() - began))
        return status, payload

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
        # As the README tells clients: a key of its own, and the same request with the same key
        # again after a network failure or a 503 (the database restarting), a few times.
        key = f"load-{self.index}-{self.written}-{self.random.getrandbits(64):x}"
        for _ in range(CREATE_TRIES):
            status, payload = self.request(
                "create", "POST", "/api/annotations/", annotation, True, key
            )
            if status not in (0, 503) or time.monotonic() >= self.deadline:
                break
            time.sleep(1)
        if status == 201 and isinstance(payload, dict):
            pk = int(payload["id"])
            self.mine.append(pk)
            self.ledger.sent[pk].append(body)
            self.ledger.acknowledged[pk] = 0

    def edit(self) -> None:
        pk = self.random.choice(self.mine)
        self.written += 1
        body = f"Load client {self.index}, edit {self.written}."
        self.ledger.sent[pk].append(body)
        status, _ = self.request("edit", "PATCH", f"/api/annotations/{pk}/", {"body": body}, True)
        if status == 200:
            self.ledger.acknowledged[pk] = len(self.ledger.sent[pk]) - 1


def cluster_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not versions:
        raise BenchError("--restart-db needs a Debian PostgreSQL cluster (/etc/postgresql)")
    return versions[-1]


def restart_database(version: str, at: float, events: dict[str, float]) -> None:
    time.sleep(max(0.0, at - time.monotonic()))
    events["restart began"] = time.monotonic()
    cmd = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    events["restart ended"] = time.monotonic()
    if done.returncode != 0:
        events["restart failed"] = 1.0
        say(f"  pg_ctlcluster failed: {done.stderr.strip()}")


def stored_bodies(url: str) -> dict[int, str]:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(("postgresql", *parts[1:]))) as conn:
        return dict(conn.execute("SELECT id, body FROM reader_annotation").fetchall())


def unacknowledged_writes(clients: list[Client], stored: dict[int, str]) -> list[int]:
    """The annotations in the database that no client was told of: a create stored twice (a
    retry without an idempotency key), or one whose every answer was lost."""
    known = {pk for client in clients for pk in client.ledger.acknowledged}
    return sorted(pk for pk in stored if pk not in known)


def lost_writes(clients: list[Client], stored: dict[int, str]) -> list[str]:
    lost = []
    for client in clients:
        for pk, last in client.ledger.acknowledged.items():
            bodies = client.ledger.sent[pk]
            if pk not in stored:
                lost.append(f"annotation {pk}: acknowledged, not in the database")
            elif stored[pk] not in bodies[last:]:
                lost.append(f"annotation {pk}: holds {stored[pk]!r}, acknowledged {bodies[last]!r}")
    return lost


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def report(outcomes: list[Outcome], seconds: float, events: dict[str, float], start: float) -> None:
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
    bad = [o for o in outcomes if o.status >= 500 and o.status != 503]
    say(f"5xx other than 503: {len(bad)}")
    if "restart began" in events:
        began, ended = events["restart began"], events["restart ended"]
        say(
            f"PostgreSQL restart: from {began - start:.1f} s to {ended - start:.1f} s "
            f"({ended - began:.2f} s)"
        )
        refused = [o for o in outcomes if o.status in (0, 503)]
        if refused:
            first, last = min(o.began for o in refused), max(o.began for o in refused)
            say(
                f"503 or no answer: {len(refused)}, between {first - start:.1f} s and "
                f"{last - start:.1f} s"
            )
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
                f"Recovery: the last failure of a database request ended "
                f"{max(0.0, recovered - ended):.2f} s after the database returned"
            )
        else:
            say("Recovery: no database request succeeded after the restart")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--restart-db", action="store_true", help="restart PostgreSQL halfway")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/postgres", help="PostgreSQL"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    if args.clients < 1 or args.seconds < 2:
        parser.error("--clients ≥ 1 and --seconds ≥ 2 are required")
    if not is_postgres(args.database_url):
        parser.error("--database-url must be a PostgreSQL URL")
    version = cluster_version() if args.restart_db else ""

    host = describe()
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    parts = urlsplit(args.database_url)
    name = f"bench_load_{os.urandom(4).hex()}"
    url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    env = server_environment(url, args.redis_url)
    unlimited = "1000000/minute"
    env |= {
        "API_THROTTLE_ANON": unlimited,
        "API_THROTTLE_USER": unlimited,
        "SEARCH_THROTTLE": unlimited,
    }
    created = False
    server = None
    try:
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

        restarting = ", restarting PostgreSQL halfway" if args.restart_db else ""
        say(f"{args.clients} clients for {args.seconds} s{restarting} …")
        start = time.monotonic()
        deadline = start + args.seconds
        clients = [Client(port, tokens[i % len(tokens)], i, deadline) for i in range(args.clients)]
        threads = [threading.Thread(target=c.run) for c in clients]
        events: dict[str, float] = {}
        if args.restart_db:
            at = start + args.seconds / 2
            threads.append(threading.Thread(target=restart_database, args=(version, at, events)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start

        stored = stored_bodies(url)
        lost = lost_writes(clients, stored)
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
        report(outcomes, elapsed, events, start)
        say(f"Annotations acknowledged: {acknowledged}; in the database: {len(stored)}")
        unacknowledged = unacknowledged_writes(clients, stored)
        say(
            f"Stored but never acknowledged (duplicated creates, or answers lost for good): "
            f"{len(unacknowledged)}"
        )
        say(f"Lost writes: {len(lost)}")
        for problem in lost[:20]:
            say(f"  {problem}")
        return 0
    except BenchError as error:
        say(f"FAILED: {error}")
        return 1
    finally:
        if server is not None:
            stop_server(server)
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
