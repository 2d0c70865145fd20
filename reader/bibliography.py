"""Sources as references for reference managers: CSL-JSON (Zotero, Mendeley, pandoc) and BibTeX.

Authors that are people are split into family and given names (石田 智範: family name first, as
Japanese names are written; Elbridge Colby: family name last); an organisation (U.S. Department of
War, The White House) stays one literal name. Dates as printed (January 2026, 2025年6月16日) become
date parts.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .importers.notes import normalise_numerals
from .models import Citation, Document, Source

CSL_TYPES: dict[str, str] = {
    Source.Kind.PDF: "report",
    Source.Kind.WEB: "webpage",
    Source.Kind.CHAPTER: "chapter",
    Source.Kind.ARTICLE: "article-journal",
}
BIBTEX_TYPES: dict[str, str] = {
    Source.Kind.PDF: "techreport",
    Source.Kind.WEB: "misc",
    Source.Kind.CHAPTER: "incollection",
    Source.Kind.ARTICLE: "article",
}
MONTHS = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
]  # fmt: skip
ENGLISH_DATE_RE = re.compile(
    rf"(?:(?P<month>{'|'.join(MONTHS)})\.?\s+(?:(?P<day>\d{{1,2}}),?\s+)?)?(?P<year>(?:19|20)\d\d)",
    re.IGNORECASE,
)
JAPANESE_DATE_RE = re.compile(
    r"(?P<year>\d{4})\s*年(?:\s*(?P<month>\d{1,2})\s*月(?:\s*(?P<day>\d{1,2})\s*日)?)?"
)
ISO_DATE_RE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})(?:-(?P<day>\d{2}))?")
# Words that make a name an organisation's rather than a person's.
ORGANISATION_WORDS = {
    "the", "of", "and", "for", "department", "house", "office", "ministry", "institute",
    "university", "center", "centre", "council", "agency", "government", "foundation", "press",
    "committee", "commission", "bureau", "service", "administration", "association", "company",
    "corporation", "inc", "ltd", "states", "nations", "republic", "group", "school", "library",
    "forces", "army", "navy", "state", "union", "organization", "organisation", "society",
}  # fmt: skip
ORGANISATION_KANJI = re.compile(r"省|庁|所|会|部|局|院|大学|研究|政府|財団|協会|社|機構|センター")
BIBTEX_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_:.-]*$")
TEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}  # fmt: skip


def cited_sources(document: Document) -> list[Source]:
    """The sources a document cites, in the order of their first citation."""
    sources: dict[int, Source] = {}
    for citation in Citation.objects.filter(note__document=document).select_related("source"):
        sources.setdefault(citation.source_id, citation.source)
    return list(sources.values())


# --- CSL-JSON ---------------------------------------------------------------------------------


def csl_item(source: Source) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": source.slug,
        "type": CSL_TYPES.get(source.kind, "document"),
        "title": source.title,
        "language": source.language,
    }
    if source.author:
        item["author"] = [csl_name(source.author)]
    if source.editor:
        item["editor"] = [csl_name(source.editor)]
    if source.issued:
        parts = date_parts(source.issued)
        item["issued"] = {"date-parts": [parts]} if parts else {"literal": source.issued}
    if source.container:
        # A report's series (日米同盟研究会コメンタリー第68号) is its collection, not a container.
        field = "collection-title" if item["type"] == "report" else "container-title"
        item[field] = source.container
    if source.publisher:
        item["publisher"] = source.publisher
    if source.url:
        item["URL"] = source.url
    return item


def csl_name(name: str) -> dict[str, str]:
    person = person_name(name)
    if person is None:
        return {"literal": name}
    family, given = person
    return {"family": family, "given": given} if given else {"family": family}


def person_name(name: str) -> tuple[str, str] | None:
    """(family, given) when the name is a person's; None for an organisation."""
    words = name.replace("\u3000", " ").split()
    if _has_cjk(name):
        if len(words) == 2 and not ORGANISATION_KANJI.search(name):
            return words[0], words[1]
        return None
    if not 2 <= len(words) <= 4:
        return None
    if any(word.strip(".,").lower() in ORGANISATION_WORDS for word in words):
        return None
    if not all(word[0].isupper() for word in words):
        return None
    return words[-1], " ".join(words[:-1])


def date_parts(printed: str) -> list[int]:
    """[year, month, day] (as many as printed) from January 2026, November 13, 2025, 2025年6月16日
    or 2026-01-23; [] when there is no year."""
    printed = normalise_numerals(printed)  # 二〇二〇年, ２０２０年
    match = JAPANESE_DATE_RE.search(printed) or ISO_DATE_RE.search(printed)
    if match:
        values = [match.group("year"), match.group("month"), match.group("day")]
        return [int(value) for value in values if value]
    match = ENGLISH_DATE_RE.search(printed)
    if not match:
        return []
    parts = [int(match.group("year"))]
    if match.group("month"):
        parts.append(MONTHS.index(match.group("month").lower()) + 1)
        if match.group("day"):
            parts.append(int(match.group("day")))
    return parts


# --- BibTeX -----------------------------------------------------------------------------------


def bibtex(sources: list[Source]) -> str:
    return "\n".join(bibtex_entry(source) for source in sources)


def bibtex_entry(source: Source) -> str:
    kind = BIBTEX_TYPES.get(source.kind, "misc")
    fields: list[tuple[str, str]] = []
    if source.author:
        fields.append(("author", bibtex_name(source.author)))
    if source.editor:
        fields.append(("editor", bibtex_name(source.editor)))
    fields.append(("title", "{" + tex(source.title) + "}"))
    if source.container:
        container = {"incollection": "booktitle", "article": "journal"}.get(kind, "series")
        fields.append((container, tex(source.container)))
    if kind == "techreport":
        institution = source.publisher or source.author
        if institution:
            fields.append(("institution", "{" + tex(institution) + "}"))
    elif source.publisher:
        fields.append(("publisher", tex(source.publisher)))
    parts = date_parts(source.issued)
    if parts:
        fields.append(("year", str(parts[0])))
        fields.append(("date", "-".join(f"{part:02d}" for part in parts)))
    if len(parts) > 1:
        fields.append(("month", MONTHS[parts[1] - 1][:3]))  # a BibTeX macro: no braces
    if source.url:
        fields.append(("url", source.url.replace("{", "%7B").replace("}", "%7D")))
        if kind == "misc":
            fields.append(("howpublished", r"\url{" + fields[-1][1] + "}"))
    fields.append(("langid", {"en": "english", "ja": "japanese"}.get(source.language, "")))
    body = ",\n".join(
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
        for name, value in fields
        if value
    )
    return f"@{kind}{{{bibtex_key(source)},\n{body}\n}}\n"


def bibtex_key(source: Source) -> str:
    return source.slug if BIBTEX_KEY_RE.match(source.slug) else f"source-{source.pk}"


def bibtex_name(name: str) -> str:
    person = person_name(name)
    if person is None:
        return "{" + tex(name) + "}"
    family, given = person
    return f"{tex(family)}, {tex(given)}" if given else tex(family)


def tex(text: str) -> str:
    return "".join(TEX_SPECIAL.get(ch, ch) for ch in text)


def _has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in "WF" for ch in text)
