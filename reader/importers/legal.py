"""Legal citations in notes (Bluebook): cases and statutes through eyecite, and the short forms
law reviews use (Id., Id. at N, X, supra note N, at N).

eyecite (the Free Law Project's citation extractor) knows the reporters and their abbreviations;
what it finds is turned into the same SourceRef any other reference gives, so that a case cited in
two commentaries is one source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from .parsed import SourceRef

# “Id.”, “Id. at 44”, “Id. at pp. 21–22”, “*Id.*”; “id.” inside a sentence too.
ID_RE = re.compile(
    r"^\s*\*?\bId\.\*?(?:,?\s+at\s+(?:pp?\.\s*)?(?P<a>\d+)(?:\s*[-–—]\s*(?P<b>\d+))?)?",
    re.IGNORECASE,
)
# “Doe, supra note 12, at 373”; “Slater testimony, supra note 7”.
SUPRA_RE = re.compile(
    r"(?P<author>[^,;:()]{2,80}?),?\s+\*?supra\*?\s+note\s+(?P<note>\d+)"
    r"(?:,?\s+at\s+(?:pp?\.\s*)?(?P<a>\d+)(?:\s*[-–—]\s*(?P<b>\d+))?)?",
    re.IGNORECASE,
)
# A reporter citation or a statute, before asking eyecite: “188 F.3d 1115”, “17 U.S.C. § 504”.
LEGAL_HINT_RE = re.compile(
    r"\b\d+\s+(?:[A-Z][A-Za-z.]*\s?){1,4}(?:\d[a-z]{1,2}\s)?(?:at\s+)?\d+|\bv\.\s|U\.?S\.?C\.?|§"
)
# “17 USC 504(b)”: the United States Code written without its periods, which eyecite skips.
BARE_USC_RE = re.compile(
    r"\b(?P<title>\d+)\s+(?:USC\s+§*\s*|U\.S\.C\.\s+(?=\d))(?P<section>\d+[a-z]?)"
)
MARKDOWN_LINK_RE = re.compile(r"\[([^\]]+)\]\((?:https?://[^)\s]+)\)")


@dataclass
class LegalCitation:
    source: SourceRef | None  # None: a short case citation to resolve against earlier ones
    first_page: str = ""
    last_page: str = ""
    printed: str = ""
    short_key: str = ""  # “538 F.2d”: the volume and reporter a short citation names


@cache
def _tokenizer() -> Any:
    from eyecite.tokenizers import AhocorasickTokenizer

    return AhocorasickTokenizer()


def legal_citations(segment: str) -> list[LegalCitation]:
    """The cases and statutes a part of a note cites, in order."""
    if not LEGAL_HINT_RE.search(segment):
        return []
    from eyecite import get_citations
    from eyecite.models import FullCaseCitation, FullLawCitation, ShortCaseCitation

    text = " ".join(MARKDOWN_LINK_RE.sub(r"\1", segment).replace("*", "").split())
    found: list[LegalCitation] = []
    for citation in get_citations(text, tokenizer=_tokenizer()):
        groups, meta = citation.groups, citation.metadata
        if isinstance(citation, FullCaseCitation):
            name = " v. ".join(part for part in (meta.plaintiff, meta.defendant) if part)
            if not meta.defendant:  # “Jacobsen, 2007 U.S. Dist. LEXIS 63568”: the name before
                before = text[: citation.span()[0]].rstrip(" ,")
                name = re.split(r"[.;:()]\s", before)[-1].strip(" *") if before else ""
            cite = f"{groups.get('volume')} {groups.get('reporter')} {groups.get('page')}"
            first, last = _pin(meta.pin_cite)
            found.append(
                LegalCitation(
                    SourceRef(
                        title=name or cite,
                        issued=meta.year or "",
                        kind="article",
                        reference=f"{name}, {cite}".strip(", "),
                    ),
                    first,
                    last,
                    citation.matched_text(),
                    _key(groups),
                )
            )
        elif isinstance(citation, ShortCaseCitation):
            first, last = _pin(meta.pin_cite)
            found.append(LegalCitation(None, first, last, citation.matched_text(), _key(groups)))
        elif isinstance(citation, FullLawCitation):
            code = f"{groups.get('title', '')} {groups.get('reporter', '')}".strip()
            title = f"{code} § {groups.get('section', '')}"
            found.append(LegalCitation(SourceRef(title=title, kind="web")))
    for match in BARE_USC_RE.finditer(segment):
        title = f"{match.group('title')} U.S.C. § {match.group('section')}"
        found.append(LegalCitation(SourceRef(title=title, kind="web"), printed=match.group(0)))
    return found


def _key(groups: dict[str, str]) -> str:
    return f"{groups.get('volume', '')} {groups.get('reporter', '')}".strip()


def _pin(pin: str | None) -> tuple[str, str]:
    match = re.search(r"(\d+)(?:\s*[-–—]\s*(\d+))?", pin or "")
    if not match:
        return "", ""
    first, last = match.group(1), match.group(2) or match.group(1)
    if len(last) < len(first):  # “1105-06”
        last = first[: len(first) - len(last)] + last
    return first, last
