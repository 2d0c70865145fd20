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
from django.utils.translation import gettext
from rapidfuzz import fuzz

from .evidence import encode_texts, text_vectors
from .models import Citation, Document, Source, SourcePage, SourcePassage
from .pages import PageRange
from .quotes import find_quotation, pieces
from .sentences import split_sentences
from .signals import source_text_changed

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
        raise AlignmentError(
            gettext("Give the original text, as printed on the page."), field="text"
        )
    if len(text) > MAX_TEXT:
        raise AlignmentError(
            gettext("The text is longer than %(most)s characters.") % {"most": f"{MAX_TEXT:,}"},
            field="text",
        )
    pages = list(
        source.pages.filter(pdf_index__isnull=False)
        .order_by("pdf_index")
        .values_list("label", "text")
    )
    labels = [label for label, _ in pages]
    if not pages:
        raise AlignmentError(
            gettext(
                "The pages of “%(source)s” are not imported yet: attach its file first "
                "(on the source's page, or manage.py import_source %(slug)s FILE)."
            )
            % {"source": source, "slug": source.slug},
            field="text",
        )
    for field, label in (("first_page", first_page), ("last_page", last_page)):
        if label not in labels:
            raise AlignmentError(
                gettext("“%(source)s” has no page %(label)s.") % {"source": source, "label": label},
                field=field,
            )
    start, end = labels.index(first_page), labels.index(last_page)
    if end < start:
        raise AlignmentError(gettext("The last page comes before the first."), field="last_page")
    if not find_quotation(text, pages[start : end + 1]):
        found = find_quotation(text, pages)
        where = (
            gettext(" It is on p.%(page)s: give that page.") % {"page": found[0]} if found else ""
        )
        message = gettext("This text is not on %(pages)s of “%(source)s”.") % {
            "pages": PageRange(first_page, last_page),
            "source": source,
        }
        raise AlignmentError(message + where, field="text")
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
        source_text_changed.send(Source, source=source)  # a new passage: search indexes it
    return original


def align(*, translation: SourcePassage, original: SourcePassage | None) -> SourcePassage:
    """Align a translation with an original passage of the same source (None: undo it)."""
    _check_translation(translation)
    if original is not None:
        if original.source_id != translation.source_id:
            raise AlignmentError(
                gettext(
                    "Passage %(id)s is from another source: the original must be a passage of "
                    "“%(source)s”."
                )
                % {"id": original.pk, "source": translation.source},
                field="original",
            )
        if original.provenance != SourcePassage.Provenance.ORIGINAL:
            raise AlignmentError(
                gettext("Passage %(id)s is itself a translation: choose the source's own text.")
                % {"id": original.pk},
                field="original",
            )
        if not _overlap(original, translation):
            raise AlignmentError(
                gettext(
                    "The original is on %(original)s, the translation quotes %(translation)s: "
                    "choose a passage on the same pages."
                )
                % {"original": original.pages_display, "translation": translation.pages_display},
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
            gettext("Passage %(id)s is the source's own text, not a translation.")
            % {"id": translation.pk},
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


LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}|\d[\d.,]*")
# Japanese runs to about half as many characters as the English it translates.
EXPECTED_RATIO = 0.5


def suggest_originals(translation: SourcePassage, limit: int = 3) -> list[Suggestion]:
    """The likeliest original sentences (and pairs of adjacent sentences) on the translation's
    pages, best first. Mostly by meaning, across languages (the evidence encoder: a Japanese
    translation with no Latin word is offered its English sentence first), helped by the Latin
    words, numbers and names they share with the translation (rapidfuzz's token set ratio over
    those) and by how near their length is to what the translation's length suggests."""
    source = translation.source
    pages = list(source.pages.filter(pdf_index__isnull=False).order_by("pdf_index"))
    on_pages = [page for page in pages if translation.pages.covers(page.label)] or pages
    wanted = " ".join(LATIN_WORD_RE.findall(translation.text)).casefold()
    spans: list[tuple[str, str]] = []
    for page in on_pages:
        sentences = split_sentences(page.text)
        pairs = [f"{a} {b}" for a, b in zip(sentences, sentences[1:], strict=False)]
        spans.extend((page.label, text) for text in sentences + pairs)
    if not spans:
        return []
    meaning = encode_texts([text for _label, text in spans]) @ text_vectors([translation.text])[0]
    candidates: list[Suggestion] = []
    for (label, text), close in zip(spans, meaning, strict=True):
        words = " ".join(LATIN_WORD_RE.findall(text)).casefold()
        shared = fuzz.token_set_ratio(wanted, words) / 100 if words and wanted else 0.0
        ratio = len(translation.text) / max(1, len(text))
        length = 1 / (1 + abs(math.log(ratio / EXPECTED_RATIO)))
        score = 0.6 * max(float(close), 0.0) + 0.25 * shared + 0.15 * length
        candidates.append(Suggestion(text, label, round(score, 4)))
    candidates.sort(key=lambda s: -s.score)
    return candidates[:limit]
