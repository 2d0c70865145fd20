"""Attaching a source's file in a real browser, and the in-app viewer: pdf.js opens the stored PDF
at the PDF page that carries the printed page cited, under the site's CSP, with the quoted
passage found on it once the original is known; the analyst zooms, goes to a printed page or a
PDF page, finds words in the file, moves by keyboard and by the page list, and the line about the
passage stays true on every page."""

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
    expect(page.locator("#viewer-found")).to_have_text(
        "The quoted passage is highlighted on this page."
    )
    found = page.evaluate(
        "() => [...CSS.highlights.get('passage-found')].map((r) => r.toString().replace(/\\s+/g, ' '))"
    )
    assert found == ["model allies - those that spend"], found
    if shots := os.environ.get("SCREENSHOTS"):  # for a look at the viewer
        page.screenshot(path=str(Path(shots) / "viewer-p19.png"), full_page=True)
    page.get_by_role("button", name="Next page").click()
    expect(page.locator("#viewer-status")).to_have_text("p.20 · PDF page 24 of 34")
    # The line about the passage stays true: it is not on this page, and nothing is highlighted.
    expect(page.locator("#viewer-found")).to_have_text(
        "The quoted passage is on p.19, not on this page."
    )
    assert page.evaluate("() => CSS.highlights.has('passage-found')") is False
    page.get_by_role("button", name="Go to p.19").click()
    expect(page.locator("#viewer-status")).to_have_text("p.19 · PDF page 23 of 34")
    expect(page.locator("#viewer-found")).to_have_text(
        "The quoted passage is highlighted on this page."
    )
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


# --- the analyst's page tools ---------------------------------------------------------------------


@pytest.fixture
def stored(live_document: Document, tmp_path: Path) -> SourcePassage:
    """The NDS-like file stored (i–iv, then 1–30), and the quotation of p.19 aligned with it."""
    from tests.pdfs import import_nds_like_pdf

    import_nds_like_pdf(tmp_path)
    quote = SourcePassage.objects.get(block__anchor="q1", block__document=live_document)
    add_original(translation=quote, text="model allies - those that spend")
    return quote


def open_viewer(page: Page, live_server: LiveServer, query: str = "page=19") -> None:
    page.goto(f"{live_server.url}/sources/{NDS}/view/?{query}")
    expect(page.locator("html")).to_contain_class("viewer-ready", timeout=20_000)


def scale(page: Page) -> float:
    return float(page.locator("#pdf-viewer").get_attribute("data-scale") or 0)


def wait_for_scale(page: Page, before: float) -> float:
    page.wait_for_function(
        f"() => Number(document.getElementById('pdf-viewer').dataset.scale) !== {before}"
    )
    return scale(page)


def test_the_viewer_zooms_to_fit_the_width_or_the_page_and_by_steps(
    page: Page, live_server: LiveServer, stored: SourcePassage
) -> None:
    open_viewer(page, live_server)
    zoom = page.get_by_role("combobox", name="Zoom")
    expect(zoom).to_have_value("width")
    width = scale(page)
    canvas = page.locator("#pdf-canvas")
    frame = page.locator("#pdf-viewer").bounding_box()
    box = canvas.bounding_box()
    assert frame and box and frame["width"] - 8 <= box["width"] <= frame["width"]  # fits the width
    zoom.select_option("page")
    fitted = wait_for_scale(page, width)
    box = canvas.bounding_box()
    assert box and fitted < width and box["height"] <= 900  # the whole page in the window
    zoom.select_option("1")
    assert wait_for_scale(page, fitted) == 1.0
    page.get_by_role("button", name="Zoom in").click()
    assert wait_for_scale(page, 1.0) == 1.1
    page.get_by_role("button", name="Zoom out").click()
    assert wait_for_scale(page, 1.1) == 1.0
    page.locator("body").press("+")
    assert wait_for_scale(page, 1.0) == 1.1
    expect(zoom).to_have_value("custom")
    expect(page.locator("#viewer-zoom-custom")).to_have_text("110%")
    page.locator("body").press("-")
    assert wait_for_scale(page, 1.1) == 1.0
    expect(zoom).to_have_value("1")
    # Keys typed in a field are the field's: no zoom, no page turned.
    page.get_by_label("Find", exact=True).press("+")
    page.get_by_label("Find", exact=True).press("ArrowRight")
    expect(page.get_by_label("Find", exact=True)).to_have_value("+")
    page.wait_for_timeout(300)
    assert scale(page) == 1.0
    expect(page.locator("#viewer-status")).to_have_text("p.19 · PDF page 23 of 34")


def test_the_page_box_takes_a_printed_label_or_a_pdf_page(
    page: Page, live_server: LiveServer, stored: SourcePassage
) -> None:
    open_viewer(page, live_server)
    box = page.get_by_label("Page", exact=True)
    status = page.locator("#viewer-status")
    expect(box).to_have_value("19")
    for typed, shown in [
        ("iv", "p.iv · PDF page 4 of 34"),
        ("IV", "p.iv · PDF page 4 of 34"),
        ("p.7", "p.7 · PDF page 11 of 34"),
        ("21", "p.21 · PDF page 25 of 34"),  # the printed page, not PDF page 21
        ("#21", "p.17 · PDF page 21 of 34"),  # the PDF page
        ("33", "p.29 · PDF page 33 of 34"),  # no page is printed 33: PDF page 33
    ]:
        box.fill(typed)
        box.press("Enter")
        expect(status).to_have_text(shown)
    assert page.url.endswith("page=29")  # a reload or a link keeps the page
    box.fill("xii")
    box.press("Enter")
    expect(page.locator("#viewer-page-error")).to_have_text(
        "No page is printed “xii” in this file, and it has no PDF page xii."
    )
    expect(status).to_have_text("p.29 · PDF page 33 of 34")
    # ← and → turn the pages when no field has the focus; the page list goes anywhere.
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("ArrowRight")
    expect(status).to_have_text("p.30 · PDF page 34 of 34")
    expect(page.get_by_role("button", name="Next page")).to_be_disabled()
    page.keyboard.press("ArrowLeft")
    expect(status).to_have_text("p.29 · PDF page 33 of 34")
    pages = page.get_by_role("navigation", name="Pages of the file")
    pages.get_by_role("link", name="p.ii", exact=True).click()
    expect(status).to_have_text("p.ii · PDF page 2 of 34")
    expect(pages.get_by_role("link", name="p.ii", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(pages.get_by_role("link", name="p.19 cited")).to_be_visible()


def test_find_counts_the_matches_in_the_file_and_goes_from_one_to_the_next(
    page: Page, live_server: LiveServer, stored: SourcePassage
) -> None:
    open_viewer(page, live_server, "page=iv")
    query = page.get_by_label("Find", exact=True)
    count = page.locator("#viewer-count")
    status = page.locator("#viewer-status")
    query.fill("Korean  Peninsula")  # spaces and case as the PDF's text may not have them
    query.press("Enter")
    expect(count).to_have_text("Match 1 of 2 (1 on this page)")
    expect(status).to_have_text("p.19 · PDF page 23 of 34")
    current = "() => [...CSS.highlights.get('find-current')].map((r) => r.toString())"
    assert page.evaluate(current) == ["Korean Peninsula"]
    page.get_by_role("button", name="Next match").click()
    expect(status).to_have_text("p.20 · PDF page 24 of 34")
    expect(count).to_have_text("Match 2 of 2 (1 on this page)")
    page.get_by_role("button", name="Next match").click()  # round to the first again
    expect(status).to_have_text("p.19 · PDF page 23 of 34")
    expect(count).to_have_text("Match 1 of 2 (1 on this page)")
    query.press("Shift+Enter")
    expect(count).to_have_text("Match 2 of 2 (1 on this page)")
    query.fill("printed page")
    query.press("Enter")
    expect(count).to_have_text("Match 24 of 34 (1 on this page)")
    expect(status).to_have_text("p.20 · PDF page 24 of 34")  # from the page shown on
    query.fill("no such words anywhere")
    query.press("Enter")
    expect(count).to_have_text("No match in the file")
    assert page.evaluate("() => CSS.highlights.has('find-current')") is False


def test_the_source_pages_link_opens_the_viewer_with_its_passage_found(
    page: Page, live_server: LiveServer, stored: SourcePassage
) -> None:
    page.goto(f"{live_server.url}/sources/{NDS}/pages/19/")
    link = page.get_by_role("link", name="Open the PDF at p.19")
    expect(link).to_have_attribute("href", f"/sources/{NDS}/view/?page=19&passage={stored.pk}")
    link.click()
    expect(page.locator("html")).to_contain_class("viewer-ready", timeout=20_000)
    expect(page.locator("#viewer-found")).to_have_text(
        "The quoted passage is highlighted on this page."
    )


def test_a_passage_over_a_page_break_is_found_in_part_on_each_of_its_pages(
    page: Page, live_server: LiveServer, stored: SourcePassage, live_document: Document
) -> None:
    from tests.pdfs import NDS_P20_END, NDS_P21_START

    quote = SourcePassage.objects.get(block__anchor="q2", block__document=live_document)
    add_original(translation=quote, text=f"{NDS_P20_END} {NDS_P21_START}")
    open_viewer(page, live_server, f"page=20&passage={quote.pk}")
    found = page.locator("#viewer-found")
    part = "Part of the quoted passage is highlighted on this page: it runs over pp.20–21."
    expect(found).to_have_text(part)
    marked = "() => [...CSS.highlights.get('passage-found')].map((r) => r.toString())"
    assert " ".join(page.evaluate(marked)[0].split()).endswith("build a stronger,")
    page.get_by_role("button", name="Next page").click()
    expect(page.locator("#viewer-status")).to_have_text("p.21 · PDF page 25 of 34")
    expect(found).to_have_text(part)
    assert " ".join(page.evaluate(marked)[0].split()).startswith("more mutually beneficial")
    page.get_by_role("button", name="Next page").click()
    expect(found).to_have_text("The quoted passage is on pp.20–21, not on this page.")


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("width", [1440, 390])
def test_the_viewer_fits_a_phone_and_a_wide_screen_in_both_languages(
    new_context, live_server: LiveServer, stored: SourcePassage, width: int, language: str
) -> None:
    page = new_context(viewport={"width": width, "height": 900}, locale=language).new_page()
    open_viewer(page, live_server, f"page=19&passage={stored.pk}")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    expected = {"en": "p.19 · PDF page 23 of 34", "ja": "p.19 · PDFの34ページ中23ページ目"}
    expect(page.locator("#viewer-status")).to_have_text(expected[language])
    frame = page.locator("#pdf-viewer").bounding_box()
    canvas = page.locator("#pdf-canvas").bounding_box()
    assert frame and canvas and canvas["width"] <= frame["width"]
    if shots := os.environ.get("SCREENSHOTS"):
        page.screenshot(path=str(Path(shots) / f"viewer-{width}-{language}.png"), full_page=True)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_viewer_and_its_tools_have_no_accessibility_violation(
    new_context, live_server: LiveServer, stored: SourcePassage, language: str, scheme: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = new_context(locale=language, color_scheme=scheme, bypass_csp=True).new_page()
    open_viewer(page, live_server, f"page=19&passage={stored.pk}")
    page.locator("#viewer-query").fill("Korean Peninsula")
    page.locator("#viewer-query").press("Enter")
    expect(page.locator("#viewer-count")).not_to_be_empty()
    page.locator("#viewer-page").fill("nowhere")
    page.locator("#viewer-page").press("Enter")
    expect(page.locator("#viewer-page-error")).not_to_be_empty()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
