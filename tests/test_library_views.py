"""Analysts tend the library in the browser: merge a source into another, and say what a note
cites; the fix survives a re-import of the same revision."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from reader.importers.commentary import import_commentary
from reader.models import Citation, CitationFix, Document, Source

from .helpers import SEED

pytestmark = pytest.mark.django_db


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_analysts_and_staff_may_merge_or_fix(
    seed_document: Document, member: User, client: Client
) -> None:
    source = Source.objects.first()
    assert source is not None
    for url in (f"/sources/{source.slug}/merge/", f"/documents/{seed_document.slug}/notes/2/fix/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert logged_in(member).get(url).status_code == 403
        assert logged_in(member).post(url, {"into": "x", "source": "x"}).status_code == 403


def test_an_analyst_merges_a_source_into_another_from_its_page(
    seed_document: Document, analyst: User
) -> None:
    nds = Source.objects.get(title__startswith="National Defense Strategy:")
    copy = Source.objects.create(slug="nds-copy", title="NDS (a copy)")
    client = logged_in(analyst)
    page = client.get(f"/sources/{copy.slug}/")
    assert f'href="/sources/{copy.slug}/merge/"' in page.content.decode()
    form = client.get(f"/sources/{copy.slug}/merge/").content.decode()
    assert f'<option value="{nds.slug}">' in form
    assert f'<option value="{copy.slug}">' not in form  # not into itself

    response = client.post(f"/sources/{copy.slug}/merge/", {"into": nds.slug})

    assert response.status_code == 302 and response["Location"] == nds.get_absolute_url()
    assert not Source.objects.filter(slug="nds-copy").exists()
    assert client.get("/sources/nds-copy/").status_code == 301


def test_a_merge_of_two_different_files_is_refused_and_changes_nothing(
    seed_document: Document, analyst: User
) -> None:
    nds = Source.objects.get(title__startswith="National Defense Strategy:")
    Source.objects.filter(pk=nds.pk).update(file="sources/a.pdf", file_sha256="a" * 64)
    copy = Source.objects.create(
        slug="nds-copy", title="NDS (a copy)", file="sources/b.pdf", file_sha256="b" * 64
    )
    response = logged_in(analyst).post(f"/sources/{copy.slug}/merge/", {"into": nds.slug})
    assert response.status_code == 400
    assert "the files differ" in response.content.decode()
    assert Source.objects.filter(slug="nds-copy").exists()


def test_an_analyst_says_what_a_note_cites_and_the_fix_survives_a_reimport(
    seed_document: Document, analyst: User
) -> None:
    nds = Source.objects.get(title__startswith="National Defense Strategy:")
    client = logged_in(analyst)
    assert (
        "What note 2 cites"
        in client.get("/documents/npi-commentary-80/notes/2/fix/").content.decode()
    )

    response = client.post(
        "/documents/npi-commentary-80/notes/2/fix/", {"source": nds.slug, "locator": "pp.3-4"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("/documents/npi-commentary-80/#note-2")
    citation = Citation.objects.get(note__document=seed_document, note__number=2)
    assert (citation.source, citation.form, citation.first_page, citation.last_page) == (
        nds,
        Citation.Form.FIXED,
        "3",
        "4",
    )
    assert nds.pages.filter(label="3").exists()

    import_commentary(SEED)  # the same revision: the analyst's reading stays
    citation = Citation.objects.get(note__document=seed_document, note__number=2)
    assert (citation.source, citation.form, citation.locator) == (nds, "fixed", "pp.3-4")
    assert Document.objects.get(pk=seed_document.pk).import_summary["fixed"] == [2]


def test_a_rewritten_note_goes_back_to_the_importer(
    seed_document: Document, analyst: User, tmp_path: Path
) -> None:
    nds = Source.objects.get(title__startswith="National Defense Strategy:")
    logged_in(analyst).post(
        "/documents/npi-commentary-80/notes/2/fix/", {"source": nds.slug, "locator": "p.3"}
    )
    text = SEED.read_text(encoding="utf-8").replace("November 2025", "December 2025", 1)
    revised = tmp_path / "npi-commentary-80.txt"
    revised.write_text(text, encoding="utf-8")
    import_commentary(revised)
    citation = Citation.objects.get(note__document=seed_document, note__number=2)
    assert citation.form == Citation.Form.FULL
    assert citation.source.title.startswith("National Security Strategy")
    assert CitationFix.objects.filter(note_number=2).exists()  # kept, in case the text returns


def test_a_fix_can_describe_a_new_source_and_bad_pages_are_refused(
    seed_document: Document, analyst: User
) -> None:
    client = logged_in(analyst)
    url = "/documents/npi-commentary-80/notes/2/fix/"
    refused = client.post(url, {"source": "__new__", "locator": "somewhere"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "A new source needs its title." in body
    assert "Write the pages as printed" in body
    assert Citation.objects.get(note__document=seed_document, note__number=2).form == "full"

    client.post(
        url,
        {
            "source": "__new__",
            "locator": "12",
            "title": "Alliance Politics",
            "author": "Glenn Snyder",
            "issued": "1997",
        },
    )
    citation = Citation.objects.get(note__document=seed_document, note__number=2)
    assert (citation.source.title, citation.source.author, citation.locator) == (
        "Alliance Politics",
        "Glenn Snyder",
        "p.12",
    )


def test_the_import_summary_lists_what_joining_kept(
    seed_document: Document, analyst: User, tmp_path: Path
) -> None:
    from .test_library import SECOND

    text = SECOND.replace('The White House, "Joint', 'White House Press Office, "Joint')
    path = tmp_path / "second.md"
    path.write_text(text, encoding="utf-8")
    document = import_commentary(path).document
    page = logged_in(analyst).get(f"/documents/{document.slug}/check/").content.decode()
    assert "Kept as the library holds them" in page
    assert "kept “The White House”, the note says “White House Press Office”" in page
