"""Notes written as authors write them: prose, pointers, citations inside prose, unreadable ones.

A note that is not a reference creates no source; a citation inside a note's prose is a citation;
what cannot be read is kept as a note without a citation and listed to review, never invented.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from reader.checking import Kind, check_citations
from reader.importers.commentary import import_commentary
from reader.importers.parsed import CommentaryFormatError
from reader.models import Citation, Document, Source

pytestmark = pytest.mark.django_db

NDS = (
    "U.S. Department of War, *National Defense Strategy*, January 2026, "
    "<https://example.org/nds.pdf>."
)
POINTER = "Compare the author's earlier piece in this series (No. 5, 2024); Ibid. for the minister's words."


def commentary(tmp_path: Path, *notes: str, language: str = "en") -> Document:
    """A Markdown commentary whose sentence n carries note n."""
    body = " ".join(f"Sentence {number}.[^{number}]" for number in range(1, len(notes) + 1))
    definitions = "\n".join(f"[^{number}]: {text}" for number, text in enumerate(notes, start=1))
    path = tmp_path / "notes.md"
    path.write_text(
        f"---\ntitle: Notes\nslug: notes\nlanguage: {language}\nauthor: Jane Smith\n---\n\n"
        f"{body}\n\n{definitions}\n",
        encoding="utf-8",
    )
    return import_commentary(path).document


def cited(document: Document) -> list[tuple[int, str, str, str]]:
    return list(
        Citation.objects.filter(note__document=document)
        .order_by("note__number", "id")
        .values_list("note__number", "source__title", "form", "first_page")
    )


def to_review(document: Document) -> list[tuple[int | None, str]]:
    return [
        (finding.note, finding.message)
        for finding in check_citations(document).findings
        if finding.kind == Kind.TO_REVIEW
    ]


def test_a_pointer_in_prose_creates_no_source_named_after_its_first_words(tmp_path: Path) -> None:
    document = commentary(tmp_path, NDS, POINTER)

    assert list(Source.objects.values_list("title", flat=True)) == ["National Defense Strategy"]
    # “Ibid. for the minister's words” is the previous note's one work.
    assert cited(document) == [
        (1, "National Defense Strategy", "full", ""),
        (2, "National Defense Strategy", "short", ""),
    ]
    [(note, message)] = to_review(document)
    assert note == 2 and "reads like a reference but names no title" in message
    assert check_citations(document).defects == []


def test_a_prose_note_is_kept_without_a_citation_and_is_not_listed(tmp_path: Path) -> None:
    document = commentary(
        tmp_path,
        "The minister said so again in a speech in 2024.",
        "“Model allies” is the strategy’s own term.",
        "「模範的な同盟国」という表現は、2024年から使われている。",
    )
    assert not Source.objects.exists() and cited(document) == []
    assert to_review(document) == []
    assert document.notes.count() == 3


def test_a_term_in_quotes_with_a_page_is_not_refused_as_a_short_form(tmp_path: Path) -> None:
    document = commentary(
        tmp_path, "「模範的な同盟国」という表現は同文書の19頁にある。", language="ja"
    )
    assert not Source.objects.exists() and cited(document) == []
    assert [note for note, _ in to_review(document)] == [1]


def test_a_japanese_citation_inside_a_notes_prose_is_a_citation_of_that_work(
    tmp_path: Path,
) -> None:
    document = commentary(
        tmp_path,
        "この点は別稿で論じた。詳しくは、田中「同盟の論理」『国際政治』（2023年）、15頁を参照。",
        "詳しくは、田中「同盟の論理」18頁を参照。",
        language="ja",
    )
    assert cited(document) == [(1, "同盟の論理", "full", "15"), (2, "同盟の論理", "short", "18")]
    source = Source.objects.get()
    assert (source.author, source.container, source.issued) == ("田中", "国際政治", "2023年")
    assert source.reference == "田中「同盟の論理」『国際政治』（2023年）、15頁"


def test_see_also_in_an_english_note_cites_the_work_it_names(tmp_path: Path) -> None:
    document = commentary(
        tmp_path,
        NDS,
        "John Doe, “Alliances Revisited,” *Foreign Affairs*, May 2025, 10-12.",
        "The strategy leaves this open; see also *National Defense Strategy*, p. 4.",
        "The point is made again, see also Doe, p. 11.",
    )
    assert cited(document)[2:] == [
        (3, "National Defense Strategy", "short", "4"),
        (4, "Alliances Revisited", "short", "11"),
    ]
    assert Source.objects.count() == 2


def test_ibid_after_a_note_citing_two_works_is_listed_and_cites_nothing(tmp_path: Path) -> None:
    document = commentary(
        tmp_path,
        "John Doe, “Alliances Revisited,” *Foreign Affairs*, May 2025; "
        "Mary Roe, “Allies Reconsidered,” *Survival*, June 2024.",
        "Ibid., p. 5.",
    )
    assert cited(document) == [
        (1, "Alliances Revisited", "full", ""),
        (1, "Allies Reconsidered", "full", ""),
    ]
    [(note, message)] = to_review(document)
    assert note == 2
    assert "“Ibid.” follows a note that cites 2 works" in message


@pytest.mark.parametrize(
    ("notes", "message"),
    [
        (("The author's own view.", "Ibid., p. 3."), "“Ibid.” follows a note that cites no source"),
        ((NDS, "Ministry of Defense, Annual report, 2024."), "names no title"),
        ((NDS, "Ministry of Defense, 2024."), "names no title"),
        ((NDS, "Sentence two goes on, p. 7."), "a page locator with no work it belongs to"),
    ],
)
def test_an_unreadable_note_is_kept_without_a_citation_and_listed_to_review(
    tmp_path: Path, notes: tuple[str, ...], message: str
) -> None:
    document = commentary(tmp_path, *notes)
    last = len(notes)
    assert not Citation.objects.filter(note__number=last).exists()
    assert Source.objects.filter(title__startswith=notes[-1][:8]).count() == 0
    assert [note for note, _ in to_review(document)] == [last]
    assert message in to_review(document)[0][1]


def test_ibid_in_the_first_note_is_still_refused_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(
        CommentaryFormatError, match="^line 10: note 1: “同上” refers to the previous"
    ):
        commentary(tmp_path, "同上、3頁。", language="ja")
    assert not Document.objects.exists()


def test_the_check_command_lists_the_notes_to_review(tmp_path: Path) -> None:
    commentary(tmp_path, NDS, "Ministry of Defense, 2024.")
    out = StringIO()
    call_command("check_citations", "notes", stdout=out)
    assert "Notes to review: read as no citation (1):" in out.getvalue()
    assert "no defect; 1 note to review" in out.getvalue()
