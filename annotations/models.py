"""Annotations: analysts' highlights and notes on a document, in the W3C Web Annotation model."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, in_group, is_analyst
from reader.models import Claim, Document
from reader.rendering import render_markdown

if TYPE_CHECKING:
    from .anchoring import Anchor

MODERATORS_GROUP = "moderators"


def is_moderator(user: Any) -> bool:
    """Members of the moderators group see flagged notes, and hide or restore them."""
    return in_group(user, MODERATORS_GROUP)


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        db_table = "reader_tag"  # made by the reader app, before annotations were an app
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AnnotationQuerySet(models.QuerySet["Annotation"]):
    def visible_to(self, user: Any) -> AnnotationQuerySet:
        """Public notes for all, analysts' notes for analysts, a team's notes for its members,
        private ones for their author; a note hidden by a moderator only for its author and the
        moderators. Every list, read, export, search and notification goes through here."""
        if not user.is_authenticated:
            return self.filter(visibility=Annotation.Visibility.PUBLIC, hidden=False)
        seen = Q(visibility=Annotation.Visibility.PUBLIC) | Q(author=user)
        if is_analyst(user):
            seen |= Q(visibility=Annotation.Visibility.ANALYSTS)
        seen |= Q(visibility=Annotation.Visibility.TEAM, team__in=Team.objects.of(user))
        if not is_moderator(user):
            seen &= Q(hidden=False) | Q(author=user)
        return self.filter(seen)


class Annotation(models.Model):
    """An analyst's highlight or note on a document, in the W3C Web Annotation model.

    The target is kept as both a TextQuoteSelector (exact, prefix, suffix) and a
    TextPositionSelector (start, end: code points over the document's text, blocks joined by a
    blank line) of the revision `anchor_revision`. Replies have a parent and no target.
    """

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Only me")
        TEAM = "team", _("My team")
        ANALYSTS = "analysts", _("Analysts")
        PUBLIC = "public", _("Everyone")

    class Motivation(models.TextChoices):
        COMMENTING = "commenting", _("Commenting")
        HIGHLIGHTING = "highlighting", _("Highlighting")
        ASSESSING = "assessing", _("Assessing")
        REPLYING = "replying", _("Replying")
        TAGGING = "tagging", _("Tagging")

    Judgement = Claim.Judgement

    class State(models.TextChoices):
        ANCHORED = "anchored", _("Anchored")
        ORPHANED = "orphaned", _("Orphaned")

    document = models.ForeignKey(Document, models.CASCADE, related_name="annotations")
    author = models.ForeignKey("auth.User", models.CASCADE, related_name="annotations")
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(blank=True, help_text=_("Markdown"))
    body_html = models.TextField(blank=True, editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="annotations")
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    motivation = models.CharField(
        max_length=20, choices=Motivation.choices, default=Motivation.COMMENTING
    )
    team = models.ForeignKey(
        Team,
        models.SET_NULL,  # a team's notes outlive it, seen by their authors only
        null=True,
        blank=True,
        related_name="annotations",
        help_text=_("The team that sees the note, when its visibility is “team”."),
    )
    claim = models.ForeignKey(
        Claim, models.SET_NULL, null=True, blank=True, related_name="annotations"
    )
    judgement = models.CharField(max_length=20, choices=Judgement.choices, blank=True)
    judgement_reason = models.CharField(max_length=500, blank=True)
    exact = models.TextField(blank=True)
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ANCHORED)
    deleted = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("Deleted by its author and kept, without its words, for the replies to it."),
    )
    resolved = models.DateTimeField(
        null=True, blank=True, help_text=_("When the thread (a note and its replies) was resolved.")
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden = models.BooleanField(
        default=False,
        help_text=_("Hidden by a moderator: seen by its author and the moderators only."),
    )
    created_revision = models.PositiveIntegerField()
    anchor_revision = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # When its author last changed its words (not when it was resolved, flagged or re-anchored):
    # the card says "edited".
    edited = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        db_table = "reader_annotation"  # made by the reader app, before annotations were an app
        ordering = ["document", "start", "id"]
        indexes = [models.Index(fields=["document", "state"])]

    def __str__(self) -> str:
        return f"{self.author} on {self.document.slug} #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.body_html = render_markdown(self.body)
        if self.visibility != self.Visibility.TEAM:
            self.team = None  # only a team's notes have a team
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.document.get_absolute_url()}#annotation-{self.pk}"

    def place_at(self, anchor: Anchor, revision: int) -> None:
        """Anchor the annotation to these words of the document's revision `revision`."""
        self.start, self.end, self.exact = anchor.start, anchor.end, anchor.exact
        self.prefix, self.suffix = anchor.prefix, anchor.suffix
        self.state = self.State.ANCHORED
        self.anchor_revision = revision

    def set_tags(self, names: list[str]) -> None:
        """Tag the annotation with these names (trimmed, lower-cased), and no others."""
        cleaned = sorted({name.strip().lower() for name in names if name.strip()})
        self.tags.set([Tag.objects.get_or_create(name=name)[0] for name in cleaned])

    def narrow_replies(self) -> int:
        """Narrow the replies under this note (replies to replies too) that more people see than
        the note now to the note's visibility: a reply reaches no further than its parent."""
        narrower = [v for v in REACH if not self.reaches_further(v, self.visibility)]
        thread = self.thread()
        if self.visibility == self.Visibility.TEAM:  # a reply to a team's note: that team's
            thread.filter(visibility=self.Visibility.TEAM).update(team=self.team)
        return thread.exclude(visibility__in=narrower).update(
            visibility=self.visibility, team=self.team
        )

    @classmethod
    def reaches_further(cls, visibility: str, than: str) -> bool:
        """Whether notes of `visibility` are seen by more people than notes of `than`."""
        return REACH[visibility] > REACH[than]

    def editable_by(self, user: Any) -> bool:
        return user.is_authenticated and self.author_id == user.pk and not self.deleted

    def resolvable_by(self, user: Any, teams: Collection[int] | None = None) -> bool:
        """Whether the user may resolve or reopen the thread this note begins: its author, or for
        a team's note any member of the team (`teams`: the user's team ids, when known)."""
        if not user.is_authenticated or self.parent_id is not None:
            return False
        if self.author_id == user.pk:
            return True
        if self.visibility != self.Visibility.TEAM or self.team_id is None:
            return False
        if teams is None:
            teams = set(Team.objects.of(user).values_list("pk", flat=True))
        return self.team_id in teams

    def resolve(self, *, by: Any) -> None:
        """Mark the thread resolved by the user; a resolved thread stays as it was."""
        if self.resolved is None:
            self.resolved, self.resolved_by = timezone.now(), by
            self.save(update_fields=["resolved", "resolved_by", "updated"])

    def reopen(self) -> None:
        if self.resolved is not None:
            self.resolved, self.resolved_by = None, None
            self.save(update_fields=["resolved", "resolved_by", "updated"])

    def flaggable_by(self, user: Any) -> bool:
        """Whether the user may flag the note for the moderators: a note others see (not private),
        not their own, with words (not a tombstone) and not hidden already."""
        return (
            user.is_authenticated
            and self.author_id != user.pk
            and self.visibility != self.Visibility.PRIVATE
            and not self.deleted
            and not self.hidden
        )

    def delete_by_author(self) -> None:
        """Delete the note as its author asks. Others' words are never deleted with it: a note
        with replies by others (at any depth) becomes a tombstone that keeps the thread; any other
        note goes with its replies (its author's own). A tombstone left without replies goes too."""
        if self.thread().exclude(author_id=self.author_id).filter(deleted=False).exists():
            self.make_tombstone()
        else:
            self._delete_from_thread()

    def thread(self) -> AnnotationQuerySet:
        """Every reply under this note: replies, replies to them, and so on."""
        found: list[int] = []
        parents = [self.pk]
        while parents:
            parents = list(
                Annotation.objects.filter(parent__in=parents).values_list("pk", flat=True)
            )
            found += parents
        return Annotation.objects.filter(pk__in=found)

    def make_tombstone(self) -> None:
        """Keep the note as a place in its thread, without its author's words: no body, quote,
        tags or judgement; the author, visibility and place of the words stay."""
        self.deleted = True
        self.body = self.judgement = self.judgement_reason = ""
        self.exact = self.prefix = self.suffix = ""
        self.save()
        self.tags.clear()

    def _delete_from_thread(self) -> None:
        parent = self.parent
        self.delete()
        if parent is not None and parent.deleted and not parent.replies.exists():
            parent._delete_from_thread()  # a tombstone is kept only for its replies


# Who sees a note of each visibility, from the fewest people to the most.
REACH: dict[str, int] = {
    Annotation.Visibility.PRIVATE: 0,
    Annotation.Visibility.TEAM: 1,
    Annotation.Visibility.ANALYSTS: 2,
    Annotation.Visibility.PUBLIC: 3,
}


class Flag(models.Model):
    """A reader's report of a note that others see, for the moderators."""

    annotation = models.ForeignKey(Annotation, models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    reason = models.CharField(max_length=500)
    created = models.DateTimeField(auto_now_add=True)
    handled = models.BooleanField(
        default=False, help_text=_("A moderator hid or restored the note since.")
    )

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["annotation", "user"], name="one_flag_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.user} flags #{self.annotation_id}"


class ModerationAction(models.Model):
    """The log of moderation: who hid or restored which note, when and why."""

    class Kind(models.TextChoices):
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        DISMISS = "dismiss", _("Flags dismissed")

    annotation = models.ForeignKey(
        Annotation, models.SET_NULL, null=True, related_name="moderation"
    )
    annotation_number = models.PositiveIntegerField(help_text=_("Kept when the note goes."))
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.moderator} {self.kind} #{self.annotation_number}"


class Notification(models.Model):
    """A note that reaches someone: a reply to one of their notes, or a mention of their name."""

    class Reason(models.TextChoices):
        REPLY = "reply", _("Reply to your note")
        MENTION = "mention", _("Mention of you")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications"
    )
    annotation = models.ForeignKey(Annotation, models.CASCADE, related_name="notifications")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    created = models.DateTimeField(auto_now_add=True)
    read = models.DateTimeField(null=True, blank=True)
    emailed = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "annotation"], name="one_notification_per_note"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read"])]

    def __str__(self) -> str:
        return f"{self.reason} #{self.annotation_id} for {self.recipient}"
