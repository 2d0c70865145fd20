"""Japanese-aware terms for full-text search, the same on PostgreSQL and SQLite.

Text is folded (NFKC: full-width → half-width; case folded), then cut into terms: each run of CJK
characters gives its character bigrams plus its last character alone (so that a one-character query
also finds the character at the end of a run: 韓 in 日韓); Latin letters and digits give words.
Terms keep their order, so that a phrase is a run of consecutive terms. A query is words (split
on spaces) and phrases in double quotes; a passage matches when it holds all of them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CJK = (
    "\u3005\u3006\u3007\u303b"  # 々 〆 〇 〻
    "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff"  # kana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # kanji
    "\uac00-\ud7af"  # hangul
    "\U00020000-\U0003134f"  # kanji outside the Basic Multilingual Plane (𠮷)
)
TOKEN_RE = re.compile(f"([{CJK}]+)|([^\\W_{CJK}]+)")
MAX_QUERY_LENGTH = 200


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def index_terms(text: str) -> str:
    """The terms of a text, space-separated, for the index."""
    terms: list[str] = []
    for cjk, word in TOKEN_RE.findall(fold(text)):
        if word:
            terms.append(word)
        else:
            terms += [cjk[i : i + 2] for i in range(len(cjk) - 1)]
            terms.append(cjk[-1])
    return " ".join(terms)


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False


def query_terms(query: str) -> list[Term]:
    """The phrase of terms a query must match, in order.

    A CJK run inside the query gives its bigrams; where a Latin word follows it, the run ends there
    in the text too, so its last character is a term of its own. A query ending in a single CJK
    character matches any term that starts with it.
    """
    tokens = TOKEN_RE.findall(fold(query))
    terms: list[Term] = []
    for index, (cjk, word) in enumerate(tokens):
        last = index == len(tokens) - 1
        if word:
            terms.append(Term(word))
        elif len(cjk) == 1:
            terms.append(Term(cjk, prefix=last))
        else:
            terms += [Term(cjk[i : i + 2]) for i in range(len(cjk) - 1)]
            if not last:
                terms.append(Term(cjk[-1]))
    return terms


def squeeze(text: str) -> str:
    return " ".join(fold(text).split())


QUOTED_RE = re.compile(r'"([^"]*)"|“([^”]*)”')


def query_words(query: str) -> list[str]:
    """What a passage must hold, all of it: each phrase in double quotes ("model allies"), and
    each other word (同盟 韓国: two words); folded, whitespace squeezed, in order, once each.
    A word with nothing to search for (punctuation alone) is left out."""
    parts: list[str] = []
    position = 0
    for match in QUOTED_RE.finditer(query):
        parts += query[position : match.start()].split()
        parts.append(match.group(1) if match.group(1) is not None else match.group(2))
        position = match.end()
    parts += query[position:].replace('"', " ").replace("“", " ").replace("”", " ").split()
    words: list[str] = []
    for part in parts:
        word = squeeze(part)
        if word and word not in words and query_terms(word):
            words.append(word)
    return words


def contains(text: str, query: str) -> bool:
    """Whether the text holds every word of the query (folded, whitespace squeezed): the final
    check of every search, and the definition of a hit."""
    words = query_words(query)
    folded = squeeze(text)
    return bool(words) and all(word in folded for word in words)
