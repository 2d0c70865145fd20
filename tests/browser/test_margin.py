"""The margin beside the text, in a real browser: a note or annotation card that grows where it
stands (its flag form opened, its resolved thread unfolded) pushes the items under it down, so
that nothing in the margin ever covers anything else."""

from __future__ import annotations

import contextlib

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from pytest_django.live_server_helper import LiveServer

from annotations.models import Annotation
from reader.models import Document
from tests.helpers import annotation_on, log_in, reply_to

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


def overlaps(page: Page) -> list[str]:
    """Every pair of margin items whose boxes intersect ("note-3 × annotation-12"), once the
    margin has had two seconds to place them again (it does so on the next animation frame)."""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(f"(s) => !({OVERLAPS})(s).length", arg=ITEMS, timeout=2_000)
    return page.evaluate(OVERLAPS, ITEMS)


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
