"""Review and moderation through the API, actions of AnnotationViewSet (a mixin of its bases).

Who may do what (a note the user cannot see is a 404, from the queryset):
- resolve / reopen: the first note of a thread (not a reply: 400), by its author, or for a team's
  note by any member of the team; for other visibilities by the author only (else 403). Resolving
  a resolved thread, or reopening an open one, answers 200 and changes nothing. A thread whose
  first note its author deleted (a tombstone) may still be resolved: the discussion goes on.
- flag: any user with an account, on a note others see that is not their own (403 for one's
  own; 400 for a tombstone or a hidden note), once (400 "already flagged"), with a reason of 1 to
  500 characters.
- hide / restore: moderators only (403 for others); hiding a hidden note or restoring one that
  is not hidden is a 400. Each is logged (annotations.moderation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.fields import StrictCharField
from config.api.permissions import SignedIn
from config.idempotency import idempotent

from .. import moderation
from ..models import Annotation, Flag, is_moderator
from .serializers import note_answers

if TYPE_CHECKING:
    from rest_framework.views import APIView


class Moderator(SignedIn):
    message = "Only members of the moderators group may hide or restore notes."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_moderator(request.user)


class FlagInputSerializer(serializers.Serializer):
    reason = StrictCharField(min_length=1, max_length=500, help_text="Why the note is flagged.")


class ModerationInputSerializer(serializers.Serializer):
    reason = StrictCharField(
        required=False, allow_blank=True, max_length=500, help_text="For the moderation log."
    )


class ReviewActions:
    """Resolve and reopen a thread; flag a note; hide and restore it (moderators)."""

    @extend_schema(request=None, responses=note_answers(200))
    @action(detail=True, methods=["post"], permission_classes=[SignedIn], filter_backends=[])
    @idempotent
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        """Mark the thread this note begins resolved (its author, or a member of its team)."""
        annotation = self._thread_to_review(request)
        annotation.resolve(by=request.user)
        return Response(self._output(annotation))  # type: ignore[attr-defined]

    @extend_schema(request=None, responses=note_answers(200))
    @action(detail=True, methods=["post"], permission_classes=[SignedIn], filter_backends=[])
    @idempotent
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """Open a resolved thread again (its author, or a member of its team)."""
        annotation = self._thread_to_review(request)
        annotation.reopen()
        return Response(self._output(annotation))  # type: ignore[attr-defined]

    @extend_schema(request=FlagInputSerializer, responses=note_answers(201))
    @action(detail=True, methods=["post"], permission_classes=[SignedIn], filter_backends=[])
    @idempotent
    def flag(self, request: Request, pk: str | None = None) -> Response:
        """Flag a note others see for the moderators, with a reason."""
        annotation: Annotation = self.get_object()  # type: ignore[attr-defined]
        serializer = FlagInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if annotation.author_id == request.user.pk:
            raise PermissionDenied(gettext("This is your own note: you cannot flag it."))
        if not annotation.flaggable_by(request.user):
            raise ValidationError(_why_not_flaggable(annotation))
        try:
            with transaction.atomic():
                Flag.objects.create(
                    annotation=annotation,
                    user=request.user,  # type: ignore[misc]  # signed in: SignedIn saw to it
                    reason=serializer.validated_data["reason"],
                )
        except IntegrityError:
            raise ValidationError(gettext("You have already flagged this note.")) from None
        return Response(self._output(annotation), status=201)  # type: ignore[attr-defined]

    @extend_schema(request=ModerationInputSerializer, responses=note_answers(200))
    @action(detail=True, methods=["post"], permission_classes=[Moderator], filter_backends=[])
    @idempotent
    def hide(self, request: Request, pk: str | None = None) -> Response:
        """Hide the note from all but its author and the moderators (moderators only)."""
        return self._moderate(request, moderation.hide)

    @extend_schema(request=ModerationInputSerializer, responses=note_answers(200))
    @action(detail=True, methods=["post"], permission_classes=[Moderator], filter_backends=[])
    @idempotent
    def restore(self, request: Request, pk: str | None = None) -> Response:
        """Show a hidden note again (moderators only)."""
        return self._moderate(request, moderation.restore)

    def _thread_to_review(self, request: Request) -> Annotation:
        annotation: Annotation = self.get_object()  # type: ignore[attr-defined]
        if annotation.parent_id is not None:
            # The fault is the note's parent (a field of the note the schema cannot know of).
            raise ValidationError(
                {"parent": [gettext("This note is a reply: resolve the thread's first note.")]}
            )
        if not annotation.resolvable_by(request.user):
            raise PermissionDenied(
                gettext(
                    "Only the note's author, or for a team's note a member of its team, may "
                    "resolve or reopen its thread."
                )
            )
        return annotation

    def _moderate(self, request: Request, act: Any) -> Response:
        annotation: Annotation = self.get_object()  # type: ignore[attr-defined]
        serializer = ModerationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            act(annotation, by=request.user, reason=serializer.validated_data.get("reason", ""))
        except moderation.ModerationError as error:
            raise ValidationError(str(error)) from error
        return Response(self._output(annotation))  # type: ignore[attr-defined]


def _why_not_flaggable(annotation: Annotation) -> str:
    if annotation.visibility == Annotation.Visibility.PRIVATE:
        return gettext("Nobody but its author sees this note: there is nothing to flag.")
    if annotation.deleted:
        return gettext("This note was deleted by its author: there is nothing to flag.")
    return gettext("A moderator has hidden this note already.")
