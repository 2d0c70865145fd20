"""Annotations from other tools: a W3C Web Annotation in JSON-LD through the create endpoint, and
files of many (our JSON-LD export, a Hypothesis export) through the import endpoint."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from annotations.models import Annotation
from reader.models import Document
from tests.helpers import logged_in, send_json

API = "/api/annotations/"
IMPORT = "/api/annotations/import/"
LD = "application/ld+json"
QUOTE = "模範的な同盟国（model allies）"
READER = "http://testserver/documents/npi-commentary-80/"


@pytest.fixture
def alice(analyst: User) -> Client:
    return logged_in(analyst)


def post_ld(client: Client, body: Any, status: int, path: str = API) -> dict[str, Any]:
    response = client.post(path, json.dumps(body), content_type=LD, HTTP_ACCEPT="application/json")
    assert response.status_code == status, response.content
    return response.json()


def upload(client: Client, content: bytes, status: int, name: str = "notes.json", **params: str):  # type: ignore[no-untyped-def]
    query = "&".join(f"{key}={value}" for key, value in params.items())
    response = client.post(
        f"{IMPORT}?{query}",
        {"file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == status, response.content
    return response.json()


def web_annotation(exact: str = QUOTE, source: str = READER, **more: Any) -> dict[str, Any]:
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "body": [
            {"type": "TextualBody", "value": "A *model* ally", "purpose": "commenting"},
            {"type": "TextualBody", "value": "Allies", "purpose": "tagging"},
        ],
        "target": {"source": source, "selector": [{"type": "TextQuoteSelector", "exact": exact}]},
        **more,
    }


def places(document: Document) -> list[tuple[str, list[str], int | None, int | None, str]]:
    return sorted(
        (a.body, sorted(t.name for t in a.tags.all()), a.start, a.end, a.exact)
        for a in Annotation.objects.filter(document=document, parent=None)
    )


# --- one Web Annotation, created -----------------------------------------------------------------


def test_a_web_annotation_in_json_ld_is_created_as_a_note(
    alice: Client, seed_document: Document
) -> None:
    data = post_ld(alice, web_annotation(audience="analysts"), 201)
    start = seed_document.plain_text().index(QUOTE)
    assert data["body"] == "A *model* ally" and data["tags"] == ["allies"]
    assert data["visibility"] == "analysts" and data["author"] == "alice"
    assert data["target"]["selector"][1] == {
        "type": "TextPositionSelector",
        "start": start,
        "end": start + len(QUOTE),
    }


def test_our_own_json_ld_of_a_note_and_its_reply_is_taken_back(
    alice: Client, seed_document: Document
) -> None:
    note = post_ld(alice, web_annotation(), 201)
    ld = alice.get(f"{API}{note['id']}/", HTTP_ACCEPT=LD).json()
    again = post_ld(alice, ld, 201)
    assert again["id"] != note["id"]
    assert (again["body"], again["tags"], again["target"]) == (
        note["body"],
        note["tags"],
        note["target"],
    )
    reply = {"type": "Annotation", "body": "Agreed", "target": ld["id"], "motivation": "replying"}
    answer = post_ld(alice, reply, 201)
    assert answer["parent"] == note["id"] and answer["body"] == "Agreed"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (web_annotation(source="/documents/nowhere/"), "target.source"),
        (web_annotation(source="https://example.com/page"), "target.source"),
        ({**web_annotation(), "target": {"source": READER}}, "target.selector"),
        ({**web_annotation(), "body": [{"value": "x", "purpose": "linking"}]}, "body[0].purpose"),
        ({**web_annotation(), "body": {"type": "Image", "value": "x"}}, "body.type"),
        ({**web_annotation(), "body": [{"value": "x", "purpose": {}}]}, "body[0].purpose"),
        ({**web_annotation(), "type": "Collection"}, "type"),
        ({**web_annotation(), "audience": "everyone"}, "audience"),
        ({**web_annotation(), "target": "/api/annotations/999999/"}, "target"),
        (web_annotation(exact="no such words anywhere"), "target"),
    ],
)
def test_a_web_annotation_that_cannot_be_read_is_a_400_naming_its_field(
    alice: Client, seed_document: Document, body: dict[str, Any], field: str
) -> None:
    error = post_ld(alice, body, 400)
    assert error["field"] == field and error["detail"].startswith(f"{field}: ")
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("body", [[web_annotation()], "a note", 5])
def test_json_ld_that_is_not_an_object_is_a_400(
    alice: Client, seed_document: Document, body: Any
) -> None:
    assert post_ld(alice, body, 400)["detail"] == "A Web Annotation is a JSON object."


# --- a file of many, imported --------------------------------------------------------------------


def test_a_json_ld_export_reimported_into_an_empty_database_makes_the_same_notes(
    alice: Client, seed_document: Document
) -> None:
    text = seed_document.plain_text()
    first = send_json(
        alice, "post", API,
        {"document": seed_document.slug, "body": "First", "tags": ["nds", "korea"],
         "target": {"selector": [{"type": "TextQuoteSelector", "exact": QUOTE}]}},
        201,
    )  # fmt: skip
    start = text.index("国家防衛戦略")
    send_json(
        alice, "post", API,
        {"document": seed_document.slug, "body": "Second", "visibility": "analysts",
         "target": {"selector": [{"type": "TextPositionSelector", "start": start, "end": start + 6}]}},
        201,
    )  # fmt: skip
    send_json(alice, "post", API, {"parent": first["id"], "body": "A reply"}, 201)
    export = alice.get(f"{API}export/", {"document": seed_document.slug}).content
    before = places(seed_document)

    Annotation.objects.all().delete()
    report = upload(alice, export, 201, name="npi-commentary-80-annotations.jsonld")

    assert len(report["created"]) == 3 and report["failed"] == [], report
    assert places(seed_document) == before
    reply = Annotation.objects.get(body="A reply")
    assert reply.parent is not None and reply.parent.body == "First"
    assert reply.parent_id in report["created"]
    assert set(Annotation.objects.values_list("visibility", flat=True)) == {"private"}
    assert set(Annotation.objects.values_list("author__username", flat=True)) == {"alice"}


def test_an_import_takes_a_json_body_and_the_visibility_asked_for(
    alice: Client, seed_document: Document
) -> None:
    collection = {"type": "AnnotationCollection", "first": {"items": [web_annotation()]}}
    response = alice.post(
        f"{IMPORT}?visibility=analysts", collection, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    note = Annotation.objects.get(pk=response.json()["created"][0])
    assert note.visibility == "analysts" and note.body == "A *model* ally"


def hypothesis_rows() -> dict[str, Any]:
    page = "https://www.example.org/nds-commentary.html"
    return {
        "total": 3,
        "rows": [
            {
                "id": "hA1",
                "uri": page,
                "text": "From Hypothesis",
                "tags": ["Allies"],
                "target": [
                    {
                        "source": page,
                        "selector": [
                            {
                                "type": "RangeSelector",
                                "startContainer": "/p[3]",
                                "startOffset": 0,
                                "endContainer": "/p[3]",
                                "endOffset": 9,
                            },
                            {"type": "TextPositionSelector", "start": 5, "end": 26},
                            {
                                "type": "TextQuoteSelector",
                                "exact": QUOTE,
                                "prefix": "",
                                "suffix": "",
                            },
                        ],  # fmt: skip
                    }
                ],
            },
            {
                "id": "hB2",
                "uri": page,
                "text": "A reply there",
                "tags": [],
                "references": ["hA1"],
                "target": [{"source": page}],
            },
            {
                "id": "hC3",
                "uri": page,
                "text": "Words not here",
                "target": [
                    {
                        "source": page,
                        "selector": [
                            {"type": "TextQuoteSelector", "exact": "words that are in no document"}
                        ],
                    }
                ],
            },  # fmt: skip
        ],
    }


def test_a_hypothesis_export_is_imported_into_the_document_named(
    alice: Client, seed_document: Document
) -> None:
    content = json.dumps(hypothesis_rows()).encode()
    report = upload(alice, content, 201, document=seed_document.slug)
    assert len(report["created"]) == 2
    assert report["failed"] == [
        {"index": 2, "id": "hC3", "reason": "target: The quote is not in the text of the document."}
    ]
    note = Annotation.objects.get(body="From Hypothesis")
    assert note.exact == QUOTE and note.start == seed_document.plain_text().index(QUOTE)
    assert [tag.name for tag in note.tags.all()] == ["allies"]
    assert Annotation.objects.get(body="A reply there").parent == note


def test_a_hypothesis_list_without_a_document_named_is_refused_naming_the_parameter(
    alice: Client, seed_document: Document
) -> None:
    content = json.dumps(hypothesis_rows()["rows"]).encode()
    report = upload(alice, content, 400)
    assert report["field"] == "file" and report["created"] == []
    assert report["failed"][0]["id"] == "hA1"
    assert "`document` parameter" in report["failed"][0]["reason"]
    assert (
        report["failed"][1]["reason"]
        == "references: The note it replies to (hA1) could not be imported."
    )
    assert not Annotation.objects.exists()


def test_annotations_of_another_document_of_ours_are_reported_not_created(
    alice: Client, seed_document: Document, small_document: Document
) -> None:
    content = json.dumps([web_annotation()]).encode()
    report = upload(alice, content, 400, document=small_document.slug)
    assert report["failed"] == [
        {
            "index": 0,
            "id": None,
            "reason": "target.source: It is on another document of this reader "
            "(npi-commentary-80), not small.",
        }
    ]
    assert report["detail"].startswith("file: Nothing could be imported")
    assert not Annotation.objects.exists()


def test_a_file_that_is_not_json_is_a_400_naming_the_file(
    alice: Client, seed_document: Document
) -> None:
    error = upload(alice, b"id,body\n1,hello\n", 400, name="notes.csv")
    assert error["field"] == "file" and "notes.csv is not JSON" in error["detail"]
    assert not Annotation.objects.exists()


def test_a_file_too_large_is_a_400_naming_the_limit(
    alice: Client, seed_document: Document, settings: Any
) -> None:
    settings.ANNOTATIONS_IMPORT_MAX_BYTES = 100
    error = upload(alice, json.dumps([web_annotation()] * 3).encode(), 400)
    assert error["field"] == "file" and "larger than 100 bytes" in error["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"document": "nowhere"}, "document"),
        ({"visibility": "world"}, "visibility"),
        ({"visibility": "team", "team": "korea-desk"}, "team"),
    ],  # fmt: skip
)
def test_bad_import_parameters_are_a_400_naming_them(
    alice: Client, seed_document: Document, params: dict[str, str], field: str
) -> None:
    error = upload(alice, json.dumps([web_annotation()]).encode(), 400, **params)
    assert error["field"] == field
    assert not Annotation.objects.exists()


def test_a_json_object_that_holds_no_annotations_is_refused(
    alice: Client, seed_document: Document
) -> None:
    response = alice.post(IMPORT, {"hello": "world"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "file"


def test_only_analysts_import(client: Client, member: User, seed_document: Document) -> None:
    content = json.dumps([web_annotation()]).encode()
    assert upload(logged_in(member), content, 403)["status"] == 403
    assert upload(client, content, 403)["status"] == 403
    assert not Annotation.objects.exists()


def test_an_edit_is_sent_in_the_json_form_not_in_json_ld(
    alice: Client, seed_document: Document
) -> None:
    note = post_ld(alice, web_annotation(), 201)
    response = alice.patch(f"{API}{note['id']}/", json.dumps({"body": "Changed"}), content_type=LD)
    assert response.status_code == 415
    assert Annotation.objects.get(pk=note["id"]).body == "A *model* ally"


@pytest.mark.parametrize(
    "content",
    [json.dumps([web_annotation(exact="a\x00b")]).encode(), b"[" * 100_000 + b"]" * 100_000],
)
def test_a_file_with_a_nul_or_nested_too_deeply_is_a_400_naming_the_file(
    alice: Client, seed_document: Document, content: bytes
) -> None:
    assert upload(alice, content, 400)["field"] == "file"
    assert not Annotation.objects.exists()
