"""Passage search: one interface over PostgreSQL's tsvector and SQLite's FTS5.

Both index the same terms (search.terms) and run the same query, a phrase of terms for each word
of the query (all of them), then keep only the rows whose folded text contains every folded word;
so the same query gives the same hits on both databases, and nothing that does not contain it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext

from .models import SearchEntry
from .terms import MAX_QUERY_LENGTH, Term, fold, query_terms, query_words

ALL = 2**31 - 1  # a LIMIT that both databases take as "every row"


class SearchQueryError(ValueError):
    pass


@dataclass
class Hit:
    entry: SearchEntry
    score: float
    query: str

    @property
    def snippet(self) -> str:
        return snippet(self.entry.text, self.query)


@dataclass
class Filters:
    kind: str | None = None
    document_id: int | None = None
    source_id: int | None = None
    source_page_id: int | None = None

    def sql(self) -> tuple[str, list[str | int]]:
        clauses: list[str] = []
        params: list[str | int] = []
        for column, value in (
            ("kind", self.kind),
            ("document_id", self.document_id),
            ("source_id", self.source_id),
            ("source_page_id", self.source_page_id),
        ):
            if value is not None:
                clauses.append(f"e.{column} = %s")
                params.append(value)
        if self.kind is None:  # passage search: never an analyst's annotation
            clauses.append("e.kind <> %s")
            params.append(SearchEntry.Kind.ANNOTATION)
        return "".join(f" AND {clause}" for clause in clauses), params


class Hits(list[Hit]):
    """A page of hits, with how many passages matched in all (`total`), unless more matched than
    were ranked (`capped`: then `total` is the number ranked)."""

    total: int = 0
    capped: bool = False


def search(
    query: str,
    filters: Filters | None = None,
    *,
    offset: int = 0,
    limit: int = 20,
    rank_among: int | None = None,
) -> Hits:
    """Hits for the query, best first; raises SearchQueryError for a query with nothing to find.

    Ranking every hit of a common term costs hundreds of milliseconds (bench/search.py), so only
    the first `rank_among` matches (settings.SEARCH_RANK_AMONG by default; 0 for all) are ranked
    and returned, and the result says when more matched.
    """
    if rank_among is None:
        rank_among = settings.SEARCH_RANK_AMONG
    words = _checked_words(query)
    phrases = [query_terms(word) for word in words]
    where, params = (filters or Filters()).sql()
    holds = _holds(len(words))
    if connection.vendor == "postgresql":
        sql = (
            "WITH candidates AS MATERIALIZED (SELECT e.id, e.vector FROM reader_searchentry e "
            f"WHERE e.vector @@ to_tsquery('simple', %s) AND {holds}{where} "
            "LIMIT %s) "
            "SELECT id, ts_rank(vector, to_tsquery('simple', %s)) AS score, count(*) OVER () "
            "FROM candidates ORDER BY score DESC, id LIMIT %s OFFSET %s"
        )
        tsquery = " & ".join(f"({_tsquery(terms)})" for terms in phrases)
        cap = rank_among or None  # LIMIT NULL: no limit
        arguments = [tsquery, *words, *params, cap, tsquery, limit, offset]
    else:
        sql = (
            "SELECT id, score, count(*) OVER () FROM (SELECT e.id AS id, "
            "-bm25(reader_search_fts) AS score FROM reader_search_fts "
            "JOIN reader_searchentry e ON e.id = reader_search_fts.rowid "
            f"WHERE reader_search_fts MATCH %s AND {holds}{where} LIMIT %s) "
            "ORDER BY score DESC, id LIMIT %s OFFSET %s"
        )
        match = " AND ".join(_fts5_query(terms) for terms in phrases)
        arguments = [match, *words, *params, rank_among or -1, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)
        ranked = cursor.fetchall()
    entries = SearchEntry.objects.select_related(
        "document", "source", "source_page", "note"
    ).in_bulk([row[0] for row in ranked])
    hits = Hits(Hit(entries[pk], float(score), query) for pk, score, _ in ranked)
    hits.total = ranked[0][2] if ranked else 0
    hits.capped = bool(rank_among and hits.total >= rank_among)
    return hits


def matching_annotations(query: str) -> list[int]:
    """The ids of the annotations whose words (note, quote, tags) hold the query, best first, by
    the passages' own index; raises SearchQueryError for a query with nothing to find. Who may see
    them is for the caller to decide (Annotation.objects.visible_to)."""
    hits = search(query, Filters(kind=SearchEntry.Kind.ANNOTATION), limit=ALL, rank_among=0)
    return [hit.entry.annotation_id for hit in hits if hit.entry.annotation_id is not None]


def scan(query: str, filters: Filters | None = None) -> list[int]:
    """Every entry whose folded text contains every word of the query, by reading them all (no
    index)."""
    words = _checked_words(query)
    where, params = (filters or Filters()).sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.id FROM reader_searchentry e WHERE {_holds(len(words))}{where} "
            "ORDER BY e.id",
            [*words, *params],
        )
        return [row[0] for row in cursor.fetchall()]


def _checked_words(query: str) -> list[str]:
    if len(query) > MAX_QUERY_LENGTH:
        raise SearchQueryError(
            gettext("the query is longer than %(most)s characters") % {"most": MAX_QUERY_LENGTH}
        )
    words = query_words(query)
    if not words:
        raise SearchQueryError(
            gettext("the query has no letters, digits or Japanese characters to search for")
        )
    return words


def _holds(count: int) -> str:
    """SQL: the entry's folded text holds each of `count` words (parameters)."""
    function = "strpos" if connection.vendor == "postgresql" else "instr"
    return " AND ".join([f"{function}(e.folded, %s) > 0"] * count)


def _tsquery(terms: list[Term]) -> str:
    return " <-> ".join(f"'{term.text}'" + (":*" if term.prefix else "") for term in terms)


def _fts5_query(terms: list[Term]) -> str:
    phrase = '"' + " ".join(term.text for term in terms) + '"'
    return phrase + ("*" if terms[-1].prefix else "")


def snippet(text: str, query: str, *, width: int = 60) -> str:
    """The text around the first hit, HTML-escaped, every hit of every word in <mark>."""
    folded, origin = _folded_with_origin(text)
    found = []
    for needle in query_words(query):
        start = folded.find(needle)
        while start >= 0:
            found.append((origin[start], origin[start + len(needle) - 1] + 1))
            start = folded.find(needle, start + len(needle))
    spans: list[tuple[int, int]] = []
    for begin, end in sorted(found):  # overlapping hits of two words make one mark
        if spans and begin <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((begin, end))
    if not spans:
        return html.escape(text[: width * 2])
    window_start = max(0, spans[0][0] - width)
    window_end = min(len(text), spans[0][1] + width)
    out, position = [], window_start
    for begin, end in spans:
        if begin < position or end > window_end:
            continue
        out += [
            html.escape(text[position:begin]),
            "<mark>",
            html.escape(text[begin:end]),
            "</mark>",
        ]
        position = end
    out.append(html.escape(text[position:window_end]))
    prefix = "…" if window_start > 0 else ""
    suffix = "…" if window_end < len(text) else ""
    return prefix + "".join(out) + suffix


def _folded_with_origin(text: str) -> tuple[str, list[int]]:
    """Fold the text as squeeze() does, remembering for each folded character where it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        if ch.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                origin.append(index)
            continue
        for folded_ch in fold(ch):
            chars.append(folded_ch)
            origin.append(index)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return "".join(chars), origin
