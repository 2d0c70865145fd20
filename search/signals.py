"""Keep annotations' search entries in step with their words: a note saved, its tags changed.
(A deleted note's entry goes with it, by its foreign key; a tombstone keeps no words and no entry.)
Signals, because every way a note is written (the API, the admin, imports) must reach the index."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from annotations.models import Annotation

from .index import reindex_annotations


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
