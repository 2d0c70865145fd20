"""Importing a source's file: printed labels, PDF indexes and text of each page; refused files
change nothing; re-importing keeps citations and passages linked."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reader.importers.source import SourceFileError, read_source_file
from reader.models import Citation, Document, Source, SourcePassage
from reader.pages import numbered_from
from search.models import SearchEntry
from search.query import search

from .helpers import SEED, run_manage
from .pdfs import (
    NDS,
    encrypted,
    import_nds_like_pdf,
    make_pdf,
    nds_like_pdf,
    page_text,
    with_labels,
    write,
)


def import_source(*args: str) -> str:
    out = io.StringIO()
    call_command("import_source", *args, stdout=out)
    return out.getvalue()


def pages_of(source: Source) -> list[tuple[str, int | None]]:
    pages = source.pages.values_list("label", "pdf_index")
    return sorted(pages, key=lambda page: (page[1] is None, page[1] or 0, page[0]))


def test_pdf_page_labels_give_roman_front_matter_then_page_numbers(
    tmp_path: Path, seed_document: Document
) -> None:
    path = write(tmp_path / "nds.pdf", nds_like_pdf(30))

    output = import_source(NDS, str(path))

    nds = Source.objects.get(slug=NDS)
    labels = pages_of(nds)
    assert labels[:6] == [("i", 0), ("ii", 1), ("iii", 2), ("iv", 3), ("1", 4), ("2", 5)]
    assert ("19", 22) in labels and len(labels) == 34
    page = nds.pages.get(label="19")
    assert "This is printed page 19." in page.text and "model allies" in page.text
    assert "34 pages (i–iv, 1–30), labels from the PDF's page labels" in output


def test_without_page_labels_pages_are_numbered_from_the_first_page_label(
    tmp_path: Path, seed_document: Document
) -> None:
    path = write(tmp_path / "nds.pdf", make_pdf([page_text(str(n)) for n in range(17, 23)]))

    import_source(NDS, str(path), "--first-page-label", "17")

    assert pages_of(Source.objects.get(slug=NDS)) == [(str(n), n - 17) for n in range(17, 23)]


def test_without_page_labels_or_a_first_label_pages_are_numbered_from_one(
    tmp_path: Path, seed_document: Document
) -> None:
    import_source(NDS, str(write(tmp_path / "a.pdf", make_pdf(["one", "two"]))))
    nds = Source.objects.get(slug=NDS)
    assert [(p.label, p.pdf_index) for p in nds.pages.exclude(pdf_index=None)] == [
        ("1", 0),
        ("2", 1),
    ]
    # Pages 19–21 are cited but not in this two-page file: kept, without index or text.
    assert set(nds.pages.filter(pdf_index=None).values_list("label", flat=True)) == {
        "19",
        "20",
        "21",
    }


def test_a_roman_first_page_label_numbers_on_in_roman() -> None:
    assert numbered_from("iii", 4) == ["iii", "iv", "v", "vi"]
    assert numbered_from("IX", 2) == ["IX", "X"]
    assert numbered_from("5", 3) == ["5", "6", "7"]


def test_a_first_page_label_that_is_no_number_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match="a number .* or a roman numeral"):
        read_source_file(write(tmp_path / "a.pdf", make_pdf(["x"])), first_page_label="p19")


def test_the_pdfs_own_labels_win_over_the_first_page_label(
    tmp_path: Path, seed_document: Document
) -> None:
    output = import_source(
        NDS, str(write(tmp_path / "n.pdf", nds_like_pdf(20))), "--first-page-label", "5"
    )
    assert Source.objects.get(slug=NDS).pages.get(label="19").pdf_index == 22
    assert "--first-page-label was ignored" in output


def test_a_page_with_no_text_is_kept_with_empty_text(
    tmp_path: Path, seed_document: Document
) -> None:
    data = make_pdf([page_text("18"), None, page_text("20")])
    output = import_source(NDS, str(write(tmp_path / "n.pdf", data)), "--first-page-label", "18")

    page = Source.objects.get(slug=NDS).pages.get(label="19")
    assert (page.pdf_index, page.text) == (1, "")
    assert "Pages with no text: 19." in output


def test_a_page_range_covers_both_pages_in_file_order(
    tmp_path: Path, seed_document: Document
) -> None:
    import_nds_like_pdf(tmp_path)
    nds = Source.objects.get(slug=NDS)
    p20, p21 = nds.pages.get(label="20"), nds.pages.get(label="21")
    assert (p20.pdf_index, p21.pdf_index) == (23, 24)
    assert p20.text.endswith("can build a stronger,")
    assert p21.text.startswith("more mutually beneficial alliance")


def test_labels_that_repeat_or_are_missing_are_named_by_their_place(
    tmp_path: Path, db: None
) -> None:
    # Two sections both numbered from 1: the second section's pages cannot take the same labels.
    data = with_labels(make_pdf(["a", "b", "c", "d"]), [(0, 1, "/D", 1), (2, 3, "/D", 1)])
    read = read_source_file(write(tmp_path / "twice.pdf", data))
    assert [page.label for page in read.pages] == ["1", "2", "pdf-3", "pdf-4"]
    assert read.unlabelled == [2, 3]


def test_an_encrypted_pdf_is_refused_and_nothing_changes(
    tmp_path: Path, seed_document: Document
) -> None:
    path = write(tmp_path / "locked.pdf", encrypted(nds_like_pdf(5), "secret"))
    before = pages_of(Source.objects.get(slug=NDS))

    with pytest.raises(CommandError) as refused:
        import_source(NDS, str(path))

    message = str(refused.value)
    assert "encrypted" in message and "--password" in message and "Nothing was imported" in message
    assert "\n" not in message
    assert (
        pages_of(Source.objects.get(slug=NDS))
        == before
        == [("19", None), ("20", None), ("21", None)]
    )


def test_an_encrypted_pdf_opens_with_its_password(tmp_path: Path, seed_document: Document) -> None:
    path = write(tmp_path / "locked.pdf", encrypted(nds_like_pdf(20), "secret"))
    with pytest.raises(CommandError, match="the password given does not open it"):
        import_source(NDS, str(path), "--password", "wrong")

    import_source(NDS, str(path), "--password", "secret")

    assert "printed page 19." in Source.objects.get(slug=NDS).pages.get(label="19").text


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b"<!DOCTYPE html><html><body>Access denied</body></html>",
            "not a PDF file, but an HTML page",
        ),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "not a PDF file"),
        (b"", "the file is empty"),
    ],
    ids=["an HTML error page", "an image", "an empty file"],
)
def test_a_file_that_is_not_a_pdf_is_refused_with_what_to_do(
    tmp_path: Path, seed_document: Document, content: bytes, expected: str
) -> None:
    path = write(tmp_path / "nds.pdf", content)
    with pytest.raises(CommandError) as refused:
        import_source(NDS, str(path))
    assert expected in str(refused.value)
    assert "\n" not in str(refused.value)
    assert not Source.objects.get(slug=NDS).pages.exclude(pdf_index=None).exists()


def test_a_broken_pdf_is_refused(tmp_path: Path, seed_document: Document) -> None:
    data = nds_like_pdf(5)
    path = write(tmp_path / "broken.pdf", data[:200] + b"\x00garbage" * 50)
    with pytest.raises(CommandError, match="cannot read the PDF .*damaged"):
        import_source(NDS, str(path))
    assert not Source.objects.get(slug=NDS).pages.exclude(pdf_index=None).exists()


def test_a_pdf_without_any_text_is_refused_as_a_scan(
    tmp_path: Path, seed_document: Document
) -> None:
    with pytest.raises(CommandError, match="none of its 3 pages has any text .*OCR"):
        import_source(NDS, str(write(tmp_path / "scan.pdf", make_pdf([None, None, None]))))


def test_an_unknown_source_is_refused_with_the_known_ones(
    tmp_path: Path, seed_document: Document
) -> None:
    with pytest.raises(
        CommandError, match="no source has the slug “nds”.*national-defense-strategy"
    ):
        import_source("nds", str(write(tmp_path / "a.pdf", make_pdf(["x"]))))


def test_plain_text_is_cut_into_pages_at_form_feeds(
    tmp_path: Path, seed_document: Document
) -> None:
    path = tmp_path / "nds.txt"
    path.write_text("Page eighteen.\fPage nineteen.\n\fPage twenty.\f", encoding="utf-8")

    import_source(NDS, str(path), "--first-page-label", "18")

    nds = Source.objects.get(slug=NDS)
    assert [(p.label, p.pdf_index, p.text) for p in nds.pages.exclude(pdf_index=None)] == [
        ("18", 0, "Page eighteen."),
        ("19", 1, "Page nineteen."),
        ("20", 2, "Page twenty."),
    ]


def test_an_html_page_is_one_page_of_its_visible_text(tmp_path: Path, db: None) -> None:
    path = tmp_path / "fact-sheet.html"
    path.write_text(
        "<!doctype html><html><head><title>T</title><script>var x = 1;</script></head>"
        "<body><nav>Menu</nav><h1>Joint Fact Sheet</h1><p>The United States &amp; the Republic"
        " of Korea</p><p>agreed.</p></body></html>",
        encoding="utf-8",
    )
    read = read_source_file(path)
    assert read.kind == "html"
    assert [page.text for page in read.pages] == [
        "Joint Fact Sheet\nThe United States & the Republic of Korea\nagreed."
    ]


def test_text_that_is_not_utf8_is_refused(tmp_path: Path, db: None) -> None:
    path = tmp_path / "nds.txt"
    path.write_bytes("国家防衛戦略".encode("shift_jis"))
    with pytest.raises(SourceFileError, match="neither a PDF nor UTF-8 text"):
        read_source_file(path)


def test_reimporting_keeps_page_rows_citations_and_passages_linked(
    tmp_path: Path, seed_document: Document
) -> None:
    nds = Source.objects.get(slug=NDS)
    cited = dict(nds.pages.values_list("label", "pk"))
    import_nds_like_pdf(tmp_path, pages=30)
    assert {label: nds.pages.get(label=label).pk for label in cited} == cited

    # A shorter edition: printed pages 1–20 only. Page 21 is cited, so it stays (without text);
    # the uncited pages the new file lacks go.
    import_source(NDS, str(write(tmp_path / "short.pdf", nds_like_pdf(20))))

    assert {label: nds.pages.get(label=label).pk for label in cited} == cited
    p21 = nds.pages.get(label="21")
    assert (p21.pdf_index, p21.text) == (None, "")
    assert not nds.pages.filter(label="30").exists()
    assert nds.pages.exclude(pdf_index=None).count() == 24
    note3 = Citation.objects.get(note__number=3, note__document=seed_document)
    assert note3.passage == SourcePassage.objects.get(block__anchor="q1")
    assert note3.first_page == "19"


def test_the_page_texts_are_searchable_after_import(
    tmp_path: Path, seed_document: Document
) -> None:
    import_nds_like_pdf(tmp_path)
    hits = search("model allies")
    pages = [hit.entry.source_page.label for hit in hits if hit.entry.kind == SearchEntry.Kind.PAGE]
    assert pages == ["19"]


def test_a_long_file_reports_its_progress(tmp_path: Path, seed_document: Document) -> None:
    output = import_source(NDS, str(write(tmp_path / "long.pdf", nds_like_pdf(56))))
    assert "  10/60 pages read" in output and "  60/60 pages read" in output


def test_the_commands_exit_non_zero_on_a_refused_file_and_zero_on_a_good_one(
    tmp_path: Path,
) -> None:
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return run_manage(*args, env=environment)

    assert manage("migrate").returncode == 0
    assert manage("import_commentary", str(SEED)).returncode == 0
    locked = write(tmp_path / "locked.pdf", encrypted(nds_like_pdf(25), "secret"))

    refused = manage("import_source", NDS, str(locked))
    assert refused.returncode != 0
    assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "encrypted" in refused.stderr

    imported = manage("import_source", NDS, str(write(tmp_path / "nds.pdf", nds_like_pdf(25))))
    assert imported.returncode == 0, imported.stderr
    checked = manage("check_citations")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no defect" in checked.stdout


def test_a_numbering_given_to_the_command_numbers_the_pages_and_is_kept(
    tmp_path: Path, seed_document: Document
) -> None:
    labels = ["i", "ii", "iii", "iv", *map(str, range(1, 21))]
    path = write(tmp_path / "n.pdf", make_pdf([page_text(label) for label in labels]))
    output = import_source(NDS, str(path), "--numbering", "1-4: i, 5: 1")
    assert "24 pages (i–iv, 1–20), labels from the numbering 1–4: i, 5: 1" in output
    assert Source.objects.get(slug=NDS).pages.get(label="19").pdf_index == 22
    again = import_source(NDS, str(path))  # the numbering kept with the source
    assert "labels from the numbering 1–4: i, 5: 1" in again
    with pytest.raises(CommandError, match="the file has 24 pages, no PDF page 30"):
        import_source(NDS, str(path), "--numbering", "1-30: 1")
    assert Source.objects.get(slug=NDS).pages.get(label="19").pdf_index == 22
