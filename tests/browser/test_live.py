"""Live updates in the reader: two analysts on the same document, in two browsers; a note one adds
through the API appears in the other's margin without a reload, said in the status, while the
other's open editor keeps its draft and the page stays where it was scrolled."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from annotations.models import Annotation
from reader.models import Document
from tests.helpers import annotation_on, drag_select, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

QUOTE = "模範的な同盟国（model allies）"
DRAFT_WORDS = "国家防衛戦略"
ADD_NOTE = """async ([slug, exact]) => {
  const config = JSON.parse(document.getElementById("annotator-config").textContent);
  const response = await fetch("/api/annotations/", {
    method: "POST",
    credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": config.csrfToken},
    body: JSON.stringify({document: slug, visibility: "analysts", body: "Bob was here",
      target: {selector: [{type: "TextQuoteSelector", exact}]}}),
  });
  return response.status;
}"""


def test_a_note_another_analyst_adds_appears_without_a_reload(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
    second_analyst: User,
) -> None:
    alice: Page = new_context().new_page()
    bob: Page = new_context().new_page()
    errors: list[str] = []
    alice.on("pageerror", lambda error: errors.append(str(error)))
    log_in(alice, live_server, analyst)
    log_in(bob, live_server, second_analyst)
    alice.evaluate("() => { window.reloaded = false; }")  # gone if the page reloads

    # Alice is writing a note, the page scrolled down a little.
    drag_select(alice, DRAFT_WORDS)
    alice.get_by_role("button", name="Annotate").click()
    editor = alice.get_by_role("dialog", name="New annotation")
    editor.get_by_label("Note (Markdown)").fill("Half a thought")
    alice.mouse.wheel(0, 300)
    alice.wait_for_timeout(300)
    scrolled = alice.evaluate("() => window.scrollY")

    assert bob.evaluate(ADD_NOTE, [live_document.slug, QUOTE]) == 201
    note = Annotation.objects.get(author=second_analyst)

    card = alice.locator(f"#annotation-{note.pk}")
    expect(card).to_contain_text("Bob was here", timeout=8_000)
    expect(alice.locator(f"mark[data-annotation='{note.pk}']").first).to_be_attached()
    expect(alice.locator("#annotator-status")).to_have_text("1 new note.")
    assert alice.evaluate("() => window.reloaded") is False
    expect(editor).to_be_visible()
    expect(editor.get_by_label("Note (Markdown)")).to_have_value("Half a thought")
    assert abs(alice.evaluate("() => window.scrollY") - scrolled) <= 2
    assert errors == []


def test_a_note_deleted_by_another_analyst_goes_without_a_reload(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
    second_analyst: User,
) -> None:
    alice: Page = new_context().new_page()
    bob: Page = new_context().new_page()
    log_in(bob, live_server, second_analyst)
    assert bob.evaluate(ADD_NOTE, [live_document.slug, QUOTE]) == 201
    note = Annotation.objects.get(author=second_analyst)
    log_in(alice, live_server, analyst)
    card = alice.locator(f"#annotation-{note.pk}")
    expect(card).to_be_attached()

    deleted = bob.evaluate(
        """async (id) => {
          const config = JSON.parse(document.getElementById("annotator-config").textContent);
          const response = await fetch(`/api/annotations/${id}/`, {method: "DELETE",
            credentials: "same-origin", headers: {"X-CSRFToken": config.csrfToken}});
          return response.status;
        }""",
        note.pk,
    )
    assert deleted == 204
    expect(card).not_to_be_attached(timeout=8_000)


def test_ones_own_edit_is_not_drawn_again_by_the_poll_and_the_focus_stays(
    page: Page, live_server: LiveServer, live_document: Document, analyst: User
) -> None:
    """The poll that sees the version one's own save made loads the notes while the editor draws
    them: it must not draw the cards again after it, taking the focus from the card's buttons.
    The list of notes answers slowly here (longer than a poll's interval), so that a poll always
    starts during the editor's own load."""
    start = live_document.plain_text().index(QUOTE)
    mine = annotation_on(
        live_document, analyst, start, start + len(QUOTE), body="First", visibility="analysts"
    )
    log_in(page, live_server, analyst)
    page.locator(f"#highlight-{mine.pk}").click()  # opens the card, wherever the margin had it
    card = page.locator(f"#annotation-{mine.pk}")
    expect(card).to_be_visible()

    def slowly(route: Route) -> None:
        time.sleep(3.5)
        route.continue_()

    page.route("**/api/annotations/?document=*", slowly)
    card.get_by_role("button", name="Edit").click()
    editor = page.get_by_role("dialog", name="Edit annotation")
    editor.get_by_label("Note (Markdown)").fill("Second")
    editor.get_by_role("button", name="Save").click()
    expect(card.locator(".annotation-body")).to_have_text("Second", timeout=10_000)
    drawn = card.element_handle()
    delete = card.get_by_role("button", name="Delete")
    delete.focus()
    # Two polls' time, each as slow as the editor's load was.
    page.wait_for_timeout(8_000)
    assert page.evaluate("card => card.isConnected", drawn)
    expect(delete).to_be_focused()
