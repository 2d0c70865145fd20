"""Teams: a note with visibility "team" is seen by that team's members only; a reply reaches no
further than its note; teams are made with create_analyst --team and named by slug in the API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from accounts.models import Team
from annotations.models import Annotation
from reader.models import Document
from tests.helpers import annotation_on, get_json, logged_in, make_user, send_json

API = "/api/annotations/"


@pytest.fixture
def korea_desk(analyst: User, second_analyst: User) -> Team:
    team = Team.named("korea-desk")
    analyst.groups.add(team.group)
    second_analyst.groups.add(team.group)
    return team


def new_note(document: Document, **fields: object) -> dict[str, object]:
    return {
        "document": document.slug,
        "target": {"selector": [{"type": "TextPositionSelector", "start": 0, "end": 5}]},
        "body": "For the desk",
        **fields,
    }


def test_create_analyst_joins_teams_and_makes_the_missing_ones(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANALYST_PASSWORD", "a long pass phrase 42")
    Team.named("korea-desk")
    call_command("create_analyst", "dana", "--team", "korea-desk", "--team", "japan-desk")
    dana = User.objects.get(username="dana")
    assert sorted(team.slug for team in Team.objects.of(dana)) == ["japan-desk", "korea-desk"]
    assert dana.groups.filter(name="analysts").exists()
    assert Team.objects.count() == 2 and Group.objects.filter(name="japan-desk").exists()


def test_create_analyst_refuses_a_team_that_is_not_a_slug(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANALYST_PASSWORD", "a long pass phrase 42")
    with pytest.raises(CommandError, match="not a team slug"):
        call_command("create_analyst", "dana", "--team", "Korea Desk")
    assert not User.objects.filter(username="dana").exists()
    assert not Team.objects.exists()


def test_a_team_note_is_seen_by_its_members_only(
    small_document: Document, analyst: User, second_analyst: User, korea_desk: Team
) -> None:
    created = send_json(
        logged_in(analyst), "post", API, new_note(small_document, visibility="team",
                                                  team="korea-desk"), 201,
    )  # fmt: skip
    assert created["visibility"] == "team" and created["team"] == "korea-desk"
    outsider = make_user("oscar", analyst=True)
    for user, seen in ((second_analyst, True), (outsider, False), (None, False)):
        ids = [row["id"] for row in get_json(logged_in(user), API)["results"]]
        assert (created["id"] in ids) is seen, user
    assert (
        get_json(logged_in(second_analyst), API, team="korea-desk")["results"][0]["id"]
        == (created["id"])
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"visibility": "team"}, "Name the team"),
        ({"visibility": "team", "team": "nowhere"}, "No team has the slug “nowhere”"),
        ({"visibility": "team", "team": "japan-desk"}, "not a member of the team “japan-desk”"),
        ({"visibility": "analysts", "team": "korea-desk"}, "only with the visibility “team”"),
    ],
)
def test_a_wrong_team_is_a_400_naming_it_and_creates_nothing(
    small_document: Document,
    analyst: User,
    korea_desk: Team,
    fields: dict[str, str],
    message: str,
) -> None:
    Team.named("japan-desk")
    error = send_json(logged_in(analyst), "post", API, new_note(small_document, **fields), 400)
    assert error["field"] == "team" and message in error["detail"]
    assert not Annotation.objects.exists()


def test_a_reply_to_a_team_note_stays_in_the_team(
    small_document: Document, analyst: User, second_analyst: User, korea_desk: Team
) -> None:
    note = annotation_on(small_document, analyst, 0, 5, visibility="team", team=korea_desk)
    bob = logged_in(second_analyst)
    reply = send_json(bob, "post", API, {"parent": note.pk, "body": "Agreed"}, 201)
    assert (reply["visibility"], reply["team"]) == ("team", "korea-desk")
    wider = send_json(
        bob, "post", API, {"parent": note.pk, "body": "x", "visibility": "analysts"}, 400
    )
    assert wider["field"] == "visibility" and "more people" in wider["detail"]
    Team.named("japan-desk").group.user_set.add(second_analyst)
    other = send_json(
        bob, "post", API,
        {"parent": note.pk, "body": "x", "visibility": "team", "team": "japan-desk"}, 400,
    )  # fmt: skip
    assert other["field"] == "team" and "team of the note it answers" in other["detail"]


def test_narrowing_a_note_to_a_team_narrows_its_replies(
    small_document: Document, analyst: User, second_analyst: User, korea_desk: Team
) -> None:
    note = annotation_on(small_document, analyst, 0, 5, visibility="public")
    reply = Annotation.objects.create(
        document=small_document, author=second_analyst, parent=note, body="reply",
        visibility="public", created_revision=1, anchor_revision=1,
    )  # fmt: skip
    send_json(
        logged_in(analyst), "patch", f"{API}{note.pk}/",
        {"visibility": "team", "team": "korea-desk"}, 200,
    )  # fmt: skip
    reply.refresh_from_db()
    assert (reply.visibility, reply.team) == ("team", korea_desk)
    assert get_json(logged_in(None), API)["results"] == []


def test_a_note_leaving_team_visibility_loses_its_team(
    small_document: Document, analyst: User, korea_desk: Team
) -> None:
    note = annotation_on(small_document, analyst, 0, 5, visibility="team", team=korea_desk)
    changed = send_json(
        logged_in(analyst), "patch", f"{API}{note.pk}/", {"visibility": "private"}, 200
    )
    assert changed["team"] is None


def test_the_editor_offers_the_team_visibility_to_team_members_only(
    small_document: Document, analyst: User, korea_desk: Team
) -> None:
    page = logged_in(analyst).get(small_document.get_absolute_url()).content.decode()
    assert '"team": "' in page and "korea-desk" in page
    outsider = make_user("oscar", analyst=True)
    page = logged_in(outsider).get(small_document.get_absolute_url()).content.decode()
    assert "korea-desk" not in page
