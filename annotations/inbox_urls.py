"""The inbox of notifications, included by config/urls.py at inbox/ (namespace "inbox")."""

from __future__ import annotations

from django.urls import path

from . import inbox

app_name = "inbox"

urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("read/", inbox.mark_all_read, name="read"),
    path("<int:pk>/", inbox.open_notification, name="open"),
]
