"""An annotation written, edited or deleted changes what anonymous readers see of its document:
its shared page gets a new ETag (reader.caching); and the version readers poll for changes
(annotations.live) moves on, with a change of its tags too. A commentary imported with a new
text re-anchors its notes (reader.signals, inside the import's transaction)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from reader.caching import forget
from reader.models import Document
from reader.signals import document_imported

from . import live
from .anchoring import ReanchorReport, reanchor
from .models import Annotation


@receiver([post_save, post_delete], sender=Annotation)
def annotation_changed(sender: type[Annotation], instance: Annotation, **kwargs: Any) -> None:
    slug: str | None
    if Annotation.document.is_cached(instance):
        slug = instance.document.slug
    else:  # a deletion cascading from its document (gone too, and forgotten by its own signal)
        slug = (
            Document.objects.filter(pk=instance.document_id).values_list("slug", flat=True).first()
        )
    if slug:
        forget([slug])
        live.changed([slug])


@receiver(m2m_changed, sender=Annotation.tags.through)
def tags_changed(sender: Any, instance: Any, action: str, reverse: bool, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        live.changed([instance.document.slug])


@receiver(document_imported)
def document_imported_(
    sender: type, document: Document, revised: bool, **kwargs: Any
) -> ReanchorReport | None:
    return reanchor(document) if revised else None
