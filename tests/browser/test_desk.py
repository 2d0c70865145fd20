"""The desk in Chromium: it fits a phone's width and a wide screen, its filters and search box
work, and axe finds no accessibility violation on it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Team
from reader.models import Document
from tests.helpers import PASSWORD, annotation_on, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]
TEXT = "第2次トランプ政権の国家防衛戦略と韓国の同盟について。" * 3
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture
def alice(transactional_db: None) -> User:
    """An analyst in korea-desk with notes on two documents, one with a very long word."""
    user = make_user("alice", analyst=True)
    team = Team.named("korea-desk")
    user.groups.add(team.group)
    for slug, title in [("small", "Small"), ("other", "国家防衛戦略（2026年）の解説")]:
        document = Document.objects.create(slug=slug, title=title, language="ja")
        document.blocks.create(position=1, anchor="p1", text=TEXT)
    small, other = Document.objects.get(slug="small"), Document.objects.get(slug="other")
    note = annotation_on(small, user, 17, 22, body="Seoul worries about burden sharing.")
    note.set_tags(["korea"])
    annotation_on(
        other, user, 9, 15, body="A-very-long-unbroken-word-" * 8, visibility="team", team=team,
        judgement="needs_checking",
    )  # fmt: skip
    return user


def open_desk(context: BrowserContext, live_server: LiveServer, user: User) -> Page:
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/annotations/")
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/annotations/")
    return page


def overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390 px", "1440 px"])
def test_the_desk_fits_the_window_without_scrolling_sideways(
    viewport: dict[str, int],
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    alice: User,
) -> None:
    page = open_desk(new_context(viewport=viewport), live_server, alice)
    expect(page.locator(".desk-note")).to_have_count(2)
    assert overflow(page) <= 0
    form = page.locator(".desk-filter").bounding_box()
    assert form is not None and form["x"] + form["width"] <= viewport["width"]


def test_the_filters_and_the_search_box_narrow_the_list(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, alice: User
) -> None:
    page = open_desk(new_context(viewport=PHONE), live_server, alice)
    page.get_by_label("Tag", exact=True).select_option("korea")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".desk-note")).to_have_count(1)
    expect(page.locator(".desk-note")).to_contain_text("Seoul worries")
    page.get_by_role("link", name="Show all").click()
    expect(page.locator(".desk-note")).to_have_count(2)
    page.get_by_label("Search my annotations").fill("同盟 韓国")
    page.get_by_label("Search my annotations").press("Enter")
    expect(page.locator(".desk-note")).to_have_count(1)
    expect(page.locator(".desk-note blockquote")).to_have_text("韓国の同盟")
    page.get_by_label("Search my annotations").fill("!!")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("alert")).to_contain_text("no letters, digits or Japanese")
    expect(page.locator(".desk-note")).to_have_count(0)
    assert overflow(page) <= 0
    page.get_by_label("Search my annotations").fill("burden")
    page.get_by_role("button", name="Filter").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Markdown").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert "Seoul worries about burden sharing." in text and "unbroken" not in text


def test_a_claim_to_check_links_to_its_place(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, alice: User
) -> None:
    page = open_desk(new_context(), live_server, alice)
    checks = page.locator(".desk-to-check-list li")
    expect(checks).to_have_count(1)
    expect(checks.get_by_role("link")).to_have_attribute(
        "href",
        f"/documents/other/#annotation-{alice.annotations.get(judgement='needs_checking').pk}",
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390 px", "1440 px"])
def test_axe_finds_no_violation_on_the_desk(
    viewport: dict[str, int],
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    alice: User,
) -> None:
    page = open_desk(new_context(viewport=viewport, bypass_csp=True), live_server, alice)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
