"""The admin of teams."""

from __future__ import annotations

from django.contrib import admin

from .models import Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """A team is a group marked as a team: its members are the group's (add them on the user's
    or the group's page)."""

    list_display = ["slug", "group", "members"]
    search_fields = ["slug", "group__name"]
    autocomplete_fields = ["group"]

    @admin.display(description="members")
    def members(self, team: Team) -> int:
        return team.group.user_set.count()
