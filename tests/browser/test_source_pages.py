"""Imported source pages in a real browser: the claim of note 3 shows the text of printed page 19
and opens the PDF at its index; an analyst aligns the NDS quotation with its original by
selecting the words in the page text; axe finds nothing wrong on the pages that show them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from reader.models import Document, Source, SourcePassage
from tests.helpers import WIDE
from tests.pdfs import NDS, NDS_P19, import_nds_like_pdf

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

READER = "/documents/npi-commentary-80/"
NDS_PDF = (
    "https://media.defense.gov/2026/Jan/23/2003864773/-1/-1/0/2026-NATIONAL-DEFENSE-STRATEGY.PDF"
)
ORIGINAL = "Incentives work, and they will be a core part of our approach to alliances."


@pytest.fixture
def nds(live_document: Document, tmp_path: Path) -> Source:
    """A generated NDS-like PDF (pages i–iv, then 1–30) imported into the seed's NDS."""
    return import_nds_like_pdf(tmp_path)


def log_in(context: BrowserContext, live_server: LiveServer, user: User) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def select_in_page_text(page: Page, words: str) -> None:
    """Select `words` inside the page text, as a mouse drag over them would."""
    page.locator(".page-text").evaluate(
        """(element, words) => {
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const start = node.data.indexOf(words);
                if (start < 0) continue;
                const range = document.createRange();
                range.setStart(node, start);
                range.setEnd(node, start + words.length);
                getSelection().removeAllRanges();
                getSelection().addRange(range);
                return;
            }
            throw new Error("words not found in one text node: " + words);
        }""",
        words,
    )


def test_activating_the_claim_of_note_3_shows_printed_page_19_and_opens_the_pdf_at_its_index(
    page: Page, live_server: LiveServer, nds: Source
) -> None:
    page.goto(live_server.url + READER)
    expect(page.locator("html")).to_contain_class("reader-enhanced")
    note = page.locator("#note-3")

    page.locator("#claim-3").click()

    expect(page).to_have_url(live_server.url + READER + "#note-3")
    expect(note).to_be_in_viewport()
    page_text = note.locator(".page-text")
    expect(page_text).to_have_count(1)
    expect(page_text).to_be_visible()
    expect(page_text).to_have_attribute("lang", "en")
    expect(page_text).to_contain_text("This is printed page 19.")
    expect(page_text).to_contain_text(NDS_P19[:60])
    expect(page_text.locator("footer")).to_have_text("Text of p.19 in the source")
    # The file is stored: the link opens it in the in-app viewer at printed page 19 (the PDF's
    # 23rd page, after four pages of front matter: tests/browser/test_viewer.py).
    expect(note.locator("a.open-source")).to_have_attribute(
        "href", re.compile(rf"^/sources/{NDS}/view/\?page=19&passage=\d+$")
    )


def test_an_analyst_aligns_the_quotation_with_the_words_selected_on_the_page(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    nds: Source,
    analyst: User,
) -> None:
    context = new_context(viewport=WIDE)
    log_in(context, live_server, analyst)
    page = context.new_page()
    translation = SourcePassage.objects.get(block__anchor="q1")
    page.goto(f"{live_server.url}/sources/{NDS}/pages/19/")

    select_in_page_text(page, ORIGINAL)
    form = page.locator(f"#passage-{translation.pk} .align-form")
    form.get_by_role("button", name="Use the words selected in the page text").click()
    expect(form.get_by_label("The original words, as printed on the page")).to_have_value(ORIGINAL)
    form.get_by_role("button", name="Align", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/sources/{NDS}/pages/19/#passage-{translation.pk}")
    card = page.locator(f"#passage-{translation.pk}")
    expect(card.locator(".passage-original p")).to_have_text(ORIGINAL)

    page.goto(live_server.url + READER)
    note = page.locator("#note-3")
    expect(note.locator(".passage-original p")).to_have_text(ORIGINAL)
    expect(note.locator(".page-text")).to_have_count(0)


@pytest.mark.parametrize(
    "path",
    [READER, "/documents/npi-commentary-80/check/", f"/sources/{NDS}/pages/19/"],
    ids=["reader", "check", "source page with the form"],
)
def test_axe_finds_no_violation_where_page_texts_and_forms_are_shown(
    path: str,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    nds: Source,
    analyst: User,
) -> None:
    context = new_context(viewport=WIDE, bypass_csp=True)
    log_in(context, live_server, analyst)
    page = context.new_page()
    response = page.goto(live_server.url + path)
    assert response is not None and response.ok, path
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
