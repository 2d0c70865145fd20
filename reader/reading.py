"""Lay out a document for the reader: each block cut into plain text and claims, with its notes.

A constant number of queries whatever the size of the document.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch

from .models import Block, Citation, Claim, Document, Note, SourcePage, SourcePassage

SHOWN_PAGES = 3  # the most pages of a cited range whose text stands beside the claim


@dataclass
class CitedPage:
    citation: Citation
    passages: list[SourcePassage]
    page_url: str  # the source page view in this application
    source_url: str  # the source itself, at that page when it is a PDF
    # The imported pages from the citation's first page to its last (at most SHOWN_PAGES), whose
    # text stands beside the claim; none when an aligned original passage already shows it.
    page_labels: list[str] = field(default_factory=list)
    pages: list[SourcePage] = field(default_factory=list)
    title_in_note: bool = False  # the note's own words give the source's title: not said twice


@dataclass
class Segment:
    text: str
    claim: Claim | None = None
    numbers: list[int] = field(default_factory=list)  # markers closing this segment


@dataclass
class ReaderBlock:
    block: Block
    segments: list[Segment]
    notes: list[tuple[Note, list[CitedPage]]]


def layout(document: Document) -> list[ReaderBlock]:
    blocks = list(document.blocks.all())
    claims = defaultdict(list)
    for claim in document.claims.select_related("note").order_by("end", "note__number"):
        claims[claim.block_id].append(claim)
    notes = {
        note.pk: note
        for note in document.notes.prefetch_related(
            Prefetch("citations", Citation.objects.select_related("source"))
        )
    }
    cited = _cited_pages(notes.values())
    return [
        ReaderBlock(
            block,
            _segments(block.text, claims[block.pk]),
            [(notes[claim.note_id], cited[claim.note_id]) for claim in claims[block.pk]],
        )
        for block in blocks
    ]


def _segments(text: str, claims: list[Claim]) -> list[Segment]:
    segments: list[Segment] = []
    position = 0
    for claim in claims:
        previous = segments[-1] if segments else None
        if (
            previous
            and previous.claim
            and (previous.claim.start, previous.claim.end)
            == (
                claim.start,
                claim.end,
            )
        ):
            previous.numbers.append(claim.note.number)  # markers side by side: one claim
            continue
        start = max(claim.start, position)
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start : claim.end], claim, [claim.note.number]))
        position = claim.end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def _cited_pages(notes: Iterable[Note]) -> dict[int, list[CitedPage]]:
    citations = [citation for note in notes for citation in note.citations.all()]
    source_ids = {citation.source_id for citation in citations}
    passages = defaultdict(list)
    for passage in SourcePassage.objects.filter(source__in=source_ids).select_related(
        "block", "original"
    ):
        passages[passage.source_id].append(passage)
    page_indexes: dict[int, dict[str, int | None]] = defaultdict(dict)
    for source_id, label, index in SourcePage.objects.filter(source__in=source_ids).values_list(
        "source_id", "label", "pdf_index"
    ):
        page_indexes[source_id][label] = index
    cited: dict[int, list[CitedPage]] = defaultdict(list)
    for citation in citations:
        indexes = page_indexes[citation.source_id]
        shown = _shown_passages(citation, passages[citation.source_id])
        cited[citation.note_id].append(
            CitedPage(
                citation,
                shown,
                citation.page_view_url(),
                citation.source.viewer_url(citation.first_page, citation.passage_id)
                or citation.source_url_at_page(indexes),
                [] if _shows_original(shown) else _cited_labels(citation, indexes),
                title_in_note=_gives_title(citation.note, citation.source.title),
            )
        )
    _fill_page_texts(cited)
    return cited


def _gives_title(note: Note, title: str) -> bool:
    """Whether the note's own words name the source: its title, or in a short form its main
    title (before a colon), as 「*National Defense Strategy*, p.19」 does."""

    def words(text: str) -> str:
        return " ".join(text.replace("*", "").split()).casefold()

    main = re.split(r"[:：]", title, maxsplit=1)[0]
    names = {words(title), words(main)} - {""}
    return any(len(name) >= 4 and name in words(note.text) for name in names)


def _shows_original(passages: list[SourcePassage]) -> bool:
    """Whether the source's own words are among the passages (or aligned with one of them)."""
    original = SourcePassage.Provenance.ORIGINAL
    return any(p.provenance == original or p.original for p in passages)


def _cited_labels(citation: Citation, indexes: dict[str, int | None]) -> list[str]:
    """The labels of the file's pages from the first cited to the last (at most SHOWN_PAGES)."""
    in_file = sorted((index, label) for label, index in indexes.items() if index is not None)
    order = [label for _, label in in_file]
    within = citation.pages.within(order)
    return [order[place] for place in within[:SHOWN_PAGES]] if within else []


def _fill_page_texts(cited: dict[int, list[CitedPage]]) -> None:
    """Load the text of every cited page to show, in one query."""
    items = [item for group in cited.values() for item in group if item.page_labels]
    if not items:
        return
    pages = {
        (page.source_id, page.label): page
        for page in SourcePage.objects.filter(
            source__in={item.citation.source_id for item in items},
            label__in={label for item in items for label in item.page_labels},
        ).exclude(text="")
    }
    for item in items:
        keys = ((item.citation.source_id, label) for label in item.page_labels)
        item.pages = [pages[key] for key in keys if key in pages]


def _shown_passages(citation: Citation, passages: list[SourcePassage]) -> list[SourcePassage]:
    """The passage this citation closes; else the source's own text (or an analyst's translation)
    on the cited pages; else one quotation of those pages by the same document."""
    if citation.passage_id:
        return [p for p in passages if p.pk == citation.passage_id]
    overlapping = [p for p in passages if citation.pages.overlaps(p.pages)]
    own = [p for p in overlapping if p.block_id is None]
    if own:
        return own
    document_id = citation.note.document_id
    quoted = [p for p in overlapping if p.block and p.block.document_id == document_id]
    return quoted[:1]
