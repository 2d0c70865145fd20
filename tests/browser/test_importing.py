"""An editor imports the commentary's published PDF in Chromium and sees the summary; axe finds
nothing wrong on the page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import BrowserContext, expect
from pytest_django.live_server_helper import LiveServer

from reader.editor_views import EDITORS_GROUP
from reader.models import Document
from tests.helpers import SEED, WIDE, make_user
from tests.pdfs import typeset_commentary

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_an_editor_imports_the_pdf_and_sees_the_summary(
    transactional_db: None,
    live_server: LiveServer,
    new_context: Callable[..., BrowserContext],
    cjk_font: tuple[Path, int],
    tmp_path: Path,
) -> None:
    user = make_user("erin", analyst=False)
    user.groups.add(Group.objects.get_or_create(name=EDITORS_GROUP)[0])
    client = Client()
    client.force_login(user)
    context = new_context(viewport=WIDE)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    pdf = tmp_path / "npi-commentary-80.pdf"
    pdf.write_bytes(typeset_commentary(SEED.read_text(encoding="utf-8"), cjk_font))

    page = context.new_page()
    page.goto(live_server.url + "/documents/new/")
    page.get_by_label("Commentary file").set_input_files(str(pdf))
    page.get_by_role("button", name="Import").click()

    summary = page.get_by_role("status")
    expect(summary).to_contain_text("Imported")
    expect(summary).to_contain_text("10 blocks (2 quotations), 10 notes, 10 claims, 10 citations.")
    expect(
        summary.get_by_role("link", name="第2次トランプ政権の「国家防衛戦略」と韓国")
    ).to_be_visible()
    assert Document.objects.get().notes.count() == 10
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
