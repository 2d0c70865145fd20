"""The read API: every endpoint, filter and error, as a script would use it."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from reader.models import Document

from .helpers import get_json, send_json

NDS = "national-defense-strategy"
LEE = "李在明政権の発足と在韓米軍の戦略的柔軟性"


def test_documents_list_links_each_to_the_reader(client: Client, seed_document: Document) -> None:
    data = get_json(client, "/api/documents/")
    assert [d["slug"] for d in data["results"]] == ["npi-commentary-80"]
    assert data["results"][0]["url"] == "http://testserver/documents/npi-commentary-80/"
    assert data["next"] is None


def test_the_document_detail_holds_text_blocks_notes_and_claims(
    client: Client, seed_document: Document
) -> None:
    data = get_json(client, "/api/documents/npi-commentary-80/")
    assert data["date"] == "2026-02-20" and data["number"] == "80"
    blocks = data["blocks"]
    assert len(blocks) == 10 and [b["kind"] for b in blocks].count("quote") == 2
    assert data["text"] == "\n\n".join(b["text"] for b in blocks)
    for block in blocks:
        assert data["text"][block["offset"] : block["offset"] + len(block["text"])] == block["text"]
    assert "¹" not in data["text"]
    note3 = data["notes"][2]
    assert note3["number"] == 3 and note3["citations"][0]["pages"] == "p.19"
    assert note3["citations"][0]["source"] == NDS
    assert note3["citations"][0]["source_url_at_page"].endswith("STRATEGY.PDF#page=19")
    assert note3["url"] == "http://testserver/documents/npi-commentary-80/#note-3"
    claims = {c["note"]: c for c in data["claims"]}
    assert claims[3]["block"] == "q1"
    assert claims[3]["url"] == "http://testserver/documents/npi-commentary-80/#claim-3"


def test_an_unknown_document_is_a_json_404(client: Client, db: None) -> None:
    data = get_json(client, "/api/documents/nothing/", status=404)
    assert data["detail"] and data["status"] == 404


def test_sources_list_and_filter_by_document_and_kind(
    client: Client, seed_document: Document
) -> None:
    assert len(get_json(client, "/api/sources/")["results"]) == 6
    cited = get_json(client, "/api/sources/", document="npi-commentary-80")["results"]
    assert len(cited) == 6
    pdfs = get_json(client, "/api/sources/", kind="pdf")["results"]
    assert {s["slug"] for s in pdfs} == {
        NDS,
        "national-security-strategy-of-the-united-states-of-america",
        LEE,
    }
    assert get_json(client, "/api/sources/", language="ja")["results"][0]["language"] == "ja"


def test_the_source_detail_lists_pages_and_passages(
    client: Client, seed_document: Document
) -> None:
    data = get_json(client, f"/api/sources/{NDS}/")
    assert data["source_url"].endswith("2026-NATIONAL-DEFENSE-STRATEGY.PDF")
    assert data["url"] == f"http://testserver/sources/{NDS}/"
    assert [p["label"] for p in data["pages"]] == ["19", "20", "21"]
    assert [p["pages"] for p in data["passages"]] == ["p.19", "pp.20–21"]
    assert data["passages"][0]["quoted_in"] == "http://testserver/documents/npi-commentary-80/#q1"


def test_a_source_page_lists_the_claims_that_cite_it(
    client: Client, seed_document: Document
) -> None:
    data = get_json(client, f"/api/sources/{NDS}/pages/21/")
    assert data["label"] == "21" and data["text"] == ""
    assert data["source_url_at_page"].endswith("#page=21")
    assert [(c["document"], c["note"], c["pages"]) for c in data["cited_by"]] == [
        ("npi-commentary-80", 6, "pp.20–21"),
        ("npi-commentary-80", 8, "pp.20–21"),
    ]
    assert data["cited_by"][0]["url"] == "http://testserver/documents/npi-commentary-80/#claim-6"
    assert [p["pages"] for p in data["passages"]] == ["pp.20–21"]
    get_json(client, f"/api/sources/{NDS}/pages/99/", status=404)


def test_notes_filter_by_document_number_source_and_page(
    client: Client, seed_document: Document
) -> None:
    assert len(get_json(client, "/api/notes/", document="npi-commentary-80")["results"]) == 10
    assert [n["number"] for n in get_json(client, "/api/notes/", number=7)["results"]] == [7]
    by_source = get_json(client, "/api/notes/", source=NDS)["results"]
    assert [n["number"] for n in by_source] == [1, 3, 6, 8]
    on_page = get_json(client, "/api/notes/", source=NDS, source_page="20")["results"]
    assert [n["number"] for n in on_page] == [6, 8]
    assert get_json(client, "/api/notes/", language="en")["results"] == []


def test_citations_filter_by_source_page_and_form(client: Client, seed_document: Document) -> None:
    data = get_json(client, "/api/citations/", source=LEE, source_page="2")["results"]
    assert [(c["note"], c["locator"]) for c in data] == [(10, "2頁")]
    short = get_json(client, "/api/citations/", form="short")["results"]
    assert [c["note"] for c in short] == [3, 6, 8, 10]
    assert [c["note"] for c in get_json(client, "/api/citations/", note=9)["results"]] == [9]


@pytest.mark.parametrize(
    ("path", "params", "field", "message"),
    [
        ("/api/notes/", {"document": "nope"}, "document", "No document has the slug “nope”."),
        ("/api/citations/", {"source": "nope"}, "source", "No source has the slug “nope”."),
        ("/api/sources/", {"document": "nope"}, "document", "No document has the slug"),
        ("/api/notes/", {"source_page": "19"}, "source_page", "source_page needs source"),
        (
            "/api/citations/",
            {"source": NDS, "source_page": "99"},
            "source_page",
            "has no page “99”",
        ),
        ("/api/notes/", {"number": "x"}, "number", "Enter a number"),
        ("/api/sources/", {"kind": "film"}, "kind", "Select a valid choice"),
        ("/api/passages/", {}, "q", "This field is required"),
        ("/api/passages/", {"q": "。、！"}, "q", "no letters, digits or Japanese characters"),
        ("/api/passages/", {"q": "韓" * 201}, "q", "longer than 200 characters"),
        ("/api/passages/", {"q": "韓国", "kind": "video"}, "kind", "Select a valid choice"),
        (
            "/api/passages/",
            {"q": "韓国", "document": "nope"},
            "document",
            "No document has the slug",
        ),
        ("/api/passages/", {"q": "韓国", "cursor": "!!"}, "cursor", "Invalid cursor"),
        ("/api/documents/", {"cursor": "bogus"}, "cursor", "Invalid cursor"),
    ],
)
def test_bad_parameters_are_400s_naming_the_parameter(
    client: Client,
    seed_document: Document,
    path: str,
    params: dict[str, str],
    field: str | None,
    message: str,
) -> None:
    data = get_json(client, path, status=400, **params)
    assert data["field"] == field
    assert message in data["detail"]
    assert data["status"] == 400


def test_lists_page_with_a_cursor(client: Client, seed_document: Document) -> None:
    first = get_json(client, "/api/notes/", page_size=4)
    assert [n["number"] for n in first["results"]] == [1, 2, 3, 4]
    second = client.get(first["next"], HTTP_ACCEPT="application/json").json()
    assert [n["number"] for n in second["results"]] == [5, 6, 7, 8]


def test_a_page_size_that_is_not_a_whole_number_of_one_or_more_is_a_400(
    client: Client, seed_document: Document
) -> None:
    for wrong in ("0", "-3", "null", "", "1.5"):
        data = get_json(client, "/api/notes/", status=400, page_size=wrong)
        assert data["field"] == "page_size", wrong
    assert len(get_json(client, "/api/notes/", page_size=99_999)["results"]) == 10  # cut to 200


def test_an_empty_choice_or_number_is_a_400_but_an_empty_text_means_no_filter(
    client: Client, seed_document: Document
) -> None:
    for path, name in [("/api/notes/", "number"), ("/api/citations/", "form"),
                       ("/api/annotations/", "state"), ("/api/sources/", "kind")]:  # fmt: skip
        data = get_json(client, path, status=400, **{name: ""})
        assert data["field"] == name and "leave the parameter out" in data["detail"]
    assert len(get_json(client, "/api/notes/", document="", language="")["results"]) == 10
    assert get_json(client, "/api/annotations/", status=400, format="")["field"] == "format"


def test_options_answers_in_json_whatever_the_format_asked_for(
    client: Client, seed_document: Document
) -> None:
    for path in (
        "/api/annotations/export/?format=csv",
        "/api/documents/npi-commentary-80/bibliography/?format=bibtex",
    ):
        response = client.options(path)
        assert response.status_code == 200, path
        assert response["Content-Type"] == "application/json" and response.json()["name"]


def test_a_private_reader_refuses_anonymous_api_calls(
    client: Client, seed_document: Document, settings: Any
) -> None:
    settings.READER_PUBLIC = False
    assert get_json(client, "/api/documents/", status=403)["detail"]


def test_throttling_answers_429_with_a_message(
    client: Client, seed_document: Document, settings: Any
) -> None:
    settings.API_THROTTLE_RATES = {"anon": "3/minute", "user": "3/minute"}
    for _ in range(3):
        get_json(client, "/api/documents/")
    data = get_json(client, "/api/documents/", status=429)
    assert "throttled" in data["detail"].lower()


def test_a_client_cannot_dodge_the_limit_by_writing_its_own_x_forwarded_for(
    client: Client, seed_document: Document, settings: Any
) -> None:
    # NUM_PROXIES unset means no proxy stands in front: the client is its socket address.
    settings.API_THROTTLE_RATES = {"anon": "3/minute", "user": "3/minute"}
    statuses = [
        client.get("/api/documents/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


@pytest.mark.parametrize(
    "path",
    ["/api/documents/", "/api/notes/", "/api/citations/", "/api/sources/", "/api/annotations/"],
)
@pytest.mark.parametrize(
    "cursor",
    [
        "cD0A",  # base64 of "p=\\0": a NUL, which no database column holds
        base64.b64encode(b"o=-5&p=1").decode(),
        "not base64 at all!",
    ],
)
def test_a_made_up_cursor_is_a_400_naming_it_on_every_list(
    client: Client, seed_document: Document, path: str, cursor: str
) -> None:
    data = get_json(client, path, status=400, cursor=cursor)
    assert data["field"] == "cursor" and "next" in data["detail"]


@pytest.mark.parametrize("path", ["/api/notes/", "/api/citations/", "/api/annotations/"])
def test_a_cursor_whose_position_is_no_id_is_a_400(
    client: Client, seed_document: Document, path: str
) -> None:
    cursor = base64.b64encode(b"p=abc").decode()
    assert get_json(client, path, status=400, cursor=cursor)["field"] == "cursor"


def test_the_next_link_still_pages_through_a_list(client: Client, seed_document: Document) -> None:
    first = get_json(client, "/api/notes/", page_size=4)
    second = client.get(first["next"], HTTP_ACCEPT="application/json").json()
    numbers = [note["number"] for note in first["results"] + second["results"]]
    assert numbers == list(range(1, 9))


def test_cors_is_closed_by_default(client: Client, seed_document: Document) -> None:
    response = client.get("/api/documents/", HTTP_ORIGIN="https://elsewhere.example")
    assert "Access-Control-Allow-Origin" not in response


def test_cors_opens_to_configured_origins(
    client: Client, seed_document: Document, settings: Any
) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://lab.example"]
    response = client.get("/api/documents/", HTTP_ORIGIN="https://lab.example")
    assert response["Access-Control-Allow-Origin"] == "https://lab.example"


def test_the_schema_describes_every_endpoint(client: Client, db: None) -> None:
    schema = get_json(client, "/api/schema/", format="json")
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/documents/",
        "/api/documents/{slug}/",
        "/api/sources/",
        "/api/sources/{slug}/",
        "/api/sources/{slug}/pages/{label}/",
        "/api/notes/",
        "/api/citations/",
        "/api/passages/",
    ):
        assert path in schema["paths"], path
    names = [p["name"] for p in schema["paths"]["/api/passages/"]["get"]["parameters"]]
    assert {"q", "kind", "document", "source", "source_page", "cursor"} <= set(names)


def test_the_documentation_page_serves_its_assets_locally(client: Client, db: None) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in response.text
    assert "<script>" not in response.text


def test_a_nul_character_in_a_parameter_is_a_400(client: Client, seed_document: Document) -> None:
    data = get_json(client, "/api/passages/", status=400, q="韓\x00国")
    assert data["field"] == "q" and "NUL" in data["detail"]
    assert get_json(client, "/api/notes/", status=400, language="\x00")["field"] == "language"


@pytest.mark.parametrize(
    "path",
    [
        "/api/documents/%00/",
        "/api/sources/x/pages/1%00/",
        "/api/documents/x%00/bibliography/",
        "/api/annotations/%00/",
    ],
)
def test_a_nul_in_an_api_path_is_a_json_404(
    client: Client, seed_document: Document, path: str
) -> None:
    response = client.get(path, HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert response.json()["status"] == 404


@pytest.mark.parametrize(
    "path", ["/documents/%00/", "/sources/%00/", "/sources/x/pages/1%00/", "/documents/%00/check/"]
)
def test_a_nul_in_a_page_path_is_the_sites_404(
    client: Client, seed_document: Document, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_json_nested_too_deeply_is_a_400_that_says_so(client: Client, analyst: Any) -> None:
    client.force_login(analyst)
    response = client.post(
        "/api/annotations/", "[" * 999 + "]" * 999, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_a_nul_in_a_json_field_is_a_400_naming_the_field(
    client: Client, seed_document: Document, analyst: Any
) -> None:
    client.force_login(analyst)
    body = {"document": f"{seed_document.slug}\x00", "body": "x"}
    data = send_json(client, "post", "/api/annotations/", body, 400)
    assert data["field"] == "document" and "NUL" in data["detail"]


def test_a_nul_in_a_form_field_is_a_400_naming_the_field(
    client: Client, seed_document: Document, analyst: Any
) -> None:
    client.force_login(analyst)
    form = client.post(
        "/api/annotations/preview/", "body=a%00b", content_type="application/x-www-form-urlencoded"
    )
    multipart = client.post("/api/annotations/preview/", {"body": "a\x00b"})
    token = client.post("/api/auth/token/", {"username": "alice\x00", "password": "x"})
    for response in (form, multipart, token):
        assert response.status_code == 400, response.content
        assert "NUL" in response.json()["detail"]
    assert (form.json()["field"], token.json()["field"]) == ("body", "username")


def test_a_body_over_the_upload_limit_is_a_json_413(
    client: Client, seed_document: Document, analyst: Any, settings: Any
) -> None:
    client.force_login(analyst)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = {"document": seed_document.slug, "body": "x" * 20_000}
    data = send_json(client, "post", "/api/annotations/", body, 413)
    assert data["status"] == 413 and "10,000 bytes" in data["detail"]


def test_a_json_body_takes_the_types_the_schema_gives_and_a_form_its_text(
    client: Client, seed_document: Document, analyst: Any
) -> None:
    client.force_login(analyst)
    for body, field in [({"body": 0}, "body"), ({"parent": "1", "body": "x"}, "parent")]:
        path = "/api/annotations/preview/" if field == "body" else "/api/annotations/"
        data = send_json(client, "post", path, body, 400)
        assert data["field"] == field, data
    form = client.post(
        "/api/annotations/preview/", "body=0", content_type="application/x-www-form-urlencoded"
    )
    assert form.json() == {"body_html": "<p>0</p>"}
