"""The annotation editor keeps the text in view and the draft safe: a panel beside the text on a
wide screen and a sheet on a phone, a preview that follows the typing, a draft that survives a
reload, Cancel and Escape that ask before a draft is thrown away, and a save whose state and errors
are in view beside their fields; axe with the editor open, in both languages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Locator, Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from annotations.models import Annotation
from reader.models import Document
from tests.helpers import (
    PASSWORD,
    SEED_READER,
    annotation_on,
    drag_select,
    log_in,
    wait_for_annotations,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# The words of claim 2, in the first paragraph.
WORDS = "これに先立ってトランプ政権は"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def drafts(page: Page) -> list[str]:
    return page.evaluate("Object.keys(localStorage).filter(key => key.startsWith('reader-draft:'))")


def open_editor(page: Page, words: str = WORDS) -> Locator:
    drag_select(page, words)
    page.get_by_role("button", name="Annotate").click()
    editor = page.get_by_role("dialog", name="New annotation")
    expect(editor).to_be_visible()
    return editor


def log_in_by_url(page: Page, live_server: LiveServer, user: User) -> None:
    """Log in whatever the interface language (tests.helpers.log_in finds English labels)."""
    page.goto(f"{live_server.url}/accounts/login/?next={SEED_READER}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(live_server.url + SEED_READER)
    wait_for_annotations(page)


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return found


def test_on_a_wide_screen_the_editor_stands_beside_the_text_and_covers_none_of_it(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
) -> None:
    page = new_context(viewport=DESKTOP).new_page()
    log_in(page, live_server, analyst)
    editor = open_editor(page)
    panel, text = box(page, "#annotation-editor"), box(page, "#p1 .text")
    assert panel["x"] >= text["x"] + text["width"], (panel, text)
    assert panel["height"] > 500  # a panel as tall as the window, not a small box
    # Not modal: the text can still be clicked and selected with the editor open.
    assert page.evaluate("document.querySelector('#annotation-editor').matches(':modal')") is False
    words = page.locator("#claim-2")
    expect(words).to_be_in_viewport()
    expect(editor.get_by_label("Note (Markdown)")).to_be_focused()


def test_on_a_phone_the_editor_is_a_sheet_under_the_words(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
) -> None:
    page = new_context(viewport=PHONE).new_page()
    log_in(page, live_server, analyst)
    open_editor(page)
    sheet = box(page, "#annotation-editor")
    assert sheet["x"] == 0 and abs(sheet["width"] - PHONE["width"]) <= 1, sheet
    assert abs(sheet["y"] + sheet["height"] - PHONE["height"]) <= 1, sheet  # at the foot
    assert sheet["height"] <= PHONE["height"] * 0.66, sheet
    # The words written on stay in view, above the sheet.
    claim = box(page, "#claim-2")
    assert claim["y"] >= 0 and claim["y"] < sheet["y"], (claim, sheet)


def test_the_preview_follows_the_typing(
    page: Page, live_server: LiveServer, live_document: Document, analyst: User
) -> None:
    log_in(page, live_server, analyst)
    editor = open_editor(page)
    preview = editor.locator("#editor-preview-body")
    expect(preview).to_have_text("Nothing to preview yet.")
    editor.get_by_label("Note (Markdown)").press_sequentially("**bold** and <b>raw</b>")
    expect(preview.locator("strong")).to_have_text("bold")
    # The server's sanitiser, as for saved notes: the raw HTML is not rendered.
    expect(preview.locator("b")).to_have_count(0)


def test_a_draft_survives_a_reload_and_is_restored(
    page: Page, live_server: LiveServer, live_document: Document, analyst: User
) -> None:
    log_in(page, live_server, analyst)
    editor = open_editor(page)
    editor.get_by_label("Note (Markdown)").press_sequentially("Not lost, *ever*.")
    editor.get_by_label("Tags").fill("drafts")
    editor.get_by_role("radio", name="Analysts").check()
    assert len(drafts(page)) == 1

    page.reload()  # as a crash would
    wait_for_annotations(page)
    notice = page.get_by_role("region", name="Drafts you have not saved")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(WORDS)
    notice.get_by_role("button", name="Restore the draft").click()
    editor = page.get_by_role("dialog", name="New annotation")
    expect(editor.locator("#editor-quote-text")).to_have_text(WORDS)
    expect(editor.get_by_label("Note (Markdown)")).to_have_value("Not lost, *ever*.")
    expect(editor.get_by_label("Tags")).to_have_value("drafts")
    expect(editor.get_by_role("radio", name="Analysts")).to_be_checked()
    expect(editor.locator("#editor-preview-body em")).to_have_text("ever")
    expect(notice).to_be_hidden()

    editor.get_by_role("button", name="Save").click()
    expect(editor).to_be_hidden()
    note = Annotation.objects.get()
    assert (note.exact, note.body, note.visibility) == (WORDS, "Not lost, *ever*.", "analysts")
    assert drafts(page) == []  # a saved draft is forgotten
    page.reload()
    wait_for_annotations(page)
    expect(page.locator("#draft-notice")).to_be_hidden()


def test_selecting_the_same_words_again_takes_the_draft_up_where_it_was(
    page: Page, live_server: LiveServer, live_document: Document, analyst: User
) -> None:
    log_in(page, live_server, analyst)
    open_editor(page).get_by_label("Note (Markdown)").press_sequentially("Half a thought")
    page.reload()
    wait_for_annotations(page)
    editor = open_editor(page)
    expect(editor.get_by_label("Note (Markdown)")).to_have_value("Half a thought")


def test_escape_on_a_draft_asks_and_keeping_it_keeps_it_discarding_forgets_it(
    page: Page, live_server: LiveServer, live_document: Document, analyst: User
) -> None:
    log_in(page, live_server, analyst)
    editor = open_editor(page)
    body = editor.get_by_label("Note (Markdown)")
    body.press_sequentially("Worth keeping")
    page.keyboard.press("Escape")
    ask = editor.get_by_role("alertdialog")
    expect(ask).to_be_visible()
    expect(ask).to_contain_text("Discard this draft?")
    expect(ask.get_by_role("button", name="Keep editing")).to_be_focused()
    ask.get_by_role("button", name="Keep editing").click()
    expect(ask).to_be_hidden()
    expect(editor).to_be_visible()
    expect(body).to_have_value("Worth keeping")
    expect(body).to_be_focused()

    editor.get_by_role("button", name="Cancel").click()
    expect(ask).to_be_visible()
    ask.get_by_role("button", name="Discard the draft").click()
    expect(editor).to_be_hidden()
    assert drafts(page) == []
    assert not Annotation.objects.exists()
    # An empty editor closes at once.
    editor = open_editor(page)
    page.keyboard.press("Escape")
    expect(editor).to_be_hidden()


def test_saving_shows_saving_then_saved_in_view(
    page: Page, live_server: LiveServer, live_document: Document, analyst: User
) -> None:
    log_in(page, live_server, analyst)
    editor = open_editor(page)
    editor.get_by_label("Note (Markdown)").fill("Slow server")
    held: list[Route] = []
    page.route("**/api/annotations/", lambda route: held.append(route))
    editor.get_by_role("button", name="Save").click()
    status = page.locator("#save-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text("Saving…")
    expect(status).to_be_visible()
    while not held:
        page.wait_for_timeout(50)
    held[0].continue_()
    expect(editor).to_be_hidden()
    expect(status).to_have_text("Annotation saved.")
    expect(status).to_be_visible()
    assert Annotation.objects.get().body == "Slow server"


def test_a_refused_tag_is_shown_beside_the_tags_field(
    page: Page, live_server: LiveServer, live_document: Document, analyst: User
) -> None:
    log_in(page, live_server, analyst)
    editor = open_editor(page)
    editor.get_by_label("Note (Markdown)").fill("Fine")
    tags = editor.get_by_label("Tags")
    tags.fill("x" * 51)  # the API takes tags of up to 50 characters
    editor.get_by_role("button", name="Save").click()
    error = editor.locator("#editor-tags-error")
    expect(error).to_contain_text("50 characters")
    expect(tags).to_have_attribute("aria-invalid", "true")
    expect(tags).to_have_attribute("aria-describedby", "editor-tags-error editor-tags-help")
    expect(tags).to_be_focused()
    expect(page.locator("#save-status")).to_contain_text("Not saved")
    expect(editor.get_by_label("Note (Markdown)")).not_to_have_attribute("aria-invalid", "true")
    assert not Annotation.objects.exists()
    # Put right, the error goes and the note is saved.
    tags.fill("short")
    expect(error).to_be_empty()
    expect(tags).not_to_have_attribute("aria-invalid", "true")
    editor.get_by_role("button", name="Save").click()
    expect(editor).to_be_hidden()
    assert [tag.name for tag in Annotation.objects.get().tags.all()] == ["short"]


def test_a_body_over_the_limit_is_shown_beside_the_body(
    page: Page, live_server: LiveServer, live_document: Document, analyst: User
) -> None:
    log_in(page, live_server, analyst)
    editor = open_editor(page)
    body = editor.get_by_label("Note (Markdown)")
    body.fill("a" * 10_001)  # not cut short in the browser: the server says what is wrong
    expect(body).to_have_value("a" * 10_001)
    editor.get_by_role("button", name="Save").click()
    expect(editor.locator("#editor-body-error")).to_contain_text("10,000 characters")
    expect(body).to_have_attribute("aria-invalid", "true")
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("language", ["en", "ja"])
def test_axe_finds_no_violation_with_the_editor_open_and_asking(
    language: str,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
) -> None:
    page = new_context(viewport=DESKTOP, bypass_csp=True, locale=language).new_page()
    log_in_by_url(page, live_server, analyst)
    drag_select(page, WORDS)
    page.locator("#annotate-button").click()
    editor = page.locator("#annotation-editor")
    expect(editor).to_be_visible()
    page.locator("#editor-body").press_sequentially("*Preview* me")
    expect(editor.locator("#editor-preview-body em")).to_have_text("Preview")
    axe = Axe()
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
    page.keyboard.press("Escape")
    expect(page.locator("#editor-discard")).to_be_visible()
    asked = {"en": "Discard this draft?", "ja": "この下書きを破棄しますか？"}[language]
    expect(page.locator("#editor-discard")).to_contain_text(asked)
    keep = {"en": "Keep editing", "ja": "編集を続ける"}[language]
    expect(page.locator("#editor-discard-keep")).to_have_text(keep)
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_draft_offered_after_a_reload_can_be_discarded(
    page: Page, live_server: LiveServer, live_document: Document, analyst: User
) -> None:
    log_in(page, live_server, analyst)
    open_editor(page).get_by_label("Note (Markdown)").press_sequentially("Second thoughts")
    page.reload()
    wait_for_annotations(page)
    notice = page.get_by_role("region", name="Drafts you have not saved")
    notice.get_by_role("button", name="Discard").click()
    expect(notice).to_be_hidden()
    assert drafts(page) == []
    expect(page.locator("#annotator-status")).to_have_text("The draft was discarded.")
    page.reload()
    wait_for_annotations(page)
    expect(page.locator("#draft-notice")).to_be_hidden()


def test_a_draft_of_changes_to_a_note_survives_a_reload_too(
    page: Page, live_server: LiveServer, live_document: Document, analyst: User
) -> None:
    start = live_document.plain_text().index(WORDS)
    note = annotation_on(live_document, analyst, start, start + len(WORDS), body="First take")
    log_in(page, live_server, analyst)
    page.locator(f"#annotation-{note.pk}").get_by_role("button", name="Edit").click()
    editor = page.get_by_role("dialog", name="Edit annotation")
    body = editor.get_by_label("Note (Markdown)")
    expect(body).to_have_value("First take")
    # Opened and closed unchanged, it leaves no draft and asks nothing.
    page.keyboard.press("Escape")
    expect(editor).to_be_hidden()
    assert drafts(page) == []

    page.locator(f"#annotation-{note.pk}").get_by_role("button", name="Edit").click()
    body.press_sequentially(", and a second")
    page.reload()
    wait_for_annotations(page)
    notice = page.get_by_role("region", name="Drafts you have not saved")
    expect(notice).to_contain_text("Draft of changes to your annotation")
    notice.get_by_role("button", name="Restore the draft").click()
    expect(body).to_have_value("First take, and a second")
    editor.get_by_role("button", name="Save").click()
    expect(editor).to_be_hidden()
    note.refresh_from_db()
    assert note.body == "First take, and a second" and drafts(page) == []


def test_a_team_member_writes_a_note_for_the_team(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
) -> None:
    from accounts.models import Team

    analyst.groups.add(Team.named("korea-desk").group)
    page = new_context(viewport=DESKTOP).new_page()
    log_in(page, live_server, analyst)
    editor = open_editor(page)
    team = editor.get_by_label("Team", exact=True)
    expect(team).to_be_hidden()  # only while "My team" is chosen
    editor.get_by_label("My team").check()
    expect(team).to_be_visible()
    expect(team).to_have_value("korea-desk")
    editor.get_by_label("Note (Markdown)").fill("For the desk only")
    editor.get_by_role("button", name="Save").click()
    card = page.locator(".annotation-card", has_text="For the desk only")
    expect(card).to_contain_text("My team (korea-desk)")
    saved = Annotation.objects.get(body="For the desk only")
    assert (saved.visibility, saved.team and saved.team.slug) == ("team", "korea-desk")


def test_an_empty_or_blank_note_is_refused_beside_the_field_and_a_counter_shows_the_limit(
    page: Page, live_server: LiveServer, live_document: Document, analyst: User
) -> None:
    log_in(page, live_server, analyst)
    editor = open_editor(page)
    body = editor.get_by_label("Note (Markdown)")
    counter = editor.locator("#editor-body-count")
    expect(counter).to_have_text("0 / 10,000 characters")
    error = editor.locator("#editor-body-error")
    for blank in ["", "   \n\u3000"]:
        body.fill(blank)
        editor.get_by_role("button", name="Save").click()
        expect(error).to_have_text("Write something in the note: it is empty.")
        expect(body).to_have_attribute("aria-invalid", "true")
        expect(body).to_be_focused()
        assert not Annotation.objects.exists()
    # The message stands beside the field, under it.
    field, said = body.bounding_box(), error.bounding_box()
    assert field and said and 0 <= said["y"] - (field["y"] + field["height"]) < 40
    body.fill("𠮷 is one character")
    expect(counter).to_have_text("18 / 10,000 characters")
    editor.get_by_role("button", name="Save").click()
    expect(editor).to_be_hidden()
    assert Annotation.objects.get().body == "𠮷 is one character"
