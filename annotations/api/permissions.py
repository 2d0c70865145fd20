"""Who may do what with annotations through the API: anyone reads what is visible to them (the
queryset sees to that; nobody without an account when the reader is private); only members of
the analysts group create and reply; only the author edits or deletes, and nobody changes a note
deleted by its author (a tombstone)."""

from __future__ import annotations

from django.utils.translation import gettext
from rest_framework import permissions
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import is_analyst
from config.api.permissions import ReadPermission

from ..models import Annotation


class AnnotationPermission(ReadPermission):
    message = "Only members of the analysts group may annotate; only the author may change a note."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return super().has_permission(request, view)  # no reading a private reader's notes
        return is_analyst(request.user)

    def allows_anonymous(self, method: str) -> bool:
        return method in permissions.SAFE_METHODS and super().allows_anonymous(method)

    def has_object_permission(self, request: Request, view: APIView, obj: Annotation) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if obj.deleted:
            raise PermissionDenied(
                gettext(
                    "This note was deleted by its author and is kept for the replies to it: "
                    "it cannot be changed. It goes when its last reply is deleted."
                )
            )
        return obj.editable_by(request.user)
