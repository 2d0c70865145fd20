"""Annotations and search moved out of the reader app with their tables: a database made before the
move migrates with no change to its tables and keeps every row."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from search.terms import index_terms, squeeze

BEFORE_THE_MOVE = [("reader", "0005_search_prefix_index")]
AFTER_THE_MOVE = [
    ("reader", "0006_move_annotations_and_search"),
    ("annotations", "0001_initial"),
    ("search", "0001_initial"),
]


def schema() -> dict[str, Any]:
    """Every table with its columns and constraints (and on SQLite, the SQL of every object,
    triggers and the FTS5 table included)."""
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        described: dict[str, Any] = {
            table: (
                [
                    (column.name, column.type_code, column.null_ok)
                    for column in connection.introspection.get_table_description(cursor, table)
                ],
                connection.introspection.get_constraints(cursor, table),
            )
            for table in tables
            if table != "django_migrations"
        }
        if connection.vendor == "sqlite":
            cursor.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
            described["sqlite_master"] = cursor.fetchall()
    return described


@pytest.mark.django_db(transaction=True)
def test_a_database_made_before_the_move_keeps_its_tables_and_every_row() -> None:
    executor = MigrationExecutor(connection)
    moved = ("accounts", "reader", "annotations", "search")  # the apps that later moves made
    others = [key for key in executor.loader.graph.leaf_nodes() if key[0] not in moved]
    executor.migrate([*others, *BEFORE_THE_MOVE])
    old = executor.loader.project_state([*others, *BEFORE_THE_MOVE]).apps
    # What the reader app held before: an analyst's annotation with a tag and a reply, a search
    # entry, and a group given a permission on annotations.
    user = old.get_model("auth", "User").objects.create(username="alice")
    document = old.get_model("reader", "Document").objects.create(slug="d", title="D")
    tag = old.get_model("reader", "Tag").objects.create(name="alliance")
    annotation_model = old.get_model("reader", "Annotation")
    note = annotation_model.objects.create(
        document=document, author=user, body="米韓同盟", body_html="<p>米韓同盟</p>",
        exact="同盟", start=0, end=2, visibility="public", created_revision=1, anchor_revision=1,
    )  # fmt: skip
    note.tags.add(tag)
    reply = annotation_model.objects.create(
        document=document, author=user, parent=note, body="同意", created_revision=1,
        anchor_revision=1,
    )  # fmt: skip
    text = "韓国と米国の同盟"
    entry = old.get_model("reader", "SearchEntry").objects.create(
        kind="block", document=document, language="ja", text=text, folded=squeeze(text),
        terms=index_terms(text), url="/documents/d/#p1",
    )  # fmt: skip
    content_types = old.get_model("contenttypes", "ContentType").objects
    annotation_type = content_types.get_or_create(app_label="reader", model="annotation")[0]
    permission = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=annotation_type, codename="change_annotation", name="Can change annotation"
    )[0]
    old.get_model("auth", "Group").objects.create(name="editors").permissions.add(permission)
    tables = schema()

    executor = MigrationExecutor(connection)
    executor.migrate([*others, *AFTER_THE_MOVE])
    assert schema() == tables

    # Later migrations (a note deleted by its author kept for its replies, new columns) keep the rows too.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from django.contrib.auth.models import Group

    from annotations.models import Annotation
    from search.models import SearchEntry
    from search.query import search

    kept_note = Annotation.objects.get(pk=note.pk)
    assert (kept_note.body, kept_note.exact, kept_note.author.username) == (
        "米韓同盟",
        "同盟",
        "alice",
    )
    assert [t.name for t in kept_note.tags.all()] == ["alliance"] and not kept_note.deleted
    assert list(kept_note.replies.values_list("pk", flat=True)) == [reply.pk]
    assert SearchEntry.objects.get(pk=entry.pk).text == text
    assert [hit.entry.pk for hit in search("同盟")] == [entry.pk]  # the full-text index works
    kept = Group.objects.get(name="editors").permissions.get()
    assert (kept.content_type.app_label, kept.codename) == ("annotations", "change_annotation")


@pytest.mark.django_db(transaction=True)
def test_teams_moved_to_accounts_keep_their_table_members_and_notes() -> None:
    before = [("annotations", "0003_teams_review_moderation_notifications")]
    executor = MigrationExecutor(connection)
    others = [
        key
        for key in executor.loader.graph.leaf_nodes()
        if key[0] not in ("accounts", "reader", "annotations", "search")
    ]
    reader = [key for key in executor.loader.graph.leaf_nodes() if key[0] == "reader"]
    targets = [
        *others,
        *before,
        ("search", "0003_index_annotations"),
        *reader,  # the reader's own later changes (a source's page numbering) are not the move's
        ("accounts", "0001_initial"),  # state only; its later tables (idempotency keys) go
    ]
    executor.migrate(targets)
    old = executor.loader.project_state(targets).apps
    group = old.get_model("auth", "Group").objects.create(name="korea-desk")
    user = old.get_model("auth", "User").objects.create(username="alice")
    user.groups.add(group)
    team = old.get_model("annotations", "Team").objects.create(group=group, slug="korea-desk")
    document = old.get_model("reader", "Document").objects.create(slug="d", title="D")
    note = old.get_model("annotations", "Annotation").objects.create(
        document=document,
        author=user,
        body="team only",
        visibility="team",
        team=team,
        created_revision=1,
        anchor_revision=1,
    )
    tables = schema()

    executor = MigrationExecutor(connection)
    moved = [
        *others,
        ("accounts", "0001_initial"),
        ("annotations", "0004_team_to_accounts"),
        ("search", "0004_annotation_by_id"),
        *reader,
    ]
    executor.migrate(moved)  # the move alone (later migrations add tables of their own)
    assert schema() == tables
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from django.contrib.auth.models import User

    from accounts.models import Team
    from annotations.models import Annotation

    moved = Team.objects.get()
    assert (moved.pk, moved.slug, moved.name) == (team.pk, "korea-desk", "korea-desk")
    assert moved.has_member(User.objects.get(username="alice"))
    assert Annotation.objects.get(pk=note.pk).team == moved
