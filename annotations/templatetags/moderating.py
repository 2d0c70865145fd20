"""`{% load moderating %}{% if user|is_moderator %}`: whether to show the moderators their link."""

from __future__ import annotations

from typing import Any

from django import template

from ..models import is_moderator as _is_moderator

register = template.Library()


@register.filter
def is_moderator(user: Any) -> bool:
    # A page rendered without a request (an error page) has no user: no link.
    return bool(getattr(user, "is_authenticated", False)) and _is_moderator(user)
