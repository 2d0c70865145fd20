"""The citation integrity report: each kind of defect seeded into a stored document is found; the
seed has none; quotations in another language than their source are translations, not defects."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import Client

from reader.checking import Kind, check_citations
from reader.importers.commentary import import_commentary
from reader.models import Citation, Claim, Document, Note, Source

from .pdfs import NDS_P19, import_nds_like_pdf

NDS_REFERENCE = (
    "U.S. Department of War, *National Defense Strategy: Restoring Peace Through Strength for a "
    "New Golden Age of America*, January 2026, "
    "<https://media.defense.gov/2026/Jan/23/2003864773/-1/-1/0/2026-NATIONAL-DEFENSE-STRATEGY.PDF>"
)


def check(slug: str | None = None) -> tuple[str, int]:
    """The command's output and exit status."""
    out = io.StringIO()
    try:
        call_command("check_citations", *([slug] if slug else []), stdout=out)
    except CommandError as error:
        return out.getvalue() + str(error), error.returncode
    return out.getvalue(), 0


def kinds(document: Document) -> list[tuple[Kind, int | None]]:
    return [(f.kind, f.note) for f in check_citations(document).findings if f.is_defect]


def english_commentary(tmp_path: Path, quotation: str, locator: str) -> Document:
    """A commentary in English that quotes the NDS, in English, at `locator`."""
    path = tmp_path / "nds-note.md"
    path.write_text(
        "---\ntitle: A note on the strategy\nslug: nds-note\nlanguage: en\n---\n\n"
        f"The strategy says:\n\n> {quotation}[^1]\n\n[^1]: {NDS_REFERENCE}, {locator}.\n",
        encoding="utf-8",
    )
    return import_commentary(path).document


def test_the_seed_has_no_defect_and_its_quotations_are_translations(
    seed_document: Document,
) -> None:
    output, status = check("npi-commentary-80")

    assert status == 0
    assert "no defect" in output
    assert "checked: 10 notes, 10 markers, 10 citations" in output
    assert "note 3 (¶ q1): a translation (ja) of “National Defense Strategy” p.19 (en)" in output
    assert "note 8 (¶ q2): a translation (ja)" in output
    assert "page locators not checked: its pages are not imported" in output


def test_the_seed_with_its_nds_imported_has_no_defect_and_its_page_locators_are_checked(
    seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)

    report = check_citations(seed_document)

    assert report.defects == []
    assert report.checked["page_locators"] == 3  # notes 3, 6 and 8
    assert report.checked["translations"] == 2
    assert check()[1] == 0


def test_a_note_without_a_marker_is_a_defect(seed_document: Document) -> None:
    Claim.objects.filter(note__number=4, document=seed_document).delete()

    assert kinds(seed_document) == [(Kind.NOTE_WITHOUT_MARKER, 4)]
    output, status = check("npi-commentary-80")
    assert status == 1
    assert "note 4 is closed by no marker in the text" in output
    assert "1 defect in 1 document." in output


def test_a_marker_whose_note_is_empty_or_elsewhere_is_a_defect(
    seed_document: Document, tmp_path: Path
) -> None:
    note = Note.objects.get(document=seed_document, number=5)
    note.text = " "
    note.save()
    other = english_commentary(tmp_path, NDS_P19, "p.19")
    Claim.objects.filter(document=seed_document, note__number=2).update(
        note=Note.objects.get(document=other, number=1)
    )

    found = check_citations(seed_document).findings
    markers = [f.message for f in found if f.kind == Kind.MARKER_WITHOUT_NOTE]
    assert markers == [
        "the marker 1 in ¶ p1 points to a note of another document",
        "the marker 5 in ¶ p3 has an empty note",
    ]
    # Note 2 has lost its marker to the other document.
    assert (Kind.NOTE_WITHOUT_MARKER, 2) in kinds(seed_document)


def test_a_short_form_that_resolves_to_nothing_is_a_defect(seed_document: Document) -> None:
    note = Note.objects.get(document=seed_document, number=10)
    note.text = "「存在しない論文」2頁。"
    note.save()

    assert kinds(seed_document) == [(Kind.UNRESOLVED_SHORT_FORM, 10)]
    output, status = check()
    assert status == 1
    assert "note 10: the short form “「存在しない論文」2頁” resolves to no source" in output


def test_a_note_that_reads_as_a_citation_but_links_to_no_source_is_a_defect(
    seed_document: Document,
) -> None:
    Citation.objects.filter(note__document=seed_document, note__number=6).delete()

    report = check_citations(seed_document)

    assert [(f.kind, f.note) for f in report.defects] == [(Kind.UNRESOLVED_SHORT_FORM, 6)]
    assert "reads as a citation of “National Defense Strategy” but links to no source" in (
        report.defects[0].message
    )


def test_a_short_form_pointing_to_a_source_no_earlier_note_cites_is_a_defect(
    seed_document: Document,
) -> None:
    fact_sheet = Source.objects.get(slug__startswith="joint-fact-sheet")  # first cited in note 4
    Citation.objects.filter(note__document=seed_document, note__number=3).update(source=fact_sheet)

    messages = [f.message for f in check_citations(seed_document).defects]

    assert messages == [
        "note 3: the short form points to “Joint Fact Sheet on President Donald J. Trump’s "
        "Meeting with President Lee Jae Myung”, which no earlier note cites",
    ]


def test_a_page_locator_outside_the_imported_pages_is_a_defect(
    seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path, pages=20)  # printed pages i–iv and 1–20: no p.21

    report = check_citations(seed_document)

    assert [(f.kind, f.note) for f in report.defects] == [
        (Kind.PAGE_OUTSIDE_SOURCE, 6),
        (Kind.PAGE_OUTSIDE_SOURCE, 8),
    ]
    assert report.defects[0].message == (
        "note 6: pp.20–21 of “National Defense Strategy”: p.21 is not among its 24 pages "
        "(i–iv, 1–20)"
    )


def test_before_the_source_is_imported_its_page_locators_are_not_checked(
    seed_document: Document,
) -> None:
    Citation.objects.filter(note__document=seed_document, note__number=3).update(
        first_page="999", last_page="999", first_number=999, last_number=999
    )
    assert kinds(seed_document) == []


def test_a_quotation_on_its_cited_page_is_no_defect(
    seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    # Line breaks, letter case and quotation marks differ from the extracted text; words left out
    # are marked.
    quotation = "“Incentives work, and they will be a core part of our approach […] to alliances.”"
    document = english_commentary(tmp_path, quotation.replace(" […] ", " "), "p.19")

    report = check_citations(document)

    assert report.defects == [] and report.checked["quotations"] == 1


def test_a_quotation_that_runs_over_a_page_break_is_found_on_its_page_range(
    seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    quotation = "the Republic of Korea can build a stronger, more mutually beneficial alliance"
    assert check_citations(english_commentary(tmp_path, quotation, "pp.20-21")).defects == []


def test_a_quotation_not_on_its_cited_page_is_a_defect_that_says_where_it_is(
    seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    document = english_commentary(tmp_path, NDS_P19, "p.18")

    report = check_citations(document)

    assert [(f.kind, f.note, f.found_on) for f in report.defects] == [
        (Kind.QUOTATION_NOT_ON_PAGE, 1, ["19"])
    ]
    assert report.defects[0].message == (
        "note 1 (¶ q1): the quotation of “National Defense Strategy” is not on p.18; found on p.19"
    )
    output, status = check("nds-note")
    assert status == 1 and "found on p.19" in output
    assert check("npi-commentary-80")[1] == 0  # the other document is still sound


def test_a_quotation_on_no_page_of_the_source_is_a_defect(
    seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    document = english_commentary(
        tmp_path, "The Department will build aircraft carriers on the moon.", "p.19"
    )

    [defect] = check_citations(document).defects

    assert defect.message.endswith("is not on p.19; found on no page of the source")
    assert defect.found_on == []


def test_an_unknown_document_is_a_usage_error(seed_document: Document) -> None:
    output, status = check("nothing")
    assert status == 2 and "no document has the slug “nothing”" in output


def test_the_check_page_lists_every_kind_of_defect_and_the_findings(
    client: Client, seed_document: Document, tmp_path: Path
) -> None:
    import_nds_like_pdf(tmp_path)
    document = english_commentary(tmp_path, NDS_P19, "p.18")

    html = client.get(f"/documents/{document.slug}/check/").content.decode()

    assert "1 defect found." in html
    for title in (
        "Markers without notes",
        "Notes without markers",
        "Short forms that resolve to nothing",
        "Page locators outside the source’s pages",
        "Quotations not found on the cited page",
    ):
        assert title in html
    assert "is not on p.18; found on p.19" in html
    assert 'href="/sources/national-defense-strategy/pages/19/"' in html
    assert 'href="/documents/nds-note/#q1"' in html


def test_the_check_page_of_the_seed_finds_no_defect_and_lists_its_translations(
    client: Client, seed_document: Document
) -> None:
    html = client.get("/documents/npi-commentary-80/check/").content.decode()
    assert "No defect found." in html
    assert "Translations, not compared with the page (2)" in html


def test_the_reader_links_to_the_check_page(client: Client, seed_document: Document) -> None:
    html = client.get("/documents/npi-commentary-80/").content.decode()
    assert 'href="/documents/npi-commentary-80/check/"' in html


def test_the_check_page_of_an_unknown_document_is_a_404(client: Client, db: None) -> None:
    assert client.get("/documents/nothing/check/").status_code == 404


def test_the_check_page_speaks_japanese(client: Client, seed_document: Document) -> None:
    html = client.get(
        "/documents/npi-commentary-80/check/", HTTP_ACCEPT_LANGUAGE="ja"
    ).content.decode()
    assert "<h1>引用の点検</h1>" in html and "不備は見つかりませんでした。" in html
    assert "翻訳（ページとは照合せず） (2)" in html
