"""The other language's word for a query that found nothing, from the glosses the commentaries
give themselves: a Japanese term followed by its English original in parentheses
(模範的な同盟国（model allies）), or the other way round. A query sharing a word with one side of a
gloss (or holding it: 国家防衛戦略の改訂) is offered the other side, when that finds something."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import Q

from reader.models import Block

from .query import SearchQueryError, search
from .terms import CJK, fold, query_words

# A run of Japanese before full-width or ASCII parentheses holding Latin words, or Latin words
# before parentheses holding Japanese.
JAPANESE_THEN_ENGLISH = re.compile(f"([{CJK}]+)[（(]([A-Za-z][A-Za-z0-9 .,'&-]*)[）)]")
ENGLISH_THEN_JAPANESE = re.compile(f"([A-Za-z][A-Za-z0-9 .'&-]*[A-Za-z])\\s*[（(]([{CJK}]+)[）)]")
# One-character particles: a term starts after the last of them
# (韓国を模範的な同盟国 → 模範的な同盟国).
PARTICLES = re.compile("[をはがにでともへや]")
MAX_SUGGESTIONS = 5


def glosses(text: str) -> Iterable[tuple[str, str]]:
    """The (Japanese, English) pairs the text gives."""
    for japanese, english in JAPANESE_THEN_ENGLISH.findall(text):
        yield PARTICLES.split(japanese)[-1], english.strip()
    for english, japanese in ENGLISH_THEN_JAPANESE.findall(text):
        yield japanese, english.strip()


def other_language_words(query: str) -> list[tuple[str, int]]:
    """For a query that found nothing: the terms the commentaries gloss it with, in the other
    language, each with how many passages it finds (only those that find some)."""
    words = query_words(query)
    if not words:
        return []
    suggestions: dict[str, int] = {}
    glossed = Q(text__contains="（") | Q(text__contains="(")
    blocks = Block.objects.filter(glossed).values_list("text", flat=True)
    for text in blocks.iterator():
        for japanese, english in glosses(text):
            for side, other in ((japanese, english), (english, japanese)):
                folded = fold(side)
                if other in suggestions or not any(
                    word in folded or folded in word for word in words
                ):
                    continue
                try:
                    total = search(f'"{other}"', limit=1).total
                except SearchQueryError:
                    continue
                if total:
                    suggestions[other] = total
                if len(suggestions) >= MAX_SUGGESTIONS:
                    return list(suggestions.items())
    return list(suggestions.items())
