"""Splitting a page's text into sentences, English and Japanese alike, for the evidence encoder.

A PDF page's text breaks lines inside sentences: lines are joined first (with a space between
Latin words, with nothing between Japanese characters), then the text is cut after 。！？ and
after . ! ? followed by a space and what can start a sentence, except after an abbreviation
(U.S., Mr., p., No.): such a period ends no sentence.
"""

from __future__ import annotations

import re

_CJK = r"\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_JOIN_CJK = re.compile(rf"(?<=[{_CJK}])\s*\n\s*(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
_HYPHENATED = re.compile(r"(?<=[a-z])-\n(?=[a-z])")
# A Japanese full stop (and its closing brackets) ends a sentence wherever it stands; a Latin one
# only before a space and a capital, a digit or an opening quotation mark or bracket.
_END = re.compile(rf"(?<=[。！？])[」』）)]*|(?<=[.!?])[\"'”’)\]]*(?=\s+[\"“‘(\[A-Z0-9{_CJK}])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]\.)+|\b(?:Mr|Mrs|Ms|Dr|St|No|Nos|Vol|vol|pp?|ch|vs|etc|e\.g|i\.e|cf|Jan|Feb|"
    r"Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Gen|Lt|Col|Adm|Sen|Rep|Gov|Inc|Co|Corp|Art|Sec)\.)$"
)
MAX_CHARACTERS = 600  # a “sentence” longer than this (a table, a list) is cut at spaces


def split_sentences(text: str) -> list[str]:
    """The sentences of a page's text, in order, stripped, none empty."""
    text = _HYPHENATED.sub("", text)
    text = _SPACES.sub(" ", _JOIN_CJK.sub("", text)).strip()
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        if _ABBREVIATION.search(text[start:end]):
            continue
        sentences.extend(_bounded(text[start:end]))
        start = end
    sentences.extend(_bounded(text[start:]))
    return sentences


def _bounded(sentence: str) -> list[str]:
    sentence = sentence.strip()
    pieces: list[str] = []
    while len(sentence) > MAX_CHARACTERS:
        cut = sentence.rfind(" ", 0, MAX_CHARACTERS)
        cut = cut if cut > 0 else MAX_CHARACTERS
        pieces.append(sentence[:cut].strip())
        sentence = sentence[cut:].strip()
    return [*pieces, sentence] if sentence else pieces
