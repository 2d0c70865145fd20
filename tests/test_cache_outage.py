"""The shared cache is an accelerator, never a point of failure: while Redis hangs, pages are
read and notes are written within a second or two, the circuit stops asking it, and once it is
back no page older than a write made during the hang is served.

The Redis is real and the test's own (`redis-server` on a port of its own, no persistence),
configured as the settings configure REDIS_URL; SIGSTOP makes it hang as a stuck server does:
connections are accepted by the kernel and nothing answers. Without timeouts a request would
wait for ever: `within` fails it after a few seconds instead (an alarm breaks the wait)."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from annotations import live
from config import cache as resilient
from config.settings import redis_cache
from reader.models import Document, StaleCacheKey

from .helpers import logged_in

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not installed"
)

READER = "/documents/npi-commentary-80/"
PORTS = range(7150, 7200)
CIRCUIT_SECONDS = 2.0


class Stalled(Exception):
    pass


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail what takes longer than this (a wait on a socket with no timeout included)."""

    def stalled(*args: Any) -> None:
        raise Stalled(f"still waiting after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stalled)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Redis:
    """A redis-server of the test's own, which can be made to hang and to come back."""

    def __init__(self) -> None:
        self.port = next(port for port in PORTS if _free(port))
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while _free(self.port):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.02)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def hang(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        self.resume()
        self.process.terminate()
        self.process.wait(timeout=10)


def _free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture
def redis(settings: Any) -> Iterator[Redis]:
    server = Redis()
    resilient._circuits.clear()  # each test's server starts with a closed circuit
    config = redis_cache(server.url)
    config["OPTIONS"] |= {"CIRCUIT_FAILURES": 3, "CIRCUIT_SECONDS": CIRCUIT_SECONDS}
    settings.CACHES = {"default": config}
    settings.ANNOTATIONS_LIVE_VERSION = "cache"  # as with REDIS_URL
    settings.READER_STAMP_SECONDS = 86400
    try:
        yield server
    finally:
        server.stop()
        resilient._circuits.clear()


def create(client: Client, body: str, visibility: str = "public") -> Any:
    note = {
        "document": "npi-commentary-80",
        "target": {"selector": [{"type": "TextPositionSelector", "start": 10, "end": 16}]},
        "body": body,
        "visibility": visibility,
    }
    return client.post("/api/annotations/", note, content_type="application/json")


def open_the_circuit() -> None:
    for _ in range(3):
        cache.get("anything")
    began = time.monotonic()
    cache.get("anything")
    assert time.monotonic() - began < 0.05


def test_a_page_is_read_while_the_cache_hangs(redis: Redis, seed_document: Document) -> None:
    assert Client().get(READER).status_code == 200  # kept in Redis
    redis.hang()
    for _ in range(3):
        with within(2):
            began = time.monotonic()
            page = Client().get(READER)
        assert page.status_code == 200 and seed_document.title in page.text
        assert time.monotonic() - began < 1.5


def test_notes_are_written_and_edited_while_the_cache_hangs(
    redis: Redis, seed_document: Document, analyst: User
) -> None:
    client = logged_in(analyst)
    redis.hang()
    with within(2):
        created = create(client, "Written while Redis hangs.")
    assert created.status_code == 201, created.content
    with within(2):
        edited = client.patch(
            f"/api/annotations/{created.json()['id']}/",
            {"body": "Edited while Redis hangs."},
            content_type="application/json",
        )
    assert edited.status_code == 200, edited.content
    with within(2):
        listed = client.get("/api/annotations/", {"document": "npi-commentary-80"})
    assert "Edited while Redis hangs." in listed.text


def test_rate_limits_let_requests_through_while_the_cache_hangs(
    redis: Redis, seed_document: Document, settings: Any
) -> None:
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anon": "1/minute"}
    settings.API_THROTTLE_RATES["search"] = "1/minute"
    redis.hang()
    for _ in range(2):
        with within(2):
            assert Client().get("/api/documents/").status_code == 200
        with within(2):
            assert Client().get("/search/", {"q": "同盟"}).status_code == 200


def test_the_circuit_stops_asking_a_hanging_cache_and_asks_again_later(redis: Redis) -> None:
    cache.set("kept", "value")
    redis.hang()
    for _ in range(3):  # each waits for the read timeout
        began = time.monotonic()
        assert cache.get("kept") is None
        assert 0.1 < time.monotonic() - began < 1
    began = time.monotonic()
    for _ in range(50):  # the circuit is open: not asked at all
        assert cache.get("kept") is None
        assert cache.set_many({"kept": "other"}) == ["kept"]
    assert time.monotonic() - began < 0.1
    redis.resume()
    assert cache.get("kept") is None  # still open
    time.sleep(CIRCUIT_SECONDS + 0.1)
    assert cache.get("kept") == "value"  # asked again, and it answers


def test_pages_made_stale_during_the_hang_are_dropped_when_the_cache_is_back(
    redis: Redis, seed_document: Document, analyst: User
) -> None:
    before = Client().get(READER)  # its ETag stands for what it shows, public notes included
    version = live.version(seed_document)
    redis.hang()
    open_the_circuit()  # the write's invalidation does not even reach Redis's socket
    with within(2):
        created = create(logged_in(analyst), "Written during the outage.")
    assert created.status_code == 201
    assert StaleCacheKey.objects.exists()
    assert live.version(seed_document) != version  # from the rows, while the cache is away
    during = Client().get(READER)
    assert during.status_code == 200 and during["ETag"] != before["ETag"]

    redis.resume()
    time.sleep(CIRCUIT_SECONDS + 0.1)
    after = Client().get(READER)
    assert after.status_code == 200 and after["ETag"] == during["ETag"]
    assert Client().get(READER, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200
    assert live.version(seed_document) != version
    assert not StaleCacheKey.objects.exists()


def test_a_process_renews_the_stale_keys_it_finds_when_it_starts(
    redis: Redis, seed_document: Document, settings: Any
) -> None:
    """A worker that recorded stale keys may have ended before the cache came back: the next
    process renews them on its first use of the cache."""
    version = live.version(seed_document)
    StaleCacheKey.objects.create(key=live._key(seed_document.slug))
    resilient._circuits.clear()  # as in a new process: a circuit and a backend of its own
    settings.CACHES = {"default": {**settings.CACHES["default"]}}
    assert live.version(seed_document) != version
    assert not StaleCacheKey.objects.exists()
