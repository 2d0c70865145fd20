from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.permissions import BasePermission

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class ReadPermission(BasePermission):
    """Public material is readable by anyone unless the reader is private (READER_PUBLIC=0)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(settings.READER_PUBLIC or request.user.is_authenticated)

    def allows_anonymous(self, method: str) -> bool:
        """Whether a request of this method without an account may pass (what the schema says)."""
        return bool(settings.READER_PUBLIC)


class SignedIn(BasePermission):
    """A user with an account (a session or a token); nobody without one (the schema's default)."""

    message = "Log in (or send a token) to do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated)
