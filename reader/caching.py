"""Pages every anonymous reader shares, served from the cache with no database query.

What a page shows belongs to a scope: one document (its text and notes, and the annotations
anonymous readers see), or the sources (their pages, passages and the claims citing them). A
scope's stamp is read from the database (reader.views: the revision and times of change) and kept
in the cache; a page is kept under its scope's stamp, its path, the language and the encoding,
with a strong ETag (a hash of the stamp and of the bytes) and a Last-Modified (the last change
the stamp knows of). A cache hit, or a 304 to a client or a proxy that revalidates, reads only the
cache, and every worker process derives the same stamp, hence the same ETag, from the database.

`forget` is the one function that invalidates pages: every change to what they show calls it
(reader.signals, annotations.signals, DocumentQuerySet.refresh_readers). It gives the scope a new
change mark, at once and again after the commit; a stamp counts only under the mark it was read
under, so that a stamp read before the commit never outlives it. With a shared cache (REDIS_URL)
a change shows in every worker within READER_LOCAL_SECONDS (each keeps the pages it served lately
for that long without asking the cache); with the per-process default cache, another process (a
worker, an import command) does not see the mark, and each worker reads its stamps anew after
READER_STAMP_SECONDS.

The cache may fail (config.cache): reads then miss and pages are rendered from the database, and
`renew` records in the database the marks a change could not give their new value, which
`renew_stale` gives them when the cache answers again.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import get_language

from .middleware import DATABASE_UNAVAILABLE

log = logging.getLogger(__name__)

View = Callable[..., HttpResponseBase]
# A scope's stamp: what changes whenever its pages change, and the Unix time of that change.
Stamp = tuple[str, float]

SOURCES = "sources"
# Stale keys renewed at once after an outage (more wait for the next announcement).
STALE_BATCH = 1000

# What a shared page varies by besides its path: the language (from the cookie or the
# browser's Accept-Language), the encoding, and whether there is a login (the cookie).
VARY_HEADER = "Accept-Language, Accept-Encoding, Cookie"


def document_scope(slug: str) -> str:
    return f"document:{slug}"


def stamp(scope: str, read: Callable[[], Stamp | None]) -> Stamp | None:
    """The scope's stamp, from the cache or else `read` from the database (None: no such thing;
    the view then answers, with its 404). A kept stamp counts only if no change was announced
    since it was read: it is kept with the scope's change mark of before the read."""
    kept_key, mark_key = _stamp_keys(scope)
    kept = cache.get_many([kept_key, mark_key])
    current = _valid(kept.get(kept_key), kept.get(mark_key))
    if current is not None:
        return current
    mark = kept.get(mark_key) or cache.get_or_set(mark_key, _new_mark, timeout=None)
    fresh = read()
    if fresh is not None:
        cache.set(kept_key, (mark, fresh), settings.READER_STAMP_SECONDS)
    return fresh


def _stamp_keys(scope: str) -> tuple[str, str]:
    if len(scope) > 120:  # a path naming no document (slugs are short): keys stay under 250
        scope = "sha256:" + hashlib.sha256(scope.encode()).hexdigest()
    return f"reader:stamp:{scope}", f"reader:changed:{scope}"


def _valid(held: Any, mark: Any) -> Stamp | None:
    """The stamp kept, if it was read under the current change mark."""
    if isinstance(held, tuple) and mark is not None and held[0] == mark:
        return held[1]
    return None


def forget(documents: Iterable[str] = (), *, sources: bool = False) -> None:
    """Show anew the pages of these documents (by slug) and, with `sources`, of the sources."""
    scopes = [document_scope(slug) for slug in documents] + ([SOURCES] if sources else [])
    if scopes:
        renew([_stamp_keys(scope)[1] for scope in scopes])


def renew(keys: list[str]) -> None:
    """Give these tokens of the shared cache (change marks, versions) new random values, at once
    and again after the commit (a value read before the commit would otherwise outlive it).

    The cache may not answer (down, hanging, its circuit open: config.cache): the write that
    called this goes on all the same, and the keys the cache did not take are recorded in the
    database (StaleCacheKey), with the write itself when it is in a transaction. `renew_stale`
    renews them when the cache answers again, so that no page or version older than the write
    is served once it is back. While it does not answer, nothing stale is served either: every
    read misses."""

    def mark() -> None:
        failed = cache.set_many({key: _new_mark() for key in keys}, None)
        _local.clear()  # this process's copies; other processes' expire within a second
        if failed:
            _record_stale(failed)

    mark()  # recorded with the write, in its transaction, if the cache does not take it
    transaction.on_commit(mark)


def _record_stale(keys: list[str]) -> None:
    from .models import StaleCacheKey  # the models import this module

    try:
        with transaction.atomic():  # a failure here leaves the caller's transaction usable
            StaleCacheKey.objects.bulk_create([StaleCacheKey(key=key) for key in keys])
    except DatabaseError:  # the write goes on: say what could not be kept
        log.exception("Neither the cache nor the database took the stale keys %s", keys)


def renew_stale(**kwargs: Any) -> bool:
    """Renew the tokens recorded while the cache did not answer (receiver of
    config.cache.cache_recovered). False when that could not be done now (it is tried again)."""
    from .models import StaleCacheKey

    try:
        stale = list(StaleCacheKey.objects.values_list("pk", "key")[:STALE_BATCH])
    except DatabaseError:  # the database is down too: tried again a few seconds later
        log.warning("Could not read the cache keys left stale by an outage", exc_info=True)
        return False
    except RuntimeError:  # no database to be used here (a test that has none)
        return True
    if not stale:
        return True
    if cache.set_many({key: _new_mark() for _, key in stale}, None):
        return False
    StaleCacheKey.objects.filter(pk__in=[pk for pk, _ in stale]).delete()
    _local.clear()
    log.warning("Renewed %d cache keys left stale by an outage", len(stale))
    return len(stale) < STALE_BATCH


def _new_mark() -> str:
    return uuid.uuid4().hex


def shared_by_anonymous(
    scope: Callable[..., str], read: Callable[..., Stamp | None]
) -> Callable[[View], View]:
    """Serve a GET view's page to anonymous readers from the cache, with a strong ETag,
    Last-Modified, 304s and `Cache-Control: public` so that a shared cache may keep it.

    `scope(**kwargs)` names the scope of the page from the view's arguments, and `read(**kwargs)`
    reads its stamp from the database. Logged-in users get the view itself. A response other
    than 200 (a 404, a redirect) is never kept. The query string is ignored: these pages take
    no parameters, and it must not multiply the entries."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            name = scope(**kwargs)
            encoding, key = _page_key(request)
            # One round trip to the cache for a hit: the stamp, its change mark and the page.
            kept_key, mark_key = _stamp_keys(name)
            found = cache.get_many([kept_key, mark_key, key])
            current = _valid(found.get(kept_key), found.get(mark_key))
            entry = found.get(key)
            if current is None:
                try:
                    current = stamp(name, lambda: read(**kwargs))
                except DATABASE_UNAVAILABLE:
                    if not isinstance(entry, tuple):
                        raise  # nothing kept: a 503 (reader.middleware)
                    # The database cannot say whether the page changed: the last one kept is
                    # better than an error, and no shared cache keeps it.
                    stale = _shareable(HttpResponse(entry[3]), entry[2], int(time.time()), encoding)
                    stale["Cache-Control"] = "no-cache"
                    return stale
            if current is None:
                return view(request, *args, **kwargs)
            version, modified = current
            last_modified = int(modified)
            if isinstance(entry, tuple) and entry[1] == version:
                _, _, etag, content = entry
                response = _revalidated(request, etag, last_modified) or HttpResponse(content)
                return _shareable(response, etag, last_modified, encoding)
            page = view(request, *args, **kwargs)
            if not isinstance(page, HttpResponse) or page.status_code != 200 or page.cookies:
                return page  # a 404, a redirect, a stream, a response that sets a cookie
            content = page.content
            if encoding:
                content = gzip.compress(content, compresslevel=6, mtime=0)
            etag = f'"{hashlib.sha256(version.encode() + content).hexdigest()[:40]}"'
            cache.set(key, (name, version, etag, content), settings.READER_CACHE_SECONDS)
            response = _revalidated(request, etag, last_modified) or HttpResponse(
                content, content_type=page["Content-Type"]
            )
            return _shareable(response, etag, last_modified, encoding)

        return wrapper

    return decorate


def _page_key(request: HttpRequest) -> tuple[str, str]:
    """The encoding a page is sent in, and the key it is kept under (its stamp aside)."""
    encoding = "gzip" if accepts_gzip(request.headers.get("Accept-Encoding", "")) else ""
    where = hashlib.sha256(request.path.encode()).hexdigest()[:32]
    return encoding, f"reader:page:{where}:{get_language()}:{encoding or 'identity'}"


class SharedPagesMiddleware:
    """Serve the pages anonymous readers share (shared_by_anonymous keeps them) straight from the
    cache, before sessions, users, CSRF, messages and the URL resolver: for a GET or HEAD of a
    reading page by a visitor with no session (and no message waiting), when the page kept is
    of the current stamp. Anything else goes on to the view, which serves, renders or refuses.
    It stands after LocaleMiddleware (the language picks the page) and inside the middleware
    that adds the security headers and the CSP; it sets X-Frame-Options itself."""

    PATHS = ("/documents/", "/sources/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if (
            request.method in ("GET", "HEAD")
            and request.path.startswith(self.PATHS)
            and settings.READER_PUBLIC
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES
        ):
            response = _kept_page(request)
            if response is not None:
                return response
        return self.get_response(request)


# Pages this process served lately, checked against the shared cache at most every
# READER_LOCAL_SECONDS: key → (until, etag, last_modified, content). `forget` empties it.
_local: dict[str, tuple[float, str, int, bytes]] = {}
LOCAL_PAGES = 256


def _kept_page(request: HttpRequest) -> HttpResponseBase | None:
    encoding, key = _page_key(request)
    held = _local.get(key)
    if held is not None and held[0] > time.monotonic():
        _, etag, last_modified, content = held
    else:
        entry = cache.get(key)
        if not isinstance(entry, tuple):
            return None
        name, version, etag, content = entry
        kept_key, mark_key = _stamp_keys(name)
        found = cache.get_many([kept_key, mark_key])
        current = _valid(found.get(kept_key), found.get(mark_key))
        if current is None or current[0] != version:
            return None  # changed since, or not known: the view decides
        last_modified = int(current[1])
        if settings.READER_LOCAL_SECONDS > 0:
            if len(_local) >= LOCAL_PAGES:
                _local.clear()
            until = time.monotonic() + settings.READER_LOCAL_SECONDS
            _local[key] = (until, etag, last_modified, content)
    response = _revalidated(request, etag, last_modified) or HttpResponse(content)
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    return _shareable(response, etag, last_modified, encoding)


def _revalidated(request: HttpRequest, etag: str, last_modified: int) -> HttpResponseBase | None:
    """A 304 when the client (or a proxy) holds this version; None otherwise."""
    meta = request.META
    if "HTTP_IF_NONE_MATCH" not in meta and "HTTP_IF_MODIFIED_SINCE" not in meta:
        return None
    return get_conditional_response(request, etag=etag, last_modified=last_modified)


def _shareable(
    response: HttpResponseBase, etag: str, last_modified: int, encoding: str
) -> HttpResponseBase:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    if encoding and response.status_code == 200:
        response["Content-Encoding"] = encoding
    response["Cache-Control"] = (
        f"public, max-age={settings.READER_MAX_AGE}, s-maxage={settings.READER_SHARED_MAX_AGE}"
    )
    response["Vary"] = VARY_HEADER
    return response


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header admits gzip: named (or `*`) with a q-value above 0."""
    weights: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        coding, *params = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if coding:
            weights[coding] = weight
    return weights.get("gzip", weights.get("*", 0.0)) > 0
