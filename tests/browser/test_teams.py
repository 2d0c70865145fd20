"""A team's note in the reader: seen by the team's members, not by an analyst outside the team
nor by a reader without an account (issue 11, the team part of "Done when")."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Team
from reader.models import Document
from tests.helpers import SEED_READER, WIDE, annotation_on, log_in, make_user, wait_for_annotations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_a_team_note_shows_in_the_reader_for_the_team_only(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    live_document: Document,
    analyst: User,
    second_analyst: User,
) -> None:
    team = Team.named("korea-desk")
    analyst.groups.add(team.group)
    second_analyst.groups.add(team.group)
    outsider = make_user("oscar", analyst=True)
    annotation_on(live_document, analyst, 0, 6, body="Desk only", visibility="team", team=team)
    annotation_on(live_document, analyst, 10, 16, body="For everyone", visibility="public")

    for user, sees_team_note in ((second_analyst, True), (outsider, False), (None, False)):
        page = new_context(viewport=WIDE).new_page()
        if user is None:
            page.goto(live_server.url + SEED_READER)
            wait_for_annotations(page)
        else:
            log_in(page, live_server, user)
        # Shown, or counted in a marker at its line where the margin has no room (margin.js).
        expect(page.locator(".annotation-card", has_text="For everyone")).to_have_count(1)
        desk = page.locator(".annotation-card", has_text="Desk only")
        if sees_team_note:
            expect(desk).to_have_count(1)
            expect(desk).to_contain_text("My team (korea-desk)")
        else:
            expect(desk).to_have_count(0)
        page.context.close()
