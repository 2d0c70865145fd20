"""Anonymous reading at the speed of a cache: the reader, source and source-page views send a
strong ETag and Last-Modified, answer revalidations with 304, say that a shared cache may keep
them, and cost no database query once cached; any change to what they show gives a new ETag."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reader.alignment import add_original
from reader.models import Document, SourcePassage

from .helpers import annotation_on, logged_in
from .pdfs import import_nds_like_pdf

READER = "/documents/npi-commentary-80/"
NDS_PAGE_19 = "/sources/national-defense-strategy/pages/19/"


def queries_of(client: Client, url: str, **headers: str) -> tuple[int, int]:
    """The status of a GET and the SQL queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url, **headers).status_code
    return status, len(queries)


def test_an_anonymous_reader_page_says_that_a_shared_cache_may_keep_it(
    client: Client, seed_document: Document, settings: object
) -> None:
    settings.READER_MAX_AGE = 30  # type: ignore[attr-defined]
    settings.READER_SHARED_MAX_AGE = 600  # type: ignore[attr-defined]
    response = client.get(READER)
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=30", "s-maxage=600"}
    vary = {part.strip() for part in response["Vary"].split(",")}
    assert {"Accept-Language", "Accept-Encoding", "Cookie"} <= vary
    assert response["ETag"].startswith('"') and not response["ETag"].startswith("W/")
    assert response["Last-Modified"].endswith(" GMT")


def test_a_cached_page_and_a_304_cost_no_database_query(
    client: Client, seed_document: Document
) -> None:
    etag = client.get(READER)["ETag"]  # rendered and cached
    assert queries_of(client, READER) == (200, 0)
    assert queries_of(client, READER, HTTP_IF_NONE_MATCH=etag) == (304, 0)


def test_a_304_carries_the_validators_and_no_body(client: Client, seed_document: Document) -> None:
    first = client.get(READER)
    again = client.get(READER, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and "public" in again["Cache-Control"]
    since = client.get(READER, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    assert client.get(READER, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_the_etag_differs_by_language_and_encoding(client: Client, seed_document: Document) -> None:
    english = client.get(READER, HTTP_ACCEPT_LANGUAGE="en")["ETag"]
    japanese = client.get(READER, HTTP_ACCEPT_LANGUAGE="ja")["ETag"]
    gzipped = client.get(READER, HTTP_ACCEPT_LANGUAGE="en", HTTP_ACCEPT_ENCODING="gzip")
    assert len({english, japanese, gzipped["ETag"]}) == 3
    stale = client.get(READER, HTTP_ACCEPT_LANGUAGE="ja", HTTP_IF_NONE_MATCH=english)
    assert stale.status_code == 200 and '<html lang="ja">' in stale.text


def test_a_new_revision_gives_a_new_etag_and_the_new_text(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    from reader.importers.commentary import import_commentary

    from .helpers import SEED

    etag = client.get(READER)["ETag"]
    changed = tmp_path / "npi-commentary-80.txt"
    text = SEED.read_text(encoding="utf-8").replace("取り立てて新しくはない", "目新しくはない")
    changed.write_text(text, encoding="utf-8")
    import_commentary(changed)
    response = client.get(READER, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "目新しくはない" in response.text
    assert response["ETag"] != etag


def test_an_annotation_anonymous_readers_see_gives_a_new_etag(
    client: Client, seed_document: Document, analyst: User
) -> None:
    etag = client.get(READER)["ETag"]
    note = annotation_on(seed_document, analyst, 0, 5, body="Public.", visibility="public")
    assert client.get(READER, HTTP_IF_NONE_MATCH=etag).status_code == 200
    etag = client.get(READER)["ETag"]
    note.delete()
    assert client.get(READER, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_logged_in_reader_gets_a_private_page_without_a_shared_etag(
    client: Client, seed_document: Document, analyst: User
) -> None:
    logged_in(analyst, client)
    response = client.get(READER)
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert "ETag" not in response
    assert "alice" in response.text


def test_an_unknown_page_is_not_kept(client: Client, db: None) -> None:
    assert client.get("/documents/later/").status_code == 404
    Document.objects.create(slug="later", title="Written later", language="ja")
    assert client.get("/documents/later/").status_code == 200


def test_source_pages_are_shared_revalidated_and_renewed_by_an_alignment(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    first = client.get(NDS_PAGE_19)
    assert first.status_code == 200 and "public" in first["Cache-Control"]
    assert queries_of(client, NDS_PAGE_19, HTTP_IF_NONE_MATCH=first["ETag"]) == (304, 0)
    source = client.get("/sources/national-defense-strategy/")
    assert queries_of(
        client, "/sources/national-defense-strategy/", HTTP_IF_NONE_MATCH=source["ETag"]
    ) == (304, 0)

    translation = SourcePassage.objects.get(block__anchor="q1", block__document=seed_document)
    add_original(translation=translation, text="model allies - those that spend")

    assert client.get(NDS_PAGE_19, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    assert (
        client.get(
            "/sources/national-defense-strategy/", HTTP_IF_NONE_MATCH=source["ETag"]
        ).status_code
        == 200
    )


@pytest.mark.parametrize("url", [READER, "/sources/national-defense-strategy/"])
def test_a_query_string_does_not_make_a_new_entry(
    client: Client, seed_document: Document, url: str
) -> None:
    client.get(url)
    assert queries_of(client, url + "?bust=1") == (200, 0)


def test_every_worker_derives_the_same_etag(client: Client, seed_document: Document) -> None:
    etag = client.get(READER)["ETag"]
    cache.clear()  # as another worker process sees it, with a cache of its own
    assert client.get(READER)["ETag"] == etag
    assert client.get(READER, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_kept_page_carries_the_same_headers_as_the_view_gives(
    client: Client, seed_document: Document
) -> None:
    first = client.get(READER, HTTP_ACCEPT_LANGUAGE="ja")  # rendered by the view
    again = client.get(READER, HTTP_ACCEPT_LANGUAGE="ja")  # straight from the cache
    assert again.content == first.content
    for header in (
        "Content-Type",
        "Content-Language",
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "ETag",
        "Cache-Control",
    ):
        assert again[header] == first[header], header
    assert set(again["Vary"].split(", ")) == set(first["Vary"].split(", "))


def test_a_visitor_with_a_session_gets_the_view_not_the_shared_page(
    client: Client, seed_document: Document, analyst: User
) -> None:
    client.get(READER)  # kept for anonymous readers
    logged_in(analyst, client)
    page = client.get(READER)
    assert "alice" in page.text and "private" in page["Cache-Control"]
