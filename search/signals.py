"""Keep the index in step with what the reader stores: a commentary imported, a source's text
changed (the reader's signals, sent inside the change's transaction). Annotations keep their own
entries (annotations.signals)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from reader.models import Document, Source
from reader.signals import document_imported, source_text_changed

from .index import reindex_document, reindex_source


@receiver(document_imported)
def document_imported_(
    sender: type, document: Document, sources: list[Source], **kwargs: Any
) -> None:
    reindex_document(document)
    for source in sources:
        reindex_source(source)


@receiver(source_text_changed)
def source_text_changed_(sender: type, source: Source, **kwargs: Any) -> None:
    reindex_source(source)
