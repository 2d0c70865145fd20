"""The inbox (/inbox/): replies to my notes and mentions of my name, newest first.

Who may use it: logged-in users, each their own notifications only (others' are a 404), and only
of notes they may still see (annotations.notifications.inbox_of)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .notifications import inbox_of, mark_read, unread_count

PER_PAGE = 50


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = inbox_of(request.user).select_related(
        "annotation__author", "annotation__document"
    )
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    # A number, for the page's plural (and the header's count, which it then need not count).
    unread = unread_count(request.user)
    return render(request, "annotations/inbox.html", {"page": page, "unread_notifications": unread})


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponseRedirect:
    mark_read(inbox_of(request.user))
    return redirect("inbox:inbox")


@require_GET
@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Go to the note in its place, and count the notification as read."""
    notification = get_object_or_404(
        inbox_of(request.user).select_related("annotation__document"), pk=pk
    )
    if notification.read is None:
        notification.read = timezone.now()
        notification.save(update_fields=["read"])
    return redirect(notification.annotation.get_absolute_url())


class UnreadCount:
    """The header's count of unread notifications, counted (one query) only if shown."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self._count: int | None = None

    def __int__(self) -> int:
        if self._count is None:
            self._count = unread_count(self.user)
        return self._count

    def __bool__(self) -> bool:
        return int(self) > 0

    def __str__(self) -> str:
        return str(int(self))


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    """A context processor: `unread_notifications` for the header of logged-in users' pages
    (pages shared by anonymous readers never show it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": UnreadCount(user)}
