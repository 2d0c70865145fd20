"""`{% load importing %}{% if user|may_import %}`: whether to show the link that imports a
commentary (/documents/new/) to this user."""

from __future__ import annotations

from typing import Any

from django import template

from ..editor_views import is_editor

register = template.Library()


@register.filter
def may_import(user: Any) -> bool:
    # A page rendered without a request (an error page) has no user: no link.
    return bool(getattr(user, "is_authenticated", False)) and is_editor(user)
