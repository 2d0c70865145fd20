"""One library of sources, shared by every commentary: which source a reference names, what
joining it may change, and how analysts merge two sources or move a citation to another.

A reference names a work the library holds when it has the same URL or DOI, or the same main
title (before a colon) with no disagreement on the author or issuer, the year or the edition. The
2022 NDS is not the 2026 NDS: a different year is a different work. When several sources could be
the work and nothing tells them apart, none is chosen (a new source is made, and the import
summary lists the doubt).

Joining never overwrites what a shared source holds: an empty field is filled, a field the
reference gives otherwise is kept and reported as a conflict. A source that only the importing
document cites is that document's own, and its re-import updates it as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .importers.parsed import SourceRef, normalise_title
from .models import Citation, Document, Source, SourceAlias, SourcePage
from .signals import source_text_changed

DOI_RE = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>)\]）]+)", re.IGNORECASE)
KANJI_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
YEAR_RE = re.compile(r"(?<!\d)(1[89]\d{2}|20\d{2})(?!\d)")
EDITION_RE = re.compile(
    r"(\d+)(?:st|nd|rd|th)\s+ed|(?:第)?([0-9一二三四五六七八九十]+)版|(revised|rev\.)\s+ed",
    re.IGNORECASE,
)
# What a reference says of a work, in the order the summary lists conflicts.
FIELDS = (
    "title",
    "author",
    "issued",
    "url",
    "container",
    "editor",
    "publisher",
    "kind",
    "language",
    "reference",
)


def url_key(url: str) -> str:
    """A URL as two spellings of one address compare: no scheme, no www., no fragment, no
    trailing slash, the host in lower case."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def doi_of(*texts: str) -> str:
    for text in texts:
        found = DOI_RE.search(text or "")
        if found:
            return found.group(1).rstrip(".,;").lower()
    return ""


def year_of(text: str) -> str:
    """The year a date as printed gives ('January 2026', '二〇二〇年', '2021年'), or ''."""
    found = YEAR_RE.search((text or "").translate(KANJI_DIGITS))
    return found.group(1) if found else ""


def main_title(title: str) -> str:
    """The title before its subtitle, compared without case, spaces or punctuation."""
    return normalise_title(re.split(r"[:：]|\s[—–-]\s", title, maxsplit=1)[0])


def edition_of(ref_text: str) -> str:
    found = EDITION_RE.search(ref_text or "")
    return "".join(group for group in found.groups() if group).lower() if found else ""


def names_agree(one: str, other: str) -> bool:
    """Two spellings of an author or issuer ('U.S. Department of War', 'Department of War';
    '石田 智範', '石田智範') agree; an empty one agrees with anything."""
    a, b = normalise_title(one), normalise_title(other)
    return not a or not b or a in b or b in a


@dataclass
class Found:
    """What the library holds for a reference: the source, or the sources that could be it."""

    source: Source | None = None
    by: str = ""  # "url", "doi" or "title"
    doubtful: list[Source] = field(default_factory=list)


def find_work(ref: SourceRef) -> Found:
    """The source in the library that the full reference `ref` names, if one does."""
    if ref.url:
        key = url_key(ref.url)
        tail = key.rsplit("/", 1)[-1] or key
        for source in Source.objects.exclude(url="").filter(url__icontains=tail):
            if url_key(source.url) == key:
                return Found(source, "url")
    doi = doi_of(ref.url, ref.reference)
    if doi:
        by_doi = Source.objects.filter(Q(url__icontains=doi) | Q(reference__icontains=doi)).first()
        if by_doi is not None:
            return Found(by_doi, "doi")
    wanted = main_title(ref.title)
    if not wanted:
        return Found()
    prefix = re.split(r"[:：]", ref.title, maxsplit=1)[0].strip()[:12]
    candidates = [
        source
        for source in Source.objects.filter(title__istartswith=prefix)
        if main_title(source.title) == wanted and _same_work(source, ref)
    ]
    if not candidates:
        return Found()
    best = max(_agreement(source, ref) for source in candidates)
    chosen = [source for source in candidates if _agreement(source, ref) == best]
    if len(chosen) == 1:
        return Found(chosen[0], "title")
    return Found(doubtful=chosen)


def _same_work(source: Source, ref: SourceRef) -> bool:
    """Nothing the two say tells them apart: author or issuer, year, edition."""
    if not names_agree(source.author, ref.author):
        return False
    years = year_of(source.issued), year_of(ref.issued)
    if all(years) and years[0] != years[1]:
        return False
    editions = edition_of(source.reference), edition_of(ref.reference)
    return not (all(editions) and editions[0] != editions[1])


def _agreement(source: Source, ref: SourceRef) -> int:
    """How much the two say alike: both give the author, both give the year."""
    return sum(
        [
            bool(source.author and ref.author),
            bool(year_of(source.issued) and year_of(ref.issued)),
        ]
    )


def find_short(title: str, author: str = "") -> Source | None:
    """The source a short form names when the document never cited it in full: a title that is
    its main title, or the start of it, by an author who agrees; only when one source fits."""
    wanted = normalise_title(title)
    if len(wanted) < 3:
        return None
    prefix = title.strip()[:8]
    fits = [
        source
        for source in Source.objects.filter(title__istartswith=prefix)
        if main_title(source.title).startswith(wanted) and names_agree(source.author, author)
    ]
    return fits[0] if len(fits) == 1 else None


def short_form_lookup(title: str, author: str) -> SourceRef | None:
    """The library's answer to a short form (reader.importers.notes.LibraryLookup): the work it
    names, described as its source is, so that the import joins that source."""
    source = find_short(title, author)
    if source is None:
        return None
    return SourceRef(
        title=source.title,
        author=source.author,
        issued=source.issued,
        kind=source.kind,
        language=source.language,
        url=source.url,
        container=source.container,
        editor=source.editor,
        publisher=source.publisher,
    )


def join(source: Source, ref: SourceRef) -> list[dict[str, str]]:
    """Fill the fields of a shared source that are empty from the reference; return the fields
    the reference gives otherwise, which stay as they are."""
    conflicts: list[dict[str, str]] = []
    for name in FIELDS:
        held, cited = getattr(source, name), getattr(ref, name)
        if not cited or name == "reference":  # the reference as *first* cited
            if name == "reference" and not held:
                setattr(source, name, cited)
            continue
        if name == "kind":  # "web" is the importer's guess when nothing says otherwise
            if held == Source.Kind.WEB and cited != Source.Kind.WEB:
                source.kind = cited
            elif cited not in (held, Source.Kind.WEB):
                conflicts.append({"field": name, "kept": held, "cited": cited})
            continue
        if name == "language":  # guessed from the script of the title
            continue
        if not held:
            setattr(source, name, cited)
        elif not _alike(name, held, cited):
            conflicts.append({"field": name, "kept": held, "cited": cited})
    return conflicts


def _alike(name: str, held: str, cited: str) -> bool:
    if name == "url":
        return url_key(held) == url_key(cited)
    if name in ("author", "issued"):  # "2026" is "January 2026" printed less precisely
        return names_agree(held, cited)
    return normalise_title(held) == normalise_title(cited)


def follow_alias(slug: str) -> Source | None:
    """The source a merged slug now names."""
    alias = SourceAlias.objects.select_related("source").filter(slug=slug).first()
    return alias.source if alias else None


class MergeRefused(ValueError):
    """Two sources that cannot be merged as asked; the message says why."""


@dataclass
class Merged:
    citations: int
    pages: int
    passages: int
    file_moved: bool
    filled: list[str]


@transaction.atomic
def merge_sources(kept: Source, merged: Source) -> Merged:
    """Make `merged` part of `kept`: its citations, pages, passages and file move to `kept`,
    its slug redirects there, and the fields `kept` lacks are filled from it."""
    if kept.pk == merged.pk:
        raise MergeRefused(_("A source cannot be merged into itself."))
    kept = Source.objects.select_for_update().get(pk=kept.pk)
    merged = Source.objects.select_for_update().get(pk=merged.pk)
    if kept.file and merged.file and kept.file_sha256 != merged.file_sha256:
        raise MergeRefused(
            _(
                "Both sources have a file attached, and the files differ: keep the source "
                "whose file is right, and merge the other into it."
            )
        )
    documents = {*Document.objects.citing(kept).values_list("pk", flat=True)}
    documents |= {*Document.objects.citing(merged).values_list("pk", flat=True)}
    citations = Citation.objects.filter(source=merged).update(source=kept)
    passages = merged.passages.update(source=kept)
    held = {page.label: page for page in kept.pages.all()}
    moved_pages = 0
    for page in merged.pages.all():
        mine = held.get(page.label)
        if mine is None:
            page.source = kept
            page.save(update_fields=["source"])
            moved_pages += 1
        elif page.text and not mine.text and not kept.file:
            mine.text, mine.pdf_index = page.text, page.pdf_index
            mine.save(update_fields=["text", "pdf_index"])
    file_moved = bool(merged.file and not kept.file)
    if file_moved:
        for name in ("file", "file_name", "file_type", "file_sha256"):
            setattr(kept, name, getattr(merged, name))
    filled = []
    for name in ("author", "issued", "url", "container", "editor", "publisher", "reference"):
        if not getattr(kept, name) and getattr(merged, name):
            setattr(kept, name, getattr(merged, name))
            filled.append(name)
    SourceAlias.objects.filter(source=merged).update(source=kept)
    SourceAlias.objects.create(slug=merged.slug, source=kept, title=merged.title)
    merged.file = ""  # the file now belongs to `kept`: deleting `merged` must not touch it
    SourcePage.objects.filter(source=merged).delete()
    Source.objects.filter(pk=merged.pk).delete()
    kept.save()
    source_text_changed.send(Source, source=kept)
    Document.objects.filter(pk__in=documents).refresh_readers()
    return Merged(citations, moved_pages, passages, file_moved, filled)


def library_choices() -> list[tuple[str, str]]:
    """(slug, label) of every source, for a form's choice of one."""
    return [
        (slug, f"{title} ({author}, {issued})" if author or issued else title)
        for slug, title, author, issued in Source.objects.order_by("title").values_list(
            "slug", "title", "author", "issued"
        )
    ]
