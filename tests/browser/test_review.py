"""Review and moderation in the reader, in a real browser: a resolved thread folds to "Resolved
by …" and unfolds with its toggle; the author resolves and reopens from the card; a reader flags
a note from its card with a reason, in the page, and the card says "Flagged"; the author of a
hidden note sees it marked hidden, and others do not see it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, User
from playwright.sync_api import BrowserContext, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from annotations.models import MODERATORS_GROUP, Annotation, Flag
from reader.models import Document
from tests.helpers import annotation_on, log_in, make_user, reply_to

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

WORDS = "模範的な同盟国"


def note_on(document: Document, author: User, **fields: object) -> Annotation:
    start = document.plain_text().index(WORDS)
    return annotation_on(document, author, start, start + len(WORDS), **fields)


def card(page: Page, annotation: Annotation) -> Locator:
    return page.locator(f"#annotation-{annotation.pk}")


def test_resolving_a_thread_folds_it_to_one_line_that_unfolds_again(
    page: Page,
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
    second_analyst: User,
) -> None:
    root = note_on(live_document, analyst, body="Is this right?", visibility="analysts")
    reply_to(root, second_analyst, "It is, see p.19")
    log_in(page, live_server, analyst)
    thread = card(page, root)
    expect(thread.locator(".annotation-reply")).to_be_visible()

    thread.get_by_role("button", name="Resolve").click()
    toggle = thread.get_by_role("button", name="Resolved by alice")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(thread.locator(".annotation-body").first).to_be_hidden()
    expect(thread.locator(".annotation-reply")).to_be_hidden()
    root.refresh_from_db()
    assert root.resolved is not None and root.resolved_by == analyst

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(thread.locator(".annotation-reply")).to_be_visible()
    thread.get_by_role("button", name="Reopen").click()
    expect(thread.get_by_role("button", name="Resolved by alice")).to_have_count(0)
    expect(thread.locator(".annotation-reply")).to_be_visible()
    root.refresh_from_db()
    assert root.resolved is None


def test_a_thread_resolved_by_another_is_folded_on_arrival_and_offers_no_resolve(
    page: Page,
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
    second_analyst: User,
) -> None:
    root = note_on(live_document, analyst, body="Settled", visibility="analysts")
    root.resolve(by=analyst)
    log_in(page, live_server, second_analyst)
    thread = card(page, root)
    expect(thread.get_by_role("button", name="Resolved by alice")).to_be_visible()
    expect(thread.locator(".annotation-body")).to_be_hidden()
    thread.get_by_role("button", name="Resolved by alice").click()
    expect(thread.locator(".annotation-body")).to_have_text("Settled")
    expect(thread.get_by_role("button", name="Reopen")).to_have_count(0)


def test_a_reader_flags_a_note_from_its_card_and_the_card_says_flagged(
    page: Page, live_server: LiveServer, live_document: Document, analyst: User, member: User
) -> None:
    public = note_on(live_document, analyst, body="Buy now!", visibility="public")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, member)
    shown = card(page, public)
    shown.get_by_role("button", name="Flag").click()
    reason = shown.get_by_label("Why should the moderators look at this note?")
    expect(reason).to_be_focused()
    reason.fill("Advertising")
    shown.get_by_role("button", name="Send the flag").click()
    expect(shown.locator(".annotation-flagged")).to_have_text("Flagged")
    expect(shown.get_by_role("button", name="Flag")).to_have_count(0)
    flag = Flag.objects.get()
    assert (flag.annotation, flag.user, flag.reason) == (public, member, "Advertising")

    page.reload()
    expect(card(page, public).locator(".annotation-flagged")).to_have_text("Flagged")
    assert errors == []


def test_the_author_sees_a_hidden_note_marked_and_others_do_not_see_it(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
    second_analyst: User,
) -> None:
    hidden = note_on(live_document, analyst, body="Gone", visibility="analysts", hidden=True)
    author = new_context().new_page()
    log_in(author, live_server, analyst)
    expect(card(author, hidden).locator(".annotation-hidden")).to_have_text("Hidden by a moderator")
    other = new_context().new_page()
    log_in(other, live_server, second_analyst)
    expect(card(other, hidden)).to_have_count(0)


def test_axe_finds_no_violation_with_a_folded_thread_and_the_flag_form_open(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
    second_analyst: User,
) -> None:
    resolved = note_on(live_document, analyst, body="Settled", visibility="analysts")
    resolved.resolve(by=analyst)
    start = live_document.plain_text().index("国家防衛戦略")
    other = annotation_on(
        live_document, analyst, start, start + 6, body="Flag me", visibility="analysts"
    )
    page = new_context(bypass_csp=True).new_page()
    log_in(page, live_server, second_analyst)
    card(page, other).get_by_role("button", name="Flag").click()
    expect(card(page, other).locator("textarea")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_moderator_hides_a_flagged_note_from_the_page_and_axe_finds_no_violation(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
    member: User,
) -> None:
    moderator = make_user("maria", analyst=False)
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    public = note_on(live_document, analyst, body="Buy now!", visibility="public")
    Flag.objects.create(annotation=public, user=member, reason="Advertising")
    page = new_context(bypass_csp=True).new_page()
    log_in(page, live_server, moderator)
    page.get_by_role("link", name="Moderation").click()
    flagged = page.locator(f"#flagged-{public.pk}")
    expect(flagged).to_contain_text("Advertising")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    flagged.get_by_label("Reason (optional)").first.fill("Spam")
    flagged.get_by_role("button", name="Hide").click()
    expect(page.get_by_role("status")).to_contain_text(f"Note #{public.pk} is hidden.")
    expect(page.locator(f"#hidden-{public.pk}")).to_be_visible()
    expect(page.locator(".moderation-log")).to_contain_text("Spam")
    public.refresh_from_db()
    assert public.hidden
