"""Annotating through the API: targets, replies, judgements, exports, and bad input refused."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from annotations.models import Annotation
from reader.models import Document
from tests.helpers import logged_in, send_json

API = "/api/annotations/"
QUOTE = "模範的な同盟国（model allies）"


@pytest.fixture
def alice(client: Client, analyst: User) -> Client:
    client.force_login(analyst)
    return client


def post(client: Client, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
    return send_json(client, "post", API, body, status)


def quote(exact: str, **context: str) -> dict[str, Any]:
    return {"selector": [{"type": "TextQuoteSelector", "exact": exact, **context}]}


def position(start: int, end: int) -> dict[str, Any]:
    return {"selector": [{"type": "TextPositionSelector", "start": start, "end": end}]}


def test_a_quote_is_anchored_with_its_position_and_context(
    alice: Client, seed_document: Document
) -> None:
    text = seed_document.plain_text()
    data = post(alice, {"document": seed_document.slug, "target": quote(QUOTE), "body": "*Key*"})
    quote_selector, position_selector = data["target"]["selector"]
    start = text.index(QUOTE)
    assert position_selector == {"type": "TextPositionSelector", "start": start, "end": start + 21}
    assert quote_selector["exact"] == QUOTE
    assert text[start - 32 : start] == quote_selector["prefix"]
    assert data["body_html"] == '<p><em lang="en">Key</em></p>'
    assert data["state"] == "anchored" and data["visibility"] == "private"
    assert data["author"] == "alice" and data["can_edit"] is True


def test_positions_count_code_points_even_outside_the_basic_plane(
    alice: Client, analyst: User, db: None
) -> None:
    document = Document.objects.create(slug="yoshi", title="T")
    document.blocks.create(position=1, anchor="p1", text="𠮷野家の牛丼。")
    document.blocks.create(position=2, anchor="p2", text="吉野家と𠮷野家。")
    data = post(alice, {"document": "yoshi", "target": position(13, 16)})
    assert data["target"]["selector"][0]["exact"] == "𠮷野家"  # "𠮷野家の牛丼。\n\n吉野家と" is 13
    by_quote = post(alice, {"document": "yoshi", "target": quote("牛丼")})
    assert by_quote["target"]["selector"][1] == {
        "type": "TextPositionSelector", "start": 4, "end": 6,
    }  # fmt: skip


def test_prefix_and_suffix_choose_among_repeats(alice: Client, seed_document: Document) -> None:
    text = seed_document.plain_text()
    repeated = "模範的な同盟国"
    second = text.index(repeated, text.index(repeated) + 1)
    data = post(
        alice,
        {
            "document": seed_document.slug,
            "target": quote(
                repeated, prefix=text[second - 10 : second], suffix=text[second + 7 : second + 12]
            ),
        },
    )
    assert data["target"]["selector"][1]["start"] == second


def test_a_judgement_on_a_claim_records_the_claim(alice: Client, seed_document: Document) -> None:
    claim = seed_document.claims.get(note__number=4)
    data = post(
        alice,
        {
            "document": seed_document.slug,
            "target": quote("防衛費を対GDP比3.5%の水準へと段階的に引き上げる"),
            "judgement": "supported",
            "judgement_reason": "Joint fact sheet, Nov 2025",
        },
    )
    assert data["claim"] == claim.note.number == 4
    assert data["motivation"] == "assessing" and data["judgement"] == "supported"


def test_replies_form_threads(alice: Client, seed_document: Document, second_analyst: User) -> None:
    note = post(
        alice, {"document": seed_document.slug, "target": quote(QUOTE), "visibility": "analysts"}
    )
    bob = Client()
    bob.force_login(second_analyst)
    reply = post(bob, {"parent": note["id"], "body": "Agreed."})
    assert reply["target"] is None and reply["motivation"] == "replying"
    assert reply["visibility"] == "analysts" and reply["document"] == seed_document.slug
    assert alice.get(f"{API}{note['id']}/").json()["replies"] == [reply["id"]]


def test_filters_by_tag_author_and_judgement(alice: Client, seed_document: Document) -> None:
    post(alice, {"document": seed_document.slug, "target": quote(QUOTE), "tags": ["NDS", "allies"]})
    post(
        alice,
        {"document": seed_document.slug, "target": quote("防衛費"), "judgement": "disputed"},
    )

    def ids(**params: str) -> int:
        return len(alice.get(API, params).json()["results"])

    assert ids(tag="nds") == 1 and ids(tag="allies") == 1 and ids(tag="none") == 0
    assert ids(author="alice") == 2 and ids(author="bob") == 0
    assert ids(judgement="disputed") == 1


def test_editing_keeps_the_author_and_replaces_tags(alice: Client, seed_document: Document) -> None:
    note = post(alice, {"document": seed_document.slug, "target": quote(QUOTE), "tags": ["a"]})
    response = alice.patch(
        f"{API}{note['id']}/",
        {"body": "**new**", "tags": ["b", "c"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["body_html"] == "<p><strong>new</strong></p>"
    assert response.json()["tags"] == ["b", "c"]


def test_json_ld_follows_the_web_annotation_model(alice: Client, seed_document: Document) -> None:
    note = post(
        alice,
        {"document": seed_document.slug, "target": quote(QUOTE), "body": "Note", "tags": ["nds"]},
    )
    response = alice.get(f"{API}{note['id']}/", HTTP_ACCEPT="application/ld+json")
    assert response["Content-Type"].startswith("application/ld+json")
    data = response.json()
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "Annotation" and data["id"].endswith(f"/api/annotations/{note['id']}/")
    assert data["target"]["source"] == "http://testserver/documents/npi-commentary-80/"
    assert {s["type"] for s in data["target"]["selector"]} == {
        "TextQuoteSelector",
        "TextPositionSelector",
    }
    purposes = {b["purpose"]: b["value"] for b in data["body"]}
    assert purposes == {"commenting": "Note", "tagging": "nds"}
    page = alice.get(API, HTTP_ACCEPT="application/ld+json").json()
    assert page["type"] == "AnnotationPage" and len(page["items"]) == 1


def test_a_document_exports_as_json_ld_and_csv(alice: Client, seed_document: Document) -> None:
    post(alice, {"document": seed_document.slug, "target": quote(QUOTE), "body": "=SUM(A1)"})
    ld = alice.get(f"{API}export/", {"document": seed_document.slug})
    assert ld["Content-Type"].startswith("application/ld+json")
    assert ld.json()["type"] == "AnnotationCollection" and ld.json()["total"] == 1
    response = alice.get(f"{API}export/", {"document": seed_document.slug, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["exact"] == QUOTE and rows[0]["author"] == "alice"
    assert rows[0]["body"] == "'=SUM(A1)"  # never a formula in a spreadsheet


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"body": "x" * 10_001}, "body", "longer than 10,000 characters"),
        ({"target": position(10, 5)}, "target", "start (10) must be before end (5)"),
        ({"target": position(0, 99_999)}, "target", "is outside the text"),
        ({"target": position(-1, 5)}, "target", "greater than or equal to 0"),
        ({"target": quote("これは本文にない文")}, "target", "The quote is not in the text"),
        ({"target": quote("模範的な同盟国")}, "target", "The quote appears 7 times"),
        (
            {"target": {"selector": [
                {"type": "TextQuoteSelector", "exact": "別の語"},
                {"type": "TextPositionSelector", "start": 0, "end": 3},
            ]}},
            "target",
            "The quote does not match the text at 0–3",
        ),
        ({"visibility": "everyone"}, "visibility", "is not a valid choice"),
        ({"parent": 999_999}, "parent", "No note 999999 that you can see"),
        ({"judgement": "disputed", "target": quote("公表された国家防衛戦略の記述のうち")}, "judgement",
         "Only a selection within a claim"),
        ({"document": "nope"}, "document", "No document has the slug “nope”."),
        ({"target": None, "body": "no target"}, "target", "This field may not be null"),
        ({"tags": ["x" * 51]}, "tags", "no more than 50 characters"),
        ({"target": {"selector": [{"type": "CssSelector", "value": "p"}]}}, "target", "not a valid choice"),
    ],
)  # fmt: skip
def test_bad_input_is_a_400_naming_the_field_and_creates_nothing(
    alice: Client, seed_document: Document, body: dict[str, Any], field: str, message: str
) -> None:
    payload = {"document": seed_document.slug, "target": quote(QUOTE), **body}
    data = post(alice, payload, status=400)
    assert data["field"] == field
    assert message in data["detail"] or message in str(data.get("errors"))
    assert not Annotation.objects.exists()


def test_a_reply_cannot_reach_further_than_its_note(alice: Client, seed_document: Document) -> None:
    note = post(alice, {"document": seed_document.slug, "target": quote(QUOTE)})
    data = post(alice, {"parent": note["id"], "visibility": "public"}, status=400)
    assert data["field"] == "visibility"
    assert Annotation.objects.count() == 1


def test_a_forbidden_edit_changes_nothing(
    alice: Client, seed_document: Document, second_analyst: User
) -> None:
    note = post(
        alice,
        {
            "document": seed_document.slug,
            "target": quote(QUOTE),
            "body": "mine",
            "visibility": "analysts",
        },
    )
    bob = Client()
    bob.force_login(second_analyst)
    response = bob.patch(
        f"{API}{note['id']}/", {"body": "hijacked"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Annotation.objects.get().body == "mine"
    assert bob.delete(f"{API}{note['id']}/").status_code == 403
    assert Annotation.objects.count() == 1


def test_a_nested_error_is_a_message_that_says_where_never_a_python_repr(
    alice: Client, seed_document: Document
) -> None:
    target = {"selector": [{"type": "TextPositionSelector", "start": 0, "end": 4}, {"type": "X"}]}
    data = post(alice, {"document": seed_document.slug, "target": target}, status=400)
    assert data["field"] == "target"
    assert data["detail"].startswith("target.selector[1].type: ")
    assert "ErrorDetail" not in data["detail"] and "{" not in data["detail"]
    assert data["errors"]["target"]["selector"]["1"]["type"]  # every message, as JSON


def test_a_selector_missing_its_words_is_named_in_the_error(
    alice: Client, seed_document: Document
) -> None:
    target = {"selector": [{"type": "TextQuoteSelector"}]}
    data = post(alice, {"document": seed_document.slug, "target": target}, status=400)
    assert data["detail"] == "target.selector[0]: a TextQuoteSelector needs exact"


def test_narrowing_a_note_narrows_the_replies_under_it(
    alice: Client, seed_document: Document, second_analyst: User
) -> None:
    note = post(alice, {"document": seed_document.slug, "target": quote("防衛費を対GDP比3.5%の水準へと段階的に引き上げる"),
                        "body": "public", "visibility": "public"})  # fmt: skip
    bob = logged_in(second_analyst)
    reply = send_json(bob, "post", API, {"parent": note["id"], "visibility": "public"}, 201)
    under = send_json(bob, "post", API, {"parent": reply["id"], "visibility": "analysts"}, 201)
    assert Client().get(f"{API}{reply['id']}/").status_code == 200

    send_json(alice, "patch", f"{API}{note['id']}/", {"visibility": "private"}, 200)

    assert Client().get(f"{API}{reply['id']}/").status_code == 404  # no longer public
    states = dict(Annotation.objects.values_list("pk", "visibility"))
    assert (states[reply["id"]], states[under["id"]]) == ("private", "private")
    assert bob.get(f"{API}{reply['id']}/").status_code == 200  # its author still has it


def test_a_target_with_thousands_of_selectors_is_refused(
    alice: Client, seed_document: Document
) -> None:
    selectors = [{"type": "TextPositionSelector", "start": 0, "end": 4}] * 10_000
    body = {"document": seed_document.slug, "target": {"selector": selectors}}
    data = post(alice, body, status=400)
    assert data["field"] == "target" and "10" in data["detail"]
    assert not Annotation.objects.exists()


def test_api_errors_follow_the_interface_language(
    client: Client, small_document: Document, analyst: User
) -> None:
    client = logged_in(analyst, client)
    selector = {"type": "TextQuoteSelector", "exact": "存在しない語句"}
    body = {"document": small_document.slug, "target": {"selector": [selector]}, "body": "x"}
    english = client.post("/api/annotations/", body, content_type="application/json")
    assert english.status_code == 400
    assert "The quote is not in the text of the document." in english.json()["detail"]
    japanese = client.post(
        "/api/annotations/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert "引用は文書の本文にありません。" in japanese.json()["detail"]
    empty = dict(body, target={"selector": []})
    drf = client.post(
        "/api/annotations/", empty, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja"
    ).json()["detail"]
    assert "This list may not be empty" not in drf  # DRF's own messages, translated
    missing = client.get("/api/documents/nothing/", HTTP_ACCEPT_LANGUAGE="ja").json()
    assert missing["status"] == 404 and "見つかりません" in missing["detail"]
    cursor = client.get("/api/notes/", {"cursor": "cD0A"}, HTTP_ACCEPT_LANGUAGE="ja").json()
    assert "カーソルが無効です" in cursor["detail"]


@pytest.mark.parametrize("body", [" ", "\n\n", "\u3000 \t"])
def test_a_body_of_spaces_only_is_refused_and_changes_nothing(
    alice: Client, seed_document: Document, body: str
) -> None:
    data = post(
        alice, {"document": seed_document.slug, "target": quote(QUOTE), "body": body}, status=400
    )
    assert data["field"] == "body"
    assert "only spaces" in data["detail"]
    assert not Annotation.objects.exists()
    # An empty body stays a bare highlight.
    post(alice, {"document": seed_document.slug, "target": quote(QUOTE), "body": ""})


def test_a_note_whose_words_changed_says_when_and_resolving_it_does_not_count(
    alice: Client, seed_document: Document
) -> None:
    note = post(alice, {"document": seed_document.slug, "target": quote(QUOTE), "body": "a"})
    assert note["edited"] is None
    url = f"{API}{note['id']}/"
    same = send_json(alice, "patch", url, {"body": "a", "visibility": "analysts"}, 200)
    assert same["edited"] is None
    changed = send_json(alice, "patch", url, {"body": "b"}, 200)
    assert changed["edited"] is not None
    Annotation.objects.get(pk=note["id"]).resolve(by=Annotation.objects.get().author)
    assert send_json(alice, "patch", url, {"tags": ["x"]}, 200)["edited"] == changed["edited"]
