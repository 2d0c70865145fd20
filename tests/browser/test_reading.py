"""A long read in a real browser (issue 10): the text flows without holes, each note stands beside
its claim's line unless the note above pushes it, annotations take no width from the text and are
shown on request, long passages can be read to their end, and the keyboard moves from claim to
claim; on a phone nothing overflows and notes open under their paragraph on demand."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from annotations.models import Annotation
from reader.models import Document
from tests.helpers import drag_select, log_in, logged_in, wait_for_annotations
from tests.pdfs import NDS_P19, import_nds_like_pdf

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

READER = "/documents/npi-commentary-80/"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
GAP = 12  # px between two items of the margin, as static/reader/reader.js keeps them
SENTENCE = (  # the words of claim 2
    "これに先立ってトランプ政権は、より上位の戦略文書である「国家安全保障戦略"
    "（National Security Strategy）」を2025年12月に公表している"
)

BLOCK_GAPS = """() => {
  const lines = (element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return [...range.getClientRects()].filter((rect) => rect.width > 0 && rect.height > 0);
  };
  const blocks = [...document.querySelectorAll(
    ".row > .text > p, .row > .text > blockquote, .row > .text > h2")];
  const spacing = parseFloat(getComputedStyle(blocks[0]).marginBottom);
  const line = parseFloat(getComputedStyle(blocks[0]).lineHeight);
  const gaps = [];
  for (let i = 1; i < blocks.length; i++) {
    const before = lines(blocks[i - 1]), after = lines(blocks[i]);
    gaps.push({
      block: blocks[i].closest(".row").id,
      box: blocks[i].getBoundingClientRect().top - blocks[i - 1].getBoundingClientRect().bottom,
      lines: Math.min(...after.map((r) => r.top)) - Math.max(...before.map((r) => r.bottom)),
    });
  }
  return {spacing, line, gaps};
}"""

NOTES = """() => [...document.querySelectorAll(".note")].map((note) => {
  const claim = document.getElementById(`claim-${note.dataset.note}`);
  const text = claim.closest(".text");
  const rect = note.getBoundingClientRect();
  return {
    note: note.dataset.note, top: rect.top, bottom: rect.bottom, left: rect.left,
    claim: claim.getClientRects()[0].top, textRight: text.getBoundingClientRect().right,
    line: parseFloat(getComputedStyle(text).lineHeight),
  };
})"""


def open_reader(page: Page, live_server: LiveServer, path: str = READER) -> None:
    page.goto(live_server.url + path)
    expect(page.locator("html")).to_contain_class("reader-enhanced")


def settle(page: Page) -> None:
    """Let reader.js place the margin again (it does so on the next animation frame)."""
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 50)))")


def text_width(page: Page) -> float:
    return float(page.locator("#p1 > .text").evaluate("e => e.getBoundingClientRect().width"))


def assert_notes_beside_their_claims(page: Page) -> None:
    notes: list[dict[str, Any]] = sorted(page.evaluate(NOTES), key=lambda n: n["top"])
    assert len(notes) == 10
    bottom = None
    for note in notes:
        assert note["left"] >= note["textRight"], f"note {note['note']} is not beside the text"
        # Within a line of its claim's line, or just under the note above when that one reaches
        # lower than the claim: never lower than it has to be, never above its claim's line.
        assert note["top"] >= note["claim"] - note["line"], note
        lowest = note["claim"] if bottom is None else max(note["claim"], bottom + GAP)
        assert note["top"] <= lowest + 2, (note, bottom)
        if bottom is not None:
            assert note["top"] >= bottom, f"note {note['note']} overlaps the note above it"
        bottom = note["bottom"]


@pytest.fixture
def desktop(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context(viewport=DESKTOP).new_page()


@pytest.fixture
def public_note(live_document: Document, analyst: User) -> Annotation:
    start = live_document.plain_text().index(SENTENCE)
    target = {
        "selector": [
            {"type": "TextQuoteSelector", "exact": SENTENCE},
            {"type": "TextPositionSelector", "start": start, "end": start + len(SENTENCE)},
        ]
    }
    response = logged_in(analyst).post(
        "/api/annotations/",
        {
            "document": live_document.slug,
            "target": target,
            "body": "Dated.",
            "visibility": "public",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return Annotation.objects.get(pk=response.json()["id"])


# --- the text and its margin ----------------------------------------------------------------------


def test_between_two_blocks_of_the_text_there_is_only_the_paragraph_spacing(
    desktop: Page, live_server: LiveServer, live_document: Document
) -> None:
    open_reader(desktop, live_server)
    measured = desktop.evaluate(BLOCK_GAPS)
    assert len(measured["gaps"]) == 9
    for gap in measured["gaps"]:
        # The blocks' boxes are one paragraph spacing apart; their lines, that and one line's
        # leading and a quotation's padding (less than a line) at most.
        assert gap["box"] <= measured["spacing"] + 0.5, gap
        assert gap["lines"] <= measured["spacing"] + measured["line"], gap


def test_every_note_stands_beside_its_claims_line_unless_the_note_above_pushes_it(
    desktop: Page, live_server: LiveServer, live_document: Document
) -> None:
    open_reader(desktop, live_server)
    assert_notes_beside_their_claims(desktop)
    # The first notes are not pushed: each is level with its claim.
    first = {n["note"]: n for n in desktop.evaluate(NOTES)}["1"]
    assert abs(first["top"] - first["claim"]) <= first["line"], first

    # Placed again when the window changes and when the text grows larger.
    desktop.set_viewport_size({"width": 1100, "height": 900})
    settle(desktop)
    assert_notes_beside_their_claims(desktop)
    desktop.get_by_role("button", name="Larger text").click()
    settle(desktop)
    assert_notes_beside_their_claims(desktop)


def test_the_text_is_as_wide_with_public_annotations_and_they_can_be_hidden_for_good(
    desktop: Page, live_server: LiveServer, public_note: Annotation
) -> None:
    Annotation.objects.filter(pk=public_note.pk).update(visibility="private")
    open_reader(desktop, live_server)
    wait_for_annotations(desktop)
    expect(desktop.get_by_role("button", name="Annotations")).to_be_hidden()  # nothing to show
    without = text_width(desktop)

    Annotation.objects.filter(pk=public_note.pk).update(visibility="public")
    open_reader(desktop, live_server)
    wait_for_annotations(desktop)
    card = desktop.locator(f"#annotation-{public_note.pk}")
    expect(card).to_be_visible()
    assert text_width(desktop) == without
    # The card stands in the margin, beside its words, with the notes.
    card_box, words = card.bounding_box(), desktop.locator(f"#highlight-{public_note.pk}")
    words_box, text_box = words.bounding_box(), desktop.locator("#p1 > .text").bounding_box()
    assert card_box and words_box and text_box
    assert card_box["x"] >= text_box["x"] + text_box["width"]
    assert card_box["y"] >= words_box["y"] - 40

    toggle = desktop.get_by_role("button", name="Annotations")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(card).to_be_hidden()
    expect(desktop.locator("#annotator-bar")).to_be_hidden()
    assert text_width(desktop) == without
    expect(desktop.locator(f"#highlight-{public_note.pk}")).to_have_attribute("tabindex", "-1")
    # The hidden highlight no longer stands between the claim it is in and the claim's note.
    desktop.locator("#claim-2").click()
    expect(desktop).to_have_url(live_server.url + READER + "#note-2")

    desktop.reload()  # remembered by this browser
    wait_for_annotations(desktop)
    expect(desktop.get_by_role("button", name="Annotations")).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(card).to_be_hidden()
    desktop.get_by_role("button", name="Annotations").click()
    expect(card).to_be_visible()


def test_claims_are_marked_quietly_and_quiet_reading_shows_notes_on_demand(
    desktop: Page, live_server: LiveServer, live_document: Document
) -> None:
    open_reader(desktop, live_server)
    claim = desktop.locator("#claim-3")
    assert claim.evaluate("e => getComputedStyle(e).textDecorationStyle") == "dotted"
    assert claim.evaluate("e => getComputedStyle(e).color") == claim.evaluate(
        "e => getComputedStyle(e.closest('p')).color"
    )

    desktop.get_by_role("button", name="Quiet reading").click()
    expect(desktop.locator(".note").first).to_be_hidden()
    expect(claim).to_have_attribute("aria-expanded", "false")
    claim.click()
    expect(claim).to_have_attribute("aria-expanded", "true")
    note = desktop.locator("#note-3")
    expect(note).to_be_visible()
    note_box, claim_box = note.bounding_box(), claim.bounding_box()
    assert note_box and claim_box and abs(note_box["y"] - claim_box["y"]) <= 40
    expect(desktop.locator(".note:visible")).to_have_count(1)

    desktop.reload()
    expect(desktop.get_by_role("button", name="Quiet reading")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(desktop.locator(".note:visible")).to_have_count(0)


def test_the_text_size_can_be_changed_and_is_remembered(
    desktop: Page, live_server: LiveServer, live_document: Document
) -> None:
    open_reader(desktop, live_server)
    size = "e => parseFloat(getComputedStyle(e).fontSize)"
    before = desktop.locator("#p1 > .text > p").evaluate(size)
    desktop.get_by_role("button", name="Larger text").click()
    assert desktop.locator("#p1 > .text > p").evaluate(size) > before
    desktop.reload()
    assert desktop.locator("#p1 > .text > p").evaluate(size) > before
    desktop.get_by_role("button", name="Smaller text").click()
    assert desktop.locator("#p1 > .text > p").evaluate(size) == before


# --- passages -------------------------------------------------------------------------------------


def test_note_3_leaves_its_quotation_to_the_text_and_its_page_can_be_read_to_its_end(
    desktop: Page, live_server: LiveServer, live_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    open_reader(desktop, live_server)
    note = desktop.locator("#note-3")
    expect(note).not_to_contain_text("欧州、中東、そして朝鮮半島においては")
    quotation = desktop.locator("#q1 blockquote.quotation")
    expect(quotation).to_contain_text("欧州、中東、そして朝鮮半島においては")
    assert quotation.evaluate("e => e.scrollHeight <= e.clientHeight + 1")

    text = note.locator(".page-text p")
    show_all = note.get_by_role("button", name="Show all")
    expect(show_all).to_have_attribute("aria-expanded", "false")
    assert text.evaluate("e => e.scrollHeight > e.clientHeight + 1")  # shortened, and says so
    show_all.click()
    expect(note.get_by_role("button", name="Show less")).to_have_attribute("aria-expanded", "true")
    assert text.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
    last_words = NDS_P19[-40:]
    expect(text).to_contain_text(last_words)
    assert_notes_beside_their_claims(desktop)


# --- the keyboard ---------------------------------------------------------------------------------


def test_j_twice_from_the_top_focuses_claim_2_and_n_opens_its_note(
    desktop: Page, live_server: LiveServer, live_document: Document
) -> None:
    open_reader(desktop, live_server)
    desktop.keyboard.press("j")
    expect(desktop.locator("#claim-1")).to_be_focused()
    desktop.keyboard.press("j")
    expect(desktop.locator("#claim-2")).to_be_focused()
    desktop.keyboard.press("j")
    desktop.keyboard.press("k")
    expect(desktop.locator("#claim-2")).to_be_focused()

    desktop.keyboard.press("n")
    note = desktop.locator("#note-2")
    expect(note).to_be_focused()
    # In the note, its links are Tab stops; Escape goes back to the claim.
    desktop.keyboard.press("Tab")
    assert desktop.evaluate("document.activeElement.closest('.note')?.id") == "note-2"
    desktop.keyboard.press("Escape")
    expect(desktop.locator("#claim-2")).to_be_focused()

    desktop.keyboard.press("?")
    shortcuts = desktop.get_by_role("dialog", name="Keyboard shortcuts")
    expect(shortcuts).to_be_visible()
    expect(shortcuts).to_contain_text("Next claim")
    desktop.keyboard.press("j")  # no shortcut while the list is open
    desktop.keyboard.press("Escape")
    expect(shortcuts).to_be_hidden()


def test_a_claim_is_one_tab_stop_and_the_skip_link_leads_to_the_text(
    desktop: Page, live_server: LiveServer, live_document: Document
) -> None:
    open_reader(desktop, live_server)
    desktop.keyboard.press("Tab")
    expect(desktop.get_by_role("link", name="Skip to content")).to_be_focused()
    desktop.keyboard.press("Tab")
    expect(desktop.get_by_role("link", name="Skip to the text")).to_be_focused()
    desktop.keyboard.press("Enter")
    expect(desktop.locator("#text")).to_be_focused()
    for number in range(1, 11):
        desktop.keyboard.press("Tab")
        expect(desktop.locator(f"#claim-{number}")).to_be_focused()
    # Paragraph 6 (claim 6 opens it) is a few Tab presses from the top of the page, not 83.
    desktop.goto(live_server.url + READER)
    presses = 0
    while desktop.evaluate("document.activeElement.id") != "claim-6":
        assert presses < 25, f"claim 6 not reached in {presses} Tab presses"
        desktop.keyboard.press("Tab")
        presses += 1


def test_a_starts_an_annotation_on_the_selected_words(
    desktop: Page, live_server: LiveServer, live_document: Document, analyst: User
) -> None:
    log_in(desktop, live_server, analyst)
    drag_select(desktop, SENTENCE)
    desktop.keyboard.press("a")
    editor = desktop.get_by_role("dialog", name="New annotation")
    expect(editor).to_be_visible()
    expect(editor.locator("#editor-quote-text")).to_have_text(SENTENCE)
    # Typing in the editor is typing, not shortcuts.
    desktop.keyboard.type("a j k n")
    expect(editor.get_by_label("Note (Markdown)")).to_have_value("a j k n")


# --- on a phone -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ja"])
def test_on_a_phone_nothing_overflows_and_a_note_opens_under_its_paragraph_on_demand(
    language: str,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
) -> None:
    page = new_context(viewport=PHONE, locale=language).new_page()
    open_reader(page, live_server)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll("body *")].filter((e) => {
            const rect = e.getBoundingClientRect();
            return rect.width > 0 && rect.right > document.documentElement.clientWidth + 0.5;
        }).map((e) => e.className || e.tagName)"""
    )
    assert too_wide == []
    expect(page.locator(".note:visible")).to_have_count(0)  # collapsed by default

    marker = page.locator("sup.marker a[data-note='6']")
    expect(marker).to_have_attribute("aria-expanded", "false")
    marker.click()
    expect(marker).to_have_attribute("aria-expanded", "true")
    note, text = page.locator("#note-6"), page.locator("#p4 > .text")
    expect(note).to_be_visible()
    note_box, text_box = note.bounding_box(), text.bounding_box()
    assert note_box and text_box
    assert note_box["y"] >= text_box["y"] + text_box["height"] - 1
    assert abs(note_box["x"] - text_box["x"]) <= 8
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    marker.click()
    expect(note).to_be_hidden()


# --- without JavaScript, in print, in the dark ----------------------------------------------------


def test_without_javascript_each_note_follows_its_paragraph(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, live_document: Document
) -> None:
    page = new_context(viewport=DESKTOP, java_script_enabled=False).new_page()
    page.goto(live_server.url + READER)
    note, text = page.locator("#note-6"), page.locator("#p4 > .text")
    expect(note).to_be_visible()
    note_box, text_box = note.bounding_box(), text.bounding_box()
    assert note_box and text_box and note_box["y"] >= text_box["y"] + text_box["height"]


def test_printed_the_text_comes_first_then_the_notes_then_the_annotations(
    desktop: Page, live_server: LiveServer, public_note: Annotation
) -> None:
    open_reader(desktop, live_server)
    wait_for_annotations(desktop)
    desktop.emulate_media(media="print")
    top = "(e) => e.getBoundingClientRect().top"
    last_text = desktop.locator(".row > .text").last.evaluate(
        "e => e.getBoundingClientRect().bottom"
    )
    notes_title = desktop.get_by_role("heading", name="Notes", exact=True)
    expect(notes_title).to_be_visible()
    assert notes_title.evaluate(top) >= last_text
    # The ※ disclaimer belongs to the text: it comes after it, before the notes.
    disclaimer = desktop.locator(".disclaimer")
    expect(disclaimer).to_contain_text("※")
    assert last_text <= disclaimer.evaluate(top)
    assert disclaimer.evaluate("e => e.getBoundingClientRect().bottom") <= notes_title.evaluate(top)
    assert desktop.locator("#note-1").evaluate(top) > notes_title.evaluate(top)
    annotations_title = desktop.get_by_role("heading", name="Annotations", exact=True)
    last_note = desktop.locator("#note-10").evaluate("e => e.getBoundingClientRect().bottom")
    assert annotations_title.evaluate(top) >= last_note
    card = desktop.locator(f"#annotation-{public_note.pk}")
    assert card.evaluate(top) > annotations_title.evaluate(top)
    expect(desktop.locator(".site-header")).to_be_hidden()


def test_in_the_dark_the_page_is_dark(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, live_document: Document
) -> None:
    page = new_context(viewport=DESKTOP, color_scheme="dark").new_page()
    open_reader(page, live_server)
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background == "rgb(22, 23, 26)", background
