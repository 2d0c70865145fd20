"""Who may do what with an annotation: every role × action × visibility.

Roles: the author (an analyst in the team korea-desk), another analyst of that team, an analyst
outside it, a user who is not an analyst, and a visitor without an account. Private notes are
their author's alone; a team's notes for its members; analysts' notes are for analysts; public
notes for everyone. Only analysts create and reply; only the author edits and deletes.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import Team
from annotations.models import Annotation
from reader.models import Document
from tests.helpers import annotation_on, logged_in, make_user

ROLES = ("author", "team_member", "outsider", "member", "anonymous")
VISIBILITIES = ("private", "team", "analysts", "public")
TEAM = "korea-desk"

# Expected outcome per action and role, for (private, team, analysts, public) notes. The author
# and the team member are in the team korea-desk; the outsider is an analyst who is not.
# "see" = listed / readable / exported; "hidden" = absent from lists, 404 on read.
EXPECTED: dict[str, dict[str, tuple[object, object, object, object]]] = {
    "list": {
        "author": ("see", "see", "see", "see"),
        "team_member": ("hidden", "see", "see", "see"),
        "outsider": ("hidden", "hidden", "see", "see"),
        "member": ("hidden", "hidden", "hidden", "see"),
        "anonymous": ("hidden", "hidden", "hidden", "see"),
    },
    "read": {
        "author": (200, 200, 200, 200),
        "team_member": (404, 200, 200, 200),
        "outsider": (404, 404, 200, 200),
        "member": (404, 404, 404, 200),
        "anonymous": (404, 404, 404, 200),
    },
    "export": {
        "author": ("see", "see", "see", "see"),
        "team_member": ("hidden", "see", "see", "see"),
        "outsider": ("hidden", "hidden", "see", "see"),
        "member": ("hidden", "hidden", "hidden", "see"),
        "anonymous": ("hidden", "hidden", "hidden", "see"),
    },
    "edit": {
        "author": (200, 200, 200, 200),
        "team_member": (404, 403, 403, 403),
        "outsider": (404, 404, 403, 403),
        "member": (403, 403, 403, 403),
        "anonymous": (403, 403, 403, 403),
    },
    "delete": {
        "author": (204, 204, 204, 204),
        "team_member": (404, 403, 403, 403),
        "outsider": (404, 404, 403, 403),
        "member": (403, 403, 403, 403),
        "anonymous": (403, 403, 403, 403),
    },
    "reply": {
        "author": (201, 201, 201, 201),
        "team_member": (400, 201, 201, 201),
        "outsider": (400, 400, 201, 201),
        "member": (403, 403, 403, 403),
        "anonymous": (403, 403, 403, 403),
    },
    "create": {
        "author": (201, 201, 201, 201),
        "team_member": (201, 201, 201, 201),
        "outsider": (201, 400, 201, 201),  # not a member of the team named
        "member": (403, 403, 403, 403),
        "anonymous": (403, 403, 403, 403),
    },
}

CASES = [
    (action, role, visibility)
    for action in EXPECTED
    for role in ROLES
    for visibility in VISIBILITIES
]


def client_for(role: str, users: dict[str, User]) -> Client:
    return logged_in(users.get(role))


@pytest.fixture
def users(analyst: User, second_analyst: User, member: User) -> dict[str, User]:
    team = Team.named(TEAM)
    analyst.groups.add(team.group)
    second_analyst.groups.add(team.group)
    outsider = make_user("oscar", analyst=True)
    return {
        "author": analyst,
        "team_member": second_analyst,
        "outsider": outsider,
        "member": member,
    }


def make_note(document: Document, author: User, visibility: str) -> Annotation:
    team = Team.objects.get(slug=TEAM) if visibility == "team" else None
    return annotation_on(
        document, author, 0, 7, body=f"A {visibility} note", visibility=visibility, team=team
    )


def act(client: Client, action: str, note: Annotation, visibility: str) -> Any:
    api = "/api/annotations/"
    if action == "list":
        ids = [r["id"] for r in client.get(api, {"document": note.document.slug}).json()["results"]]
        return "see" if note.pk in ids else "hidden"
    if action == "export":
        response = client.get(f"{api}export/", {"document": note.document.slug, "format": "csv"})
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        return "see" if str(note.pk) in [row["id"] for row in rows] else "hidden"
    if action == "read":
        return client.get(f"{api}{note.pk}/").status_code
    if action == "edit":
        return client.patch(
            f"{api}{note.pk}/", {"body": "changed"}, content_type="application/json"
        ).status_code
    if action == "delete":
        return client.delete(f"{api}{note.pk}/").status_code
    if action == "reply":
        body = {"parent": note.pk, "body": "A reply", "visibility": visibility}
        return client.post(api, body, content_type="application/json").status_code
    body = {
        "document": note.document.slug,
        "target": {"selector": [{"type": "TextPositionSelector", "start": 8, "end": 14}]},
        "body": "New",
        "visibility": visibility,
        **({"team": TEAM} if visibility == "team" else {}),
    }
    return client.post(api, body, content_type="application/json").status_code


@pytest.mark.parametrize(("action", "role", "visibility"), CASES)
def test_permissions(
    small_document: Document,
    users: dict[str, User],
    action: str,
    role: str,
    visibility: str,
) -> None:
    note = make_note(small_document, users["author"], visibility)
    expected = EXPECTED[action][role][VISIBILITIES.index(visibility)]
    assert act(client_for(role, users), action, note, visibility) == expected
    if action == "edit" and expected != 200:
        note.refresh_from_db()
        assert note.body == f"A {visibility} note"  # a refused edit changes nothing
    if action == "delete" and expected != 204:
        assert Annotation.objects.filter(pk=note.pk).exists()


def test_replies_and_searches_never_reveal_a_hidden_note(
    client: Client, seed_document: Document, users: dict[str, User]
) -> None:
    private = make_note(seed_document, users["author"], "private")
    Annotation.objects.create(
        document=seed_document, author=users["author"], parent=private, body="private reply",
        visibility="private", created_revision=1, anchor_revision=1,
    )  # fmt: skip
    client.force_login(users["team_member"])
    listed = client.get("/api/annotations/", {"document": seed_document.slug}).json()["results"]
    assert listed == []
    by_author = client.get("/api/annotations/", {"author": "alice"}).json()["results"]
    assert by_author == []


def test_a_token_authenticates_a_script(seed_document: Document, users: dict[str, User]) -> None:
    client = Client()
    from tests.helpers import PASSWORD

    token = client.post("/api/auth/token/", {"username": "alice", "password": PASSWORD}).json()[
        "token"
    ]
    response = client.post(
        "/api/annotations/",
        {
            "document": seed_document.slug,
            "target": {
                "selector": [
                    {"type": "TextQuoteSelector", "exact": "模範的な同盟国（model allies）"}
                ]
            },
            "body": "by script",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 201 and response.json()["author"] == "alice"
    wrong = client.post("/api/auth/token/", {"username": "alice", "password": "nope"})
    assert wrong.status_code == 400 and "Unable to log in" in wrong.json()["detail"]


def test_a_user_outside_the_group_is_told_why(client: Client, seed_document: Document) -> None:
    client.force_login(make_user("dave", analyst=False))
    response = client.post("/api/annotations/", {}, content_type="application/json")
    assert response.status_code == 403
    assert "Only members of the analysts group may annotate" in response.json()["detail"]


def test_a_private_reader_shows_no_note_to_visitors_without_an_account(
    seed_document: Document, analyst: User, settings: Any
) -> None:
    note = annotation_on(seed_document, analyst, 0, 4, visibility="public")
    settings.READER_PUBLIC = False
    visitor = Client()
    for path in ("/api/annotations/", f"/api/annotations/{note.pk}/",
                 f"/api/annotations/export/?document={seed_document.slug}"):  # fmt: skip
        response = visitor.get(path)
        assert response.status_code == 403, path
    assert logged_in(analyst).get("/api/annotations/").json()["results"]
