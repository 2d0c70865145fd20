"""Fixtures for the browser tests: one Chromium for the session, a fresh page per test.

The tests drive Debian's Chromium (/usr/bin/chromium) through Playwright; no browser is ever
downloaded. Without it the tests skip loudly, or fail when CI is set.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from reader.importers.commentary import import_commentary
from reader.models import Document
from tests.helpers import SEED, WIDE

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_WARNING = pytest.StashKey[str]()
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def warn_loudly(config: pytest.Config, message: str) -> None:
    """Print to the real stderr, past pytest's capture, and again in the final summary."""
    banner = f"\n{'*' * 79}\n*** {message}\n{'*' * 79}\n"
    capture = config.pluginmanager.getplugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print(banner, file=sys.stderr, flush=True)
    else:
        print(banner, file=sys.stderr, flush=True)
    config.stash[SKIP_WARNING] = message


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    message = config.stash.get(SKIP_WARNING, None)
    if message:
        terminalreporter.section("browser tests skipped", sep="*", red=True, bold=True)
        terminalreporter.write_line(message, red=True, bold=True)


@pytest.fixture(scope="package", autouse=True)
def _allow_database_access_beside_playwright() -> Iterator[None]:
    """Playwright's sync API keeps an event loop running in this thread, and Django refuses
    database access from a thread with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set.

    Set it for the browser tests only and restore it after them: left in os.environ for the
    whole session it would leak into the other tests (`manage.py check --deploy` in
    tests/test_settings.py fails with async.E001 when it inherits the variable).
    """
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    yield
    if previous is None:
        os.environ.pop(ASYNC_UNSAFE, None)
    else:
        os.environ[ASYNC_UNSAFE] = previous


# Playwright and Chromium live as long as the browser tests (scope "package", the session when
# only tests/browser runs): the event loop must be gone before the variable above is restored.
@pytest.fixture(scope="package")
def playwright(_allow_database_access_beside_playwright: None) -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="package")
def browser(playwright: Playwright, request: pytest.FixtureRequest) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = (
            f"Chromium is missing at {CHROMIUM}: the browser tests cannot run. "
            "Install Debian's chromium package (apt-get install chromium)."
        )
        if in_ci():
            pytest.fail(f"{message} CI is set, so this is a failure, not a skip.", pytrace=False)
        warn_loudly(request.config, f"WARNING: {message} Skipping them.")
        pytest.skip(f"*** {message} ***")
    instance = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield instance
    instance.close()


@pytest.fixture
def live_document(transactional_db: None) -> Document:
    """The seed commentary, committed so that the live server's thread can read it."""
    return import_commentary(SEED).document


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Open browser contexts with the given options; all are closed after the test."""
    contexts: list[BrowserContext] = []

    def open_context(**options: object) -> BrowserContext:
        options.setdefault("viewport", WIDE)
        context = browser.new_context(**options)  # type: ignore[arg-type]
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        for page in context.pages:
            # The reader asks the API for its annotations (anonymous readers too): let the live
            # server answer before the database is flushed under it (SQLite: "table is locked").
            with contextlib.suppress(PlaywrightError):
                page.wait_for_load_state("networkidle", timeout=5_000)
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page in a wide window (1280 × 900), JavaScript on."""
    return new_context().new_page()
