"""Anchor annotations to a document's text, and move them when the text is revised.

Positions are Unicode code points over the document's plain text. Re-anchoring tries, in order:
the old position, if its text still matches; the exact quote, with prefix and suffix choosing
among repeats; a fuzzy match above a minimum score that no other place comes close to. Otherwise
the annotation is orphaned: never deleted, never attached to words it was not made on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext
from rapidfuzz import fuzz

from reader.models import Document

from .indexing import reindex_annotations
from .models import Annotation

CONTEXT = 32  # characters of prefix and suffix kept with a quote
FUZZY_MIN_SCORE = 90.0  # out of 100: below this a place is not "the same words"
FUZZY_MIN_LENGTH = 8  # shorter quotes are too common to be found by likeness
FUZZY_MARGIN = 5.0  # the best place must beat every other place by this much
FUZZY_WINDOW = 2000  # characters either side of where edited words are looked for


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


class TargetError(ValueError):
    """A target that names no place in the text, or several; the message says what to change."""


def anchor_at(text: str, start: int, end: int) -> Anchor:
    prefix = text[max(0, start - CONTEXT) : start]
    return Anchor(start, end, text[start:end], prefix, text[end : end + CONTEXT])


def occurrences(text: str, exact: str) -> list[int]:
    found, position = [], text.find(exact)
    while position >= 0 and exact:
        found.append(position)
        position = text.find(exact, position + 1)
    return found


def context_score(text: str, position: int, exact: str, prefix: str, suffix: str) -> int:
    """How many characters of prefix and suffix agree around a place, counted from the quote out."""
    before = text[max(0, position - len(prefix)) : position]
    after = text[position + len(exact) : position + len(exact) + len(suffix)]
    score = 0
    for a, b in zip(reversed(before), reversed(prefix), strict=False):
        if a != b:
            break
        score += 1
    for a, b in zip(after, suffix, strict=False):
        if a != b:
            break
        score += 1
    return score


def best_occurrence(
    text: str, exact: str, prefix: str, suffix: str, near: int | None
) -> tuple[int, list[int]]:
    """The occurrence whose context agrees best (nearest the old place on a tie), and the ties.

    Where the quote occurs more than once and no context tells the places apart, the ties are
    returned for the caller to refuse: a guess could attach a note to the wrong words.
    """
    places = occurrences(text, exact)
    if len(places) <= 1:
        return (places[0] if places else -1), places
    # Fast path: the places whose whole prefix and suffix still agree.
    whole = [
        p
        for p in places
        if text[max(0, p - len(prefix)) : p].endswith(prefix)
        and text[p + len(exact) : p + len(exact) + len(suffix)].startswith(suffix)
    ]
    if len(whole) == 1:
        return whole[0], whole
    scores = {p: context_score(text, p, exact, prefix, suffix) for p in (whole or places)}
    top = max(scores.values())
    tied = [p for p in scores if scores[p] == top]
    if near is not None and (top > 0 or len(tied) == 1):
        tied.sort(key=lambda p: abs(p - near))
        return tied[0], tied[:1] if top > 0 else tied
    return tied[0], tied


def fuzzy_place(text: str, exact: str, around: int | None = None) -> tuple[int, int] | None:
    """The one place that reads almost like `exact` (near `around` when given), or None.

    Words whose text was edited stay about where they were; looking only near there keeps the
    search fast and keeps a look-alike passage elsewhere from being taken for them.
    """
    if len(exact) < FUZZY_MIN_LENGTH:
        return None
    offset = 0
    if around is not None:
        offset = max(0, around - FUZZY_WINDOW)
        text = text[offset : around + len(exact) + FUZZY_WINDOW]
    best = fuzz.partial_ratio_alignment(exact, text, score_cutoff=FUZZY_MIN_SCORE)
    if best is None:
        return None
    start, end = best.dest_start, best.dest_end
    if abs((end - start) - len(exact)) > max(2, len(exact) // 4):
        return None
    # Mask the place found and look again: a close second means we cannot tell which is meant.
    masked = text[:start] + "\0" * (end - start) + text[end:]
    second = fuzz.partial_ratio_alignment(exact, masked, score_cutoff=best.score - FUZZY_MARGIN)
    if second is not None:
        return None
    return start + offset, end + offset


def relocate(annotation: Annotation, text: str, shift: int | None = None) -> Anchor | None:
    """Where the annotation's words are in the new text, or None when they are gone.

    `shift` is how far the text around the old place has moved, when known (from the notes
    before it); the fuzzy search looks there. Without it, the whole text is searched.
    """
    exact, start, end = annotation.exact, annotation.start, annotation.end
    if start is not None and end is not None and text[start:end] == exact and exact:
        return anchor_at(text, start, end)
    position, tied = best_occurrence(text, exact, annotation.prefix, annotation.suffix, start)
    if len(tied) == 1:
        return anchor_at(text, position, position + len(exact))
    if tied:
        return None  # the words are here several times and nothing says which: an honest orphan
    around = None if shift is None or start is None else max(0, start + shift)
    place = fuzzy_place(text, exact, around)
    if place is not None:
        return anchor_at(text, *place)
    return None


def resolve_target(text: str, selectors: list[dict[str, Any]]) -> Anchor:
    """Turn W3C quote and/or position selectors into one anchor on the text; raise TargetError
    saying why when they name no place, or more than one."""
    quote = next((s for s in selectors if s["type"] == "TextQuoteSelector"), None)
    position = next((s for s in selectors if s["type"] == "TextPositionSelector"), None)
    if position is not None:
        start, end = position["start"], position["end"]
        if start >= end:
            raise TargetError(
                gettext("start (%(start)s) must be before end (%(end)s).")
                % {"start": start, "end": end}
            )
        if end > len(text):
            raise TargetError(
                gettext("end (%(end)s) is outside the text, which has %(length)s characters.")
                % {"end": end, "length": len(text)}
            )
        anchor = anchor_at(text, start, end)
        if quote is not None and quote["exact"] != anchor.exact:
            raise TargetError(
                gettext("The quote does not match the text at %(start)s–%(end)s.")
                % {"start": start, "end": end}
            )
        return anchor
    if quote is None:
        raise TargetError(gettext("Give a TextQuoteSelector or a TextPositionSelector."))
    exact = quote["exact"]
    found, tied = best_occurrence(
        text, exact, quote.get("prefix", ""), quote.get("suffix", ""), None
    )
    if found < 0:
        raise TargetError(gettext("The quote is not in the text of the document."))
    if len(tied) > 1:
        raise TargetError(
            gettext(
                "The quote appears %(count)s times: add a prefix and suffix, "
                "or a TextPositionSelector."
            )
            % {"count": len(tied)}
        )
    return anchor_at(text, found, found + len(exact))


@dataclass
class ReanchorReport:
    anchored: int = 0  # same place
    moved: int = 0
    orphaned: int = 0


def reanchor(document: Document) -> ReanchorReport:
    """Re-anchor every annotation of a document after a revision of its text."""
    text = document.plain_text()
    report = ReanchorReport()
    changed: list[Annotation] = []
    targets = document.annotations.filter(parent__isnull=True).exclude(exact="")
    shift = 0  # how far the text moved at the last note found by its exact words
    for annotation in targets.order_by("start", "id"):
        anchor = relocate(annotation, text, shift)
        if anchor is None:
            report.orphaned += 1
            if annotation.state != Annotation.State.ORPHANED:
                annotation.state = Annotation.State.ORPHANED
                changed.append(annotation)
            continue
        if (anchor.start, anchor.end) == (annotation.start, annotation.end):
            report.anchored += 1
        else:
            report.moved += 1
        if anchor.exact == annotation.exact and annotation.start is not None:
            shift = anchor.start - annotation.start
        annotation.place_at(anchor, document.revision)
        changed.append(annotation)
    _save_anchors(changed)
    reindex_annotations(changed)  # the quoted words may have changed with the place
    return report


def _save_anchors(annotations: list[Annotation]) -> None:
    """Write the new anchors in one statement per row, batched by the driver (bulk_update's CASE
    expressions grow too slow for thousands of rows)."""
    table = Annotation._meta.db_table
    sql = (
        f'UPDATE {table} SET start = %s, "end" = %s, exact = %s, prefix = %s, suffix = %s, '
        "state = %s, anchor_revision = %s WHERE id = %s"
    )
    rows = [
        (a.start, a.end, a.exact, a.prefix, a.suffix, a.state, a.anchor_revision, a.pk)
        for a in annotations
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
