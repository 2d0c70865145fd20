"""Keep the search index in step with the reader's documents and sources: run by search.signals
when the reader announces an import or a source's new text (inside that change's transaction).
Annotations keep their own entries (annotations.indexing)."""

from __future__ import annotations

from collections.abc import Iterable

from reader.models import Block, Document, Note, Source

from .models import SearchEntry


def reindex_document(document: Document) -> None:
    """Replace the entries of a document's blocks and notes (inside the import's transaction)."""
    SearchEntry.objects.filter(document=document).delete()  # annotations' entries have none
    parts: list[tuple[str, str, Iterable[Block | Note]]] = [
        (SearchEntry.Kind.BLOCK, "block", document.blocks.all()),
        (SearchEntry.Kind.NOTE, "note", document.notes.all()),
    ]
    entries = [
        SearchEntry.of(
            kind, item.text, item.get_absolute_url(), document.language,
            document=document, **{field: item},
        )
        for kind, field, items in parts
        for item in items
    ]  # fmt: skip
    SearchEntry.objects.bulk_create(entries, batch_size=500)


def reindex_source(source: Source) -> None:
    """Replace the entries of a source's passages and pages."""
    SearchEntry.objects.filter(source=source).delete()
    SearchEntry.objects.bulk_create(_source_entries(source), batch_size=500)


def _source_entries(source: Source) -> Iterable[SearchEntry]:
    pages = {page.label: page for page in source.pages.all()}
    for passage in source.passages.all():
        page = pages.get(passage.first_page)
        yield SearchEntry.of(
            SearchEntry.Kind.PASSAGE,
            passage.text,
            passage.page_view_url(),
            passage.language,
            source=source,
            source_page=page,
            passage=passage,
        )
    for page in pages.values():
        if page.text.strip():
            yield SearchEntry.of(
                SearchEntry.Kind.PAGE,
                page.text,
                page.get_absolute_url(),
                source.language,
                source=source,
                source_page=page,
            )
