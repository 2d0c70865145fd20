"""The reader's search page. Who may see it: as every reading page (reader.views.readable)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from config.throttling import throttled
from reader.views import readable

from .query import SearchQueryError, search

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
            context["hits"] = [(hit, mark_safe(hit.snippet)) for hit in hits]
            context.update(total=hits.total, capped=hits.capped, shown=len(hits))
    return render(request, "search/search.html", context)
