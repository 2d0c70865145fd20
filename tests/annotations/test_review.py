"""Resolving and reopening a thread through the API: its author, or for a team's note a member of
the team; a reply, a note one cannot see, a user who may not, each refused with what is wrong."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import Team
from annotations.models import Annotation
from reader.models import Document
from tests.helpers import annotation_on, get_json, logged_in, make_user, reply_to, send_json

TEAM = "korea-desk"


@pytest.fixture
def team(analyst: User, second_analyst: User) -> Team:
    team = Team.named(TEAM)
    analyst.groups.add(team.group)
    second_analyst.groups.add(team.group)
    return team


def note(document: Document, author: User, visibility: str, **fields: object) -> Annotation:
    return annotation_on(document, author, 3, 7, body="A note", visibility=visibility, **fields)


def resolve(client: Client, annotation: Annotation, status: int, action: str = "resolve") -> dict:
    return send_json(client, "post", f"/api/annotations/{annotation.pk}/{action}/", {}, status)


def test_the_author_resolves_a_thread_and_it_says_by_whom(
    small_document: Document, analyst: User
) -> None:
    annotation = note(small_document, analyst, "analysts")
    answer = resolve(logged_in(analyst), annotation, 200)
    assert answer["resolved"] is not None
    assert answer["resolved_by"] == "alice"
    annotation.refresh_from_db()
    assert annotation.resolved is not None and annotation.resolved_by == analyst


def test_the_author_reopens_a_resolved_thread(small_document: Document, analyst: User) -> None:
    annotation = note(small_document, analyst, "analysts")
    client = logged_in(analyst)
    resolve(client, annotation, 200)
    answer = resolve(client, annotation, 200, "reopen")
    assert answer["resolved"] is None and answer["resolved_by"] is None
    annotation.refresh_from_db()
    assert annotation.resolved is None and annotation.resolved_by is None


def test_a_member_of_the_team_resolves_a_teams_thread(
    small_document: Document, analyst: User, second_analyst: User, team: Team
) -> None:
    annotation = note(small_document, analyst, "team", team=team)
    answer = resolve(logged_in(second_analyst), annotation, 200)
    assert answer["resolved_by"] == "bob"


def test_another_analyst_may_not_resolve_an_analysts_note(
    small_document: Document, analyst: User, second_analyst: User
) -> None:
    annotation = note(small_document, analyst, "analysts")
    error = resolve(logged_in(second_analyst), annotation, 403)
    assert "author" in error["detail"]
    annotation.refresh_from_db()
    assert annotation.resolved is None


def test_a_reader_may_not_reopen_someone_elses_public_thread(
    small_document: Document, analyst: User, member: User
) -> None:
    annotation = note(small_document, analyst, "public")
    resolve(logged_in(analyst), annotation, 200)
    resolve(logged_in(member), annotation, 403, "reopen")
    annotation.refresh_from_db()
    assert annotation.resolved is not None


def test_an_analyst_outside_the_team_cannot_find_a_teams_thread(
    small_document: Document, analyst: User, team: Team
) -> None:
    annotation = note(small_document, analyst, "team", team=team)
    outsider = make_user("oscar", analyst=True)
    resolve(logged_in(outsider), annotation, 404)
    annotation.refresh_from_db()
    assert annotation.resolved is None


def test_a_private_thread_of_another_is_not_found(
    small_document: Document, analyst: User, second_analyst: User
) -> None:
    annotation = note(small_document, analyst, "private")
    resolve(logged_in(second_analyst), annotation, 404)


def test_a_reply_is_refused_naming_the_threads_first_note(
    small_document: Document, analyst: User
) -> None:
    root = note(small_document, analyst, "analysts")
    reply = reply_to(root, analyst)
    error = resolve(logged_in(analyst), reply, 400)
    assert "first note" in error["detail"]
    assert error["field"] == "parent"
    reply.refresh_from_db()
    assert reply.resolved is None


def test_a_visitor_without_an_account_may_not_resolve(
    small_document: Document, analyst: User
) -> None:
    annotation = note(small_document, analyst, "public")
    resolve(Client(), annotation, 403)
    annotation.refresh_from_db()
    assert annotation.resolved is None


def test_resolving_a_resolved_thread_changes_nothing(
    small_document: Document, analyst: User, second_analyst: User, team: Team
) -> None:
    annotation = note(small_document, analyst, "team", team=team)
    first = resolve(logged_in(analyst), annotation, 200)
    again = resolve(logged_in(second_analyst), annotation, 200)
    assert again["resolved"] == first["resolved"]
    assert again["resolved_by"] == "alice"


def test_a_thread_whose_first_note_was_deleted_can_be_resolved(
    small_document: Document, analyst: User, second_analyst: User
) -> None:
    root = note(small_document, analyst, "analysts")
    reply_to(root, second_analyst)
    root.delete_by_author()
    assert Annotation.objects.get(pk=root.pk).deleted
    assert resolve(logged_in(analyst), root, 200)["resolved_by"] == "alice"


def test_the_list_says_who_may_resolve_each_thread(
    small_document: Document, analyst: User, second_analyst: User, team: Team
) -> None:
    mine = note(small_document, analyst, "analysts")
    teams = note(small_document, second_analyst, "team", team=team)
    theirs = note(small_document, second_analyst, "analysts")
    reply = reply_to(mine, analyst)
    listed = get_json(logged_in(analyst), "/api/annotations/", document="small")["results"]
    can = {row["id"]: row["can_resolve"] for row in listed}
    assert can == {mine.pk: True, teams.pk: True, theirs.pk: False, reply.pk: False}


def test_the_filter_finds_resolved_and_open_threads(
    small_document: Document, analyst: User
) -> None:
    done = note(small_document, analyst, "analysts")
    open_ = note(small_document, analyst, "analysts")
    client = logged_in(analyst)
    resolve(client, done, 200)
    resolved = get_json(client, "/api/annotations/", resolved="true")["results"]
    still_open = get_json(client, "/api/annotations/", resolved="false")["results"]
    assert [row["id"] for row in resolved] == [done.pk]
    assert [row["id"] for row in still_open] == [open_.pk]


def test_the_reader_says_who_resolved_a_thread_in_japanese(
    seed_document: Document, analyst: User
) -> None:
    page = logged_in(analyst).get(seed_document.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ja")
    assert 'data-resolved-by="{user} が解決済み"' in page.content.decode()


def test_a_refusal_is_in_japanese_for_a_japanese_reader(
    small_document: Document, analyst: User, second_analyst: User
) -> None:
    annotation = note(small_document, analyst, "analysts")
    response = logged_in(second_analyst).post(
        f"/api/annotations/{annotation.pk}/resolve/", HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert response.status_code == 403
    assert "作成者" in response.json()["detail"]
