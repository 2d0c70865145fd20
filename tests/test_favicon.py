"""Every page names the site's icon (static/reader/icon.svg), so that a browser's tab shows it
and asks for no /favicon.ico that would be a 404."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.test import Client

from reader.models import Document
from tests.helpers import logged_in

ICON = re.compile(r'<link rel="icon" href="[^"]*reader/icon\.svg"')
PAGES = [
    "/",
    "/documents/npi-commentary-80/",
    "/documents/npi-commentary-80/claims/",
    "/documents/npi-commentary-80/check/",
    "/sources/",
    "/sources/national-defense-strategy/",
    "/sources/national-defense-strategy/pages/19/",
    "/search/?q=%E5%90%8C%E7%9B%9F",
    "/accounts/login/",
    "/no-such-page/",
]


def test_the_icon_is_a_static_file() -> None:
    found = finders.find("reader/icon.svg")
    assert found and "<svg" in open(found, encoding="utf-8").read()  # noqa: SIM115


@pytest.mark.parametrize("path", PAGES)
def test_every_page_links_the_icon(client: Client, seed_document: Document, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (200, 404), path
    assert ICON.search(response.content.decode()), path


@pytest.mark.parametrize("path", ["/annotations/", "/inbox/"])
def test_the_analysts_pages_link_the_icon(
    seed_document: Document, analyst: User, path: str
) -> None:
    response = logged_in(analyst).get(path)
    assert response.status_code == 200, path
    assert ICON.search(response.content.decode()), path
