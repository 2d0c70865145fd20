"""The admin of notes, flags and the moderation log (teams: accounts.admin)."""

from __future__ import annotations

from django.contrib import admin

from .models import Annotation, Flag, ModerationAction, Notification


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ["pk", "document", "author", "visibility", "team", "state", "hidden", "created"]
    list_filter = ["visibility", "state", "hidden", "team"]
    search_fields = ["body", "exact", "author__username"]
    raw_id_fields = ["parent", "claim", "author", "resolved_by"]
    readonly_fields = ["body_html", "created", "updated"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["annotation", "user", "reason", "created", "handled"]
    list_filter = ["handled"]
    raw_id_fields = ["annotation", "user"]


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The log is read, never written, here."""

    list_display = ["created", "moderator", "kind", "annotation_number", "reason"]
    list_filter = ["kind"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "reason", "annotation", "created", "read", "emailed"]
    raw_id_fields = ["recipient", "annotation"]
