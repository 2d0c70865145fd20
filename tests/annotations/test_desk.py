"""The desk at /annotations/: my notes across documents, filtered and searched; the claims to
check; export links for what the filters show; and the same list in the API (author=me)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from accounts.models import Team
from annotations.models import Annotation
from reader.models import Document
from tests.helpers import annotation_on, get_json, logged_in

DESK = "/annotations/"


def on(document: Document, author: User, exact: str, **fields: object) -> Annotation:
    start = document.plain_text().index(exact)
    return annotation_on(document, author, start, start + len(exact), **fields)


def shown(client: Client, **params: str) -> list[int]:
    response = client.get(DESK, params)
    assert response.status_code == 200
    return [note.pk for note in response.context["page"]]


@pytest.fixture
def other_document(db: None) -> Document:
    document = Document.objects.create(slug="other", title="Another commentary", language="ja")
    document.blocks.create(position=1, anchor="p1", text="日米同盟の将来について。")
    return document


@pytest.fixture
def team(analyst: User, second_analyst: User) -> Team:
    team = Team.named("korea-desk")
    analyst.groups.add(team.group)
    second_analyst.groups.add(team.group)
    return team


@pytest.fixture
def mine(
    small_document: Document, other_document: Document, analyst: User, team: Team
) -> dict[str, Annotation]:
    alliance = on(
        small_document, analyst, "韓国の同盟", body="Seoul *worries*.", judgement="disputed",
        visibility="team", team=team,
    )  # fmt: skip
    alliance.set_tags(["korea"])
    future = on(other_document, analyst, "日米同盟", body="Tokyo hedges.", visibility="public")
    future.resolved = timezone.now()
    future.save()
    orphan = on(small_document, analyst, "国家防衛戦略", body="Lost words")
    Annotation.objects.filter(pk=orphan.pk).update(state="orphaned")
    return {"alliance": alliance, "future": future, "orphan": orphan}


def test_it_sends_a_visitor_without_an_account_to_log_in(db: None, client: Client) -> None:
    response = client.get(DESK)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/annotations/"


def test_it_shows_my_notes_across_documents_newest_first_and_no_one_elses(
    mine: dict[str, Annotation], analyst: User, second_analyst: User, other_document: Document
) -> None:
    on(other_document, second_analyst, "将来", body="Bob's public note", visibility="public")
    assert shown(logged_in(analyst)) == [
        mine["orphan"].pk, mine["future"].pk, mine["alliance"].pk
    ]  # fmt: skip
    assert shown(logged_in(second_analyst)) != [] and mine["future"].pk not in shown(
        logged_in(second_analyst)
    )


def test_each_note_shows_its_quote_note_document_state_reach_tags_and_place(
    mine: dict[str, Annotation], analyst: User
) -> None:
    page = logged_in(analyst).get(DESK).content.decode()
    note = mine["alliance"]
    card = page[page.index(f'id="desk-note-{note.pk}"') :]
    card = card[: card.index("</li>\n")]
    for words in [
        "韓国の同盟", "worries</em>", "Small", "Anchored", "My team (korea-desk)", "korea",
        "Disputed", "Open", f'href="/documents/small/#annotation-{note.pk}"',
    ]:  # fmt: skip
        assert words in card, words
    assert "Orphaned" in page and "Resolved" in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"document": "other"}, ["future"]),
        ({"tag": "korea"}, ["alliance"]),
        ({"judgement": "disputed"}, ["alliance"]),
        ({"visibility": "public"}, ["future"]),
        ({"team": "korea-desk"}, ["alliance"]),
        ({"state": "orphaned"}, ["orphan"]),
        ({"resolved": "true"}, ["future"]),
        ({"resolved": "false", "document": "small"}, ["orphan", "alliance"]),
        ({"q": "同盟"}, ["future", "alliance"]),
        ({"q": "Seoul worries"}, ["alliance"]),
        ({"q": "korea"}, ["alliance"]),  # a tag
        ({"document": "", "tag": "", "q": ""}, ["orphan", "future", "alliance"]),  # "any"
    ],
)
def test_the_filters_and_the_search_box_narrow_the_list(
    mine: dict[str, Annotation], analyst: User, params: dict[str, str], expected: list[str]
) -> None:
    assert shown(logged_in(analyst), **params) == [mine[name].pk for name in expected]


def test_the_search_box_finds_only_my_notes(
    mine: dict[str, Annotation], analyst: User, second_analyst: User, other_document: Document
) -> None:
    on(other_document, second_analyst, "将来", body="Tokyo hedges too", visibility="public")
    assert shown(logged_in(analyst), q="Tokyo") == [mine["future"].pk]


def test_bad_filters_say_what_is_wrong_and_show_nothing(
    mine: dict[str, Annotation], analyst: User
) -> None:
    client = logged_in(analyst)
    for params in [{"q": "!!"}, {"judgement": "maybe"}, {"document": "nope"}, {"q": "x" * 500}]:
        response = client.get(DESK, params)
        assert response.status_code == 200
        assert list(response.context["page"]) == []
        assert 'role="alert"' in response.content.decode()


def test_the_export_links_carry_the_filters(mine: dict[str, Annotation], analyst: User) -> None:
    response = logged_in(analyst).get(DESK, {"tag": "korea", "q": "Seoul", "state": ""})
    links = dict(response.context["exports"])
    assert set(links) == {"Markdown", "JSON-LD", "CSV"}
    url = urlsplit(links["Markdown"])
    assert url.path == "/api/annotations/export/"
    assert parse_qs(url.query) == {
        "tag": ["korea"], "q": ["Seoul"], "author": ["me"], "format": ["markdown"]
    }  # fmt: skip
    text = logged_in(analyst).get(links["Markdown"]).content.decode()
    assert "Seoul *worries*." in text and "Tokyo" not in text


def test_the_list_is_paged(small_document: Document, analyst: User) -> None:
    for number in range(30):
        on(small_document, analyst, "同盟", body=f"Note {number}")
    client = logged_in(analyst)
    first = client.get(DESK, {"tag": ""})
    assert len(first.context["page"]) == 25 and first.context["page"].has_next()
    assert len(client.get(DESK, {"page": "2"}).context["page"]) == 5
    assert client.get(DESK, {"page": "nope"}).status_code == 200


def test_the_claims_to_check_are_open_needs_checking_notes_i_may_see(
    seed_document: Document, analyst: User, second_analyst: User, member: User
) -> None:
    claims = list(seed_document.claims.select_related("note")[:4])
    text = seed_document.plain_text()

    def judge(author: User, claim: object, **fields: object) -> Annotation:
        start = text.index(claim.text)  # type: ignore[attr-defined]
        return annotation_on(
            seed_document, author, start, start + 5, claim=claim, judgement="needs_checking",
            **fields,
        )  # fmt: skip

    shared = judge(second_analyst, claims[0], visibility="analysts")
    private = judge(second_analyst, claims[1])
    settled = judge(analyst, claims[2], visibility="analysts", resolved=timezone.now())
    supported = judge(analyst, claims[3], visibility="analysts")
    supported.judgement = "supported"
    supported.save()
    response = logged_in(analyst).get(DESK)
    assert [note.pk for note in response.context["to_check"]] == [shared.pk]
    assert f'href="/documents/{seed_document.slug}/#claim-{claims[0].note.number}"' in (
        response.content.decode()
    )
    assert private.pk and settled.pk
    assert list(logged_in(member).get(DESK).context["to_check"]) == []  # analysts' notes
    # Once an analyst has given the claim a verdict, it is checked: it leaves the list.
    start = text.index(claims[0].text)  # type: ignore[attr-defined]
    verdict = annotation_on(
        seed_document, second_analyst, start, start + 5, claim=claims[0], judgement="disputed",
        visibility="analysts",
    )  # fmt: skip
    assert list(logged_in(analyst).get(DESK).context["to_check"]) == []
    # A verdict the user may not see does not count.
    verdict.visibility = "private"
    verdict.save()
    assert [n.pk for n in logged_in(analyst).get(DESK).context["to_check"]] == [shared.pk]


def test_the_header_links_to_the_desk_for_logged_in_users(
    small_document: Document, analyst: User
) -> None:
    link = 'href="/annotations/"'
    assert link in logged_in(analyst).get("/documents/small/").content.decode()
    assert link not in Client().get("/documents/small/").content.decode()


def test_the_api_lists_my_notes_with_author_me(
    mine: dict[str, Annotation], analyst: User, second_analyst: User, other_document: Document
) -> None:
    theirs = on(other_document, second_analyst, "将来", body="Bob's", visibility="public")
    ids = [
        row["id"]
        for row in get_json(logged_in(analyst), "/api/annotations/", author="me")["results"]
    ]
    assert sorted(ids) == sorted(note.pk for note in mine.values())
    mine_of_bob = get_json(logged_in(second_analyst), "/api/annotations/", author="me")
    assert [row["id"] for row in mine_of_bob["results"]] == [theirs.pk]
    assert get_json(logged_in(None), "/api/annotations/", author="me")["results"] == []


def test_the_desk_speaks_japanese(mine: dict[str, Annotation], analyst: User) -> None:
    page = logged_in(analyst).get(DESK, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "マイデスク" in page and "確認が必要な主張" in page
