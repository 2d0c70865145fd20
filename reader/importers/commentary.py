"""Store a parsed commentary: one transaction that either completes or changes nothing."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from reader.library import find_work, join, short_form_lookup
from reader.models import (
    Block,
    Citation,
    CitationFix,
    Claim,
    Document,
    Note,
    Source,
    SourcePage,
    SourcePassage,
)
from reader.pages import PageRange
from reader.signals import answers, document_imported

from .markdown import looks_like_markdown, parse_markdown
from .notes import LIBRARY
from .parsed import (
    CommentaryFormatError,
    ParsedCitation,
    ParsedDocument,
    ParsedNote,
    SourceRef,
)
from .pdf import looks_like_pdf, parse_pdf
from .structure import ClaimSpan
from .text import parse_text

FORMATS = ("text", "markdown", "pdf")
CITED_PAGES = 200  # a cited numeric range up to this wide gets a page view for each of its pages
RESERVED_SLUGS = {"new"}  # /documents/new/ is the upload page
ANCHOR_PREFIX = {"paragraph": "p", "quote": "q", "heading": "h"}


@runtime_checkable
class Reanchored(Protocol):
    """What re-anchoring the notes on a revised text reports (annotations.anchoring)."""

    anchored: int  # same place
    moved: int
    orphaned: int


@dataclass
class ImportResult:
    document: Document
    created: bool
    revised: bool
    reanchored: Reanchored | None = None

    @property
    def summary(self) -> dict[str, Any]:
        return self.document.import_summary


def read_commentary(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError) as error:
        raise CommentaryFormatError(gettext("%(path)s: no such file") % {"path": path}) from error
    if not data.strip():
        raise CommentaryFormatError(gettext("%(path)s: the file is empty") % {"path": path})
    return data


def parse_commentary(data: bytes, fmt: str | None = None) -> tuple[ParsedDocument, list[ClaimSpan]]:
    """Parse a commentary file's bytes: a PDF, or UTF-8 plain text or Markdown."""
    if fmt not in (None, *FORMATS):
        raise CommentaryFormatError(
            gettext("unknown format “%(format)s”: use text, markdown or pdf") % {"format": fmt}
        )
    if fmt == "pdf" or (fmt is None and looks_like_pdf(data)):
        return parse_pdf(data)
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CommentaryFormatError(
            gettext(
                "not UTF-8 text (byte %(byte)s cannot be decoded); "
                "save the file as UTF-8 and try again"
            )
            % {"byte": error.start}
        ) from error
    if not content.strip():
        raise CommentaryFormatError(gettext("the file is empty"))
    if fmt is None:
        fmt = "markdown" if looks_like_markdown(content) else "text"
    return parse_markdown(content) if fmt == "markdown" else parse_text(content)


def import_commentary(
    path: Path, *, fmt: str | None = None, slug: str | None = None
) -> ImportResult:
    """Import a commentary file; re-importing the same slug updates the document in place."""
    data = read_commentary(path)
    token = LIBRARY.set(short_form_lookup)  # a short form may name a work of the library
    try:
        parsed, spans = parse_commentary(data, fmt)
    finally:
        LIBRARY.reset(token)
    slug = slug or parsed.slug or slugify(path.stem, allow_unicode=True)
    if not slug:
        raise CommentaryFormatError(
            gettext("%(path)s: cannot derive a slug from the file name; pass --slug")
            % {"path": path}
        )
    try:  # the field's validators: a Unicode slug, at most its length
        Document._meta.get_field("slug").run_validators(slug)
    except ValidationError as error:
        raise CommentaryFormatError(
            gettext(
                "the slug “%(slug)s” cannot name a page of the reader: %(problem)s "
                "Choose another (--slug, or slug: in the front matter)"
            )
            % {"slug": slug[:100], "problem": " ".join(error.messages)}
        ) from error
    if slug in RESERVED_SLUGS:
        raise CommentaryFormatError(
            gettext(
                "the slug “%(slug)s” would hide the page /documents/%(slug)s/: "
                "choose another (--slug)"
            )
            % {"slug": slug}
        )
    with transaction.atomic():
        return _store(parsed, spans, slug)


def _store(parsed: ParsedDocument, spans: list[ClaimSpan], slug: str) -> ImportResult:
    text_hash = hashlib.sha256(
        "\n\n".join(block.text for block in parsed.blocks).encode()
    ).hexdigest()
    document = Document.objects.select_for_update().filter(slug=slug).first()
    created = document is None
    revised = bool(document and document.text_hash != text_hash)
    if document is None:
        document = Document(slug=slug)
    elif revised:
        document.revision += 1
    for field in ("title", "series", "number", "author", "affiliation", "date", "language"):
        setattr(document, field, getattr(parsed, field))
    document.disclaimer = parsed.disclaimer
    document.metadata = parsed.metadata
    document.text_hash = text_hash
    document.save()

    blocks = _store_blocks(document, parsed)
    notes = _store_notes(document, parsed)
    sources: dict[str, Source] = {}
    created_sources: set[str] = set()
    library = Library(document)
    fixed = _apply_fixes(document, parsed, sources)
    for note in parsed.notes:
        for ref in _refs(note):
            if ref.key not in sources:
                sources[ref.key], made = library.store(ref, note.number)
                if made:
                    created_sources.add(ref.key)
    passages = _store_passages(document, parsed, blocks, sources)
    document.claims.all().delete()
    Citation.objects.filter(note__document=document).delete()
    Claim.objects.bulk_create(
        Claim(
            document=document,
            block=blocks[span.block],
            note=notes[span.number],
            start=span.start,
            end=span.end,
            text=span.text,
        )
        for span in spans
    )
    Citation.objects.bulk_create(
        Citation(
            note=notes[note.number],
            source=sources[citation.source.key],
            form=Citation.Form.FIXED if note.number in fixed else citation.form,
            locator=citation.locator,
            first_page=citation.first_page,
            last_page=citation.last_page,
            first_number=int(citation.first_page) if citation.first_page.isdigit() else None,
            last_number=int(citation.last_page) if citation.last_page.isdigit() else None,
            passage=passages.get(note.number),
            how=citation.how,
            how_note=citation.short_of,
        )
        for note in parsed.notes
        for citation in note.citations
    )
    _store_cited_pages(parsed, sources)
    document.import_summary = import_summary(parsed, spans, sources, created_sources)
    document.import_summary["conflicts"] = library.conflicts
    document.import_summary["doubtful"] = library.doubtful
    document.import_summary["fixed"] = sorted(fixed)
    document.save(update_fields=["import_summary"])
    told = answers(
        document_imported, document=document, revised=revised, sources=[*sources.values()]
    )
    reports = [answer for answer in told if isinstance(answer, Reanchored)]
    return ImportResult(document, created, revised, reports[0] if reports else None)


def _refs(note: ParsedNote) -> list[SourceRef]:
    return [citation.source for citation in note.citations]


def _store_blocks(document: Document, parsed: ParsedDocument) -> list[Block]:
    existing = {block.anchor: block for block in document.blocks.all()}
    counters: dict[str, int] = {}
    blocks: list[Block] = []
    for parsed_block in parsed.blocks:
        prefix = ANCHOR_PREFIX[parsed_block.kind]
        counters[prefix] = counters.get(prefix, 0) + 1
        anchor = f"{prefix}{counters[prefix]}"
        block = existing.pop(anchor, None) or Block(document=document, anchor=anchor)
        block.kind, block.text = parsed_block.kind, parsed_block.text
        block.position = len(blocks) + 1
        blocks.append(block)
    Block.objects.filter(pk__in=[block.pk for block in existing.values()]).delete()
    # Positions are unique: move the kept blocks out of the way before renumbering them.
    kept = [block for block in blocks if block.pk]
    for block in kept:
        block.position += 1_000_000
    Block.objects.bulk_update(kept, ["position"])
    for block in kept:
        block.position -= 1_000_000
    Block.objects.bulk_update(kept, ["kind", "text", "position"])
    Block.objects.bulk_create([block for block in blocks if not block.pk])
    return list(document.blocks.order_by("position"))


def _store_notes(document: Document, parsed: ParsedDocument) -> dict[int, Note]:
    existing = {note.number: note for note in document.notes.all()}
    numbers = {note.number for note in parsed.notes}
    document.notes.exclude(number__in=numbers).delete()
    for parsed_note in parsed.notes:
        note = existing.get(parsed_note.number) or Note(
            document=document, number=parsed_note.number
        )
        if note.text != parsed_note.text or not note.pk:
            note.text = parsed_note.text
            note.save()
        existing[parsed_note.number] = note
    return {number: existing[number] for number in numbers}


def import_summary(
    parsed: ParsedDocument,
    spans: list[ClaimSpan],
    sources: dict[str, Source],
    created: set[str],
) -> dict[str, Any]:
    """What an import found: counts, the sources it created or matched, where each short form
    led, and the notes it could not read as citations."""
    kinds = Counter(block.kind for block in parsed.blocks)
    return {
        "blocks": len(parsed.blocks),
        "paragraphs": kinds["paragraph"],
        "quotations": kinds["quote"],
        "headings": kinds["heading"],
        "notes": len(parsed.notes),
        "claims": len(spans),
        "citations": sum(len(note.citations) for note in parsed.notes),
        "sources": [
            {"slug": source.slug, "title": source.title, "created": key in created}
            for key, source in sources.items()
        ],
        "short_forms": [
            {
                "note": note.number,
                "source": sources[citation.source.key].slug,
                "title": sources[citation.source.key].title,
                "locator": citation.locator,
            }
            for note in parsed.notes
            for citation in note.citations
            if citation.form == "short"
        ],
        "metadata": sorted(parsed.metadata),
        "dropped": parsed.dropped,
        "to_review": [
            {"note": note.number, "reason": reason}
            for note in parsed.notes
            for reason in note.review
        ],
    }


class Library:
    """The sources an import's references name, in the one library every document shares
    (reader.library): a work it holds is joined, never overwritten; one it lacks is created. What
    joining could not settle is kept for the summary: fields a reference gives otherwise
    (`conflicts`) and references that could name more than one source (`doubtful`)."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.seen: set[int] = set()
        self.conflicts: list[dict[str, Any]] = []
        self.doubtful: list[dict[str, Any]] = []

    def store(self, ref: SourceRef, note: int) -> tuple[Source, bool]:
        """The source the full reference names, and whether it is new."""
        found = find_work(ref)
        source = found.source
        if source is None:
            if found.doubtful:
                self.doubtful.append(
                    {"note": note, "title": ref.title, "sources": [s.slug for s in found.doubtful]}
                )
            source = Source(slug=_source_slug(ref.title))
            _describe(source, ref)
            source.save()
            self.seen.add(source.pk)
            return source, True
        if (
            source.pk not in self.seen
            and not source.citations.exclude(note__document=self.document).exists()
        ):  # cited by this document alone: its own, updated as before
            _describe(source, ref)
        else:
            for conflict in join(source, ref):
                self.conflicts.append({"note": note, "source": source.slug, **conflict})
        self.seen.add(source.pk)
        source.save()
        return source, False


def _describe(source: Source, ref: SourceRef) -> None:
    for field in ("title", "author", "issued", "kind", "language", "url"):
        setattr(source, field, getattr(ref, field))
    for field in ("container", "editor", "publisher", "reference"):
        setattr(source, field, getattr(ref, field))


def _apply_fixes(
    document: Document, parsed: ParsedDocument, sources: dict[str, Source]
) -> set[int]:
    """Put the analysts' readings in place of the importer's for the notes whose text is still
    the text they fixed; return those notes' numbers."""
    fixes: dict[int, list[CitationFix]] = {}
    for fix in CitationFix.objects.filter(document=document).select_related("source"):
        fixes.setdefault(fix.note_number, []).append(fix)
    fixed: set[int] = set()
    for note in parsed.notes:
        mine = [fix for fix in fixes.get(note.number, []) if fix.note_hash == note_hash(note.text)]
        if not mine:
            continue
        note.citations, note.review = [], []
        for fix in mine:
            key = f"fix:{fix.pk}"
            sources[key] = fix.source
            note.citations.append(
                ParsedCitation(
                    source=SourceRef(title=fix.source.title, url=key),
                    form=Citation.Form.FIXED,
                    locator=fix.locator,
                    first_page=fix.first_page,
                    last_page=fix.last_page,
                )
            )
        fixed.add(note.number)
    return fixed


def note_hash(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()


def _source_slug(title: str) -> str:
    main_title = title.replace("：", ":").split(":")[0]
    base = slugify(main_title, allow_unicode=True)[:60].strip("-") or "source"
    slug, counter = base, 1
    while Source.objects.filter(slug=slug).exists():
        counter += 1
        slug = f"{base}-{counter}"
    return slug


def _store_passages(
    document: Document,
    parsed: ParsedDocument,
    blocks: list[Block],
    sources: dict[str, Source],
) -> dict[int, SourcePassage]:
    """Each quotation is also a passage of the source its closing note cites."""
    notes = {note.number: note for note in parsed.notes}
    passages: dict[int, SourcePassage] = {}
    for parsed_block, block in zip(parsed.blocks, blocks, strict=True):
        if parsed_block.kind != "quote" or not parsed_block.markers:
            continue
        number = parsed_block.markers[-1].number
        if not notes[number].citations:
            continue
        citation = notes[number].citations[0]
        source = sources[citation.source.key]
        translated = source.language != document.language
        passage, _ = SourcePassage.objects.update_or_create(
            block=block,
            defaults={
                "source": source,
                "first_page": citation.first_page,
                "last_page": citation.last_page,
                "text": block.text,
                "language": document.language,
                "provenance": SourcePassage.Provenance.QUOTED_TRANSLATION
                if translated
                else SourcePassage.Provenance.ORIGINAL,
                "translator": document.author if translated else "",
            },
        )
        passages[number] = passage
    SourcePassage.objects.filter(block__document=document).exclude(
        pk__in=[passage.pk for passage in passages.values()]
    ).delete()
    return passages


def _store_cited_pages(parsed: ParsedDocument, sources: dict[str, Source]) -> None:
    """Make a page for every page a citation names, so that each has a view of its own."""
    wanted = {
        (sources[citation.source.key].pk, label)
        for note in parsed.notes
        for citation in note.citations
        for label in PageRange(citation.first_page, citation.last_page).labels(CITED_PAGES)
    }
    SourcePage.objects.bulk_create(
        [SourcePage(source_id=source_id, label=label) for source_id, label in sorted(wanted)],
        ignore_conflicts=True,
    )
