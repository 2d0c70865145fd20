from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import translation

from reader import caching
from reader import views as reader_views
from reader.importers.commentary import import_commentary
from reader.models import Document

from .helpers import SEED, make_user
from .pdfs import japanese_font

# Hashing a password properly takes a third of a second; tests create many users.
django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The suite is one process: every change reaches the page stamps through reader.caching.forget,
# and none needs the short lifetime that lets other processes' changes show (the default without
# Redis), which would make the tests of cached pages depend on how fast the machine is.
django_settings.READER_STAMP_SECONDS = 3600
# Files the tests attach go to a directory of their own, never into the checkout's media/.
django_settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="reader-test-media-")

# FROZEN_CLOCK=2026-01-31T23:30:00+00:00 starts the clock of the whole run there (it then moves
# on): CI runs the suite at hours where the date in UTC and in Tokyo differ, or the month ends, so
# that a test assuming the date of one time zone fails in CI, not one evening on main.
FROZEN_CLOCK = os.environ.get("FROZEN_CLOCK", "")
if FROZEN_CLOCK:
    time_machine.travel(datetime.fromisoformat(FROZEN_CLOCK), tick=True).start()


def pytest_report_header() -> str:
    return f"clock: {'starts at ' + FROZEN_CLOCK if FROZEN_CLOCK else 'the real one'}"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()
    caching._local.clear()  # the pages this process served lately
    reader_views._bodies.clear()  # and the document bodies it rendered


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a request in Japanese leaves Japanese active in
    the thread (LocaleMiddleware does not undo it), and text made outside a request follows it."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def seed_document(db: None) -> Document:
    return import_commentary(SEED).document


@pytest.fixture
def analyst(db: None) -> User:
    return make_user("alice", analyst=True)


@pytest.fixture
def second_analyst(db: None) -> User:
    return make_user("bob", analyst=True)


@pytest.fixture
def member(db: None) -> User:
    """A user with an account who is not an analyst."""
    return make_user("carol", analyst=False)


@pytest.fixture
def small_document(db: None) -> Document:
    """A one-paragraph document made directly, for tests that need text but not the importer."""
    document = Document.objects.create(slug="small", title="Small", language="ja")
    document.blocks.create(
        position=1, anchor="p1", text="第2次トランプ政権の国家防衛戦略と韓国の同盟について。"
    )
    return document


@pytest.fixture(scope="session")
def cjk_font() -> tuple[Path, int]:
    """Noto Sans CJK JP, for PDFs typeset in the tests; they skip without it, or fail under CI."""
    found = japanese_font()
    if found is None:
        message = (
            "no Japanese font: install fonts-noto-cjk (apt-get install fonts-noto-cjk); "
            "the tests of PDF import cannot run without it"
        )
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(message)
        pytest.skip(message)
    return found
