"""Align a translated passage (a commentary's Japanese quotation of the NDS) with the original
passage on the source page, so that the reader shows the two side by side.

An original passage is an excerpt of the source's own text: it is stored only when it is found on
the pages it names, which must have been imported (manage.py import_source). Only members of the
analysts group align passages; the views check that.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from rapidfuzz import fuzz

from search.index import reindex_source

from .models import Citation, Document, SourcePage, SourcePassage
from .pages import PageRange
from .quotes import find_quotation, pieces

MAX_TEXT = 20_000


class AlignmentError(ValueError):
    """A request the analyst can fix; `field` names what to change."""

    def __init__(self, message: str, *, field: str) -> None:
        self.field = field
        super().__init__(message)


def add_original(
    *, translation: SourcePassage, text: str, first_page: str = "", last_page: str = ""
) -> SourcePassage:
    """Store the source's own text of a translated passage, found on its pages, and align them.

    The pages default to the translation's; the same excerpt is stored once.
    """
    first_page, last_page = first_page.strip(), last_page.strip()
    if not first_page:
        first_page, last_page = translation.first_page, last_page or translation.last_page
    last_page = last_page or first_page
    _check_translation(translation)
    source = translation.source
    if not pieces(text):
        raise AlignmentError("Give the original text, as printed on the page.", field="text")
    if len(text) > MAX_TEXT:
        raise AlignmentError(f"The text is longer than {MAX_TEXT:,} characters.", field="text")
    pages = list(
        source.pages.filter(pdf_index__isnull=False)
        .order_by("pdf_index")
        .values_list("label", "text")
    )
    labels = [label for label, _ in pages]
    if not pages:
        raise AlignmentError(
            f"The pages of “{source}” are not imported yet: import its file first "
            f"(manage.py import_source {source.slug} FILE).",
            field="text",
        )
    for field, label in (("first_page", first_page), ("last_page", last_page)):
        if label not in labels:
            raise AlignmentError(f"“{source}” has no page {label}.", field=field)
    start, end = labels.index(first_page), labels.index(last_page)
    if end < start:
        raise AlignmentError("The last page comes before the first.", field="last_page")
    if not find_quotation(text, pages[start : end + 1]):
        found = find_quotation(text, pages)
        where = f" It is on p.{found[0]}: give that page." if found else ""
        raise AlignmentError(
            f"This text is not on {PageRange(first_page, last_page)} of “{source}”.{where}",
            field="text",
        )
    text = text.strip()
    with transaction.atomic():
        original = SourcePassage.objects.filter(
            source=source,
            provenance=SourcePassage.Provenance.ORIGINAL,
            first_page=first_page,
            last_page=last_page,
            text=text,
        ).first() or SourcePassage.objects.create(
            source=source,
            first_page=first_page,
            last_page=last_page,
            text=text,
            language=source.language,
            provenance=SourcePassage.Provenance.ORIGINAL,
        )
        align(translation=translation, original=original)
        reindex_source(source)
    return original


def align(*, translation: SourcePassage, original: SourcePassage | None) -> SourcePassage:
    """Align a translation with an original passage of the same source (None: undo it)."""
    _check_translation(translation)
    if original is not None:
        if original.source_id != translation.source_id:
            raise AlignmentError(
                f"Passage {original.pk} is from another source: the original must be a passage "
                f"of “{translation.source}”.",
                field="original",
            )
        if original.provenance != SourcePassage.Provenance.ORIGINAL:
            raise AlignmentError(
                f"Passage {original.pk} is itself a translation: choose the source's own text.",
                field="original",
            )
        if not _overlap(original, translation):
            raise AlignmentError(
                f"The original is on {original.pages_display}, the translation quotes "
                f"{translation.pages_display}: choose a passage on the same pages.",
                field="original",
            )
    with transaction.atomic():
        translation.original = original
        translation.save(update_fields=["original"])
        _refresh_readers(translation)
    return translation


def _check_translation(translation: SourcePassage) -> None:
    if translation.provenance == SourcePassage.Provenance.ORIGINAL:
        raise AlignmentError(
            f"Passage {translation.pk} is the source's own text, not a translation.",
            field="original",
        )


def _overlap(original: SourcePassage, translation: SourcePassage) -> bool:
    """Whether the two are on the same pages (either without pages may be anywhere)."""
    if not translation.pages or not original.pages:
        return True
    if translation.pages.numbers and original.pages.numbers:
        return translation.pages.overlaps(original.pages)
    order = dict(
        SourcePage.objects.filter(source=translation.source_id).values_list("label", "pdf_index")
    )
    return translation.pages.overlaps(original.pages, order)


def _refresh_readers(passage: SourcePassage) -> None:
    """The reader caches each document's page by its revision and `updated`: show the change."""
    citing = Citation.objects.filter(Q(passage=passage) | Q(source=passage.source_id))
    documents = Q(pk__in=citing.values("note__document_id"))
    if passage.block_id:
        documents |= Q(blocks=passage.block_id)
    Document.objects.filter(documents).refresh_readers()


@dataclass
class Suggestion:
    text: str
    page: str
    score: float


SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[A-Z0-9“\"(‘])")
LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}|\d[\d.,]*")
# Japanese runs to about half as many characters as the English it translates.
EXPECTED_RATIO = 0.5


def suggest_originals(translation: SourcePassage, limit: int = 3) -> list[Suggestion]:
    """The likeliest original sentences (and pairs of sentences) on the translation's pages,
    best first: the Latin words, numbers and names they share with the translation (rapidfuzz's
    token set ratio over those), and how near their length is to what the translation's length
    suggests. Nothing when the translation shares no Latin word or number with any sentence."""
    source = translation.source
    pages = list(source.pages.filter(pdf_index__isnull=False).order_by("pdf_index"))
    on_pages = [page for page in pages if translation.pages.covers(page.label)] or pages
    wanted = " ".join(LATIN_WORD_RE.findall(translation.text)).casefold()
    if not wanted:
        return []
    candidates: list[Suggestion] = []
    for page in on_pages:
        sentences = [s.strip() for s in SENTENCE_END_RE.split(" ".join(page.text.split())) if s]
        spans = sentences + [f"{a} {b}" for a, b in zip(sentences, sentences[1:], strict=False)]
        for text in spans:
            words = " ".join(LATIN_WORD_RE.findall(text)).casefold()
            shared = fuzz.token_set_ratio(wanted, words) / 100 if words else 0.0
            if not shared:
                continue
            ratio = len(translation.text) / max(1, len(text))
            length = 1 / (1 + abs(math.log(ratio / EXPECTED_RATIO)))
            candidates.append(Suggestion(text, page.label, round(0.75 * shared + 0.25 * length, 4)))
    candidates.sort(key=lambda s: -s.score)
    return candidates[:limit]
