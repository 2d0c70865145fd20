"""A search result lands on its passage with the words found highlighted, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from reader.models import Document

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

HIGHLIGHTED = """() => {
  const hits = CSS.highlights.get("search-hit");
  return hits ? [...hits].map((range) => range.toString()) : [];
}"""


def test_a_result_lands_on_its_passage_with_every_word_highlighted(
    page: Page, live_server: LiveServer, live_document: Document
) -> None:
    page.goto(live_server.url + "/search/?q=" + "同盟 韓国")
    first = page.locator(".search-results li").first
    expect(first).to_contain_text("同盟")
    first.get_by_role("link").click()
    page.wait_for_url("**/documents/npi-commentary-80/?highlight=*")
    anchor = page.evaluate("() => decodeURIComponent(location.hash.slice(1))")
    target = page.locator(f"[id='{anchor}']")
    expect(target).to_be_in_viewport()
    page.wait_for_function("() => CSS.highlights.has('search-hit')")
    found = page.evaluate(HIGHLIGHTED)
    assert set(found) == {"同盟", "韓国"}, found
    words = target.inner_text()
    assert words.count("同盟") + words.count("韓国") == len(found)


def test_a_note_found_says_which_note_and_lands_on_it(
    page: Page, live_server: LiveServer, live_document: Document
) -> None:
    page.goto(live_server.url + "/search/?q=" + "Strategy")
    note = page.locator(".search-results li", has_text="Note 3").first
    expect(note).to_be_visible()
    note.get_by_role("link").click()
    page.wait_for_url("**#note-3")
    page.wait_for_function("() => CSS.highlights.has('search-hit')")
    assert set(page.evaluate(HIGHLIGHTED)) == {"Strategy"}


def test_no_hit_says_so_and_suggests_fewer_words(
    page: Page, live_server: LiveServer, live_document: Document
) -> None:
    page.goto(live_server.url + "/search/?q=" + "同盟 存在しない語")
    expect(page.get_by_role("status")).to_contain_text("No passage contains “同盟 存在しない語”.")
    suggestion = page.locator(".search-suggestions a")
    expect(suggestion).to_have_text(["同盟"])
    suggestion.click()
    expect(page.locator(".search-results li").first).to_contain_text("同盟")
