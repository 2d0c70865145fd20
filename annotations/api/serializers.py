"""Annotations in and out of the API: separate input serializers (what a client may send) and the
output serializer (what it gets back)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from accounts.models import Team
from config.api.fields import AbsoluteURLField, StrictCharField, StrictIntegerField
from reader.models import Document

from ..anchoring import TargetError, resolve_target
from ..models import Annotation, Flag
from .jsonld import WEB_ANNOTATION_ANSWER

MAX_BODY = 10_000
MAX_TAGS = 20
MAX_SELECTORS = 10


def body_field(**options: Any) -> StrictCharField:
    """A note's Markdown body, as written (spaces kept), up to MAX_BODY characters."""
    return StrictCharField(
        allow_blank=True,
        trim_whitespace=False,
        max_length=MAX_BODY,
        error_messages={"max_length": f"The note is longer than {MAX_BODY:,} characters."},
        **options,
    )


def selector_schema(kind: str, required: list[str]) -> dict[str, Any]:
    """One kind of selector, as SelectorSerializer takes it: what a kind needs is required, and
    the fields of the other kind are checked as well when they are there."""
    text = {"type": "string", "maxLength": 64}
    return {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": [kind]},
            "exact": {"type": "string", "minLength": 1, "maxLength": MAX_BODY},
            "prefix": text,
            "suffix": text,
            "start": {"type": "integer", "minimum": 0},
            "end": {"type": "integer", "minimum": 0},
        },
        "required": ["type", *required],
    }


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "oneOf": [
                selector_schema("TextQuoteSelector", ["exact"]),
                selector_schema("TextPositionSelector", ["start", "end"]),
            ]
        },
        "minItems": 1,
        "maxItems": MAX_SELECTORS,
    }
)
class SelectorList(serializers.ListSerializer):
    pass


class SelectorSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["TextQuoteSelector", "TextPositionSelector"])
    exact = StrictCharField(required=False, trim_whitespace=False, max_length=MAX_BODY)
    prefix = StrictCharField(required=False, allow_blank=True, trim_whitespace=False, max_length=64)
    suffix = StrictCharField(required=False, allow_blank=True, trim_whitespace=False, max_length=64)
    start = StrictIntegerField(required=False, min_value=0)
    end = StrictIntegerField(required=False, min_value=0)

    class Meta:
        list_serializer_class = SelectorList

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        needed = ["exact"] if data["type"] == "TextQuoteSelector" else ["start", "end"]
        missing = [name for name in needed if name not in data]
        if missing:
            raise ValidationError(
                gettext("a %(type)s needs %(missing)s")
                % {"type": data["type"], "missing": gettext(" and ").join(missing)}
            )
        return data


class TargetSerializer(serializers.Serializer):
    # A quote and a position are all a target needs; a few more are tolerated, not thousands.
    selector = SelectorSerializer(  # type: ignore[call-arg]  # the stubs lack max_length
        many=True, allow_empty=False, max_length=MAX_SELECTORS
    )


class AnnotationInputSerializer(serializers.Serializer):
    document = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Document.objects.all(),
        required=False,
        error_messages={"does_not_exist": "No document has the slug “{value}”."},
    )
    target = TargetSerializer(required=False)
    body = body_field(required=False)
    tags = serializers.ListField(
        child=StrictCharField(max_length=50), required=False, max_length=MAX_TAGS
    )
    visibility = serializers.ChoiceField(choices=Annotation.Visibility.choices, required=False)
    team = StrictCharField(
        required=False,
        allow_null=True,
        max_length=50,
        help_text="The slug of the team that sees the note (with visibility “team”).",
    )
    motivation = serializers.ChoiceField(choices=Annotation.Motivation.choices, required=False)
    parent = StrictIntegerField(  # type: ignore[assignment]  # named like Field.parent
        required=False, allow_null=True
    )
    judgement = serializers.ChoiceField(
        choices=Annotation.Judgement.choices, required=False, allow_blank=True
    )
    judgement_reason = StrictCharField(required=False, allow_blank=True, max_length=500)

    def validate_parent(self, value: int | None) -> Annotation | None:
        if value is None:
            return None
        visible = Annotation.objects.visible_to(self.context["request"].user)
        parent = visible.filter(pk=value).select_related("document").first()
        if parent is None:
            raise ValidationError(
                gettext("No note %(id)s that you can see: you cannot reply to it.") % {"id": value}
            )
        return parent

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        instance: Annotation | None = self.instance
        parent = data.get("parent", instance.parent if instance else None)
        if instance is None:
            if parent is not None:
                data.setdefault("document", parent.document)
            elif "document" not in data:
                raise ValidationError({"document": [gettext("This field is required.")]})
            elif "target" not in data:
                raise ValidationError({"target": [gettext("A note needs a target (or a parent).")]})
        if instance is not None and "document" in data and data["document"] != instance.document:
            raise ValidationError(
                {"document": [gettext("A note cannot move to another document.")]}
            )
        self._check_body(data)
        document: Document = data["document"] if instance is None else instance.document
        if parent is not None and parent.document_id != document.pk:
            raise ValidationError(
                {"parent": [gettext("The note replied to is on another document.")]}
            )
        visibility = data.get(
            "visibility",
            instance.visibility if instance else parent.visibility if parent else "private",
        )
        if parent is not None and Annotation.reaches_further(visibility, parent.visibility):
            raise ValidationError(
                {
                    "visibility": [
                        gettext("A reply cannot be seen by more people than the note it answers.")
                    ]
                }
            )
        data["team"] = self._team(data, visibility, instance, parent)
        if "target" in data and parent is None:
            try:
                data["anchor"] = resolve_target(document.plain_text(), data["target"]["selector"])
            except TargetError as error:
                raise ValidationError({"target": [str(error)]}) from error
            data["claim"] = document.claim_around(data["anchor"].start, data["anchor"].end)
        judgement = data.get("judgement")
        if judgement:
            claim = data["claim"] if "claim" in data else (instance.claim if instance else None)
            if claim is None:
                raise ValidationError(
                    {"judgement": [gettext("Only a selection within a claim can be judged.")]}
                )
        return data

    def _check_body(self, data: dict[str, Any]) -> None:
        """Refuse a body of spaces only (an empty one is a bare highlight or a judgement)."""
        body = data.get("body")
        if body and not body.strip():
            raise ValidationError(
                {"body": [gettext("The note is only spaces: write something in it.")]}
            )

    def _team(
        self,
        data: dict[str, Any],
        visibility: str,
        instance: Annotation | None,
        parent: Annotation | None,
    ) -> Team | None:
        """The team that sees the note: named with visibility "team" (one of the author's
        teams), or the parent's for a reply; no team for any other visibility."""
        slug = data.get("team")
        if visibility == Annotation.Visibility.TEAM:
            if parent is not None and parent.visibility == Annotation.Visibility.TEAM:
                if slug and slug != (parent.team.slug if parent.team else None):
                    raise ValidationError(
                        {"team": [gettext("A reply is seen by the team of the note it answers.")]}
                    )
                return parent.team
            if not slug and instance is not None and instance.team is not None:
                if "visibility" not in data:
                    return instance.team
        return team_for(visibility, slug, self.context["request"].user)


def team_for(visibility: str, slug: str | None, user: Any) -> Team | None:
    """The team a note of this visibility names by `slug`, checked: one of the user's teams with
    the visibility "team", none with any other; else a 400 naming `team` and the fault."""
    if visibility != Annotation.Visibility.TEAM:
        if slug:
            raise ValidationError(
                {"team": [gettext("A team is given only with the visibility “team”.")]}
            )
        return None
    if not slug:
        raise ValidationError({"team": [gettext("Name the team that sees the note (its slug).")]})
    team = Team.objects.filter(slug=slug).select_related("group").first()
    if team is None:
        raise ValidationError({"team": [gettext("No team has the slug “%s”.") % slug]})
    if not team.has_member(user):
        raise ValidationError({"team": [gettext("You are not a member of the team “%s”.") % slug]})
    return team


class PreviewSerializer(serializers.Serializer):
    body = body_field(write_only=True)
    body_html = serializers.CharField(read_only=True)


class AnnotationSerializer(serializers.ModelSerializer):
    document = serializers.CharField(source="document.slug", read_only=True)
    author = serializers.CharField(source="author.username", read_only=True)
    team: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="null: no team sees it."
    )
    resolved_by = serializers.CharField(
        source="resolved_by.username", read_only=True, allow_null=True, default=None
    )
    tags = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    claim = serializers.SerializerMethodField(help_text="The note number of the claim judged.")
    replies = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()
    can_resolve = serializers.SerializerMethodField(
        help_text="Whether you may resolve or reopen the thread this note begins."
    )
    can_flag = serializers.SerializerMethodField(
        help_text="Whether you may flag the note for the moderators (and have not yet)."
    )
    flagged = serializers.SerializerMethodField(help_text="Whether you have flagged the note.")
    url = AbsoluteURLField()

    class Meta:
        model = Annotation
        fields = [
            "id", "document", "target", "body", "body_html", "tags", "visibility", "motivation",
            "parent", "replies", "claim", "judgement", "judgement_reason", "author", "created",
            "updated", "state", "created_revision", "anchor_revision", "can_edit", "url",
            "deleted", "team", "resolved", "resolved_by", "hidden", "can_resolve", "can_flag",
            "flagged", "edited",
        ]  # fmt: skip

    def get_tags(self, annotation: Annotation) -> list[str]:
        return [tag.name for tag in annotation.tags.all()]

    @extend_schema_field(TargetSerializer(allow_null=True))
    def get_target(self, annotation: Annotation) -> dict[str, Any] | None:
        if annotation.parent_id is not None:
            return None
        position = {
            "type": "TextPositionSelector",
            "start": annotation.start,
            "end": annotation.end,
        }
        if annotation.deleted:
            return {"selector": [position]}  # the place of the thread, not the author's words
        return {
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": annotation.exact,
                    "prefix": annotation.prefix,
                    "suffix": annotation.suffix,
                },
                position,
            ]
        }

    def get_claim(self, annotation: Annotation) -> int | None:
        return annotation.claim.note.number if annotation.claim else None

    def get_replies(self, annotation: Annotation) -> list[int]:
        return [reply.pk for reply in getattr(annotation, "visible_replies", [])]

    def get_can_edit(self, annotation: Annotation) -> bool:
        request = self.context.get("request")
        return bool(request and annotation.editable_by(request.user))

    def get_can_resolve(self, annotation: Annotation) -> bool:
        user = self._user()
        return user is not None and annotation.resolvable_by(user, self._known("teams"))

    def get_can_flag(self, annotation: Annotation) -> bool:
        user = self._user()
        return (
            user is not None
            and annotation.flaggable_by(user)
            and annotation.pk not in self._known("flagged")
        )

    def get_flagged(self, annotation: Annotation) -> bool:
        return self._user() is not None and annotation.pk in self._known("flagged")

    def _user(self) -> Any:
        request = self.context.get("request")
        return request.user if request and request.user.is_authenticated else None

    def _known(self, what: str) -> set[int]:
        """The user's team ids or the ids of the notes they flagged, asked once for a whole list
        (the context is shared by the serializers of a list's items)."""
        context: dict[str, Any] = self.context  # type: ignore[assignment]  # a dict, shared
        key = f"_user_{what}"
        if key not in context:
            user = self._user()
            if what == "teams":
                context[key] = set(Team.objects.of(user).values_list("pk", flat=True))
            else:
                flags = Flag.objects.filter(user=user)
                context[key] = set(flags.values_list("annotation_id", flat=True))
        return context[key]


def note_answers(status: int) -> dict[tuple[int, str], Any]:
    """The answer of an operation on one note: JSON, or (`?format=jsonld`, or Accept:
    application/ld+json) the note as a W3C Web Annotation."""
    return {
        (status, "application/json"): AnnotationSerializer,
        (status, "application/ld+json"): WEB_ANNOTATION_ANSWER,
    }
