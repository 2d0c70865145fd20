"""Attaching a source's file in a real browser, and the in-app viewer: pdf.js opens the stored PDF
at the PDF page that carries the printed page cited, under the site's CSP, with the quoted
passage found on it once the original is known."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from reader.alignment import add_original
from reader.models import Document, SourcePassage
from tests.helpers import PASSWORD
from tests.pdfs import NDS, nds_like_pdf, write

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_an_analyst_attaches_the_pdf_and_the_viewer_opens_at_printed_page_19(
    page: Page, live_server: LiveServer, live_document: Document, analyst: User, tmp_path: Path
) -> None:
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(f"{live_server.url}/accounts/login/?next=/sources/{NDS}/")
    page.get_by_label("User name").fill(analyst.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/sources/{NDS}/")
    page.get_by_role("link", name="Attach the file").click()
    page.get_by_label("File (PDF, HTML page or text)").set_input_files(
        str(write(tmp_path / "2026-NDS.pdf", nds_like_pdf()))
    )
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_role("status").first).to_contain_text("2026-NDS.pdf attached: 34 pages")

    quote = SourcePassage.objects.get(block__anchor="q1", block__document=live_document)
    add_original(translation=quote, text="model allies - those that spend")
    page.goto(live_server.url + live_document.get_absolute_url())
    link = page.locator("#note-3 a.open-source")
    expect(link).to_have_attribute("href", f"/sources/{NDS}/view/?page=19&passage={quote.pk}")
    page.goto(live_server.url + link.get_attribute("href"))
    expect(page.locator("html")).to_contain_class("viewer-ready", timeout=20_000)
    expect(page.locator("#viewer-status")).to_have_text("p.19 · PDF page 23 of 34")
    expect(page.locator("#pdf-text")).to_contain_text("This is printed page 19.")
    expect(page.locator("#viewer-found")).to_have_text("The passage was found on this page.")
    found = page.evaluate(
        "() => [...CSS.highlights.get('passage-found')].map((r) => r.toString().replace(/\\s+/g, ' '))"
    )
    assert found == ["model allies - those that spend"], found
    if shots := os.environ.get("SCREENSHOTS"):  # for a look at the viewer
        page.screenshot(path=str(Path(shots) / "viewer-p19.png"), full_page=True)
    page.get_by_role("button", name="Next page").click()
    expect(page.locator("#viewer-status")).to_have_text("p.20 · PDF page 24 of 34")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_without_a_stored_file_the_link_goes_to_the_original(
    page: Page, live_server: LiveServer, live_document: Document
) -> None:
    page.goto(live_server.url + live_document.get_absolute_url())
    href = page.locator("#note-3 a.open-source").get_attribute("href")
    assert href and href.startswith("https://media.defense.gov/") and href.endswith("#page=19")


def test_the_ledger_filters_and_leads_to_the_claim(
    page: Page, live_server: LiveServer, live_document: Document, tmp_path: Path
) -> None:
    from tests.pdfs import import_nds_like_pdf

    import_nds_like_pdf(tmp_path)
    page.goto(live_server.url + live_document.get_absolute_url() + "claims/")
    expect(page.locator("tbody tr")).to_have_count(10)
    page.get_by_label("Evidence").select_option("needs_alignment")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Needs alignment")
    expect(rows.first).to_contain_text(
        "the quotation is a translation: align it with the words of p.19"
    )
    rows.first.get_by_role("link").first.click()
    page.wait_for_url("**/documents/npi-commentary-80/#claim-3")
    expect(page.locator("#claim-3")).to_be_in_viewport()
