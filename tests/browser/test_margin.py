"""The margin beside the text, in a real browser: a note or annotation card that grows where it
stands (its flag form opened, its resolved thread unfolded) pushes the items under it down, so
that nothing in the margin ever covers anything else."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from pytest_django.live_server_helper import LiveServer

from annotations.models import Annotation
from reader.models import Document
from tests.helpers import SEED_READER, annotation_on, log_in, reply_to, wait_for_annotations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# In the paragraph just before the first NDS quotation (q1), whose note 3 stands under the card.
WORDS = "模範的な同盟国"
ITEMS = ".row > .notes > .note, .row > .annotations > .annotation-card"


OVERLAPS = """(selector) => {
          const boxes = [...document.querySelectorAll(selector)]
            .filter((item) => item.getClientRects().length)
            .map((item) => [item.id, item.getBoundingClientRect()]);
          const found = [];
          for (const [i, [a, boxA]] of boxes.entries()) {
            for (const [b, boxB] of boxes.slice(i + 1)) {
              const apart = boxA.bottom <= boxB.top || boxB.bottom <= boxA.top
                || boxA.right <= boxB.left || boxB.right <= boxA.left;
              if (!apart) found.push(`${a} × ${b}`);
            }
          }
          return found;
        }"""


def overlaps(page: Page, selector: str = ITEMS) -> list[str]:
    """Every pair of margin items whose boxes intersect ("note-3 × annotation-12"), once the
    margin has had two seconds to place them again (it does so on the next animation frame)."""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(f"(s) => !({OVERLAPS})(s).length", arg=selector, timeout=2_000)
    return page.evaluate(OVERLAPS, selector)


def note_on(document: Document, author: User, **fields: object) -> Annotation:
    start = document.plain_text().index(WORDS)
    return annotation_on(document, author, start, start + len(WORDS), **fields)


def test_a_card_whose_flag_form_opens_pushes_the_notes_under_it_down(
    page: Page, live_server: LiveServer, live_document: Document, analyst: User, member: User
) -> None:
    public = note_on(live_document, analyst, body="Buy now!", visibility="public")
    log_in(page, live_server, member)
    card = page.locator(f"#annotation-{public.pk}")
    expect(card).to_be_visible()
    assert overlaps(page) == []
    height = card.bounding_box()["height"]  # type: ignore[index]
    card.get_by_role("button", name="Flag").click()
    expect(card.get_by_label("Why should the moderators look at this note?")).to_be_visible()
    assert card.bounding_box()["height"] > height  # type: ignore[index]
    assert overlaps(page) == []
    # The button under the card's form takes the click itself, not a note lying over it.
    send = card.get_by_role("button", name="Send the flag")
    send.scroll_into_view_if_needed()  # elementFromPoint sees only what is in the window
    box = send.bounding_box()
    assert box is not None
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y)?.closest('button')?.textContent",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert hit == "Send the flag"


def test_unfolding_a_resolved_thread_covers_no_note(
    page: Page,
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
    second_analyst: User,
) -> None:
    root = note_on(live_document, analyst, body="Is this right?", visibility="analysts")
    for n in range(4):
        body = f"Reply {n}: it is, see p.19, and here is a longer reason that takes two lines."
        reply_to(root, second_analyst, body)
    root.resolve(by=analyst)
    log_in(page, live_server, analyst)
    card = page.locator(f"#annotation-{root.pk}")
    toggle = card.get_by_role("button", name="Resolved by alice")
    expect(toggle).to_be_visible()
    assert overlaps(page) == []
    toggle.click()
    expect(card.locator(".annotation-reply").first).to_be_visible()
    assert overlaps(page) == []


# --- a week of a team's annotations ----------------------------------------------------------------

BODIES = [
    "Worth checking against the NDS itself.",
    "The wording here is stronger than the source's: the NDS says *should*, not *must*. "
    "See p.19 and compare with the 2022 text, which framed it as a shared burden.",
    "Agreed.",
    "Is this the author's reading or the administration's? The note does not say, and the "
    "paragraph before it suggests the former. Worth asking before we cite it in the brief.",
    "Cf. the fact sheet of the same week.",
]


def many_annotations(document: Document, author: User, count: int) -> list[Annotation]:
    """`count` public annotations spread over the whole text, on words of six characters, with
    bodies of one line to five, as a team writes them in a week."""
    text = document.plain_text()
    step = (len(text) - 10) // count
    made = []
    for n in range(count):
        start = 5 + n * step
        while text[start].isspace() or text[start + 5].isspace():
            start += 1
        body = BODIES[n % len(BODIES)]
        made.append(
            annotation_on(document, author, start, start + 6, body=body, visibility="public")
        )
    return made


# Each claim scrolled to the middle of the window: how far its note's top stands from the claim's
# line (px), and whether the whole note is in the window.
FOOTNOTES_IN_VIEW = """() => {
  const found = [];
  for (const note of document.querySelectorAll(".row > .notes > .note")) {
    const claim = document.getElementById(`claim-${note.dataset.note}`);
    const line = claim.getClientRects()[0];
    window.scrollBy(0, line.top + window.scrollY - window.scrollY - window.innerHeight / 2);
    const top = claim.getClientRects()[0].top;
    const box = note.getBoundingClientRect();
    found.push({
      note: note.dataset.note,
      distance: Math.round(box.top - top),
      inView: box.top >= 0 && box.bottom <= window.innerHeight,
    });
  }
  return found;
}"""

MARGIN = ITEMS + ", .margin-bucket"


def settled(page: Page) -> None:
    """Wait for the fonts and for the margin's next two layouts (reader.js places it again when
    the fonts have loaded, on the next animation frame)."""
    page.evaluate(
        "() => document.fonts.ready.then(() => new Promise((done) =>"
        " requestAnimationFrame(() => requestAnimationFrame(done))))"
    )


def measure_footnotes(page: Page) -> list[dict[str, object]]:
    settled(page)
    return page.evaluate(FOOTNOTES_IN_VIEW)


def test_with_forty_annotations_every_footnote_stands_beside_its_claim_and_nothing_overlaps(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
) -> None:
    many_annotations(live_document, analyst, 40)
    page = new_context(viewport={"width": 1440, "height": 900}).new_page()
    page.goto(live_server.url + SEED_READER)
    wait_for_annotations(page)
    expect(page.locator(".margin-bucket").first).to_be_attached()
    footnotes = measure_footnotes(page)
    print("\nfootnotes at 1440×900 with 40 annotations:", footnotes)
    assert len(footnotes) == 10
    assert [f for f in footnotes if not f["inView"]] == []
    assert overlaps(page, MARGIN) == []
    # Every annotation is in the margin, shown or counted in a marker at its line.
    shown = page.locator(".annotation-card:not(.in-bucket)").count()
    counted = page.evaluate(
        "() => [...document.querySelectorAll('.margin-bucket')]"
        ".reduce((n, b) => n + b.dataset.cards.split(' ').length, 0)"
    )
    print("cards shown:", shown, "in markers:", counted)
    assert shown + counted == 40 and shown > 0

    # Larger text: the margin is laid out again, footnotes still beside their claims.
    page.get_by_role("button", name="Larger text").click()
    page.get_by_role("button", name="Larger text").click()
    assert overlaps(page, MARGIN) == []
    larger = measure_footnotes(page)
    print("footnotes with the text at 1.25×:", larger)
    assert overlaps(page, MARGIN) == []


def test_a_marker_opens_its_cards_by_keyboard_and_nothing_overlaps_after_unfolding(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
    second_analyst: User,
) -> None:
    made = many_annotations(live_document, second_analyst, 40)
    for root in made[::7]:
        for n in range(3):
            reply_to(root, analyst, f"Reply {n}: a longer answer that takes two lines or more.")
        root.resolve(by=analyst)
    page = new_context(viewport={"width": 1440, "height": 900}).new_page()
    log_in(page, live_server, analyst)
    bucket = page.locator(".margin-bucket").first
    expect(bucket).to_be_attached()
    ids = (bucket.get_attribute("data-cards") or "").split()
    expect(bucket).to_have_attribute("aria-expanded", "false")
    bucket.focus()
    page.keyboard.press("Enter")
    first = page.locator(f"#annotation-{ids[0]}")
    expect(first).to_be_visible()
    expect(first).to_be_focused()
    assert overlaps(page, MARGIN) == []
    assert [f for f in measure_footnotes(page) if not f["inView"]] == []
    # Unfold every resolved thread shown: the margin makes room, nothing covers anything.
    folded = page.locator(".resolution-toggle[aria-expanded='false']:visible")
    assert folded.count() > 0
    for _ in range(10):
        if not folded.count():
            break
        card_id = folded.first.evaluate("toggle => toggle.closest('article').id")
        folded.first.click()
        expect(page.locator(f"#{card_id} .annotation-reply").first).to_be_visible()
        assert overlaps(page, MARGIN) == []
    page.get_by_role("button", name="Larger text").click()
    assert overlaps(page, MARGIN) == []


# --- on a phone ---------------------------------------------------------------------------------

PHONE = {"width": 390, "height": 844}


def test_on_a_phone_the_text_starts_in_the_first_screen_and_cards_open_under_their_paragraph(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
) -> None:
    made = many_annotations(live_document, analyst, 40)
    page = new_context(viewport=PHONE).new_page()
    log_in(page, live_server, analyst)
    text_top = page.locator(".row .text").first.evaluate("e => e.getBoundingClientRect().top")
    assert text_top < PHONE["height"] * 0.6, text_top
    # Cards wait under their paragraph behind a button that counts them.
    first = page.locator(f"#annotation-{made[0].pk}")
    expect(first).to_be_hidden()
    fold = page.locator(".row > .annotations > .margin-fold").first
    expect(fold).to_have_attribute("aria-expanded", "false")
    expect(fold).to_contain_text("annotations")
    fold.click()
    expect(fold).to_have_attribute("aria-expanded", "true")
    expect(first).to_be_visible()
    box, text = first.bounding_box(), page.locator("#p1 > .text").bounding_box()
    assert box and text and box["y"] >= text["y"] + text["height"]
    fold.click()
    expect(first).to_be_hidden()
    # A highlight tapped opens its paragraph's cards at its card.
    page.locator(f"#highlight-{made[0].pk}").click()
    expect(first).to_be_visible()
    expect(first).to_be_focused()
