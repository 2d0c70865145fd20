"""The full-text index over SearchEntry.terms: a generated tsvector with a GIN index on PostgreSQL,
an external-content FTS5 table kept in step by triggers on SQLite."""

from __future__ import annotations

from django.db import migrations

POSTGRESQL = [
    "ALTER TABLE reader_searchentry ADD COLUMN vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED",
    "CREATE INDEX reader_searchentry_vector ON reader_searchentry USING GIN (vector)",
]
POSTGRESQL_REVERSE = ["ALTER TABLE reader_searchentry DROP COLUMN vector"]

SQLITE = [
    "CREATE VIRTUAL TABLE reader_search_fts USING fts5(terms, content='reader_searchentry', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER reader_search_insert AFTER INSERT ON reader_searchentry BEGIN "
    "INSERT INTO reader_search_fts(rowid, terms) VALUES (new.id, new.terms); END",
    "CREATE TRIGGER reader_search_delete AFTER DELETE ON reader_searchentry BEGIN "
    "INSERT INTO reader_search_fts(reader_search_fts, rowid, terms) "
    "VALUES ('delete', old.id, old.terms); END",
    "CREATE TRIGGER reader_search_update AFTER UPDATE ON reader_searchentry BEGIN "
    "INSERT INTO reader_search_fts(reader_search_fts, rowid, terms) "
    "VALUES ('delete', old.id, old.terms); "
    "INSERT INTO reader_search_fts(rowid, terms) VALUES (new.id, new.terms); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER reader_search_update",
    "DROP TRIGGER reader_search_delete",
    "DROP TRIGGER reader_search_insert",
    "DROP TABLE reader_search_fts",
]


def run(statements: dict[str, list[str]]):  # noqa: ANN201
    def apply(apps, schema_editor) -> None:  # noqa: ANN001
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("reader", "0002_search_entry")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
