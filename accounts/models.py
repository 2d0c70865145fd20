"""Who may do what, below every other app: the analysts group and teams of analysts.

The reader asks who may align a translation or attach a source's file, annotations who may write
and which team sees a note: both ask here, so that neither imports the other for it.
The idempotency keys of users' requests are kept here too (IdempotencyKey): every app's creates
honour them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone

ANALYSTS_GROUP = "analysts"


def is_analyst(user: Any) -> bool:
    return in_group(user, ANALYSTS_GROUP)


def in_group(user: Any, name: str) -> bool:
    if not user.is_authenticated:
        return False
    groups = getattr(user, "_group_names", None)
    if groups is None:
        groups = set(user.groups.values_list("name", flat=True))
        user._group_names = groups
    return name in groups


class TeamQuerySet(models.QuerySet["Team"]):
    def of(self, user: Any) -> TeamQuerySet:
        """The teams the user belongs to (none for a visitor without an account)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(group__user=user)


class Team(models.Model):
    """A team of analysts: a Django group marked as a team, with a slug for the API
    (`{"visibility": "team", "team": "korea-desk"}`). Its members are the group's."""

    group = models.OneToOneField(Group, models.CASCADE, related_name="team")
    slug = models.SlugField(unique=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        db_table = "annotations_team"  # made by the annotations app, before accounts was an app
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.group.name

    @property
    def name(self) -> str:
        return self.group.name

    @classmethod
    def named(cls, slug: str) -> Team:
        """The team with this slug, made (with its group) when there is none yet."""
        team = cls.objects.filter(slug=slug).select_related("group").first()
        if team is None:
            group = Group.objects.get_or_create(name=slug)[0]
            team = cls.objects.create(group=group, slug=slug)
        return team

    def has_member(self, user: Any) -> bool:
        return Team.objects.of(user).filter(pk=self.pk).exists()


class IdempotencyKeyQuerySet(models.QuerySet["IdempotencyKey"]):
    def expired(self) -> IdempotencyKeyQuerySet:
        return self.filter(expires__lte=timezone.now())


class IdempotencyKey(models.Model):
    """A POST sent with an Idempotency-Key (accounts.idempotency): whose key it is (a user, or a
    client address for a request without an account), what the request was (its fingerprint),
    and, once done, the answer it got, to give again to the same request with the same key.
    Written in the transaction of the request's own writes: both are kept, or neither."""

    scope = models.CharField(max_length=100)  # "user:7", or "client:203.0.113.5"
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # sha256 of method, path, scope and body
    token = models.UUIDField()  # the request working under the key, until it is done
    running_until = models.DateTimeField(null=True)  # None: done, the answer below is kept
    status = models.PositiveSmallIntegerField(null=True)
    headers = models.JSONField(default=dict)
    body = models.BinaryField(default=b"")
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField(db_index=True)

    objects = IdempotencyKeyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_per_scope")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"

    @property
    def running(self) -> bool:
        return self.running_until is not None and self.running_until > timezone.now()
