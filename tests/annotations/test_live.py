"""The version of a document's annotations that the reader polls: it changes with every change of
a note, answers 304 to the ETag it gave while nothing changed, and is the same in every process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.test import Client

from annotations import live
from annotations.models import Annotation
from reader import caching
from reader.models import Document
from tests.helpers import annotation_on, get_json, logged_in, send_json

API = "/api/annotations/"
CHANGES = "/api/annotations/changes/"
QUOTE = "模範的な同盟国（model allies）"


@pytest.fixture
def alice(analyst: User) -> Client:
    return logged_in(analyst)


def version(client: Client, document: Document) -> str:
    return str(get_json(client, CHANGES, document=document.slug)["version"])


def new_note(client: Client, document: Document, **fields: Any) -> dict[str, Any]:
    body = {"document": document.slug, "target": {"selector": [
        {"type": "TextQuoteSelector", "exact": QUOTE}]}, **fields}  # fmt: skip
    return dict(send_json(client, "post", API, body, 201))


@pytest.fixture(params=["database", "cache"])
def way(request: pytest.FixtureRequest, settings: Any) -> str:
    settings.ANNOTATIONS_LIVE_VERSION = request.param
    return str(request.param)


def test_the_version_changes_with_every_change_of_a_note(
    way: str, alice: Client, client: Client, seed_document: Document
) -> None:
    seen = [version(client, seed_document)]
    note = new_note(alice, seed_document, body="First", visibility="public")
    seen.append(version(client, seed_document))
    send_json(alice, "patch", f"{API}{note['id']}/", {"body": "Edited"}, 200)
    seen.append(version(client, seed_document))
    send_json(alice, "patch", f"{API}{note['id']}/", {"tags": ["allies"]}, 200)
    seen.append(version(client, seed_document))
    reply = send_json(alice, "post", API, {"parent": note["id"], "body": "A reply"}, 201)
    seen.append(version(client, seed_document))
    assert alice.delete(f"{API}{reply['id']}/").status_code == 204
    seen.append(version(client, seed_document))
    # Each change gives a version other than the one held before it (a reply made and deleted
    # again may give back the version of before the reply: the same notes, the same answer).
    assert all(before != after for before, after in zip(seen, seen[1:], strict=False)), seen
    assert len(set(seen[:5])) == 5, seen
    assert version(client, seed_document) == seen[-1]  # and stays while nothing changes


def test_a_tag_changed_on_its_own_changes_the_version_in_the_shared_cache(
    settings: Any, client: Client, analyst: User, seed_document: Document
) -> None:
    settings.ANNOTATIONS_LIVE_VERSION = "cache"
    note = annotation_on(seed_document, analyst, 0, 4)
    before = version(client, seed_document)
    note.set_tags(["korea"])
    assert version(client, seed_document) != before


def test_the_same_etag_gets_a_304_until_a_note_changes(
    way: str, alice: Client, seed_document: Document
) -> None:
    first = alice.get(CHANGES, {"document": seed_document.slug})
    assert first.status_code == 200 and first["ETag"] == f'"{first.json()["version"]}"'
    assert "no-cache" in first["Cache-Control"]
    again = alice.get(CHANGES, {"document": seed_document.slug}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    new_note(alice, seed_document)
    changed = alice.get(CHANGES, {"document": seed_document.slug}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_a_deletion_changes_the_database_version_though_nothing_else_was_updated(
    analyst: User, seed_document: Document, settings: Any
) -> None:
    settings.ANNOTATIONS_LIVE_VERSION = "database"
    annotation_on(seed_document, analyst, 0, 4)
    newest = annotation_on(seed_document, analyst, 10, 14)
    older_one = Annotation.objects.exclude(pk=newest.pk).get()
    before = live.version(seed_document)
    older_one.delete()  # the newest `updated` and the highest id stay as they were
    assert live.version(seed_document) != before


@pytest.fixture
def two_processes() -> Iterator[tuple[Any, Any]]:
    """Two caches as two worker processes have them: each its own local memory."""
    first = LocMemCache("worker-1", {})
    second = LocMemCache("worker-2", {})
    yield first, second
    first.clear()
    second.clear()


def test_without_redis_every_process_sees_the_same_version_from_the_database(
    two_processes: tuple[Any, Any],
    monkeypatch: pytest.MonkeyPatch,
    analyst: User,
    seed_document: Document,
    settings: Any,
) -> None:
    settings.ANNOTATIONS_LIVE_VERSION = "database"
    first, second = two_processes

    def version_in(cache: Any) -> str:
        monkeypatch.setattr(live, "cache", cache)
        return live.version(seed_document)

    assert version_in(first) == version_in(second)
    before = version_in(first)
    monkeypatch.setattr(live, "cache", first)  # the change is made in the first process
    annotation_on(seed_document, analyst, 0, 4)
    assert version_in(second) != before
    assert version_in(second) == version_in(first)


def test_with_redis_every_process_sees_the_change_through_it(
    monkeypatch: pytest.MonkeyPatch, analyst: User, seed_document: Document, settings: Any
) -> None:
    settings.ANNOTATIONS_LIVE_VERSION = "cache"
    options = {"KEY_PREFIX": "test-live-interchange"}
    first = RedisCache("redis://127.0.0.1:6379/0", options)
    second = RedisCache("redis://127.0.0.1:6379/0", options)
    try:
        first.get("ping")
    except Exception:  # noqa: BLE001  # no Redis here: nothing to show
        pytest.skip("no Redis at 127.0.0.1:6379")
    first.delete_many([live._key(seed_document.slug)])

    def version_in(cache: Any) -> str:
        monkeypatch.setattr(live, "cache", cache)
        return live.version(seed_document)

    before = version_in(second)
    assert version_in(first) == before
    monkeypatch.setattr(live, "cache", first)
    monkeypatch.setattr(caching, "cache", first)  # where a change renews the version
    annotation_on(seed_document, analyst, 0, 4)
    assert version_in(second) != before
    first.delete_many([live._key(seed_document.slug)])


def test_a_private_note_changes_the_version_but_the_list_shows_others_nothing(
    alice: Client, second_analyst: User, seed_document: Document
) -> None:
    bob = logged_in(second_analyst)
    before = version(bob, seed_document)
    new_note(alice, seed_document, body="Mine alone")
    assert version(bob, seed_document) != before
    assert get_json(bob, API, document=seed_document.slug)["results"] == []


def test_an_unknown_document_is_a_400_naming_it(alice: Client, seed_document: Document) -> None:
    assert get_json(alice, CHANGES, 400, document="nowhere")["field"] == "document"
    assert get_json(alice, CHANGES, 400)["field"] == "document"


def test_a_private_reader_gives_no_version_to_visitors(
    client: Client, seed_document: Document, settings: Any
) -> None:
    settings.READER_PUBLIC = False
    assert client.get(CHANGES, {"document": seed_document.slug}).status_code == 403
