"""Judging a claim in one click, in a real browser: from a claim in the reader to a stored verdict
in at most three actions when the source's file is attached, and "Show on the page" opens the
viewer at the evidence sentence's page with the sentence highlighted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from annotations.models import Annotation
from reader.models import Document
from tests.helpers import PASSWORD, WIDE, logged_in
from tests.pdfs import import_nds_like_pdf

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def log_in(page: Page, live_server: LiveServer, user: User, path: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={path}")
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}{path}")


def test_an_analyst_judges_a_claim_in_two_actions_from_the_claim(
    page: Page, live_server: LiveServer, live_document: Document, analyst: User, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    log_in(page, live_server, analyst, live_document.get_absolute_url())
    actions = 0

    page.locator("#claim-6").click()  # 1: the claim leads to its note
    actions += 1
    note = page.locator("#note-6")
    expect(note.locator(".evidence-sentence")).to_contain_text("Evidence on p.20:")
    expect(note.locator(".evidence-sentence q")).to_contain_text("South Korea is capable")
    note.get_by_role("button", name="Supported").click()  # 2: the verdict, recorded at once
    actions += 1
    expect(note.locator(".judge-status")).to_contain_text("Recorded: Supported.")

    assert actions <= 3
    judged = Annotation.objects.get(claim__note__number=6, claim__document=live_document)
    assert (judged.judgement, judged.author, judged.visibility) == (
        "supported",
        analyst,
        "analysts",
    )
    rows = page.request.get(f"{live_server.url}/api/documents/{live_document.slug}/claims/")
    sixth = rows.json()[5]
    assert sixth["verdict"] == "one_analyst" and sixth["judgements"][0]["judgement"] == "supported"


def test_readers_see_the_evidence_but_no_buttons_and_show_on_the_page_highlights_it(
    page: Page, live_server: LiveServer, live_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    page.goto(live_server.url + live_document.get_absolute_url())
    note = page.locator("#note-6")
    expect(note.locator(".evidence-sentence")).to_be_attached()
    expect(note.get_by_role("button", name="Supported")).to_have_count(0)  # hidden: no account
    page.goto(live_server.url + note.locator("a.evidence-show").get_attribute("href"))
    expect(page.locator("html")).to_contain_class("viewer-ready", timeout=20_000)
    expect(page.locator("#viewer-status")).to_have_text("p.20 · PDF page 24 of 34")
    expect(page.locator("#viewer-found")).to_have_text(
        "The evidence sentence is highlighted on this page."
    )
    found = page.evaluate("() => [...CSS.highlights.get('passage-found')].map((r) => r.toString())")
    assert " ".join(found).replace("\n", " ").startswith("With its powerful military")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_in_a_note_with_its_evidence_and_buttons(
    scheme: str,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
    tmp_path: Path,
) -> None:
    import_nds_like_pdf(tmp_path)
    context = new_context(viewport=WIDE, bypass_csp=True, color_scheme=scheme)
    session = logged_in(analyst).cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url + live_document.get_absolute_url())
    page.locator("#claim-6").click()
    expect(page.locator("#note-6").get_by_role("button", name="Supported")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
