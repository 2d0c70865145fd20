"""Who may do what, below every other app: the analysts group and teams of analysts.

The reader asks who may align a translation or attach a source's file, annotations who may write
and which team sees a note: both ask here, so that neither imports the other for it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import models

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
