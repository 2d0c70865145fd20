"""The reader in a real browser: claims and notes linked by click, keyboard and hover, the
side-by-side layout on wide screens and the stacked one on narrow screens, and the plain anchors
that work without JavaScript."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, FloatRect, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from reader.models import Document
from tests.helpers import NARROW, WIDE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

READER = "/documents/npi-commentary-80/"
NDS_TITLE = (
    "National Defense Strategy: Restoring Peace Through Strength for a New Golden Age of America"
)
NDS_PDF = (
    "https://media.defense.gov/2026/Jan/23/2003864773/-1/-1/0/2026-NATIONAL-DEFENSE-STRATEGY.PDF"
)
# --highlight in reader.css, the background of an active or targeted claim or note.
HIGHLIGHT = "rgb(255, 241, 184)"
# Enough Tab presses to get past the header and the first paragraphs with their notes.
MAX_TABS = 80


def open_reader(page: Page, live_server: LiveServer, *, enhanced: bool = True) -> None:
    page.goto(live_server.url + READER)
    if enhanced:
        # reader.js marks the page once it has linked and aligned claims and notes.
        expect(page.locator("html")).to_contain_class("reader-enhanced")


def box(locator: Locator) -> FloatRect:
    rect = locator.bounding_box()
    assert rect is not None, f"{locator} is not rendered"
    return rect


def test_clicking_the_claim_of_note_3_highlights_its_note_with_the_page_and_the_pdf_link(
    page: Page, live_server: LiveServer, live_document: Document
) -> None:
    open_reader(page, live_server)
    claim, note = page.locator("#claim-3"), page.locator("#note-3")

    claim.hover()
    expect(note).to_contain_class("is-active")
    expect(note).to_have_css("background-color", HIGHLIGHT)

    claim.click()
    expect(page).to_have_url(live_server.url + READER + "#note-3")
    # Away from the claim the hover highlight goes; the note stays highlighted as the target.
    page.mouse.move(0, 0)
    expect(note).not_to_contain_class("is-active")
    assert note.evaluate("element => element.matches(':target')")
    expect(note).to_have_css("background-color", HIGHLIGHT)
    expect(note).to_be_in_viewport()

    # The note names its source in its own words (a short form): the title is not said twice.
    expect(note.locator(".note-text")).to_have_text("National Defense Strategy, p.19.")
    expect(note.get_by_text(NDS_TITLE)).to_have_count(0)
    expect(note.get_by_role("link", name="Source page p.19")).to_be_visible()
    expect(note.locator("a[href='/sources/national-defense-strategy/pages/19/']")).to_have_count(1)
    open_source = note.locator("a.open-source")
    expect(open_source).to_have_count(1)
    href = open_source.get_attribute("href") or ""
    assert href.endswith("#page=19"), href
    assert NDS_PDF in href, href


def test_reaching_the_claim_of_note_3_by_keyboard_highlights_its_note_and_enter_targets_it(
    page: Page, live_server: LiveServer, live_document: Document
) -> None:
    open_reader(page, live_server)
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement?.id") == "claim-3":
            break
    else:
        pytest.fail(f"the claim of note 3 did not get the focus in {MAX_TABS} Tab presses")

    expect(page.locator("#claim-3")).to_be_focused()
    expect(page.locator("#note-3")).to_contain_class("is-active")
    expect(page.locator("#note-3")).to_have_css("background-color", HIGHLIGHT)

    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#note-3'")
    expect(page.locator("#note-3")).to_be_in_viewport()


def test_hovering_a_note_highlights_its_claim(
    page: Page, live_server: LiveServer, live_document: Document
) -> None:
    open_reader(page, live_server)
    claim, note = page.locator("#claim-3"), page.locator("#note-3")
    expect(claim).not_to_contain_class("is-active")

    note.hover()
    expect(claim).to_contain_class("is-active")
    expect(claim).to_have_css("background-color", HIGHLIGHT)
    # Only the partner claim lights up.
    expect(page.locator(".claim.is-active")).to_have_count(1)

    page.mouse.move(0, 0)
    expect(claim).not_to_contain_class("is-active")


def test_on_a_wide_screen_the_note_of_claim_6_stands_beside_it_at_its_height_or_under_note_5(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, live_document: Document
) -> None:
    page = new_context(viewport=WIDE).new_page()
    open_reader(page, live_server)
    claim, note = box(page.locator("#claim-6")), box(page.locator("#note-6"))
    above = box(page.locator("#note-5"))

    assert note["x"] >= claim["x"] + claim["width"], (claim, note)
    # At its claim's height, unless the note above reaches lower: then just under it.
    pushed = above["y"] + above["height"] > claim["y"]
    want = above["y"] + above["height"] + 12 if pushed else claim["y"]
    assert abs(note["y"] - want) <= (2 if pushed else 40), (claim, above, note)


def test_on_a_wide_screen_note_3_is_moved_down_to_its_claim_low_in_the_quotation(
    page: Page, live_server: LiveServer, live_document: Document
) -> None:
    # Claim 6 opens its paragraph, so its note is level with it even unaligned; claim 3 comes
    # late in its quotation, about 160px below the top of the row, so only reader.js aligns it.
    open_reader(page, live_server)
    row = box(page.locator(".row", has=page.locator("#claim-3")))
    claim, note = box(page.locator("#claim-3")), box(page.locator("#note-3"))

    assert claim["y"] - row["y"] > 80, (row, claim)
    assert abs(note["y"] - claim["y"]) <= 40, (claim, note)


def test_on_a_wide_screen_no_note_overlaps_the_note_above_it(
    page: Page, live_server: LiveServer, live_document: Document
) -> None:
    open_reader(page, live_server)
    bottom = 0.0
    for note in page.locator(".note").all():
        rect = box(note)
        assert rect["y"] >= bottom, f"{note.get_attribute('id')} overlaps the note above it"
        bottom = rect["y"] + rect["height"]


def test_on_a_narrow_screen_the_note_of_claim_6_opens_under_its_paragraph_when_tapped(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, live_document: Document
) -> None:
    page = new_context(viewport=NARROW).new_page()
    open_reader(page, live_server)
    expect(page.locator("#note-6")).to_be_hidden()  # until its claim is tapped
    page.locator("#claim-6").click()
    row = page.locator(".row", has=page.locator("#claim-6"))
    text, note = box(row.locator(".text")), box(page.locator("#note-6"))

    assert note["y"] > text["y"] + text["height"], (text, note)
    # Stacked, not beside: the note starts within the text's column.
    assert note["x"] < text["x"] + text["width"], (text, note)
    assert abs(note["x"] - text["x"]) <= 8, (text, note)


def test_the_quotations_are_blockquotes_and_the_claim_of_note_3_is_in_one(
    page: Page, live_server: LiveServer, live_document: Document
) -> None:
    open_reader(page, live_server)
    expect(page.locator("blockquote.quotation")).to_have_count(2)
    expect(page.locator("blockquote.quotation #claim-3")).to_have_count(1)


def test_without_javascript_the_claim_of_note_3_still_leads_to_its_note(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, live_document: Document
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    open_reader(page, live_server, enhanced=False)
    expect(page.locator("html")).not_to_contain_class("reader-enhanced")

    page.locator("#claim-3").click()
    expect(page).to_have_url(live_server.url + READER + "#note-3")
    note = page.locator("#note-3")
    expect(note).to_be_visible()
    expect(note).to_be_in_viewport()
    expect(note).to_have_css("background-color", HIGHLIGHT)
    expect(note.get_by_role("link", name="Source page p.19")).to_be_visible()


def test_the_search_box_finds_a_two_character_word_and_jumps_to_its_place(
    page: Page, live_server: LiveServer, live_document: Document
) -> None:
    open_reader(page, live_server)
    page.get_by_role("searchbox").fill("韓国")
    page.get_by_role("searchbox").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("6 passages contain “韓国”.")
    results = page.locator(".search-results li")
    expect(results).to_have_count(6)
    expect(results.first.locator("mark").first).to_have_text("韓国")
    results.first.get_by_role("link").click()
    page.wait_for_url(f"{live_server.url}{READER}?highlight=*#*")
    assert page.url.startswith(live_server.url + READER + "?highlight=")
    anchor = page.url.rsplit("#", 1)[1]
    expect(page.locator(f"#{anchor}")).to_contain_text("韓国")
    expect(page.locator(f"#{anchor}")).to_be_in_viewport()
