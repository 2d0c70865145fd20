"""The moderators' page, included by config/urls.py at moderation/ (namespace "moderation")."""

from __future__ import annotations

from django.urls import path

from . import moderation

app_name = "moderation"

urlpatterns = [
    path("", moderation.moderation, name="moderation"),
    *(
        path(f"<int:pk>/{action}/", moderation.moderate, {"action": action}, name=action)
        for action in moderation.ACTIONS
    ),
]
