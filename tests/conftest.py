from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache

from reader.importers.commentary import import_commentary
from reader.models import Document

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seed" / "npi-commentary-80.txt"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def seed_document(db: None) -> Document:
    return import_commentary(SEED).document
