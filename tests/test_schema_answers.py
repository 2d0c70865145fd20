"""The answers the API gives match what its schema says of them, checked by schemathesis'
response validation on real answers of the mismatches issue 23 found: a note without a team, the
ledger's Japanese source slugs, a flag answered in JSON-LD, and an empty `q` on the note list."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.authtoken.models import Token
from werkzeug.test import Client as WSGIClient
from werkzeug.test import TestResponse

from config.wsgi import application
from reader.models import Document

SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
QUOTE = "模範的な同盟国（model allies）"


@pytest.fixture
def wsgi(settings: Any) -> Iterator[WSGIClient]:
    """The application called as a WSGI server would, in the test's transaction."""
    settings.API_THROTTLE_RATES = {}
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIClient(application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def token(user: User) -> dict[str, str]:
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def matches_schema(response: TestResponse, path: str, method: str = "GET") -> None:
    """Raises, naming what differs, unless the answer is one the schema declares."""
    SCHEMA[path][method].validate_response(response)


def new_note(wsgi: WSGIClient, user: User, document: Document, **fields: Any) -> dict[str, Any]:
    body = {"document": document.slug, "body": "Note",
            "target": {"selector": [{"type": "TextQuoteSelector", "exact": QUOTE}]}, **fields}  # fmt: skip
    answer = wsgi.post(
        "/api/annotations/", data=json.dumps(body), content_type="application/json",
        headers=token(user),
    )  # fmt: skip
    assert answer.status_code == 201, answer.text
    return answer.json  # type: ignore[no-any-return]


def test_a_note_without_a_team_matches_the_schema(
    wsgi: WSGIClient, analyst: User, seed_document: Document
) -> None:
    note = new_note(wsgi, analyst, seed_document)
    answer = wsgi.get(f"/api/annotations/{note['id']}/", headers=token(analyst))
    assert answer.json["team"] is None
    matches_schema(answer, "/api/annotations/{id}/")


def test_the_ledger_with_japanese_source_slugs_matches_the_schema(
    wsgi: WSGIClient, seed_document: Document
) -> None:
    answer = wsgi.get(f"/api/documents/{seed_document.slug}/claims/")
    slugs = {slug for claim in answer.json for slug in claim["sources"]}
    assert any(not slug.isascii() for slug in slugs), slugs  # the seed's own: 李在明政権の発足…
    matches_schema(answer, "/api/documents/{slug}/claims/")


def test_a_flag_answered_in_json_ld_matches_the_schema(
    wsgi: WSGIClient, analyst: User, second_analyst: User, seed_document: Document
) -> None:
    note = new_note(wsgi, second_analyst, seed_document, visibility="analysts")
    answer = wsgi.post(
        f"/api/annotations/{note['id']}/flag/?format=jsonld",
        data=json.dumps({"reason": "Off topic"}),
        content_type="application/json",
        headers=token(analyst),
    )
    assert answer.status_code == 201 and answer.mimetype == "application/ld+json"
    assert answer.json["type"] == "Annotation" and answer.json["id"].endswith(f"/{note['id']}/")
    matches_schema(answer, "/api/annotations/{id}/flag/", "POST")


def test_an_empty_q_lists_the_notes_unfiltered_as_the_schema_allows(
    wsgi: WSGIClient, analyst: User, seed_document: Document
) -> None:
    """An empty `q` is no filter, as an empty `tag` or `team` is, and as the desk's search box
    treats it: what a form sends when its search box is left empty. The schema has always
    allowed it; the list used to refuse it."""
    new_note(wsgi, analyst, seed_document)
    for query in ["", " "]:
        answer = wsgi.get("/api/annotations/", query_string={"q": query}, headers=token(analyst))
        assert answer.status_code == 200 and len(answer.json["results"]) == 1, query
        matches_schema(answer, "/api/annotations/")
    refused = wsgi.get("/api/annotations/", query_string={"q": "!!"}, headers=token(analyst))
    assert refused.status_code == 400 and refused.json["field"] == "q"


def test_the_schema_declares_the_idempotency_key_where_it_is_honoured(client: Any) -> None:
    document = client.get("/api/schema/?format=json").json()
    honoured = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))
    }
    notes = "/api/annotations/"
    assert honoured == {
        ("POST", notes), ("POST", f"{notes}import/"), ("POST", "/api/source-passages/"),
        *(("POST", f"{notes}{{id}}/{action}/")
          for action in ("flag", "resolve", "reopen", "hide", "restore")),
    }  # fmt: skip
    create = document["paths"][notes]["post"]
    header = next(p for p in create["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and not header.get("required", False)
    assert {"409", "422"} <= set(create["responses"])
    assert "Retry-After" in create["responses"]["409"]["headers"]
    assert "409" not in document["paths"]["/api/annotations/{id}/"]["patch"]["responses"]


def test_the_list_of_notes_links_to_each_notes_operations(client: Any) -> None:
    document = client.get("/api/schema/?format=json").json()
    links = document["paths"]["/api/annotations/"]["get"]["responses"]["200"]["links"]
    flag = links["first_annotations_flag_create"]
    assert flag["operationId"] == "annotations_flag_create"
    assert flag["parameters"] == {"id": "$response.body#/results/0/id"}
    assert {link["operationId"] for link in links.values()} >= {
        "annotations_retrieve", "annotations_partial_update", "annotations_destroy",
        "annotations_resolve_create", "annotations_reopen_create",
    }  # fmt: skip
