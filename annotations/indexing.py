"""Annotations' entries in the search index (search.models.SearchEntry, kind "annotation"): what
annotation search finds. Kept in step by annotations.signals: a note saved, tagged or deleted."""

from __future__ import annotations

from collections.abc import Iterable

from search.models import SearchEntry

from .models import Annotation


def reindex_annotations(annotations: Iterable[Annotation]) -> None:
    """Replace the entries of these annotations, as stored: each one's note, quote and tag names,
    or none for a note without words (a tombstone, a bare highlight without tags)."""
    ids = [annotation.pk for annotation in annotations]
    for at in range(0, len(ids), 500):
        batch = ids[at : at + 500]
        SearchEntry.objects.filter(annotation_id__in=batch).delete()
        stored = Annotation.objects.filter(pk__in=batch).select_related("document")
        entries = [
            SearchEntry.of(
                SearchEntry.Kind.ANNOTATION, text, annotation.get_absolute_url(),
                annotation.document.language, annotation_id=annotation.pk,
            )
            for annotation in stored.prefetch_related("tags")
            if (text := annotation_words(annotation))
        ]  # fmt: skip
        SearchEntry.objects.bulk_create(entries)


def annotation_words(annotation: Annotation) -> str:
    """What annotation search looks in: the note, the quoted words and the tags, a line each."""
    tags = " ".join(tag.name for tag in annotation.tags.all())
    return "\n".join(part for part in (annotation.body, annotation.exact, tags) if part.strip())
