"""The citation styles analysts meet, read from notes as their authors print them: Chicago notes,
author-date notes, Bluebook, Japanese academic notes. Each citation says how it was read; what
cannot be read is listed to review; no signal, date of access or publisher becomes a source."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.importers.commentary import import_commentary
from reader.importers.notes import parse_citations
from reader.importers.parsed import ParsedNote, SourceRef
from reader.models import Citation, Source

from .test_import_notes import commentary


def read(*texts: str, library: object = None) -> list[ParsedNote]:
    notes = [ParsedNote(number, text, number) for number, text in enumerate(texts, start=1)]
    parse_citations(notes, document_author="Jane Smith", library=library)  # type: ignore[arg-type]
    return notes


def cites(note: ParsedNote) -> list[tuple[str, str, str, str]]:
    return [(c.source.title, c.first_page, c.last_page, c.how) for c in note.citations]


def test_chicago_full_short_author_and_page_and_ibid() -> None:
    notes = read(
        "John Smith, *The Alliance Dilemma* (New York: Columbia University Press, 2007), 21-25.",
        "Smith, 9.",
        "Ibid., viii.",
        "Smith, *Alliance Dilemma*, 40.",
        "Ibid.",
        "*Alliance*, 41.",
    )
    assert [cites(note) for note in notes] == [
        [("The Alliance Dilemma", "21", "25", "full")],
        [("The Alliance Dilemma", "9", "9", "short")],
        [("The Alliance Dilemma", "viii", "viii", "short")],
        [("The Alliance Dilemma", "40", "40", "short")],
        [("The Alliance Dilemma", "", "", "short")],
        [("The Alliance Dilemma", "41", "41", "guessed")],  # the start of its title only
    ]
    assert [citation.short_of for note in notes[1:] for citation in note.citations] == [1] * 5
    source = notes[0].citations[0].source
    assert (source.author, source.issued) == ("John Smith", "2007")


def test_a_year_in_kanji_numerals_is_read() -> None:
    [note] = read("詳しくは、山田『同盟の政治学』（架空書房、二〇二〇年）を参照のこと。")
    [citation] = note.citations
    assert (citation.source.title, citation.source.author) == ("同盟の政治学", "山田")
    assert citation.source.issued == "2020年"
    assert citation.source.reference == "山田『同盟の政治学』（架空書房、二〇二〇年）"


def test_japanese_short_forms_and_pages() -> None:
    notes = read(
        "田中一郎「同盟の論理」『国際政治』第150号（2023年）、15頁。",
        "同上、18-20頁。",
        "田中、前掲論文、22ページ。",
        "同書、p. 30.",
    )
    assert [cites(note)[0][:3] for note in notes] == [
        ("同盟の論理", "15", "15"),
        ("同盟の論理", "18", "20"),
        ("同盟の論理", "22", "22"),
        ("同盟の論理", "30", "30"),
    ]


def test_signals_and_dates_of_access_are_never_titles() -> None:
    notes = read(
        "*See* John Doe, *Outcome Contracting*, 11 Pub. Cont. Rep. 17, at 60 (Apr. 1997).",
        "Accessed June 2, 2018, <https://example.org/report>.",
        "*Cf.* Doe, supra note 1, at 62.",
    )
    assert cites(notes[0]) == [("Outcome Contracting", "60", "60", "full")]
    assert notes[1].citations == [] and "names no title" in notes[1].review[0]
    assert cites(notes[2]) == [("Outcome Contracting", "62", "62", "short")]
    assert notes[2].citations[0].short_of == 1


def test_an_author_date_note_is_one_reference_and_ibid_follows_it() -> None:
    notes = read(
        "Doe, Jane (2009). *Systematic Policy* (p. 24). Publisher.",
        "Ibid., 25.",
        "Rothstein, Richard. 2018. The Color of Law. New York, NY: Liveright. 55-56.",
    )
    assert cites(notes[0]) == [("Systematic Policy", "24", "24", "full")]
    assert cites(notes[1]) == [("Systematic Policy", "25", "25", "short")]
    assert cites(notes[2]) == [("The Color of Law", "55", "56", "full")]
    assert notes[2].citations[0].source.author == "Rothstein, Richard"


def test_underscore_italics_and_a_markdown_link_are_titles() -> None:
    notes = read(
        "Mary Roe, _Some Title_ (London: Verso, 2019), 12.",
        "[The Birth of Objects](https://example.org/birth), in *Lecture Notes* (Berlin: "
        "Springer, 2004).",
    )
    assert cites(notes[0]) == [("Some Title", "12", "12", "full")]
    [citation] = notes[1].citations
    assert (citation.source.title, citation.source.url) == (
        "The Birth of Objects",
        "https://example.org/birth",
    )


def test_bluebook_cases_id_and_supra() -> None:
    notes = read(
        "*See* Wallace v. IBM Corp., 467 F.3d 1104, 1105-06 (7th Cir. 2006).",
        "Id. at 1107.",
        "*But see* Jane Roe, *Open Licences*, 12 Yale L.J. 300 (2010).",
        "Id.",
        "Wallace, 467 F.3d at 1108; Roe, supra note 3, at 373.",
    )
    assert cites(notes[0]) == [("Wallace v. IBM Corp.", "1105", "1106", "full")]
    assert cites(notes[1]) == [("Wallace v. IBM Corp.", "1107", "1107", "short")]
    assert [title for title, *_ in cites(notes[2])] == ["Open Licences"]
    assert cites(notes[3])[0][0] == "Open Licences"
    assert cites(notes[4]) == [
        ("Wallace v. IBM Corp.", "1108", "1108", "short"),
        ("Open Licences", "373", "373", "short"),
    ]
    assert all(
        citation.source.title not in ("See", "But see")
        for note in notes
        for citation in note.citations
    )


def test_several_works_in_one_note() -> None:
    [note] = read(
        "John Doe, “Alliances Revisited,” *Foreign Affairs*, May 2025, 10; "
        "see also 山田『同盟の政治学』（架空書房、2020年）、5頁。"
    )
    assert cites(note) == [
        ("Alliances Revisited", "10", "10", "full"),
        ("同盟の政治学", "5", "5", "full"),
    ]


def test_a_short_form_never_cited_in_full_is_asked_of_the_library_then_reviewed() -> None:
    held = SourceRef(title="National Defense Strategy", author="U.S. Department of War")
    asked: list[tuple[str, str]] = []

    def library(title: str, author: str) -> SourceRef | None:
        asked.append((title, author))
        return held if title == "National Defense Strategy" else None

    notes = read("*National Defense Strategy*, p. 19.", "『存在しない本』2頁。", library=library)
    assert cites(notes[0]) == [
        ("National Defense Strategy", "19", "19", "library")
    ]  # its page kept
    assert notes[1].citations == []
    assert "resolves to no source cited in an earlier note" in notes[1].review[0]
    assert asked == [("National Defense Strategy", ""), ("存在しない本", "")]


@pytest.mark.django_db
def test_each_stored_citation_says_how_it_was_read(tmp_path: Path) -> None:
    document = commentary(
        tmp_path,
        "John Smith, *The Alliance Dilemma* (New York: Columbia University Press, 2007), 21.",
        "Ibid., 22.",
        "Smith, 9.",
        "A bare <https://example.org/page> with no title.",
    )
    stored = list(
        Citation.objects.filter(note__document=document)
        .order_by("note__number")
        .values_list("note__number", "how", "how_note", "first_page")
    )
    assert stored == [(1, "full", None, "21"), (2, "short", 1, "22"), (3, "short", 1, "9")]
    assert Source.objects.count() == 1
    [review] = document.import_summary["to_review"]
    assert review["note"] == 4


@pytest.mark.django_db
def test_the_seed_citations_say_how_they_were_read() -> None:
    from .helpers import SEED

    document = import_commentary(SEED).document
    hows = dict(Citation.objects.filter(note__document=document).values_list("note__number", "how"))
    assert hows == {1: "full", 2: "full", 3: "short", 4: "full", 5: "full", 6: "short",
                    7: "full", 8: "short", 9: "full", 10: "short"}  # fmt: skip


def test_a_stray_quotation_mark_in_a_long_note_does_not_stall_the_import() -> None:
    import time

    started = time.monotonic()
    [note] = read("“" * 20000 + " Smith, *Title* (Press, 2001).")
    assert time.monotonic() - started < 5  # it took 25 s before titles were bounded
    assert note.citations == [] or note.citations[0].source.title == "Title"


def test_a_year_in_kanji_numerals_is_a_date_for_reference_managers() -> None:
    from reader.bibliography import date_parts

    assert date_parts("二〇二〇年三月") == [2020]
    assert date_parts("２０１７年１月") == [2017, 1]


@pytest.mark.django_db
def test_the_reader_says_when_a_citation_was_guessed(tmp_path: Path, client: object) -> None:
    document = commentary(
        tmp_path,
        "John Smith, *The Alliance Dilemma* (New York: Columbia University Press, 2007), 21.",
        "Ibid., 22.",
        "*Alliance*, 41.",
    )
    page = client.get(document.get_absolute_url()).content.decode()  # type: ignore[attr-defined]
    assert page.count('class="citation-how"') == 1
    assert '<span class="citation-how">(Guessed)</span>' in page
    short = Citation.objects.get(note__document=document, note__number=2)
    assert short.how_display == "short form of note 1"
