"""The reader's search page. Who may see it: as every reading page (reader.views.readable)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from config.throttling import throttled
from reader.views import readable

from .glossary import other_language_words
from .query import SearchQueryError, search
from .terms import query_words

SEARCH_PAGE_SIZE = 50


@readable
@throttled("search", methods=("GET",))
def search_page(request: HttpRequest) -> HttpResponse:
    """The reader's search box: ranked passages with their snippets, each linking to its place."""
    query = request.GET.get("q", "").strip()
    context: dict[str, object] = {"query": query, "hits": [], "error": ""}
    if query:
        try:
            hits = search(query, limit=SEARCH_PAGE_SIZE)
        except SearchQueryError as error:
            context["error"] = str(error)
        else:
            # snippet() escapes the text and adds only <mark>
            context["hits"] = [
                (hit, mark_safe(hit.snippet), landing(hit.entry.url, query)) for hit in hits
            ]
            context.update(total=hits.total, capped=hits.capped, shown=len(hits))
            if not hits:
                context["fewer"] = fewer_words(query)
                context["other_language"] = other_language_words(query)
    return render(request, "search/search.html", context)


def landing(url: str, query: str) -> str:
    """The hit's place, asking the page to highlight the query there (static/reader/hits.js)."""
    path, _, anchor = url.partition("#")
    return f"{path}?{urlencode({'highlight': query})}" + (f"#{anchor}" if anchor else "")


def fewer_words(query: str) -> list[tuple[str, int]]:
    """For a query of several words that found nothing: each word that finds something alone,
    with its count, as a suggestion."""
    words = query_words(query)
    if len(words) < 2:
        return []
    found = ((word, search(f'"{word}"', limit=1).total) for word in words)
    return [(word, total) for word, total in found if total]
