from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Block,
    Citation,
    Claim,
    Document,
    Note,
    Source,
    SourcePage,
    SourcePassage,
    SourceProcessing,
)


class BlockInline(admin.TabularInline):
    model = Block
    fields = ["position", "anchor", "kind", "text"]
    extra = 0


class NoteInline(admin.StackedInline):
    model = Note
    fields = ["number", "text"]
    extra = 0


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "series", "number", "author", "date", "revision"]
    search_fields = ["title", "slug", "author", "series"]
    readonly_fields = ["revision", "text_hash", "updated"]
    inlines = [BlockInline, NoteInline]


class SourcePageInline(admin.TabularInline):
    model = SourcePage
    fields = ["label", "pdf_index", "text"]
    extra = 0


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "author", "kind", "issued", "language"]
    list_filter = ["kind", "language"]
    search_fields = ["title", "author", "slug"]
    inlines = [SourcePageInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        Document.objects.citing(form.instance).refresh_readers()  # they show the edit


@admin.register(SourcePassage)
class SourcePassageAdmin(admin.ModelAdmin):
    list_display = ["source", "first_page", "last_page", "language", "provenance"]
    list_filter = ["provenance", "language"]
    search_fields = ["text", "source__title"]
    raw_id_fields = ["block", "original"]


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["note", "source", "form", "locator", "first_page", "last_page"]
    list_filter = ["form", "source"]
    raw_id_fields = ["note", "passage"]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["document", "note", "block", "start", "end", "text"]
    list_filter = ["document"]
    raw_id_fields = ["block", "note"]


@admin.register(SourceProcessing)
class SourceProcessingAdmin(admin.ModelAdmin):
    """The readings of sources' files, for an operator to see what failed and why (retry from
    the source page); their state is the tasks' to write."""

    list_display = ["source", "file_name", "status", "stage", "attempts", "created", "finished"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in SourceProcessing._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
