"""Deleting a note keeps the words of others: a note that others have replied to becomes a
tombstone ("deleted by its author", without its words), its replies stay readable; a note with
no replies from others is deleted with its own thread, as before; a tombstone left with no
replies goes too."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from annotations.models import Annotation
from reader.models import Document
from tests.helpers import get_json, logged_in, send_json

API = "/api/annotations/"
WORDS = "防衛費を対GDP比3.5%の水準へと段階的に引き上げる"


@pytest.fixture
def alice(analyst: User) -> Client:
    return logged_in(analyst)


@pytest.fixture
def bob(second_analyst: User) -> Client:
    return logged_in(second_analyst)


def note_by(client: Client, document: Document, **fields: Any) -> dict[str, Any]:
    target = {"selector": [{"type": "TextQuoteSelector", "exact": WORDS}]}
    body = {"document": document.slug, "target": target, "visibility": "public", **fields}
    return send_json(client, "post", API, body, 201)


def reply_by(client: Client, parent: dict[str, Any], body: str = "A reply.") -> dict[str, Any]:
    return send_json(client, "post", API, {"parent": parent["id"], "body": body}, 201)


def delete(client: Client, note: dict[str, Any]) -> int:
    return client.delete(f"{API}{note['id']}/").status_code


def test_deleting_a_note_keeps_the_replies_of_others(
    alice: Client, bob: Client, seed_document: Document
) -> None:
    note = note_by(alice, seed_document, body="Alice's *view*.")
    reply = reply_by(bob, note, "Bob's answer.")

    assert delete(alice, note) == 204

    kept = get_json(Client(), f"{API}{reply['id']}/")  # anyone still reads it, in its thread
    assert kept["body"] == "Bob's answer." and kept["parent"] == note["id"]
    assert [a["id"] for a in get_json(Client(), API)["results"]] == [note["id"], reply["id"]]


def test_the_note_kept_for_its_replies_is_a_tombstone_without_its_words(
    alice: Client, bob: Client, seed_document: Document
) -> None:
    note = note_by(alice, seed_document, body="Alice's *view*.", tags=["nds"],
                   judgement="supported", judgement_reason="p.19 says so")  # fmt: skip
    reply = reply_by(bob, note)

    delete(alice, note)

    tombstone = get_json(Client(), f"{API}{note['id']}/")
    assert tombstone["deleted"] is True
    assert (tombstone["body"], tombstone["body_html"], tombstone["tags"]) == ("", "", [])
    assert (tombstone["judgement"], tombstone["judgement_reason"]) == ("", "")
    # The place is kept (the thread stays beside its paragraph), the quoted words are not.
    assert tombstone["target"] == {
        "selector": [{"type": "TextPositionSelector", "start": note["target"]["selector"][1]
                      ["start"], "end": note["target"]["selector"][1]["end"]}]
    }  # fmt: skip
    assert WORDS not in str(tombstone)
    assert tombstone["author"] == "alice" and tombstone["replies"] == [reply["id"]]
    assert tombstone["can_edit"] is False
    assert get_json(alice, f"{API}{reply['id']}/")["deleted"] is False
    stored = Annotation.objects.get(pk=note["id"])
    assert (stored.exact, stored.prefix, stored.suffix) == ("", "", "")


def test_a_note_with_only_its_authors_replies_is_deleted_with_them(
    alice: Client, seed_document: Document
) -> None:
    note = note_by(alice, seed_document)
    own = reply_by(alice, note)
    alone = note_by(alice, seed_document)

    assert delete(alice, note) == delete(alice, alone) == 204

    assert not Annotation.objects.filter(pk__in=[note["id"], own["id"], alone["id"]]).exists()


def test_a_reply_of_others_deeper_in_the_thread_keeps_it_too(
    alice: Client, bob: Client, seed_document: Document
) -> None:
    note = note_by(alice, seed_document)
    own = reply_by(alice, note)
    under = reply_by(bob, own, "Bob answers Alice's reply.")

    delete(alice, note)

    assert get_json(Client(), f"{API}{note['id']}/")["deleted"] is True
    assert get_json(Client(), f"{API}{own['id']}/")["deleted"] is False
    assert get_json(Client(), f"{API}{under['id']}/")["parent"] == own["id"]


def test_a_tombstone_cannot_be_edited_or_deleted_again(
    alice: Client, bob: Client, seed_document: Document
) -> None:
    note = note_by(alice, seed_document)
    reply_by(bob, note)
    delete(alice, note)

    for method in ("patch", "put"):
        error = send_json(alice, method, f"{API}{note['id']}/", {"body": "Back again"}, 403)
        assert error["status"] == 403 and "deleted by its author" in error["detail"]
    assert delete(alice, note) == 403
    assert Annotation.objects.get(pk=note["id"]).body == ""


def test_deleting_the_last_reply_under_a_tombstone_removes_it_too(
    alice: Client, bob: Client, seed_document: Document
) -> None:
    note = note_by(alice, seed_document)
    first, second = reply_by(bob, note), reply_by(bob, note)
    delete(alice, note)

    assert delete(bob, first) == 204
    assert get_json(Client(), f"{API}{note['id']}/")["replies"] == [second["id"]]
    assert delete(bob, second) == 204

    assert not Annotation.objects.exists()


def test_replies_that_are_tombstones_themselves_keep_no_thread(
    alice: Client, bob: Client, seed_document: Document
) -> None:
    note = note_by(alice, seed_document)
    reply = reply_by(bob, note)
    own = reply_by(alice, reply)  # keeps Bob's reply as a tombstone when Bob deletes it
    delete(bob, reply)
    assert Annotation.objects.get(pk=reply["id"]).deleted

    delete(alice, note)  # nothing of Bob's is left in the thread: it goes, Alice's reply with it

    assert not Annotation.objects.filter(pk__in=[note["id"], reply["id"], own["id"]]).exists()


def test_exports_show_the_tombstone_without_its_words(
    alice: Client, bob: Client, seed_document: Document
) -> None:
    note = note_by(alice, seed_document, body="Alice's view.", tags=["nds"])
    reply = reply_by(bob, note, "Bob's answer.")
    delete(alice, note)
    export = f"{API}export/"

    collection = Client().get(export, {"document": seed_document.slug}).json()
    tombstone, kept = sorted(collection["first"]["items"], key=lambda item: len(item["target"]))
    assert tombstone["id"].endswith(f"/{note['id']}/") and tombstone["body"] == []
    assert "as:deleted" in tombstone and tombstone["creator"]["nickname"] == "alice"
    assert [s["type"] for s in tombstone["target"]["selector"]] == ["TextPositionSelector"]
    assert kept["target"] == tombstone["id"] and "as:deleted" not in kept
    ld = Client().get(f"{API}{note['id']}/", HTTP_ACCEPT="application/ld+json").json()
    assert ld["as:deleted"] == tombstone["as:deleted"]

    text = Client().get(export, {"document": seed_document.slug, "format": "csv"}).text
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}
    assert sorted((r["id"], r["deleted"], r["body"], r["exact"]) for r in rows.values()) == [
        (str(note["id"]), "true", "", ""),
        (str(reply["id"]), "false", "Bob's answer.", ""),
    ]
    assert rows[str(note["id"])]["start"] == str(note["target"]["selector"][1]["start"])
    assert WORDS not in str(collection) + str(rows)
