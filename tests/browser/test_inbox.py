"""The inbox in a real browser: bob replies with @alice to alice's team note in the reader; alice's
header counts it, her inbox lists it and leads to it, and marking it read clears the count."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Team
from annotations.models import Annotation, Notification
from reader.models import Document
from tests.helpers import SEED_READER, log_in, logged_in

from .test_annotating import annotate, card

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

WORDS = "模範的な同盟国"


@pytest.fixture
def team_note(live_document: Document, analyst: User, second_analyst: User) -> Annotation:
    team = Team.named("korea-desk")
    team.group.user_set.add(analyst, second_analyst)
    body = {"body": "Is this *new*?", "visibility": "team", "team": "korea-desk"}
    return annotate(logged_in(analyst), live_document, WORDS, **body)


def test_a_reply_mentioning_alice_reaches_her_inbox_and_reading_it_clears_the_count(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    analyst: User,
    second_analyst: User,
    team_note: Annotation,
) -> None:
    bob = new_context().new_page()
    log_in(bob, live_server, second_analyst)
    expect(bob.get_by_role("link", name="Inbox (0)")).to_be_visible()
    card(bob, team_note).get_by_role("button", name="Reply").click()
    editor = bob.get_by_role("dialog", name="Reply to alice")
    editor.get_by_label("Note (Markdown)").fill("@alice yes, see **p.19**.")
    editor.get_by_role("button", name="Save").click()
    expect(editor).to_be_hidden()
    reply = Annotation.objects.get(parent=team_note)
    assert (reply.visibility, reply.team) == ("team", team_note.team)

    alice: Page = new_context(bypass_csp=True).new_page()  # for axe
    log_in(alice, live_server, analyst)
    alice.get_by_role("link", name="Inbox (1)").click()
    alice.wait_for_url(f"{live_server.url}/inbox/")
    expect(alice.get_by_role("heading", name="Inbox", exact=True)).to_be_visible()
    [item] = alice.locator(".inbox-item").all()
    expect(item).to_have_class(re.compile(r"\bunread\b"))
    expect(item).to_contain_text("bob replied to your note")
    expect(item).to_contain_text(team_note.document.title)
    expect(item.locator(".note-body strong")).to_have_text("p.19")
    assert Notification.objects.get().reason == "reply"
    results = Axe().run(alice)
    assert results.violations_count == 0, results.generate_report()

    alice.get_by_role("button", name="Mark all as read").click()
    alice.wait_for_url(f"{live_server.url}/inbox/")
    expect(alice.get_by_role("link", name="Inbox (0)")).to_be_visible()
    expect(alice.locator(".inbox-item.unread")).to_have_count(0)
    expect(alice.get_by_role("button", name="Mark all as read")).to_have_count(0)

    # The item leads to the reply in its place in the reader.
    alice.locator(".inbox-item").get_by_role("link", name="Open the note in its place").click()
    alice.wait_for_url(f"{live_server.url}{SEED_READER}#annotation-{reply.pk}")
    expect(card(alice, team_note).locator(".annotation-reply")).to_have_count(1)
    # Scrolled to and focused, as a link to a top-level note is.
    shown = alice.locator(f"#annotation-{reply.pk}")
    expect(shown).to_be_focused()
    expect(shown).to_be_in_viewport()
    expect(alice.get_by_role("link", name="Inbox (0)")).to_be_visible()


def test_the_inbox_speaks_japanese_and_passes_axe(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    analyst: User,
    second_analyst: User,
    team_note: Annotation,
) -> None:
    client = logged_in(second_analyst)
    response = client.post(
        "/api/annotations/",
        {"document": team_note.document.slug, "parent": team_note.pk, "body": "@alice はい"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    context = new_context(locale="ja-JP", bypass_csp=True)
    session = logged_in(analyst).cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/inbox/")
    expect(page.get_by_role("link", name="受信箱 (1)")).to_be_visible()
    expect(page.locator(".inbox-item")).to_contain_text("bob さんがあなたの注釈に返信しました")
    expect(page.get_by_role("button", name="すべて既読にする")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
