"""Commentary PDFs of any layout: the title, date and byline wherever the first page sets them
(or nowhere), notes at the foot of pages or at the end, and real PDFs nobody here made (see
tests/corpus/pdf/MANIFEST.md); and the limits that refuse a PDF before it takes a worker's memory
or time.

Generated PDFs need Noto Sans CJK JP (fonts-noto-cjk); without it they skip, under CI they fail.
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import pytest

from reader.importers import pdf as pdf_importer
from reader.importers.commentary import import_commentary
from reader.importers.parsed import CommentaryFormatError
from reader.models import Document, Source

from .corpus_pdfs import NotFetched, fetched
from .generated import MARKER_RE, SUPERSCRIPTS, superscript
from .helpers import SEED, document_shape
from .pdfs import decompression_bomb, make_pdf, typeset_commentary, typeset_paper

pytestmark = pytest.mark.django_db

# The real PDFs stay where `fetch` left them (tests/corpus/pdf/MANIFEST.md): never committed.
AMHERST = (
    "amherstlawreview/amherstlawreview.github.io",
    "73c72fe908ec3c90df7cc72ce2c589af39411438",
)


def real_pdf(tmp_path: Path, name: str) -> Path:
    try:
        data = fetched(*AMHERST, f"static/gallery/{name}/paper.pdf")
    except NotFetched as missing:
        pytest.skip(str(missing))
    path = tmp_path / f"amherst-{name}.pdf"
    path.write_bytes(data)
    return path


TITLE = "Burden Sharing After the 2026 Strategy"
BODY = [
    "The strategy was published in January.¹ It asks allies to take primary responsibility for "
    "their own defense, with critical but more limited support from U.S. forces.",
    "Seoul answered within a week,² and Tokyo followed with a budget that meets the new "
    "benchmark.³ Neither capital said how long the increase would last.",
    "What the strategy leaves open is the Korean Peninsula: it names the theater but not the "
    "posture that will serve it.⁴",
]
NOTES = {
    1: "Department of War, *National Defense Strategy* (Washington, DC, 2026), p.19.",
    2: "A comment of the author's own on the timing of the reply.",
    3: "Ministry of Defense, *Defense Programs and Budget of Japan* (Tokyo, 2026), 4.",
    4: "*National Defense Strategy*, p.20-21.",
}


def imported(path: Path, data: bytes, slug: str = "paper") -> Document:
    path.write_bytes(data)
    return import_commentary(path, slug=slug).document


@pytest.mark.parametrize("footnotes", [False, True], ids=["endnotes", "foot-of-page notes"])
def test_a_paper_without_a_header_imports_its_title_body_and_notes(
    tmp_path: Path, cjk_font: tuple[Path, int], footnotes: bool
) -> None:
    data = typeset_paper(TITLE, BODY, NOTES, cjk_font, footnotes=footnotes)
    document = imported(tmp_path / "paper.pdf", data)
    assert (document.title, document.date, document.author, document.language) == (
        TITLE,
        None,
        "",
        "en",
    )
    assert list(document.blocks.values_list("kind", "text")) == [
        ("paragraph", BODY[0].replace("¹", "")),
        ("paragraph", BODY[1].replace("²", "").replace("³", "")),
        ("paragraph", BODY[2].replace("⁴", "")),
    ]
    assert list(document.notes.values_list("number", "text")) == list(NOTES.items())
    assert list(document.claims.values_list("note__number", "text")) == [
        (1, "The strategy was published in January."),
        (2, "Seoul answered within a week,"),
        (3, "and Tokyo followed with a budget that meets the new benchmark."),
        (4, "What the strategy leaves open is the Korean Peninsula: it names the theater but not "
         "the posture that will serve it."),
    ]  # fmt: skip


def test_foot_of_page_notes_and_endnotes_give_the_same_document(
    tmp_path: Path, cjk_font: tuple[Path, int]
) -> None:
    shapes = []
    for footnotes in (False, True):
        body, notes = _repeated(6)
        data = typeset_paper(TITLE, body, notes, cjk_font, footnotes=footnotes)
        shapes.append(document_shape(imported(tmp_path / "paper.pdf", data)))
        pages = max(line.page for line in pdf_importer.read_lines(data))
        Document.objects.all().delete()
        Source.objects.all().delete()
    assert shapes[0] == shapes[1]
    assert pages > 1  # the notes stood at the foot of several pages
    assert len(shapes[0]["notes"]) == 24  # type: ignore[arg-type]


FILLER = (
    " The allies have heard such requests before, and the record of earlier strategies shows how"
    " much of what was asked was in the end delivered, and how slowly."
)


def _repeated(copies: int) -> tuple[list[str], dict[int, str]]:
    """BODY and NOTES `copies` times over, the markers and notes numbered on."""
    body = [
        MARKER_RE.sub(lambda found, copy=copy: superscript(copy * 4 + _number(found[0])), para)
        + FILLER
        for copy in range(copies)
        for para in BODY
    ]
    notes = {copy * 4 + number: text for copy in range(copies) for number, text in NOTES.items()}
    return body, notes


def _number(digits: str) -> int:
    return int("".join(str(SUPERSCRIPTS.index(ch)) for ch in digits))


def test_a_typeset_japanese_commentary_with_its_date_beside_the_title_imports_as_its_text(
    tmp_path: Path, cjk_font: tuple[Path, int]
) -> None:
    text = SEED.read_text(encoding="utf-8")
    from_text = document_shape(import_commentary(SEED).document)
    Document.objects.all().delete()
    Source.objects.all().delete()
    data = typeset_commentary(text, cjk_font, date_beside_title=True)
    lines = [line.plain() for line in pdf_importer.read_lines(data) if line.page == 1]
    # The PDF gives the date and the title's first words as one line.
    assert any(line.startswith("「") and line.endswith("2026年2月20日") for line in lines)
    document = imported(tmp_path / "npi-commentary-80.pdf", data, slug="npi-commentary-80")
    assert document_shape(document) == from_text
    assert document.date == datetime.date(2026, 2, 20)
    assert (document.series, document.number) == ("日米同盟研究会コメンタリー", "80")
    assert (document.affiliation, document.author) == ("防衛研究所主任研究官", "石田 智範")


# --- limits ---------------------------------------------------------------------------------


def test_a_decompression_bomb_is_refused_at_once_and_changes_nothing(tmp_path: Path) -> None:
    data = decompression_bomb()  # about 1 MB, inflating to 1 GB
    assert len(data) < 1_200_000
    path = tmp_path / "bomb.pdf"
    path.write_bytes(data)
    started = time.monotonic()
    with pytest.raises(CommentaryFormatError) as raised:
        import_commentary(path)
    assert time.monotonic() - started < 2
    assert "the PDF's streams inflate to more than 100 MB (a decompression bomb?)" in str(
        raised.value
    )
    assert not Document.objects.exists()


def test_a_pdf_with_too_many_pages_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_importer, "MAX_PAGES", 2)
    path = tmp_path / "long.pdf"
    path.write_bytes(make_pdf(["A title", "Some text.", "More text."]))
    with pytest.raises(CommentaryFormatError, match="the PDF has more than 2 pages"):
        import_commentary(path)
    assert not Document.objects.exists()


def test_a_pdf_that_takes_too_long_is_refused_naming_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_importer, "MAX_SECONDS", 0.0)
    path = tmp_path / "slow.pdf"
    path.write_bytes(make_pdf(["A title", "Some text."]))
    with pytest.raises(CommentaryFormatError, match=r"took more than 0 seconds \(at page 1\)"):
        import_commentary(path)


# --- real PDFs ------------------------------------------------------------------------------


def test_a_real_student_law_paper_imports_with_its_78_footnotes(tmp_path: Path) -> None:
    """16 pages (macOS Quartz from Word): the title, byline, course and date centred on page 1,
    a table of contents, Bluebook footnotes at the foot of each page, some running over."""
    document = import_commentary(real_pdf(tmp_path, "ftc")).document
    assert document.title == "Policing Corporations: An Analysis of Big Tech"
    assert (document.author, document.affiliation, document.date) == (
        "Summit Sarkar",
        "Amherst College",
        datetime.date(2024, 5, 9),
    )
    assert document.metadata == {"header": ["LJST-228: Police Power", "Professor Brangan"]}
    assert document.notes.count() == 78 and document.claims.count() == 78
    notes = dict(document.notes.values_list("number", "text"))
    assert notes[2] == (
        "Lina M Khan, Note, *Amazon’s Antitrust Paradox*, 126 YALE L.J. 710, 723 n. 3 (2017)."
    )
    assert notes[3] == "*Id.* at 723."
    # Note 1 runs over two lines of the foot of page 2; note 78 is the last, on the last page.
    assert notes[1].endswith("americas-top-50-companies-1917-2017/ (last visited Apr 22, 2024).")
    assert notes[78].startswith("TikTok’s compliance with the Digital Markets Act")
    claims = dict(document.claims.values_list("note__number", "text"))
    # “U.S.” ends no sentence.
    assert claims[1] == (
        "A century ago, some of the highest valued companies in the world included U.S. Steel "
        "and Standard Oil."
    )
    headings = list(document.blocks.filter(kind="heading").values_list("text", flat=True))
    assert headings[:2] == ["Table of Contents", "INTRODUCTION"]
    texts = list(document.blocks.values_list("text", flat=True))
    assert not any("......" in text for text in texts)  # the contents' lines are dropped


def test_a_real_google_docs_paper_imports_its_title_after_the_byline_and_adjacent_markers(
    tmp_path: Path,
) -> None:
    """21 pages (Google Docs): name, instructor, course and date on the left, the title centred
    after them; words set without space glyphs; two markers side by side (⁹ ¹⁰)."""
    document = import_commentary(real_pdf(tmp_path, "fyse")).document
    assert document.title == "Islam & Violence Against Women"
    assert (document.author, document.date) == ("Summit Sarkar", datetime.date(2023, 12, 18))
    assert document.notes.count() == 67
    claims = dict(document.claims.values_list("note__number", "text"))
    assert claims[9] == claims[10]
    assert claims[9].startswith("In the early 2010s, merely 11-12% of two enormous samples")
    first = document.blocks.first()
    assert first is not None and first.text.startswith(
        "Systemic violence against women has been an inseparable part of societal and state "
        "structure"
    )


def test_a_marker_carried_over_a_page_break_closes_the_words_before_it() -> None:
    """Set at the top of the next page, a marker belongs to the paragraph it closes."""
    paragraphs = [
        pdf_importer.Paragraph(1, "The strategy was published in January.", [10.5], False),
        pdf_importer.Paragraph(2, "¹⁶ It asks allies to do more.", [10.5], False),
        pdf_importer.Paragraph(2, "¹⁷", [10.5], False),
    ]
    kept = pdf_importer._markers_carried_back(paragraphs)
    assert [paragraph.text for paragraph in kept] == [
        "The strategy was published in January.¹⁶",
        "It asks allies to do more.¹⁷",
    ]


def test_notes_numbered_in_plain_digits_as_law_reviews_set_them_are_read(
    tmp_path: Path,
) -> None:
    """“1. …” at the foot of the page, in small type and not raised: the notes of a law review.
    A note's line that starts with another number (a year) goes on with its note."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.cell(0, 10, "A Note on Plain Numbers")
    pdf.ln(16)
    pdf.set_font("Helvetica", size=11)
    for text, marker in (("The doctrine was codified in 1976.", "1"), (" Courts kept it.", "2")):
        pdf.write(6, text)
        pdf.char_vpos = "SUP"
        pdf.write(6, marker)
        pdf.char_vpos = "LINE"
        pdf.set_font("Helvetica", size=11)
    pdf.ln(6)
    # Enough text that the body's size is the most common one.
    pdf.write(6, "Nothing in the act changed that, and the cases since say so at length. " * 4)
    pdf.set_font("Helvetica", size=9)
    pdf.set_y(240)
    for line in (
        "1. Copyright Act of 1976, 17 U.S.C. 102(b) (1982).",
        "2. Collins, Some Obsolescent Doctrines of the Law of Copyright, 1 S. Cal. L. Rev. 127,",
        "1928 ed., at 130.",
    ):
        pdf.cell(0, 4, line)
        pdf.ln(4)
    document = imported(tmp_path / "review.pdf", bytes(pdf.output()))
    assert list(document.notes.values_list("number", "text")) == [
        (1, "Copyright Act of 1976, 17 U.S.C. 102(b) (1982)."),
        (2, "Collins, Some Obsolescent Doctrines of the Law of Copyright, 1 S. Cal. L. Rev. "
            "127, 1928 ed., at 130."),
    ]  # fmt: skip
    assert list(document.claims.values_list("note__number", "text")) == [
        (1, "The doctrine was codified in 1976."),
        (2, "Courts kept it."),
    ]
