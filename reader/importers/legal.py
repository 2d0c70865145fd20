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
    r"|Fed\.\s?R\."
)
# “17 USC 504(b)”: the United States Code written without its periods, which eyecite skips.
BARE_USC_RE = re.compile(
    r"\b(?P<title>\d+)\s+(?:USC\s+§*\s*|U\.S\.C\.\s+(?=\d))(?P<section>\d+[a-z]?)"
)
# “Rule 4(m), Fed. R. Civ. P.” and “Fed. R. Civ. P. 56(a)”: the federal rules, by number.
FEDERAL_RULE_RE = re.compile(
    r"Rule\s+(?P<rule>\d+)[\w()]*,?\s+Fed\.\s?R\.\s?(?P<rules>(?:Civ|Crim|App|Evid|Bankr)\.)\s?P\."
    r"|Fed\.\s?R\.\s?(?P<rules2>(?:Civ|Crim|App|Evid|Bankr)\.)\s?P\.\s+(?P<number>\d+)"
)
# What stands between a citation and its parallel one: “, ” or “, 478, ”.
PARALLEL_RE = re.compile(r"\s*,\s*(?:\d+(?:\s*[-–]\s*\d+)?\s*,\s*)?")
# Words of a case name that eyecite may leave out: “Media.net Advert. FZ-LLC v. …”.
NAME_TOKENS_RE = re.compile(r"(?:[A-Z][\w.&'’-]*\s+)+$")
LEADING_SIGNAL_RE = re.compile(
    r"^(?:(?:See|Cf\.|But|Accord|Contra|Compare|E\.g\.,?)(?:\s+(?:also|generally|see|cf\.))?,?\s+)+"
)
MARKDOWN_LINK_RE = re.compile(r"\[([^\]]{1,500})\]\((?:https?://[^)\s]{1,2000})\)")


@dataclass
class LegalCitation:
    source: SourceRef | None  # None: a short case citation to resolve against earlier ones
    first_page: str = ""
    last_page: str = ""
    printed: str = ""
    short_key: str = ""  # “538 F.2d”: the volume and reporter a short citation names
    antecedent: str = ""  # “Warth”: the case name a short citation gives


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
    last_end = -1
    for citation in get_citations(text, tokenizer=_tokenizer()):
        groups, meta = citation.groups, citation.metadata
        start, end = citation.span()
        parallel = PARALLEL_RE.fullmatch(text[last_end:start]) if last_end >= 0 else None
        last_end = end
        if parallel:  # “422 U.S. at 505, 95 S.Ct. 2197”: the same case in another reporter
            if found and not found[-1].first_page:  # “… LEXIS 63568, 2007 WL 2358628 at *5”
                pin = meta.pin_cite or _pin_after(text, end)
                found[-1].first_page, found[-1].last_page = _pin(pin)
            continue
        if isinstance(citation, FullCaseCitation):
            name = _case_name(text, citation)
            cite = f"{groups.get('volume')} {groups.get('reporter')} {groups.get('page')}"
            first, last = _pin(meta.pin_cite or _pin_after(text, citation.span()[1]))
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
            short = LegalCitation(None, first, last, citation.matched_text(), _key(groups))
            short.antecedent = meta.antecedent_guess or ""
            found.append(short)
        elif isinstance(citation, FullLawCitation):
            code = f"{groups.get('title', '')} {groups.get('reporter', '')}".strip()
            title = f"{code} § {groups.get('section', '')}"
            found.append(LegalCitation(SourceRef(title=title, kind="web")))
    for match in FEDERAL_RULE_RE.finditer(segment):
        rules = match.group("rules") or match.group("rules2")
        title = f"Fed. R. {rules} P. {match.group('rule') or match.group('number')}"
        found.append(LegalCitation(SourceRef(title=title, kind="web"), printed=match.group(0)))
    for match in BARE_USC_RE.finditer(segment):
        title = f"{match.group('title')} U.S.C. § {match.group('section')}"
        found.append(LegalCitation(SourceRef(title=title, kind="web"), printed=match.group(0)))
    return found


def _case_name(text: str, citation: Any) -> str:
    """The case's name as printed before its citation, without a docket number."""
    start = citation.full_span()[0]
    name = text[start : citation.span()[0]]
    name = re.split(r",\s*(?:No\.|\d)", name)[0].strip(" ,*")
    if " v. " not in name:
        return name
    before = NAME_TOKENS_RE.search(text[max(0, start - 120) : start])
    if before:
        name = (before.group(0) + name).strip()
    return LEADING_SIGNAL_RE.sub("", name)


def _pin_after(text: str, end: int) -> str:
    """“2008 WL 508597, at *5 n.1”: the page eyecite leaves out of the pin cite."""
    match = re.match(r"\s*,?\s*at\s+\*?(\d+)", text[end:])
    return match.group(1) if match else ""


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
