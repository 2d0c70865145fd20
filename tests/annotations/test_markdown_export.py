"""Exporting annotations as Markdown: each note under its quote with a link back to its place, and
exports of one's own notes across documents (the desk's export links)."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils.timezone import localdate

from annotations.models import Annotation
from reader.models import Document
from tests.helpers import annotation_on, logged_in

EXPORT = "/api/annotations/export/"
TEXT = "第2次トランプ政権の国家防衛戦略と韓国の同盟について。"


def on(document: Document, author: User, exact: str, **fields: object) -> Annotation:
    start = document.plain_text().index(exact)
    return annotation_on(document, author, start, start + len(exact), **fields)


def refused(client: Client, **params: str) -> dict[str, object]:
    """The JSON error of an export refused as a 400."""
    response = client.get(EXPORT, params)
    assert response.status_code == 400, response.content
    return response.json()


def markdown(client: Client, status: int = 200, **params: str) -> str:
    response = client.get(EXPORT, {"format": "markdown", **params})
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    return response.content.decode()


@pytest.fixture
def other_document(db: None) -> Document:
    document = Document.objects.create(slug="other", title="Another commentary", language="ja")
    document.blocks.create(position=1, anchor="p1", text="日米同盟の将来について。")
    return document


def test_each_note_is_under_its_quote_with_its_body_author_tags_and_a_link_back(
    small_document: Document, analyst: User
) -> None:
    note = on(
        small_document, analyst, "韓国の同盟", body="Seoul *worries*.\n\n- burden\n- sharing",
        judgement="needs_checking", visibility="analysts",
    )  # fmt: skip
    note.set_tags(["alliance", "korea"])
    text = markdown(logged_in(analyst), document="small")
    url = f"http://testserver/documents/small/#annotation-{note.pk}"
    assert text.startswith("# Small\n")
    assert "> 韓国の同盟\n\nSeoul *worries*.\n\n- burden\n- sharing\n\n**alice** · " in text
    assert "tags: alliance, korea" in text and "judgement: Needs checking" in text
    assert f"[Open in the reader](<{url}>)" in text
    # The date as the site's readers see it: in its time zone (Asia/Tokyo), not in UTC.
    assert localdate(note.created).isoformat() in text


def test_notes_come_in_text_order_with_replies_indented_under_their_note(
    small_document: Document, analyst: User, second_analyst: User
) -> None:
    later = on(
        small_document, analyst, "韓国の同盟", body="Second in the text", visibility="public"
    )
    first = on(
        small_document, analyst, "国家防衛戦略", body="First in the text", visibility="public"
    )
    reply = Annotation.objects.create(
        document=small_document, author=second_analyst, parent=first, body="I agree\nstrongly",
        visibility="public", created_revision=1, anchor_revision=1,
    )  # fmt: skip
    Annotation.objects.create(
        document=small_document, author=analyst, parent=reply, body="Thanks",
        visibility="public", created_revision=1, anchor_revision=1,
    )  # fmt: skip
    text = markdown(logged_in(None), document="small")
    assert text.index("First in the text") < text.index("I agree") < text.index("Second")
    assert "\n- I agree\n  strongly\n\n  **bob** · " in text
    assert "\n  - Thanks\n\n    **alice** · " in text
    assert text.count("> ") == 2 and later.pk != first.pk  # the replies quote nothing


def test_only_the_notes_the_reader_may_see_are_exported(
    small_document: Document, analyst: User, second_analyst: User
) -> None:
    on(small_document, analyst, "韓国の同盟", body="My private thought")
    on(small_document, analyst, "国家防衛戦略", body="For analysts", visibility="analysts")
    assert "My private thought" in markdown(logged_in(analyst), document="small")
    seen = markdown(logged_in(second_analyst), document="small")
    assert "My private thought" not in seen and "For analysts" in seen
    anonymous = markdown(logged_in(None), document="small")
    assert "For analysts" not in anonymous and "No annotations." in anonymous


def test_a_note_heading_cannot_be_broken_by_a_title_with_a_line_break(
    small_document: Document, analyst: User
) -> None:
    small_document.title = "Small\n# injected"
    small_document.save()
    assert markdown(logged_in(analyst), document="small").startswith("# Small # injected\n")


def test_my_notes_export_across_documents_with_a_heading_for_each(
    small_document: Document, other_document: Document, analyst: User, second_analyst: User
) -> None:
    on(small_document, analyst, "韓国の同盟", body="On the small one")
    on(other_document, analyst, "日米同盟", body="On the other one")
    on(other_document, second_analyst, "将来", body="Bob's", visibility="public")
    client = logged_in(analyst)
    response = client.get(EXPORT, {"author": "me", "format": "markdown"})
    assert response["Content-Disposition"] == 'attachment; filename="my-annotations.md"'
    text = response.content.decode()
    assert "## Another commentary" in text and "## Small" in text
    assert "On the small one" in text and "On the other one" in text and "Bob's" not in text
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(EXPORT, {"author": "me", "format": "csv"}).content.decode())
        )
    )
    assert sorted(row["document"] for row in rows) == ["other", "small"]
    ld = client.get(EXPORT, {"author": "me", "format": "jsonld"}).json()
    assert ld["total"] == 2


def test_the_export_follows_the_filters_of_the_list(
    small_document: Document, other_document: Document, analyst: User
) -> None:
    tagged = on(small_document, analyst, "韓国の同盟", body="Tagged note")
    tagged.set_tags(["korea"])
    on(other_document, analyst, "日米同盟", body="Untagged note about Japan")
    client = logged_in(analyst)
    text = markdown(client, author="me", tag="korea")
    assert "Tagged note" in text and "Untagged" not in text
    text = markdown(client, author="me", q="Japan")
    assert "Untagged note about Japan" in text and "Tagged note" not in text
    assert "Japan" not in markdown(client, document="small", q="Japan")


def test_an_export_without_a_document_needs_author_me(
    small_document: Document, analyst: User
) -> None:
    client = logged_in(analyst)
    for params in [{}, {"author": "alice"}, {"document": "nope", "author": "me"}]:
        error = refused(client, format="markdown", **params)
        assert error["field"] == "document", error
    anonymous = refused(logged_in(None), format="markdown", author="me")
    assert anonymous["field"] == "document"


def test_a_bad_filter_on_the_export_is_a_400_naming_it(
    small_document: Document, analyst: User
) -> None:
    client = logged_in(analyst)
    assert refused(client, author="me", q="!!")["field"] == "q"
    assert refused(client, author="me", judgement="maybe")["field"] == "judgement"
