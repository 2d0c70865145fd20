"""What makes the pages anonymous readers share out of date, besides the explicit
`DocumentQuerySet.refresh_readers` (importing a source's pages, an alignment, the admin's inline
edits): a document or a source saved or deleted."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .caching import forget
from .models import Document, Source


@receiver([post_save, post_delete], sender=Document)
def document_changed(sender: type[Document], instance: Document, **kwargs: Any) -> None:
    forget([instance.slug], sources=True)  # the sources' pages list the claims citing them


@receiver([post_save, post_delete], sender=Source)
def source_changed(sender: type[Source], instance: Source, **kwargs: Any) -> None:
    forget(sources=True)
