"""Searching annotations: their notes, quotes and tags, through the passages' own index, only
among the notes the searcher may see; and never through passage search."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from accounts.models import Team
from annotations.anchoring import reanchor
from annotations.models import Annotation
from reader.models import Document
from search.index import reindex_document
from search.models import SearchEntry
from search.query import search
from tests.helpers import annotation_on, get_json, logged_in, send_json

API = "/api/annotations/"
TEXT = "第2次トランプ政権の国家防衛戦略と韓国の同盟について。"


def found(client: Client, query: str, **params: str) -> list[int]:
    page = get_json(client, API, q=query, **params)
    return [row["id"] for row in page["results"]]


def words(document: Document, author: User, exact: str, **fields: object) -> Annotation:
    start = TEXT.index(exact)
    return annotation_on(document, author, start, start + len(exact), **fields)


@pytest.fixture
def notes(small_document: Document, analyst: User) -> dict[str, Annotation]:
    alliance = words(
        small_document, analyst, "韓国の同盟", body="Seoul worries about *burden sharing*."
    )
    strategy = words(small_document, analyst, "国家防衛戦略", body="The NDS puts homeland first.")
    strategy.set_tags(["Homeland", "priorities"])
    return {"alliance": alliance, "strategy": strategy}


def test_it_finds_a_note_by_the_words_of_its_body(
    notes: dict[str, Annotation], analyst: User
) -> None:
    assert found(logged_in(analyst), "burden sharing") == [notes["alliance"].pk]


def test_it_finds_a_note_by_its_quoted_japanese_words_all_of_them(
    notes: dict[str, Annotation], analyst: User
) -> None:
    client = logged_in(analyst)
    assert found(client, "同盟 韓国") == [notes["alliance"].pk]
    assert found(client, "同盟 戦略") == []  # every word, in one note
    assert found(client, "韓") == [notes["alliance"].pk]  # one character finds it too


def test_it_finds_a_note_by_its_tags(notes: dict[str, Annotation], analyst: User) -> None:
    assert found(logged_in(analyst), "homeland priorities") == [notes["strategy"].pk]


def test_a_tag_change_reaches_the_index(notes: dict[str, Annotation], analyst: User) -> None:
    notes["alliance"].set_tags(["extended-deterrence"])
    notes["strategy"].set_tags([])
    client = logged_in(analyst)
    assert found(client, "deterrence") == [notes["alliance"].pk]
    assert found(client, "priorities") == []


def test_an_edited_note_is_found_by_its_new_words_only(
    notes: dict[str, Annotation], analyst: User
) -> None:
    client = logged_in(analyst)
    url = f"{API}{notes['alliance'].pk}/"
    send_json(client, "patch", url, {"body": "Tokyo hedges."}, 200)
    assert found(client, "Tokyo") == [notes["alliance"].pk]
    assert found(client, "burden") == []


def test_a_deleted_note_leaves_nothing_to_find(
    notes: dict[str, Annotation], analyst: User, second_analyst: User
) -> None:
    note = notes["alliance"]
    note.visibility = "analysts"
    note.save()
    reply = Annotation.objects.create(
        document=note.document, author=second_analyst, parent=note, body="A reply keeps it",
        visibility="analysts", created_revision=1, anchor_revision=1,
    )  # fmt: skip
    client = logged_in(analyst)
    assert client.delete(f"{API}{note.pk}/").status_code == 204  # a tombstone: a reply holds it
    assert found(client, "burden") == [] and found(client, "同盟") == []
    assert client.delete(f"{API}{notes['strategy'].pk}/").status_code == 204
    assert found(client, "homeland") == []
    assert set(
        SearchEntry.objects.filter(kind="annotation").values_list("annotation_id", flat=True)
    ) == {reply.pk}


def test_a_private_note_is_found_by_its_author_only(
    notes: dict[str, Annotation], analyst: User, second_analyst: User
) -> None:
    assert found(logged_in(second_analyst), "burden") == []
    assert found(logged_in(None), "burden") == []


def test_a_team_note_is_found_by_the_team_only(
    small_document: Document, analyst: User, second_analyst: User, member: User
) -> None:
    team = Team.named("korea-desk")
    analyst.groups.add(team.group)
    second_analyst.groups.add(team.group)
    outsider_note = words(small_document, member, "同盟", body="Not mine", visibility="public")
    note = words(small_document, analyst, "韓国", body="Seoul hedges", visibility="team", team=team)
    assert found(logged_in(second_analyst), "Seoul") == [note.pk]
    assert found(logged_in(member), "Seoul") == []
    assert found(logged_in(None), "Seoul") == []
    assert found(logged_in(None), "Not mine") == [outsider_note.pk]


def test_passage_search_never_finds_a_private_note(
    notes: dict[str, Annotation], analyst: User, client: Client
) -> None:
    client.force_login(analyst)  # even its own author
    assert [hit.entry.kind for hit in search("burden sharing")] == []
    assert get_json(client, "/api/passages/", q="burden sharing")["results"] == []
    page = client.get("/search/", {"q": "burden sharing"})
    assert page.context["hits"] == [] and "Seoul worries" not in page.content.decode()
    # the document's own words are still found there, once: not again by the notes on them
    reindex_document(Document.objects.get(slug="small"))
    assert [hit.entry.kind for hit in search("韓国の同盟")] == ["block"]


def test_passage_search_refuses_the_annotation_kind(analyst: User, client: Client) -> None:
    error = get_json(client, "/api/passages/", 400, q="burden", kind="annotation")
    assert "kind" in str(error)


def test_a_query_with_nothing_to_find_is_a_400_naming_q(analyst: User) -> None:
    client = logged_in(analyst)
    for query in ["!!", "x" * 201]:  # an empty q is no filter (tests/test_schema_answers.py)
        error = get_json(client, API, 400, q=query)
        assert "q" in str(error), error
    assert "q" in str(get_json(client, API, 400, q="「」"))


def test_search_combines_with_the_other_filters(
    notes: dict[str, Annotation], analyst: User
) -> None:
    client = logged_in(analyst)
    assert found(client, "the", tag="homeland") == [notes["strategy"].pk]
    assert found(client, "the", author="me") == [notes["strategy"].pk]  # "the NDS", not alliance


def test_a_reanchored_note_is_found_by_its_new_quote(
    analyst: User, small_document: Document
) -> None:
    note = words(small_document, analyst, "国家防衛戦略と韓国の同盟について", body="Moved")
    block = small_document.blocks.get()
    block.text = "第2次トランプ政権の国家防衛戦略と韓国との同盟について。"
    block.save()
    small_document.revision += 1
    small_document.save()
    reanchor(small_document)
    note.refresh_from_db()
    assert "韓国との同盟" in note.exact
    assert found(logged_in(analyst), "韓国との同盟") == [note.pk]


def test_the_migration_indexes_the_notes_written_before_it(
    notes: dict[str, Annotation], analyst: User
) -> None:
    SearchEntry.objects.filter(kind="annotation").delete()
    client = logged_in(analyst)
    assert found(client, "burden") == []
    migration = importlib.import_module("search.migrations.0003_index_annotations")
    migration.index_annotations(apps, SimpleNamespace(connection=connection))
    assert found(client, "burden") == [notes["alliance"].pk]
    assert found(client, "homeland 戦略") == [notes["strategy"].pk]
    entry = SearchEntry.objects.get(annotation_id=notes["alliance"].pk)
    assert entry.url == notes["alliance"].get_absolute_url()
