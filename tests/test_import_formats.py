"""Importer behaviour beyond the seed: errors with line numbers, atomicity, re-import, Markdown."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reader.importers.commentary import import_commentary
from reader.importers.markdown import export_markdown
from reader.importers.parsed import CommentaryFormatError
from reader.models import Block, Citation, Claim, Document, Note, Source, SourcePassage

from .helpers import SEED, document_shape

pytestmark = pytest.mark.django_db

FRONT = """---
title: Test commentary
series: Test series
number: 3
author: Jane Smith
affiliation: Institute
date: 2026-03-01
language: en
---
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Everything an import writes, to compare before and after."""
    return {
        "documents": list(Document.objects.values_list("slug", "title", "revision")),
        "blocks": list(Block.objects.values_list("document__slug", "anchor", "kind", "text")),
        "notes": list(Note.objects.values_list("document__slug", "number", "text")),
        "claims": list(Claim.objects.values_list("note__number", "start", "end")),
        "citations": list(Citation.objects.values_list("note__number", "source__title", "locator")),
        "sources": list(Source.objects.values_list("slug", "title")),
        "passages": list(SourcePassage.objects.values_list("first_page", "text")),
    }


def seed_with(old: str, new: str) -> str:
    text = SEED.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "fragment", "message"),
    [
        ("公表した¹。", "公表した¹¹。", "公表した¹¹", "marker 11 has no note 11"),
        ("を公表した¹。", "を公表した。", "¹ U.S.", "note 1 has no marker in the text"),
        ("\n\n⁵ U.S.", "\n\n⁴ U.S.", "⁴ U.S.", "note 4 is defined twice (first at line"),
        ("表明済みであり⁴、", "表明済みであり³、", "表明済みであり³", "marker 3 appears twice"),
    ],
)
def test_it_names_the_line_of_each_error_and_changes_nothing(
    tmp_path: Path, old: str, new: str, fragment: str, message: str
) -> None:
    import_commentary(SEED)
    before = snapshot()
    text = seed_with(old, new)
    path = write(tmp_path, "npi-commentary-80.txt", text)
    with pytest.raises(CommentaryFormatError) as raised:
        import_commentary(path)
    assert message in str(raised.value)
    assert str(raised.value).startswith(f"line {line_of(text, fragment)}: ")
    assert snapshot() == before


def test_a_short_form_of_a_work_never_cited_goes_to_review_and_the_rest_imports(
    tmp_path: Path,
) -> None:
    text = seed_with(
        "\n\n¹⁰ 「李在明政権の発足と在韓米軍の戦略的柔軟性」2頁。", "\n\n¹⁰ 『存在しない本』2頁。"
    )
    document = import_commentary(write(tmp_path, "npi-commentary-80.txt", text)).document

    assert document.notes.count() == 10
    assert not document.notes.get(number=10).citations.exists()
    [review] = document.import_summary["to_review"]
    assert review["note"] == 10
    assert "the short form “『存在しない本』2頁” resolves to no source" in review["reason"]


def test_the_command_reports_the_error_and_the_line(tmp_path: Path) -> None:
    text = seed_with("公表した¹。", "公表した¹¹。")
    path = write(tmp_path, "broken.txt", text)
    with pytest.raises(CommandError) as raised:
        call_command("import_commentary", str(path), stdout=StringIO())
    assert f"line {line_of(text, '公表した¹¹')}: marker 11 has no note 11" in str(raised.value)
    assert "Nothing was imported" in str(raised.value)
    assert not Document.objects.exists()


def test_a_failure_while_writing_rolls_the_whole_import_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_commentary(SEED)
    before = snapshot()
    changed = write(tmp_path, "npi-commentary-80.txt", seed_with("模範的な同盟国", "模範的同盟国"))

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("reader.importers.commentary._store_cited_pages", fail)
    with pytest.raises(RuntimeError):
        import_commentary(changed)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("hello\n\nworld\n", "too short for a commentary"),
        (
            "2026年13月40日\n\n「題」\n\n所属\n著者\n\n本文。\n",
            "line 1: the date “2026年13月40日” is not a real date",
        ),
        ("yesterday\n\n「題」\n\n所属\n著者\n\n本文。\n", "line 1: expected the date"),
    ],
)
def test_it_refuses_malformed_files(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(CommentaryFormatError, match=message):
        import_commentary(write(tmp_path, "bad.txt", content))
    assert not Document.objects.exists()


def test_it_refuses_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("2026年".encode("shift_jis"))
    with pytest.raises(CommentaryFormatError, match="not UTF-8"):
        import_commentary(path)


def test_reimporting_updates_the_document_in_place(tmp_path: Path) -> None:
    first = import_commentary(SEED)
    anchors = list(first.document.blocks.values_list("pk", "anchor"))
    again = import_commentary(SEED)
    assert not again.created and not again.revised
    assert again.document.pk == first.document.pk
    assert again.document.revision == 1
    assert list(again.document.blocks.values_list("pk", "anchor")) == anchors
    assert Document.objects.count() == 1 and Source.objects.count() == 6

    revised = import_commentary(
        write(
            tmp_path,
            "npi-commentary-80.txt",
            seed_with("取り立てて新しくはない", "取り立てて新しいものではない"),
        )
    )
    assert revised.revised and revised.document.revision == 2
    assert revised.document.pk == first.document.pk
    assert list(revised.document.blocks.values_list("pk", "anchor")) == anchors
    assert "取り立てて新しいものではない" in revised.document.blocks.get(anchor="p4").text
    assert SourcePassage.objects.count() == 2


def test_the_markdown_export_imports_as_the_same_document(tmp_path: Path) -> None:
    original = import_commentary(SEED).document
    shape = document_shape(original)
    exported = tmp_path / "export.md"
    call_command("export_commentary", original.slug, output=exported, stderr=StringIO())
    markdown = exported.read_text(encoding="utf-8")
    assert markdown.startswith("---\ntitle: 第2次トランプ政権の「国家防衛戦略」と韓国\n")
    assert "を公表した[^1]。" in markdown and "\n> 欧州、中東" in markdown
    assert "[^3]: *National Defense Strategy*, p.19." in markdown

    Document.objects.all().delete()
    reimported = import_commentary(exported).document
    assert reimported.slug == original.slug
    assert document_shape(reimported) == shape
    assert export_markdown(reimported) == markdown


MARKDOWN = (
    FRONT
    + """
## Background

The strategy was published in January.[^1] It names model allies.[^2]

> Model allies spend what is needed and act visibly.[^3]

A second paper makes the point again,[^4] and so does a third.[^5]

※ The views are the author's own.

[^1]: U.S. Department of War, *National Defense Strategy*, January 2026, <https://example.org/nds.pdf>.
[^2]: Ibid., pp. 4–5.
[^3]: *National Defense Strategy*, p.19.
[^4]: John Doe, “Alliances Revisited,” *Foreign Affairs*, May 2025, 10-12.
[^5]: Doe, op. cit., p. 11.
"""
)


def test_it_imports_markdown_with_short_forms(tmp_path: Path) -> None:
    document = import_commentary(write(tmp_path, "test-commentary.md", MARKDOWN)).document
    assert document.title == "Test commentary" and document.language == "en"
    assert document.number == "3" and document.author == "Jane Smith"
    assert document.disclaimer == "※ The views are the author's own."
    assert list(document.blocks.values_list("kind", flat=True)) == [
        "heading",
        "paragraph",
        "quote",
        "paragraph",
    ]
    citations = {
        c.note.number: c
        for c in Citation.objects.filter(note__document=document).select_related("note", "source")
    }
    assert citations[2].source == citations[1].source and citations[2].pages_display == "pp.4–5"
    assert citations[3].source == citations[1].source and citations[3].first_page == "19"
    assert (
        citations[4].source.title == "Alliances Revisited"
        and citations[4].source.author == "John Doe"
    )
    assert citations[5].source == citations[4].source and citations[5].first_page == "11"
    passage = SourcePassage.objects.get(block__document=document)
    assert passage.provenance == SourcePassage.Provenance.ORIGINAL
    claims = dict(document.claims.values_list("note__number", "text"))
    assert claims[1] == "The strategy was published in January."
    assert claims[4] == "A second paper makes the point again,"
    assert claims[5] == "and so does a third."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\ntitle: T\n\nNo closing line.[^1]\n", "line 1: the front matter is not closed"),
        # An unknown key is kept as metadata (tests/test_import_markdown.py); a title is needed.
        ("---\ncolour: blue\n---\n\nText.\n", "line 3: the front matter has no title"),
        ("---\ntitle: T\ndate: 2026/03/01\n---\n\nText.\n", "line 3: the date “2026/03/01”"),
        (
            "---\ntitle: T\n---\n\nText.[^1]\n\nMore.[^2]\n\n[^1]: Note.\n",
            "line 7: marker 2 has no note 2",
        ),
        (
            "---\ntitle: T\n---\n\nText.[^1]\n\n[^1]: Ibid., p.3.\n",
            "line 7: note 1: “Ibid.” refers to the previous note",
        ),
    ],
)
def test_it_names_the_line_of_markdown_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(CommentaryFormatError) as raised:
        import_commentary(write(tmp_path, "doc.md", text))
    assert str(raised.value).startswith(message)
    assert not Document.objects.exists()


def test_the_format_can_be_forced(tmp_path: Path) -> None:
    path = write(tmp_path, "doc.txt", MARKDOWN)
    assert import_commentary(path).document.title == "Test commentary"
    with pytest.raises(CommentaryFormatError, match="line 1: expected the date"):
        import_commentary(path, fmt="text")


def test_the_import_command_is_idempotent() -> None:
    out = StringIO()
    call_command("import_commentary", str(SEED), stdout=out)
    call_command("import_commentary", str(SEED), stdout=out)
    assert "npi-commentary-80: created — 10 blocks, 10 notes, 10 claims." in out.getvalue()
    assert "already up to date" in out.getvalue()
    assert Document.objects.count() == 1


BODY = "\nThe strategy was published in January.[^1]\n\n[^1]: A comment of the author's own.\n"


@pytest.mark.parametrize(
    ("front", "field", "value"),
    [
        ('title: "A title: with a colon"', "title", "A title: with a colon"),
        ("title: T\nauthor: 'Jane Smith'", "author", "Jane Smith"),
        (
            "title: >\n  A title that runs\n  over two lines",
            "title",
            "A title that runs over two lines",
        ),
        ("title: A plain title\n  continued", "title", "A plain title continued"),
        ("title: T\nauthor:\n  - Jane Smith\n  - John Doe", "author", "Jane Smith, John Doe"),
        ("title: T\nauthor: [石田 智範, 田中 花子]", "author", "石田 智範・田中 花子"),
        ("title: T\nnumber: 080", "number", "080"),
        ('title: T\nseries: "日米同盟研究会コメンタリー"', "series", "日米同盟研究会コメンタリー"),
        ('title: T\ndate: "2026-03-01"', "date", datetime.date(2026, 3, 1)),
        ("title: T\nseries:", "series", ""),
    ],
)
def test_the_front_matter_is_read_as_yaml(
    tmp_path: Path, front: str, field: str, value: object
) -> None:
    path = write(tmp_path, "yaml.md", f"---\n{front}\n---\n{BODY}")
    document = import_commentary(path).document
    assert getattr(document, field) == value


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ('title: "An unclosed quote\nauthor: X', "line 3: the front matter is not valid YAML"),
        ("title: T\nauthor: {name: X}", "line 3: “author” must be a list of names"),
        ("title: T\nseries:\n  - A\n  - B", "line 4: “series” must be one line of text"),
        ("title: T\n\nauthor: X\nauthor: Y", "line 5: “author” is given twice"),
        ("title: T\n  colour: blue", "line 3: the front matter is not valid YAML"),
        ("- title\n- T", "line 2: the front matter must be “key: value” lines"),
        # A time of day after the date is read as Jekyll and Hugo write it (test_import_markdown).
        ("title: T\ndate: 2026-03-01 at ten", "line 3: the date “2026-03-01 at ten”"),
    ],
)
def test_it_refuses_front_matter_it_cannot_use_naming_the_line(
    tmp_path: Path, front: str, message: str
) -> None:
    with pytest.raises(CommentaryFormatError) as raised:
        import_commentary(write(tmp_path, "yaml.md", f"---\n{front}\n---\n{BODY}"))
    assert str(raised.value).startswith(message)
    assert not Document.objects.exists()


def test_a_title_that_yaml_would_misread_is_exported_quoted_and_reads_back(
    tmp_path: Path,
) -> None:
    front = 'title: "Allies: yes or no? #1"\nauthor: "- Jane"\nnumber: "007"'
    document = import_commentary(write(tmp_path, "yaml.md", f"---\n{front}\n---\n{BODY}")).document
    markdown = export_markdown(document)
    assert 'title: "Allies: yes or no? #1"' in markdown
    again = import_commentary(write(tmp_path, "again.md", markdown), slug="again").document
    assert (again.title, again.author, again.number) == ("Allies: yes or no? #1", "- Jane", "007")
