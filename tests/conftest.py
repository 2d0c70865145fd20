from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache

from annotations.models import ANALYSTS_GROUP
from reader.importers.commentary import import_commentary
from reader.models import Document

# Hashing a password properly takes a third of a second; tests create many users.
django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seed" / "npi-commentary-80.txt"


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run manage.py in a process of its own, with exactly this environment."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def seed_document(db: None) -> Document:
    return import_commentary(SEED).document


PASSWORD = "correct-horse-battery-9"


def make_user(username: str, *, analyst: bool) -> User:
    user = User.objects.create_user(username, password=PASSWORD)
    if analyst:
        user.groups.add(Group.objects.get_or_create(name=ANALYSTS_GROUP)[0])
    return user


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
