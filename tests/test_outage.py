"""While the database cannot be reached, requests that need it get a 503 with Retry-After in the
error format of their kind, anonymous reader pages already in the cache are still served, and
the app works again as soon as the database is back.

The outage is made by failing every SQL statement the way the driver does when the server is
down (Django's OperationalError); bench/load.py --restart-db restarts a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError, connection
from django.test import Client

from reader.models import Document

from .helpers import logged_in

READER = "/documents/npi-commentary-80/"


def refuse(*args: Any) -> Any:
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: refused')


@contextmanager
def database_down() -> Iterator[None]:
    with connection.execute_wrapper(refuse):
        yield


def test_a_cached_reader_page_is_served_during_an_outage(
    client: Client, seed_document: Document
) -> None:
    page = client.get(READER)
    with database_down():
        again = client.get(READER)
        revalidated = client.get(READER, HTTP_IF_NONE_MATCH=page["ETag"])
    assert again.status_code == 200 and again.content == page.content
    assert revalidated.status_code == 304


@pytest.mark.parametrize(
    ("url", "language", "words"),
    [
        ("/sources/", "en", "cannot reach its database"),
        ("/documents/npi-commentary-80/", "ja", "データベース"),
        ("/search/?q=同盟", "en", "Try again"),
    ],
)
def test_a_page_that_needs_the_database_is_a_503_page(
    client: Client, seed_document: Document, url: str, language: str, words: str
) -> None:
    with database_down():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert words in response.text and "Traceback" not in response.text
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/api/documents/", "/api/passages/?q=同盟", "/api/sources/"])
def test_an_api_request_is_a_json_503(client: Client, seed_document: Document, url: str) -> None:
    with database_down():
        response = client.get(url)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json() == {
        "detail": "The database is unavailable just now: try again in 5 seconds.",
        "field": None,
        "status": 503,
    }


def test_a_write_during_an_outage_is_a_503_and_a_write_after_it_works(
    seed_document: Document, analyst: User
) -> None:
    client = logged_in(analyst, Client(raise_request_exception=False))
    body = {
        "document": seed_document.slug,
        "target": {"selector": [{"type": "TextPositionSelector", "start": 0, "end": 4}]},
        "body": "During the outage.",
    }
    with database_down():
        refused = client.post("/api/annotations/", body, content_type="application/json")
    assert refused.status_code == 503 and refused.json()["status"] == 503
    created = client.post("/api/annotations/", body, content_type="application/json")
    assert created.status_code == 201, created.json()


def test_the_logged_in_reader_gets_the_503_page_not_a_500(
    seed_document: Document, analyst: User
) -> None:
    # Its session cannot even be read: the error is raised outside the view, and answered by
    # the 500 handler (the test client would re-raise it; a server does not).
    client = logged_in(analyst, Client(raise_request_exception=False))
    with database_down():
        response = client.get(READER)
    assert response.status_code == 503 and response["Retry-After"] == "5"


def test_the_reader_recovers_when_the_database_returns(
    client: Client, seed_document: Document
) -> None:
    with database_down():
        assert client.get("/sources/").status_code == 503
    assert client.get("/sources/").status_code == 200
    assert client.get("/api/documents/").status_code == 200


def test_a_page_changed_just_before_the_outage_is_served_as_last_kept(
    client: Client, seed_document: Document, analyst: User
) -> None:
    from .helpers import annotation_on

    page = client.get(READER)
    annotation_on(seed_document, analyst, 0, 4, body="Changes the stamp.", visibility="public")
    with database_down():
        again = client.get(READER)
    assert again.status_code == 200 and again.content == page.content
    assert again["Cache-Control"] == "no-cache"  # no shared cache keeps it
    assert client.get(READER)["Cache-Control"].startswith("public")  # and it is known again
