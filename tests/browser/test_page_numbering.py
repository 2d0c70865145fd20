"""Numbering the pages of a PDF without page labels in a real browser: the analyst attaches the
file, reads its first pages and the cited ones with the labels a numbering gives them, corrects
the numbering, confirms, and the viewer opens printed p.19 where it is; the form fits a phone and
a wide screen in English and Japanese, with no accessibility violation."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from reader.models import Document, Source
from tests.helpers import logged_in
from tests.pdfs import NDS, make_pdf, page_text, write

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def unlabelled_nds(tmp_path: Path) -> Path:
    """Printed i–iv then 1–30, as many real PDFs come: with no page labels to say so."""
    labels = ["i", "ii", "iii", "iv", *map(str, range(1, 31))]
    return write(tmp_path / "nds-unlabelled.pdf", make_pdf([page_text(x) for x in labels]))


def as_analyst(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, analyst: User, **options
) -> Page:
    context = new_context(**options)
    session = logged_in(analyst).cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return context.new_page()


def preview(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    page.goto(f"{live_server.url}/sources/{NDS}/upload/")
    page.locator("#id_file").set_input_files(str(unlabelled_nds(tmp_path)))
    page.locator("form.attach-form button[type=submit]").click()
    expect(page.locator("#id_numbering")).to_be_visible()


def expect_row(table: Locator, number: int, *cells: str) -> None:
    """The row `number` of the table (0: its head) starts with these cells."""
    for place, text in enumerate(cells):
        expect(table.get_by_role("row").nth(number).locator("td").nth(place)).to_contain_text(text)


def test_an_analyst_numbers_a_pdf_without_labels_and_the_viewer_finds_p19(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
    tmp_path: Path,
) -> None:
    page = as_analyst(new_context, live_server, analyst)
    preview(page, live_server, tmp_path)
    expect(page.get_by_role("heading", name="How are the pages numbered?")).to_be_visible()
    cited = page.get_by_role("table", name="The pages the commentaries cite")
    first = page.get_by_role("table", name="The first pages")
    # Counted from 1, printed page 19 would be PDF page 19, which is printed 15: wrong.
    expect_row(cited, 1, "p.19", "19", "This is printed page 15.")
    page.get_by_label("Page numbering").fill("1–4: i, 5: 1")
    page.get_by_role("button", name="Show the numbers again").click()
    expect_row(first, 4, "4", "iv", "This is printed page iv.")
    expect_row(first, 5, "5", "1", "This is printed page 1.")
    expect_row(cited, 1, "p.19", "23", "This is printed page 19.")
    page.get_by_role("button", name="Confirm and attach").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "nds-unlabelled.pdf attached: 34 pages (i–iv, 1–30)."
    )
    assert Source.objects.get(slug=NDS).pages.get(label="19").pdf_index == 22
    page.get_by_role("link", name="Change the page numbering").click()
    expect(page.get_by_label("Page numbering")).to_have_value("1–4: i, 5: 1")
    page.goto(f"{live_server.url}/sources/{NDS}/view/?page=19")
    expect(page.locator("html")).to_contain_class("viewer-ready", timeout=20_000)
    expect(page.locator("#viewer-status")).to_have_text("p.19 · PDF page 23 of 34")


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("width", [1440, 390])
def test_the_numbering_form_fits_and_has_no_accessibility_violation(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
    tmp_path: Path,
    width: int,
    language: str,
) -> None:
    page = as_analyst(
        new_context,
        live_server,
        analyst,
        viewport={"width": width, "height": 900},
        locale=language,
        bypass_csp=True,  # for axe, injected by page.evaluate
    )
    preview(page, live_server, tmp_path)
    page.locator("#id_numbering").fill("1–4: i, 2: 1")  # a mistake: refused beside the field
    page.locator("button[name=preview]").click()
    expect(page.locator("#numbering-error")).to_be_visible()
    expect(page.locator("#id_numbering")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    if shots := os.environ.get("SCREENSHOTS"):
        page.screenshot(
            path=str(Path(shots) / f"labels-error-{width}-{language}.png"), full_page=True
        )
    page.locator("#id_numbering").fill("1–4: i, 5: 1")
    page.locator("button[name=preview]").click()
    expect(page.locator("#numbering-error")).to_have_count(0)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    if shots := os.environ.get("SCREENSHOTS"):
        page.screenshot(path=str(Path(shots) / f"labels-{width}-{language}.png"), full_page=True)
