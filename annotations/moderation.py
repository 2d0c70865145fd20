"""Moderation: the moderators' page at /moderation/ (members of the "moderators" group only;
others get a 403 page, visitors without an account the login page), and the writes it and the
API share: hiding a note, restoring it, dismissing its flags, each logged with who, when and why.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from .models import Annotation, Flag, ModerationAction, is_moderator

LOG_LENGTH = 100  # the moderation log's latest entries shown on the page
MAX_REASON = 500


class ModerationError(Exception):
    """A moderation action that does not apply to the note as it is (hiding a hidden note)."""


def hide(annotation: Annotation, *, by: Any, reason: str = "") -> None:
    """Hide the note from all but its author and the moderators; its flags are handled."""
    if annotation.hidden:
        raise ModerationError(gettext("The note is hidden already."))
    _set_hidden(annotation, True, by=by, reason=reason)


def restore(annotation: Annotation, *, by: Any, reason: str = "") -> None:
    """Show a hidden note again to those its visibility names."""
    if not annotation.hidden:
        raise ModerationError(gettext("The note is not hidden."))
    _set_hidden(annotation, False, by=by, reason=reason)


def _set_hidden(annotation: Annotation, hidden: bool, *, by: Any, reason: str) -> None:
    """Hide or show the note with the replies under it: a reply to a hidden note is hidden with
    it (seen by its own author and the moderators), and shown again when the note is restored,
    unless a moderator hid that reply on its own (its last action is a hide)."""
    kind = ModerationAction.Kind.HIDE if hidden else ModerationAction.Kind.RESTORE
    with transaction.atomic():
        annotation.hidden = hidden
        annotation.save(update_fields=["hidden", "updated"])
        thread = annotation.thread()
        if not hidden:
            thread = thread.exclude(pk__in=_hidden_on_their_own(thread))
        for reply in thread.exclude(hidden=hidden):
            reply.hidden = hidden
            reply.save(update_fields=["hidden", "updated"])  # the signals: index, live version
        _handle(annotation, by=by, kind=kind, reason=reason)


def _hidden_on_their_own(notes: Any) -> list[int]:
    """Those of the notes whose own last moderation action is a hide."""
    last = {}
    for number, kind in (
        ModerationAction.objects.filter(annotation__in=notes)
        .order_by("created", "id")
        .values_list("annotation_id", "kind")
    ):
        last[number] = kind
    return [number for number, kind in last.items() if kind == ModerationAction.Kind.HIDE]


def dismiss(annotation: Annotation, *, by: Any, reason: str = "") -> None:
    """Leave the note as it is and take its flags off the moderators' list."""
    if not annotation.flags.filter(handled=False).exists():
        raise ModerationError(gettext("The note has no flags to dismiss."))
    with transaction.atomic():
        _handle(annotation, by=by, kind=ModerationAction.Kind.DISMISS, reason=reason)


def _handle(annotation: Annotation, *, by: Any, kind: str, reason: str) -> None:
    annotation.flags.filter(handled=False).update(handled=True)
    ModerationAction.objects.create(
        annotation=annotation,
        annotation_number=annotation.pk,
        moderator=by,
        kind=kind,
        reason=reason[:MAX_REASON],
    )


ACTIONS = {"hide": hide, "restore": restore, "dismiss": dismiss}


def _refuse_non_moderators(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_moderator(request.user):
        raise PermissionDenied(gettext("Only moderators may see this page."))
    return None


def moderation(request: HttpRequest) -> HttpResponse:
    """Flagged notes not yet handled (newest flag first), hidden notes, and the log."""
    refused = _refuse_non_moderators(request)
    if refused is not None:
        return refused
    visible = Annotation.objects.visible_to(request.user).select_related("document", "author")
    open_flags = Flag.objects.filter(handled=False).select_related("user")
    flagged = sorted(
        visible.filter(flags__handled=False)
        .distinct()
        .prefetch_related(Prefetch("flags", open_flags, to_attr="open_flags")),
        key=lambda annotation: max(flag.created for flag in annotation.open_flags),
        reverse=True,
    )
    context = {
        "flagged": flagged,
        "hidden": visible.filter(hidden=True).order_by("-updated"),
        "log": ModerationAction.objects.select_related("moderator")[:LOG_LENGTH],
        "max_reason": MAX_REASON,
    }
    return render(request, "annotations/moderation.html", context)


@require_POST
def moderate(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Hide, restore or dismiss the flags of one note, from the page's forms."""
    refused = _refuse_non_moderators(request)
    if refused is not None:
        return refused
    annotation = get_object_or_404(Annotation.objects.visible_to(request.user), pk=pk)
    reason = request.POST.get("reason", "").strip()
    try:
        ACTIONS[action](annotation, by=request.user, reason=reason)
    except ModerationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _done(action, annotation))
    return redirect("moderation:moderation")


def _done(action: str, annotation: Annotation) -> str:
    said = {
        "hide": gettext("Note #%(id)s is hidden."),
        "restore": gettext("Note #%(id)s is restored."),
        "dismiss": gettext("The flags on note #%(id)s are dismissed."),
    }
    return said[action] % {"id": annotation.pk}
