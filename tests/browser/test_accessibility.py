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


# Every page an analyst works on, in both themes and both languages, with the annotations a team
# writes (so that the margin's cards and markers, the desk's and the inbox's lists are there).
ANALYST_PAGES = {
    "reader": "/documents/npi-commentary-80/",
    "desk": "/annotations/",
    "ledger": "/documents/npi-commentary-80/claims/",
    "source page": "/sources/national-defense-strategy/pages/19/",
    "viewer": "/sources/national-defense-strategy/view/?page=19",
    "inbox": "/inbox/",
    "search": "/search/?q=%E5%90%8C%E7%9B%9F",
}


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("path", ANALYST_PAGES.values(), ids=ANALYST_PAGES.keys())
def test_axe_finds_no_violation_on_the_analysts_pages_in_both_themes_and_languages(
    path: str,
    language: str,
    theme: str,
    axe: Axe,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
    second_analyst: User,
    tmp_path: object,
) -> None:
    from pathlib import Path

    from tests.browser.test_margin import many_annotations
    from tests.helpers import reply_to
    from tests.pdfs import import_nds_like_pdf

    import_nds_like_pdf(Path(str(tmp_path)))
    made = many_annotations(live_document, second_analyst, 12)
    reply_to(made[0], second_analyst, "@alice see p.19")
    context = new_context(viewport=WIDE, bypass_csp=True, locale=language, color_scheme=theme)
    session = logged_in(analyst).cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page = context.new_page()
    response = page.goto(live_server.url + path)
    assert response is not None and response.ok, path
    if "/view/" in path:
        expect(page.locator("html")).to_contain_class("viewer-ready", timeout=20_000)
    if path == ANALYST_PAGES["reader"]:
        wait_for_annotations(page)
        expect(page.locator(".margin-bucket").first).to_be_visible()
    assert page.locator("html").get_attribute("lang") == language
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
