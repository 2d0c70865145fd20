"""Page labels and ranges (reader.pages): what every view, check and import counts pages by."""

from __future__ import annotations

import pytest

from reader.pages import PageRange, is_page_number, label_runs, numbered_from, pages_of


def test_a_range_prints_as_the_reader_shows_it() -> None:
    assert str(PageRange("19")) == "p.19"
    assert str(PageRange("19", "19")) == "p.19"
    assert str(PageRange("20", "21")) == "pp.20–21"
    assert str(PageRange()) == ""
    assert not PageRange() and PageRange("i")


@pytest.mark.parametrize(
    ("first", "last", "label", "covered"),
    [
        ("20", "21", "20", True),
        ("20", "21", "21", True),
        ("20", "21", "22", False),
        ("19", "", "19", True),
        ("9", "11", "10", True),  # numbers, not strings: "10" < "9"
        ("iii", "v", "iii", True),
        ("iii", "v", "v", True),
        ("iii", "v", "iv", False),  # roman ranges are known only by their ends without a file
        ("", "", "1", False),
    ],
)
def test_a_range_covers_its_pages(first: str, last: str, label: str, covered: bool) -> None:
    assert PageRange(first, last).covers(label) is covered


def test_ranges_overlap_by_number_or_by_place_in_the_file() -> None:
    assert PageRange("19", "21").overlaps(PageRange("21", "30"))
    assert not PageRange("19", "20").overlaps(PageRange("21", "30"))
    order = {"iii": 2, "iv": 3, "v": 4, "1": 5}
    assert PageRange("iii", "v").overlaps(PageRange("iv"), order)
    assert not PageRange("iii", "iv").overlaps(PageRange("1"), order)
    assert not PageRange("iii", "x").overlaps(PageRange("iv"), order)  # x is not in the file
    assert PageRange("iv").overlaps(PageRange("iv"))
    assert not PageRange().overlaps(PageRange("1"))


def test_a_numeric_range_expands_to_its_pages_and_a_huge_one_to_its_ends() -> None:
    assert PageRange("70", "72").labels() == ["70", "71", "72"]
    assert PageRange("1", "5000").labels() == ["1", "5000"]
    assert PageRange("1", "300").labels(limit=200) == ["1", "300"]
    assert PageRange("iii", "v").labels() == ["iii", "v"]
    assert PageRange("21", "19").labels() == ["21", "19"]
    assert PageRange().labels() == []


def test_within_gives_the_places_of_a_range_in_file_order() -> None:
    order = ["i", "ii", "1", "2", "3"]
    assert list(PageRange("ii", "2").within(order) or []) == [1, 2, 3]
    assert PageRange("2", "9").within(order) is None
    backwards = PageRange("3", "1").within(order)
    assert backwards is not None and list(backwards) == []


def test_pages_are_numbered_on_and_printed_as_runs() -> None:
    assert numbered_from("xi", 3) == ["xi", "xii", "xiii"]
    assert label_runs(["i", "ii", "iii", "1", "2", "pdf-9", "4"]) == "i–iii, 1–2, pdf-9, 4"
    assert pages_of(["7"]) == "p.7" and pages_of(["7", "8", "10"]) == "pp.7–8, 10"
    assert is_page_number("12") and is_page_number("XIV") and not is_page_number("A-3")


def test_a_citation_covers_the_pages_it_names_in_sql_as_in_python(db: None) -> None:
    from reader.models import Citation, Document, Source, SourcePage

    source = Source.objects.create(slug="s", title="S")
    note = Document.objects.create(slug="d", title="D").notes.create(number=1, text="S, pp.iii–v.")
    note.citations.create(source=source, form="full", first_page="iii", last_page="v")
    note.citations.create(
        source=source, form="short", first_page="9", last_page="11", first_number=9, last_number=11
    )
    for label, covered in [("iii", ["iii"]), ("v", ["iii"]), ("iv", []), ("10", ["9"]), ("12", [])]:
        page = SourcePage.objects.create(source=source, label=label)
        citations = Citation.objects.of_page(page)
        assert [c.first_page for c in citations] == covered, label
        assert [c.first_page for c in Citation.objects.all() if c.pages.covers(label)] == covered
