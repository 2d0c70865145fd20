"""Keep the index in step with what is stored: a commentary imported, a source's text changed
(the reader's signals, sent inside the change's transaction); annotations' entries with their
words: a note saved, its tags changed. (A deleted note's entry goes with it, by its foreign key; a
tombstone keeps no words and no entry.) Signals, because every way a note is written (the API,
the admin, imports) must reach the index."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from annotations.models import Annotation
from reader.models import Document, Source
from reader.signals import document_imported, source_text_changed

from .index import reindex_annotations, reindex_document, reindex_source


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


@receiver(post_save, sender=Annotation)
def annotation_saved(sender: type[Annotation], instance: Annotation, **kwargs: Any) -> None:
    if not kwargs.get("raw"):  # loaddata: the entries come with the fixture, if at all
        reindex_annotations([instance])


@receiver(m2m_changed, sender=Annotation.tags.through)
def annotation_tagged(sender: type, instance: Any, action: str, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Annotation):
        reindex_annotations([instance])
    else:  # a tag's annotations changed from the tag's side
        reindex_annotations(Annotation.objects.filter(pk__in=kwargs.get("pk_set") or []))
