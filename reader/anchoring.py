"""Anchor annotations to a document's text, and move them when the text is revised.

Positions are Unicode code points over the document's plain text. Re-anchoring tries, in order:
the old position, if its text still matches; the exact quote, with prefix and suffix choosing
among repeats; a fuzzy match above a minimum score that no other place comes close to. Otherwise
the annotation is orphaned: never deleted, never attached to words it was not made on.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from rapidfuzz import fuzz

from .models import Annotation, Document

CONTEXT = 32  # characters of prefix and suffix kept with a quote
FUZZY_MIN_SCORE = 90.0  # out of 100: below this a place is not "the same words"
FUZZY_MIN_LENGTH = 8  # shorter quotes are too common to be found by likeness
FUZZY_MARGIN = 5.0  # the best place must beat every other place by this much


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


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
    """The occurrence whose context agrees best (nearest the old place on a tie), and the ties."""
    places = occurrences(text, exact)
    if not places:
        return -1, []
    scores = {p: context_score(text, p, exact, prefix, suffix) for p in places}
    top = max(scores.values())
    tied = [p for p in places if scores[p] == top]
    if near is not None:
        tied.sort(key=lambda p: abs(p - near))
    return tied[0], tied


def fuzzy_place(text: str, exact: str) -> tuple[int, int] | None:
    """The one place in the text that reads almost like `exact`, or None."""
    if len(exact) < FUZZY_MIN_LENGTH:
        return None
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
    return start, end


def relocate(annotation: Annotation, text: str) -> Anchor | None:
    """Where the annotation's words are in the new text, or None when they are gone."""
    exact, start, end = annotation.exact, annotation.start, annotation.end
    if start is not None and end is not None and text[start:end] == exact and exact:
        return anchor_at(text, start, end)
    position, _ = best_occurrence(text, exact, annotation.prefix, annotation.suffix, start)
    if position >= 0:
        return anchor_at(text, position, position + len(exact))
    place = fuzzy_place(text, exact)
    if place is not None:
        return anchor_at(text, *place)
    return None


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
    for annotation in targets.only("exact", "prefix", "suffix", "start", "end", "state"):
        anchor = relocate(annotation, text)
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
        for field in ("start", "end", "exact", "prefix", "suffix"):
            setattr(annotation, field, getattr(anchor, field))
        annotation.state = Annotation.State.ANCHORED
        annotation.anchor_revision = document.revision
        changed.append(annotation)
    fields = ["start", "end", "exact", "prefix", "suffix", "state", "anchor_revision"]
    with transaction.atomic():
        Annotation.objects.bulk_update(changed, fields, batch_size=1000)
    return report
