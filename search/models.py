"""The search index: one row per searchable passage, with its terms."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from reader.models import Block, Document, Note, Source, SourcePage, SourcePassage

from .terms import index_terms, squeeze


class SearchEntry(models.Model):
    """One searchable passage: a block or note of a document, a source passage or a source page;
    or an analyst's annotation (its note, quote and tags, by the note's id), found only by
    annotation search.

    `terms` holds the text's search terms (search.terms); the full-text index over them is
    database-specific (a tsvector with a GIN index on PostgreSQL, an FTS5 table on SQLite) and was
    created by the reader's migrations 0002–0005, before search was an app of its own.
    """

    class Kind(models.TextChoices):
        BLOCK = "block", _("Commentary paragraph")
        NOTE = "note", _("Note")
        PASSAGE = "passage", _("Source passage")
        PAGE = "page", _("Source page")
        ANNOTATION = "annotation", _("Annotation")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    document = models.ForeignKey(Document, models.CASCADE, null=True, related_name="+")
    source = models.ForeignKey(Source, models.CASCADE, null=True, related_name="+")
    source_page = models.ForeignKey(SourcePage, models.CASCADE, null=True, related_name="+")
    block = models.ForeignKey(Block, models.CASCADE, null=True, related_name="+")
    note = models.ForeignKey(Note, models.CASCADE, null=True, related_name="+")
    passage = models.ForeignKey(SourcePassage, models.CASCADE, null=True, related_name="+")
    # An annotation's entry (annotations.indexing) by the note's id: search knows no model above
    # it, and annotations delete their entries themselves. The column is the one the foreign key
    # of before made; its constraint still guards it in the database (migration 0004).
    annotation_id = models.BigIntegerField(null=True, db_index=True)
    language = models.CharField(max_length=10)
    text = models.TextField()
    # The text folded as queries are (search.terms.squeeze): the exact check on each hit.
    folded = models.TextField()
    terms = models.TextField()
    url = models.CharField(max_length=500)

    class Meta:
        db_table = "reader_searchentry"  # made by the reader app, before search was an app
        indexes = [models.Index(fields=["kind"])]

    # What passage search finds: every kind but annotations.
    PASSAGE_KINDS = [Kind.BLOCK.value, Kind.NOTE.value, Kind.PASSAGE.value, Kind.PAGE.value]

    def __str__(self) -> str:
        return f"{self.kind} {self.url}"

    @classmethod
    def of(cls, kind: str, text: str, url: str, language: str, **links: object) -> SearchEntry:
        """An entry for the text, with its search terms (unsaved)."""
        return cls(
            kind=kind,
            text=text,
            folded=squeeze(text),
            terms=index_terms(text),
            url=url,
            language=language,
            **links,
        )
