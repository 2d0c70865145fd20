"""The shared cache (Redis) is an accelerator, never a point of failure.

`ResilientRedisCache` is Django's RedisCache with three differences:

- its connections have connect and read timeouts (settings.CACHE_TIMEOUT, a quarter of a second
  by default): a Redis that hangs costs an operation that long, not the request;
- an operation that fails (Redis down, hanging, refusing) is logged and answers as an empty cache
  would: `get` its default, `get_many` nothing, `add`, `delete`, `touch` and `has_key` False,
  `set_many` every key as not set (Django's contract for keys that failed), `incr` a ValueError
  (as for a missing key);
- a circuit per process and server: after CACHE_CIRCUIT_FAILURES failures in a row the cache is
  not asked at all for CACHE_CIRCUIT_SECONDS (operations answer at once, as above); then one
  operation tries it again, whose success closes the circuit and whose failure opens it for
  another period.

What the callers do then: pages are rendered from the database (reader.caching, reader.views);
the rate limits count nothing and let the request through (DRF's throttles and
config.throttling read an empty history and their writes go nowhere); the version of a
document's annotations is derived from its rows (annotations.live). Sessions and failed logins
are kept in the database, not in the cache.

A change made while the cache does not answer cannot renew the tokens that tell readers and
pages that something changed; reader.caching records them in the database, and renews them when
`cache_recovered` is sent: after an operation that succeeds following a failure in this process,
and after the first operation of each process (the process that recorded a token may have ended
before the cache came back).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.dispatch import Signal
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Sent, with `cache` (the backend), when the cache answers again after failing, and when it first
# answers in a process. A receiver that could not finish its work returns False (or raises): the
# signal is sent again after a later success, at most once per CIRCUIT_SECONDS.
cache_recovered = Signal()

# What a cache that does not answer raises: redis-py's errors (timeouts, refused or reset
# connections) and the socket's own.
UNAVAILABLE = (RedisError, OSError)


class Circuit:
    """Whether to ask a cache server, from how its last operations went in this process."""

    def __init__(self, name: str, failures: int, seconds: float) -> None:
        self.name, self.limit, self.seconds = name, failures, seconds
        self.failures = 0
        self.open_until = 0.0  # monotonic time; 0: closed
        self.recovery_due = True  # a process starts as if the cache had just come back
        self.next_recovery = 0.0  # after a recovery left unfinished: not announced before
        self.lock = threading.Lock()

    def allows(self) -> bool:
        """Whether to ask the cache now. Once the open period is over, one caller tries it
        (the others keep answering at once until that one has succeeded)."""
        with self.lock:
            if not self.open_until:
                return True
            now = time.monotonic()
            if now < self.open_until:
                return False
            self.open_until = now + self.seconds
            return True

    def failed(self, operation: str, error: Exception) -> None:
        with self.lock:
            self.failures += 1
            self.recovery_due, self.next_recovery = True, 0.0
            opening = self.failures >= self.limit
            if opening:
                self.open_until = time.monotonic() + self.seconds
        if opening:
            log.error(
                "Cache %s failed %d times in a row (last: %s, %r): not asked for %g s",
                self.name,
                self.failures,
                operation,
                error,
                self.seconds,
            )
        else:
            log.warning("Cache %s failed (%s, %r): answered as empty", self.name, operation, error)

    def succeeded(self) -> bool:
        """Close the circuit; True when recovery is to be announced now."""
        if not self.failures and not self.recovery_due:
            return False  # the common case, without the lock
        with self.lock:
            if self.failures >= self.limit:
                log.warning("Cache %s answers again", self.name)
            self.failures, self.open_until = 0, 0.0
            now = time.monotonic()
            if not self.recovery_due or now < self.next_recovery:
                return False
            self.recovery_due = False
            return True

    def recovery_unfinished(self) -> None:
        """Announce the recovery again, after a later success, at most once per period."""
        with self.lock:
            self.recovery_due, self.next_recovery = True, time.monotonic() + self.seconds


_circuits: dict[str, Circuit] = {}
_circuits_lock = threading.Lock()
_announcing = threading.local()


def circuit(name: str, failures: int, seconds: float) -> Circuit:
    """The circuit of a server, one per process (Django makes a cache backend per thread)."""
    with _circuits_lock:
        if name not in _circuits:
            _circuits[name] = Circuit(name, failures, seconds)
        return _circuits[name]


def _server_name(server: str | list[str]) -> str:
    """The server as the log names it: host, port and database, never a password."""
    first = server[0] if isinstance(server, list) else server.split(",")[0]
    parts = urlsplit(first)
    return f"redis://{parts.hostname}:{parts.port or 6379}{parts.path}"


class ResilientRedisCache(RedisCache):
    """RedisCache whose failures are logged and answered as an empty cache would (above).

    OPTIONS: `CIRCUIT_FAILURES` and `CIRCUIT_SECONDS` for the circuit; the rest go to redis-py's
    connection pool as with RedisCache (`socket_connect_timeout` and `socket_timeout` there).
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        failures = int(options.pop("CIRCUIT_FAILURES", 3))
        seconds = float(options.pop("CIRCUIT_SECONDS", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self.circuit = circuit(_server_name(server), failures, seconds)

    def _guarded(self, operation: str, call: Callable[[], T], fallback: T, read: bool = False) -> T:
        if not self.circuit.allows():
            return fallback
        try:
            value = call()
        except UNAVAILABLE as error:
            self.circuit.failed(operation, error)
            return fallback
        if self.circuit.succeeded():
            self._announce_recovery()
            if read:  # what was read may be what the receivers have just renewed
                return self._guarded(operation, call, fallback)
        return value

    def _announce_recovery(self) -> None:
        if getattr(_announcing, "active", False):
            return  # a receiver's own cache operations
        _announcing.active = True
        try:
            answers = cache_recovered.send_robust(sender=type(self), cache=self)
        finally:
            _announcing.active = False
        for receiver, answer in answers:
            if isinstance(answer, Exception):
                log.error("After the cache came back, %r failed: %r", receiver, answer)
            if answer is False or isinstance(answer, Exception):
                self.circuit.recovery_unfinished()

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._guarded(
            "add", lambda: RedisCache.add(self, key, value, timeout, version), False
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guarded(
            "get", lambda: RedisCache.get(self, key, default, version), default, True
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._guarded("set", lambda: RedisCache.set(self, key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._guarded("touch", lambda: RedisCache.touch(self, key, timeout, version), False)

    def delete(self, key: Any, version: Any = None) -> Any:
        return self._guarded("delete", lambda: RedisCache.delete(self, key, version), False)

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._guarded("get_many", lambda: RedisCache.get_many(self, keys, version), {}, True)

    def has_key(self, key: Any, version: Any = None) -> Any:
        return self._guarded("has_key", lambda: RedisCache.has_key(self, key, version), False, True)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        missing = object()
        value = self._guarded("incr", lambda: RedisCache.incr(self, key, delta, version), missing)
        if value is missing:
            raise ValueError(f"Key {key!r} not found (the cache does not answer)")
        return value

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        keys = list(data)
        return self._guarded(
            "set_many", lambda: RedisCache.set_many(self, data, timeout, version), keys
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._guarded("delete_many", lambda: RedisCache.delete_many(self, keys, version), None)

    def clear(self) -> None:
        self._guarded("clear", lambda: RedisCache.clear(self), None)
