"""The version of a document's annotations, for readers who poll for changes (live.js): a string
that changes whenever any annotation of the document is written, edited, resolved, hidden,
deleted or re-tagged, the same in every app process.

Two ways to keep it, chosen by settings.ANNOTATIONS_LIVE_VERSION:

- "cache" (the default with REDIS_URL): a token in the shared cache, replaced on every change
  (annotations.signals calls `changed`), so that a poll costs one cache read and no query; while
  the cache does not answer, the database version below (and a token a change could not replace
  is replaced when the cache is back: reader.caching.renew);
- "database" (the default otherwise: the per-process local-memory cache is not shared): derived
  from the annotations themselves, their count, newest `updated` and highest id, one aggregate
  query on the document's rows. A deletion lowers the count; a deletion and a creation between
  two polls raise the newest `updated`.

The version counts every note of the document, private ones too: a reader may learn that
something changed, never what; the list they then fetch shows only what they may see.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max

from reader.caching import renew
from reader.models import Document

from .models import Annotation


def version(document: Document) -> str:
    """The current version of the document's annotations."""
    if settings.ANNOTATIONS_LIVE_VERSION == "cache":
        return _cached_version(document)
    return database_version(document)


def database_version(document: Document) -> str:
    found = Annotation.objects.filter(document=document).aggregate(
        count=Count("pk"), updated=Max("updated"), last=Max("pk")
    )
    updated = found["updated"].isoformat() if found["updated"] else "-"
    seen = f"{document.pk}:{found['count']}:{updated}:{found['last']}"
    return hashlib.sha256(seen.encode()).hexdigest()[:20]


def changed(slugs: Iterable[str]) -> None:
    """Announce a change of these documents' annotations, at once and again after the commit (a
    poll between the two would otherwise keep a version read before the change was visible)."""
    if settings.ANNOTATIONS_LIVE_VERSION != "cache":
        return  # the database version follows the rows themselves
    renew([_key(slug) for slug in slugs])  # kept for later if the cache does not answer


def _cached_version(document: Document) -> str:
    key = _key(document.slug)
    kept = cache.get(key)
    if kept is None:  # never changed since the cache started, or evicted: a new token
        cache.add(key, uuid.uuid4().hex[:20], None)
        kept = cache.get(key)
    if kept is None:  # the cache does not answer (config.cache): the rows say it
        return database_version(document)
    return str(kept)


def _key(slug: str) -> str:
    return f"annotations:version:{hashlib.sha256(slug.encode()).hexdigest()[:32]}"
