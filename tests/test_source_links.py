"""Links that lead an analyst to the next step: a claim that cannot be checked for want of its
source's file links to the form that attaches it; those who may import commentaries find the
import in the header; a source page's "Open the PDF" carries the passage quoted from it."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import Group, User
from django.test import Client

from reader.alignment import add_original
from reader.editor_views import EDITORS_GROUP
from reader.models import Document, SourcePassage

from .helpers import logged_in, make_user
from .pdfs import NDS, import_nds_like_pdf

PAGE_19 = f"/sources/{NDS}/pages/19/"
ATTACH = f'<a class="attach-link" href="/sources/{NDS}/upload/">Attach the file</a>'
IMPORT = '<a href="/documents/new/"'


def test_a_page_view_that_asks_for_the_file_links_to_the_attach_form(
    client: Client, seed_document: Document, analyst: User, member: User, tmp_path: Path
) -> None:
    page = logged_in(analyst).get(PAGE_19).text
    assert "no file yet: attach the file of" in page and ATTACH in page
    form = logged_in(analyst).get(f"/sources/{NDS}/upload/")
    assert form.status_code == 200 and 'name="file"' in form.text
    visitor = client.get(PAGE_19).text  # a visitor logs in on the way
    assert ATTACH in visitor
    assert ATTACH not in logged_in(member).get(PAGE_19).text  # who may not attach: no link
    import_nds_like_pdf(tmp_path)
    attached = logged_in(analyst).get(PAGE_19).text
    assert "no file yet" not in attached and ATTACH not in attached


def test_those_who_may_import_find_the_import_in_the_header(
    client: Client, seed_document: Document, analyst: User
) -> None:
    editor = make_user("erin", analyst=False)
    editor.groups.add(Group.objects.get_or_create(name=EDITORS_GROUP)[0])
    staff = User.objects.create_user("sam", is_staff=True)
    for user in (editor, staff):
        page = logged_in(user).get(seed_document.get_absolute_url()).text
        assert f"{IMPORT}>Import a commentary</a>" in page
        assert logged_in(user).get("/documents/new/").status_code == 200
    japanese = logged_in(editor).get("/sources/", HTTP_ACCEPT_LANGUAGE="ja").text
    assert f"{IMPORT}>コメンタリーを取り込む</a>" in japanese
    current = logged_in(editor).get("/documents/new/").text
    assert f'{IMPORT} aria-current="page">Import a commentary</a>' in current
    for reader in (logged_in(analyst), client):
        assert IMPORT not in reader.get(seed_document.get_absolute_url()).text
        assert IMPORT not in reader.get("/sources/").text


def test_the_source_pages_open_the_pdf_link_carries_its_passage(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    quote = SourcePassage.objects.get(block__anchor="q1", block__document=seed_document)
    link = f'href="/sources/{NDS}/view/?page=19&amp;passage={quote.pk}"'
    assert link in client.get(PAGE_19).text  # not aligned yet: the viewer says so
    add_original(translation=quote, text="model allies - those that spend")
    assert link in client.get(PAGE_19).text
    viewer = client.get(f"/sources/{NDS}/view/?page=19&passage={quote.pk}")  # finds the original
    assert viewer.context["find"] == {
        "text": "model allies - those that spend",
        "pages": [23],
        "where": "p.19",
    }
