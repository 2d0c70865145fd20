"""The reading of an attached file, in a real browser: the upload answers at once with a progress
bar per stage that moves by itself while a worker reads the pages (and the sentences stage appears
when the apps above report it); a failure shows its reason and a Retry button that queues it
again; axe finds nothing wrong on the page with its progress bar."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from reader.models import Document, Source
from reader.signals import source_text_changed
from tests.helpers import WIDE
from tests.pdfs import NDS, nds_like_pdf, write
from tests.test_tasks import DATABASE_TASKS, run_worker

from .test_source_pages import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def analyst_page(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
    settings: Any,
) -> Page:
    settings.TASKS = DATABASE_TASKS  # tasks wait for a worker, which the test runs
    context = new_context(viewport=WIDE, bypass_csp=True)
    log_in(context, live_server, analyst)
    return context.new_page()


@pytest.fixture
def sentences() -> Iterator[list[int]]:
    """A receiver of an app above that works in steps (stage "indexing") and reports them, and
    fails its first run; the evidence app reports its own stage ("sentences") beside it."""
    runs: list[int] = []

    def embed(sender: type, source: Source, progress: Any = None, **kwargs: Any) -> None:
        runs.append(1)
        progress("indexing", 0, 40)
        if len(runs) == 1:
            raise ConnectionError("the index is not loaded")
        for done in range(10, 41, 10):
            progress("indexing", done, 40)

    source_text_changed.connect(embed, dispatch_uid="browser-sentences")
    yield runs
    source_text_changed.disconnect(dispatch_uid="browser-sentences")


def attach(page: Page, live_server: LiveServer, path: Path) -> None:
    page.goto(f"{live_server.url}/sources/{NDS}/upload/")
    page.get_by_label("File (PDF, HTML page or text)").set_input_files(str(path))
    page.get_by_role("button", name="Attach", exact=True).click()


def test_the_progress_bars_move_by_themselves_and_a_failure_can_be_retried(
    analyst_page: Page, live_server: LiveServer, tmp_path: Path, sentences: list[int]
) -> None:
    page = analyst_page
    attach(page, live_server, write(tmp_path / "2026-NDS.pdf", nds_like_pdf()))

    expect(page).to_have_url(f"{live_server.url}/sources/{NDS}/")
    status = page.locator(".processing-message")
    expect(status).to_have_text("2026-NDS.pdf is waiting for a worker to read it.")
    expect(status).to_have_attribute("aria-live", "polite")
    pages_bar = page.get_by_label("Pages read")
    expect(pages_bar).to_have_attribute("value", "0")
    retry = page.get_by_role("button", name="Retry")
    expect(retry).to_be_hidden()

    run_worker()  # pages read, then the sentences' receiver fails

    expect(pages_bar).to_have_js_property("value", 34)
    expect(page.get_by_label("indexing")).to_have_js_property("max", 40)
    expect(status).to_contain_text("2026-NDS.pdf could not be read")
    expect(status).to_contain_text("ConnectionError")
    expect(retry).to_be_visible()

    retry.click()
    expect(page.locator(".processing-message")).to_have_text(
        "2026-NDS.pdf is waiting for a worker to read it."
    )
    run_worker()

    expect(page.locator(".processing-message")).to_have_text("2026-NDS.pdf is read.")
    expect(page.get_by_label("indexing")).to_have_js_property("value", 40)
    expect(page.get_by_label("Sentences embedded")).to_be_visible()  # the evidence app's stage
    expect(page.get_by_role("button", name="Retry")).to_be_hidden()
    page.get_by_role("link", name="Show its pages").click()
    expect(page.locator(".page-list a", has_text="p.19")).to_be_visible()
    assert len(sentences) == 2


def test_axe_finds_no_violation_on_a_source_page_with_its_progress(
    analyst_page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    attach(analyst_page, live_server, write(tmp_path / "nds.pdf", nds_like_pdf()))
    expect(analyst_page.get_by_label("Pages read")).to_be_visible()
    results = Axe().run(analyst_page)
    assert results.violations_count == 0, results.generate_report()
