"""SQLite: give the FTS5 table a one-character prefix index, so that a one-character query (a
prefix query: 韓 matches 韓国 and 日韓's final 韓) reads a short index instead of every term that
starts with the character. PostgreSQL needs nothing: its GIN index answers prefix queries."""

from __future__ import annotations

from django.db import migrations

CREATE = (
    "CREATE VIRTUAL TABLE reader_search_fts USING fts5(terms, content='reader_searchentry', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0'{prefix})"
)
TRIGGERS = [
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
DROP = [
    "DROP TRIGGER reader_search_update",
    "DROP TRIGGER reader_search_delete",
    "DROP TRIGGER reader_search_insert",
    "DROP TABLE reader_search_fts",
]
REBUILD = "INSERT INTO reader_search_fts(reader_search_fts) VALUES ('rebuild')"


def recreate(prefix: str):  # noqa: ANN201
    def apply(apps, schema_editor) -> None:  # noqa: ANN001
        if schema_editor.connection.vendor != "sqlite":
            return
        for statement in [*DROP, CREATE.format(prefix=prefix), *TRIGGERS, REBUILD]:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("reader", "0004_annotations")]

    operations = [migrations.RunPython(recreate(", prefix='1'"), recreate(""))]
