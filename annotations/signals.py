"""An annotation written, edited or deleted changes what anonymous readers see of its document:
its shared page gets a new ETag (reader.caching); and the version readers poll for changes
(annotations.live) moves on, with a change of its tags too; its search entry follows its words
(annotations.indexing: every way a note is written, the API, the admin, imports, reaches it). A
commentary imported with a new text re-anchors its notes (reader.signals, inside the import's
transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from reader.caching import forget
from reader.ledger import Judgement
from reader.models import Document
from reader.signals import claim_judgements, document_imported, document_page_parts
from search.models import SearchEntry

from . import live
from .anchoring import ReanchorReport, reanchor
from .indexing import reindex_annotations
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


@receiver(post_save, sender=Annotation)
def annotation_saved(sender: type[Annotation], instance: Annotation, **kwargs: Any) -> None:
    if not kwargs.get("raw"):  # loaddata: the entries come with the fixture, if at all
        reindex_annotations([instance])


@receiver(post_delete, sender=Annotation)
def annotation_deleted(sender: type[Annotation], instance: Annotation, **kwargs: Any) -> None:
    # The entry keeps the note's id, not a foreign key to it (search knows no model above it).
    SearchEntry.objects.filter(annotation_id=instance.pk).delete()


@receiver(m2m_changed, sender=Annotation.tags.through)
def annotation_tagged(sender: type, instance: Any, action: str, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Annotation):
        reindex_annotations([instance])
    else:  # a tag's annotations changed from the tag's side
        reindex_annotations(Annotation.objects.filter(pk__in=kwargs.get("pk_set") or []))


@receiver(document_page_parts)
def public_notes(sender: type, document_pk: int, **kwargs: Any) -> tuple[str, datetime | None]:
    """What the notes anonymous readers see add to the stamp of a document's shared page."""
    seen = (
        Annotation.objects.visible_to(AnonymousUser())
        .filter(document=document_pk)
        .aggregate(latest=Max("updated"), count=Count("pk"))
    )
    return str(seen["count"]), seen["latest"]


@receiver(claim_judgements)
def judgements(
    sender: type, document: Document, viewer: Any, **kwargs: Any
) -> dict[int, list[Judgement]]:
    """The judgements of the document's claims in the notes the viewer may see, oldest first."""
    judged: dict[int, list[Judgement]] = {}
    for annotation in (
        Annotation.objects.visible_to(viewer)
        .filter(document=document, claim__isnull=False)
        .exclude(judgement="")
        .select_related("author")
        .order_by("created", "pk")
    ):
        judged.setdefault(annotation.claim_id, []).append(  # type: ignore[arg-type]
            Judgement(
                annotation.author.get_username(),
                annotation.judgement,
                str(annotation.get_judgement_display()),
                annotation.judgement_reason,
            )
        )
    return judged
