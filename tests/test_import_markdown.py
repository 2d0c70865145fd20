"""Markdown read by a CommonMark parser: the shapes real Jekyll and Hugo posts have (front matter
with keys of their own, kramdown attributes, Liquid tags, images, lists, HTML) import as the text a
reader of the page sees, and what was dropped is counted in the import summary.

The real posts are in tests/corpus/markdown/ (see MANIFEST.md there: where each came from and its
licence); the expectations below were written by reading them.
"""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from reader.importers.commentary import import_commentary
from reader.importers.markdown import export_markdown
from reader.importers.parsed import CommentaryFormatError
from reader.models import Document

from .helpers import document_shape

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parent / "corpus" / "markdown"


def write(tmp_path: Path, text: str, name: str = "post.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def blocks(document: Document) -> list[tuple[str, str, str]]:
    return list(document.blocks.values_list("anchor", "kind", "text"))


POST = """---
layout: post
title: Allies and burden sharing
date: 2024-12-05 12:00:00 +0800
description: How the new strategy asks more of allies.
tags:
  - alliances
  - defense
hero: /uploads/hero.jpg
published: true
---

A lead paragraph that kramdown styles.[^1]
{: .lead}

<!-- more -->

## What changed
The strategy names three priorities.[^2]

- Homeland defense first.
- Deterrence in the Indo-Pacific,[^3] by denial.
- Burden sharing with allies.

1. One
2. Two

![A map of the region](/uploads/map.png)

{% include figure.html filename="chart.png" caption="Spending" %}

> The Department will focus on strengthening incentives.[^4]

Text with an inline <!-- hidden --> comment.

[^1]: A comment of the author's own.
[^2]: Another comment.
[^3]: A third.
[^4]: A fourth.
"""


def test_a_blog_post_imports_with_its_structure_and_its_front_matter(tmp_path: Path) -> None:
    document = import_commentary(write(tmp_path, POST)).document
    assert (document.title, document.date, document.language) == (
        "Allies and burden sharing",
        datetime.date(2024, 12, 5),
        "en",
    )
    assert blocks(document) == [
        ("p1", "paragraph", "A lead paragraph that kramdown styles."),
        ("h1", "heading", "What changed"),
        # A heading followed directly by text no longer swallows the paragraph.
        ("p2", "paragraph", "The strategy names three priorities."),
        # Each list item is a paragraph; an ordered item keeps its number.
        ("p3", "paragraph", "Homeland defense first."),
        ("p4", "paragraph", "Deterrence in the Indo-Pacific, by denial."),
        ("p5", "paragraph", "Burden sharing with allies."),
        ("p6", "paragraph", "1. One"),
        ("p7", "paragraph", "2. Two"),
        ("q1", "quote", "The Department will focus on strengthening incentives."),
        ("p8", "paragraph", "Text with an inline comment."),
    ]
    claims = list(document.claims.values_list("note__number", "block__anchor", "text"))
    assert claims == [
        (1, "p1", "A lead paragraph that kramdown styles."),
        (2, "p2", "The strategy names three priorities."),
        (3, "p4", "Deterrence in the Indo-Pacific,"),
        (4, "q1", "The Department will focus on strengthening incentives."),
    ]
    # Keys the reader has no field for are kept as given, not refused.
    assert document.metadata == {
        "layout": "post",
        "description": "How the new strategy asks more of allies.",
        "tags": ["alliances", "defense"],
        "hero": "/uploads/hero.jpg",
        "published": True,
    }
    summary = document.import_summary
    assert summary["metadata"] == ["description", "hero", "layout", "published", "tags"]
    assert summary["dropped"] == {"attributes": 1, "comments": 2, "images": 1, "templates": 1}


def test_the_command_lists_the_kept_metadata_and_what_was_dropped(tmp_path: Path) -> None:
    out = StringIO()
    call_command("import_commentary", str(write(tmp_path, POST)), stdout=out)
    printed = out.getvalue()
    assert "Front matter kept as metadata: description, hero, layout, published, tags" in printed
    assert "Dropped (not text): 1 attributes, 2 comments, 1 images, 1 templates" in printed


def test_the_export_keeps_the_metadata_and_reads_back_as_the_same_document(
    tmp_path: Path,
) -> None:
    document = import_commentary(write(tmp_path, POST)).document
    exported = export_markdown(document)
    again = import_commentary(write(tmp_path, exported, "again.md"), slug="again").document
    assert document_shape(again) == document_shape(document)
    assert again.metadata == document.metadata


def test_named_footnote_labels_are_numbered_as_a_renderer_numbers_them(tmp_path: Path) -> None:
    text = (
        "---\ntitle: T\n---\n\nFirst claim.[^smith] Second claim.[^7] Third.[^jones]\n\n"
        "[^jones]: Jones note.\n\n[^7]: Seventh note.\n\n[^smith]: Smith note.\n"
    )
    document = import_commentary(write(tmp_path, text)).document
    assert list(document.notes.values_list("number", "text")) == [
        (7, "Seventh note."),
        (8, "Smith note."),
        (9, "Jones note."),
    ]
    assert list(document.claims.values_list("note__number", "text")) == [
        (8, "First claim."),
        (7, "Second claim."),
        (9, "Third."),
    ]


def test_the_title_may_be_the_first_heading(tmp_path: Path) -> None:
    text = "# A title in the text\n\nThe body.[^1]\n\n[^1]: A note.\n"
    document = import_commentary(write(tmp_path, text)).document
    assert document.title == "A title in the text"
    assert blocks(document) == [("p1", "paragraph", "The body.")]


def test_a_footnote_over_several_paragraphs_is_one_note(tmp_path: Path) -> None:
    text = (
        "---\ntitle: T\n---\n\nA claim.[^1]\n\n[^1]: The first paragraph of the note.\n\n"
        "    The second, indented as Python-Markdown and pandoc want it.\n"
    )
    note = import_commentary(write(tmp_path, text)).document.notes.get()
    assert note.text == (
        "The first paragraph of the note. The second, indented as Python-Markdown and pandoc "
        "want it."
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Just text, no title.[^1]\n\n[^1]: N.\n", "line 1: a Markdown commentary starts with"),
        ("---\ntitle: T\n---\n\nA claim.[^1]\n", "line 5: marker 1 has no note 1"),
        (
            "---\ntitle: T\n---\n\nA.[^1]\n\n[^1]: One.\n\n[^1]: Again.\n",
            "line 9: note 1 is defined twice (first at line 7)",
        ),
        ("---\ntitle: T\n---\n\nA.\n\n[^1]: Unused.\n", "line 7: note 1 has no marker"),
        ("---\ntitle: T\nx: &a [1]\ny: *a\n---\n\nA.\n", None),
        ("---\ntitle: T\ndate: 2026-13-01\n---\n\nA.\n", "line 3: the date “2026-13-01”"),
    ],
)
def test_structural_faults_are_still_refused_with_their_line(
    tmp_path: Path, text: str, message: str | None
) -> None:
    if message is None:  # an alias of a small value is fine
        assert import_commentary(write(tmp_path, text)).document.metadata == {
            "x": ["1"],
            "y": ["1"],
        }
        return
    with pytest.raises(CommentaryFormatError) as raised:
        import_commentary(write(tmp_path, text))
    assert str(raised.value).startswith(message)
    assert not Document.objects.exists()


def test_front_matter_that_multiplies_by_aliases_is_refused(tmp_path: Path) -> None:
    """A few lines of YAML aliases stand for millions of values ("billion laughs")."""
    lines = ["title: T", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    with pytest.raises(CommentaryFormatError, match="holds more than 500 values"):
        import_commentary(write(tmp_path, "---\n" + "\n".join(lines) + "\n---\n\nA.\n"))
    assert not Document.objects.exists()


# --- real posts -------------------------------------------------------------------------------


def test_a_programming_historian_post_imports_as_its_readers_see_it() -> None:
    """A Jekyll post with an HTML <figure> and a Liquid include, authors as a list, no date."""
    document = import_commentary(CORPUS / "ph-distant-reading.md").document
    assert document.title == "#TeachingWithDH: Distant Reading in the Undergraduate Classroom"
    assert document.date is None and document.language == "en"
    assert document.metadata == {
        "authors": ["Evan Taparata"],
        "avatars": "Evan-Taparata.png",
        "layout": "post",
        "categories": "posts",
    }
    texts = [text for _, kind, text in blocks(document)]
    assert len(texts) == 13
    assert all(kind == "paragraph" for _, kind, _ in blocks(document))
    # The hard line break (three spaces at a line's end) joins the two lines of one paragraph.
    assert texts[2].endswith(
        "being digitized every single day. What might this look like in the classroom? Here’s an "
        "example from one of my own research and teaching areas, U.S. immigration history."
    )
    assert not any("figure" in text or "{%" in text or "<" in text for text in texts)
    assert texts[6].startswith("They might not be surprised")
    assert document.import_summary["dropped"] == {"html": 1, "templates": 1}


def test_a_minimal_mistakes_sample_post_drops_kramdown_attributes_and_liquid() -> None:
    """The theme's sample of kramdown notices: `{: .notice}` after paragraphs, HTML blocks,
    Liquid captures and code samples."""
    document = import_commentary(CORPUS / "mm-post-notice.md").document
    assert document.title == "Post: Notice"
    assert document.metadata == {
        "categories": ["Post Formats"],
        "tags": ["Post Formats", "notice"],
    }
    found = blocks(document)
    texts = [text for _, _, text in found]
    # The attribute in backticks is the post's subject, not an attribute: it stays.
    assert texts[1].startswith("When using Kramdown `{: .notice}` can be added after a sentence")
    assert texts[2].endswith("We recommend reviewing the changes.")
    assert not any("{: .notice-" in text or "{%" in text or "{{" in text for text in texts)
    # The <div markdown="1"> block keeps its words; the last <div> block its text only.
    assert texts[4].startswith("**Primary Notice with code block:**")
    assert texts[-1] == "Message A basic message."
    assert ("h1", "heading", "New Site Features") in found
    assert ("p11", "paragraph", "You can now have cover images on blog pages") in found
    assert document.import_summary["dropped"] == {
        "attributes": 6,
        "code": 3,
        "html": 2,
        "templates": 3,
    }


def test_a_hugo_post_with_toml_front_matter_imports() -> None:
    """Hugo's sample post: TOML front matter between +++ lines, a <!--more--> inside a
    paragraph, ordered lists, an inline <svg> figure, a shortcode around a <style> block."""
    document = import_commentary(CORPUS / "hugo-placeholder-text.md").document
    assert (document.title, document.date, document.language) == (
        "Placeholder Text",
        datetime.date(2019, 3, 9),
        "en",
    )
    assert document.author == "Hugo Authors"
    assert document.metadata == {
        "description": "Lorem Ipsum Dolor Si Amet",
        "tags": ["markdown", "text"],
    }
    found = blocks(document)
    assert found[0][2].startswith(
        "Lorem est tota propiore conpellat pectoribus de pectora summo. Redit teque"
    )
    assert [text for _, _, text in found[1:5]] == [
        "1. Exierant elisi ambit vivere dedere",
        "2. Duce pollice",
        "3. Eris modo",
        "4. Spargitque ferrea quos palude",
    ]
    assert [(anchor, text) for anchor, kind, text in found if kind == "heading"] == [
        ("h1", "Vagus elidunt"),
        ("h2", "Mane refeci capiebant unda mulcebat"),
    ]
    # Neither the SVG nor the stylesheet is text of the post.
    assert not any("svg" in text or ".canon" in text for _, _, text in found)
    assert len(found) == 17
    assert document.import_summary["dropped"] == {"comments": 1, "html": 2, "templates": 2}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("+++\ntitle = 'T'\n\nText.[^1]\n", "line 1: the front matter is not closed by a +++"),
        ("+++\ntitle = T\n+++\n\nText.\n", "line 2: the front matter is not valid TOML"),
        ("+++\ntitle = 'T'\nseries = ['A', 'B']\n+++\n\nText.\n", "line 2: “series” must be one"),
    ],
)
def test_toml_front_matter_it_cannot_use_is_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(CommentaryFormatError) as raised:
        import_commentary(write(tmp_path, text))
    assert str(raised.value).startswith(message)
    assert not Document.objects.exists()


def test_a_note_may_carry_the_marker_of_a_note_on_it(tmp_path: Path) -> None:
    """A shape real posts have: a footnote that cites a friend in a footnote of its own."""
    text = (
        "---\ntitle: T\n---\n\nA claim.[^lobster] Another.[^outer]\n\n"
        "[^lobster]: Assigned as reading.\n\n"
        "[^outer]: The first note can itself cite a friend[^inner].\n"
        "[^inner]: The nested note.\n"
    )
    document = import_commentary(write(tmp_path, text)).document
    assert list(document.notes.values_list("number", "text")) == [
        (1, "Assigned as reading."),
        (2, "The first note can itself cite a friend[^3]."),
        (3, "The nested note."),
    ]
    assert list(document.claims.values_list("note__number", "text")) == [
        (1, "A claim."),
        (2, "Another."),
    ]
