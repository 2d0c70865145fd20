"""axe-core finds no accessibility violation on the pages of the reader."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, expect
from pytest_django.live_server_helper import LiveServer

from reader.models import Document
from tests.helpers import NARROW, WIDE, logged_in, wait_for_annotations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PAGES = {
    "index": "/",
    "reader": "/documents/npi-commentary-80/",
    "source": "/sources/national-defense-strategy/",
    "source page": "/sources/national-defense-strategy/pages/19/",
    "search": "/search/?q=%E5%90%8C%E7%9B%9F",
}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_axe_finds_no_violation_on_the_page(
    path: str,
    axe: Axe,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
) -> None:
    # axe is injected by page.evaluate; bypass_csp keeps the site's policy from getting in its way.
    page = new_context(viewport=WIDE, bypass_csp=True).new_page()
    response = page.goto(live_server.url + path)
    assert response is not None and response.ok, path
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def test_axe_finds_no_violation_on_the_reader_in_a_narrow_window(
    axe: Axe,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
) -> None:
    page = new_context(viewport=NARROW, bypass_csp=True).new_page()
    page.goto(live_server.url + PAGES["reader"])
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("shown", [True, False], ids=["annotations shown", "annotations hidden"])
@pytest.mark.parametrize("language", ["en", "ja"])
def test_axe_finds_no_violation_on_the_reader_with_annotations_shown_or_hidden(
    language: str,
    shown: bool,
    axe: Axe,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
) -> None:
    words = "公表された国家防衛戦略の記述のうち"
    start = live_document.plain_text().index(words)
    target = {
        "selector": [
            {"type": "TextQuoteSelector", "exact": words},
            {"type": "TextPositionSelector", "start": start, "end": start + len(words)},
        ]
    }
    response = logged_in(analyst).post(
        "/api/annotations/",
        {
            "document": live_document.slug,
            "target": target,
            "body": "*Public*",
            "visibility": "public",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    context = new_context(viewport=WIDE, bypass_csp=True, locale=language)
    page = context.new_page()
    page.goto(live_server.url + PAGES["reader"])
    wait_for_annotations(page)
    expect(page.locator("html")).to_have_attribute("lang", language)
    toggle = page.locator("#toggle-annotations")
    if not shown:
        toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true" if shown else "false")
    card = page.locator(".annotation-card")
    if shown:
        expect(card).to_be_visible()
    else:
        expect(card).to_be_hidden()
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["wide", "narrow"])
def test_axe_finds_no_violation_in_the_dark_and_in_quiet_reading_with_a_note_open(
    viewport: dict[str, int],
    axe: Axe,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
) -> None:
    page = new_context(viewport=viewport, bypass_csp=True, color_scheme="dark").new_page()
    page.goto(live_server.url + PAGES["reader"])
    expect(page.locator("html")).to_contain_class("reader-enhanced")
    if viewport == WIDE:
        page.get_by_role("button", name="Quiet reading").click()
    page.locator("#claim-6").click()
    expect(page.locator("#note-6")).to_be_visible()
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


VERIFICATION_PAGES = {
    "claim ledger": "/documents/npi-commentary-80/claims/",
    "citation check": "/documents/npi-commentary-80/check/",
    "attach the file": "/sources/national-defense-strategy/upload/",
    "viewer": "/sources/national-defense-strategy/view/?page=19",
    "source page with suggestions": "/sources/national-defense-strategy/pages/19/",
}


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("path", VERIFICATION_PAGES.values(), ids=VERIFICATION_PAGES.keys())
def test_axe_finds_no_violation_on_the_verification_pages(
    path: str,
    language: str,
    axe: Axe,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
    tmp_path: object,
) -> None:
    from pathlib import Path

    from tests.pdfs import import_nds_like_pdf

    import_nds_like_pdf(Path(str(tmp_path)))  # the file stored: the viewer, the suggestions
    context = new_context(viewport=WIDE, bypass_csp=True, locale=language)
    session = logged_in(analyst).cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page = context.new_page()
    response = page.goto(live_server.url + path)
    assert response is not None and response.ok, path
    if "/view/" in path:
        expect(page.locator("html")).to_contain_class("viewer-ready", timeout=20_000)
    assert page.locator("html").get_attribute("lang") == language
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
