"""Page-accurate links once a source's file is imported: the reader opens the PDF at the index of
the printed page and shows that page's text beside the claim; so do the source page and the API."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client

from reader.models import Document, Source

from .helpers import count_queries
from .pdfs import NDS, import_nds_like_pdf

READER = "/documents/npi-commentary-80/"
NDS_PDF = (
    "https://media.defense.gov/2026/Jan/23/2003864773/-1/-1/0/2026-NATIONAL-DEFENSE-STRATEGY.PDF"
)


def note(html: str, number: int) -> str:
    match = re.search(rf'<article class="note" id="note-{number}".*?</article>', html, re.DOTALL)
    assert match, f"note {number} is not on the page"
    return match.group(0)


def test_the_claim_of_note_3_opens_the_pdf_at_the_index_of_printed_page_19(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)  # i–iv, then 1, 2, …: printed page 19 is the PDF's 23rd page

    html = client.get(READER).content.decode()

    note3 = note(html, 3)
    # The file is stored: the link opens it in the viewer, at the PDF's 23rd page.
    assert f'href="/sources/{NDS}/view/?page=19&amp;passage=' in note3
    viewer = client.get(f"/sources/{NDS}/view/", {"page": "19"}).content.decode()
    assert 'data-page="23"' in viewer
    assert 'class="passage page-text" lang="en" data-page="19"' in note3
    assert "This is printed page 19." in note3 and "model allies - those that spend" in note3
    assert "printed page 20." not in note3


def test_a_page_range_shows_the_text_of_each_page_and_opens_at_the_first(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)

    note6 = note(client.get(READER).content.decode(), 6)

    assert f'href="/sources/{NDS}/view/?page=20' in note6
    assert 'data-page="24"' in client.get(f"/sources/{NDS}/view/", {"page": "20"}).text
    assert re.findall(r'data-page="(\w+)"', note6) == ["20", "21"]
    assert "can build a stronger," in note6 and "more mutually beneficial alliance" in note6


def test_before_the_import_no_page_text_is_shown_and_the_printed_number_is_used(
    client: Client, seed_document: Document
) -> None:
    note3 = note(client.get(READER).content.decode(), 3)
    assert "page-text" not in note3
    assert f'href="{NDS_PDF}#page=19"' in note3


def test_the_reader_shows_an_import_at_once_despite_its_cache(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    assert "page-text" not in client.get(READER).content.decode()  # now cached

    import_nds_like_pdf(tmp_path)

    assert "This is printed page 19." in client.get(READER).content.decode()


def test_a_cited_page_the_file_lacks_opens_the_pdf_without_a_page(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path, pages=20)  # printed pages 1–20: p.21 is not in the file

    html = client.get(READER).content.decode()

    assert f'href="/sources/{NDS}/view/?page=20' in note(html, 6)  # pp.20–21 opens at p.20
    page21 = client.get(f"/sources/{NDS}/pages/21/").content.decode()
    assert f'href="/sources/{NDS}/view/?page=21&amp;passage=' in page21  # the passage of note 8
    viewer = client.get(f"/sources/{NDS}/view/", {"page": "21"}).text
    assert "The file has no page printed p.21: it opens at its first page." in viewer
    assert 'data-page="1"' in viewer


def test_the_source_page_shows_the_page_text_and_opens_the_pdf_at_its_index(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)

    html = client.get(f"/sources/{NDS}/pages/19/").content.decode()

    assert f'href="/sources/{NDS}/view/?page=19&amp;passage=' in html  # and finds the passage
    assert '<div class="page-text" lang="en">' in html
    assert "This is printed page 19." in html
    # Front-matter pages have views of their own, by their roman label.
    assert "This is printed page iii." in client.get(f"/sources/{NDS}/pages/iii/").content.decode()


def test_the_api_gives_the_text_of_a_page_by_its_printed_label(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)

    data = client.get(f"/api/sources/{NDS}/pages/19/", HTTP_ACCEPT="application/json").json()

    assert data["text"].startswith("This is printed page 19.")
    assert (data["pdf_index"], data["pdf_page"]) == (22, 23)
    assert data["source_url_at_page"] == f"{NDS_PDF}#page=23"
    assert [claim["note"] for claim in data["cited_by"]] == [3]
    roman = client.get(f"/api/sources/{NDS}/pages/iv/", HTTP_ACCEPT="application/json").json()
    assert (roman["pdf_index"], roman["text"][:22]) == (3, "This is printed page i")


def test_the_api_citations_open_the_pdf_at_the_imported_index(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)

    data = client.get("/api/citations/", {"source": NDS}, HTTP_ACCEPT="application/json").json()

    at = {c["note"]: c["source_url_at_page"] for c in data["results"]}
    assert at == {
        1: NDS_PDF,
        3: f"{NDS_PDF}#page=23",
        6: f"{NDS_PDF}#page=24",
        8: f"{NDS_PDF}#page=24",
    }


def test_page_texts_cost_the_reader_one_query_whatever_the_number_of_pages(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    before = count_queries(cold=True, client=client, url=READER)
    import_nds_like_pdf(tmp_path, pages=30)
    short = count_queries(cold=True, client=client, url=READER)
    import_nds_like_pdf(tmp_path, pages=300)
    assert Source.objects.get(slug=NDS).pages.count() == 304

    # One query for the page texts, and two for the evidence: the pages' sentences and the
    # claims' vectors (reader.evidence), whatever the number of pages.
    assert short == count_queries(cold=True, client=client, url=READER) == before + 3
