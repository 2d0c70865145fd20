"""Pages of the reader. Who may see them: everyone when READER_PUBLIC is on (the default), else
logged-in users only; all are read-only (GET and HEAD)."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views import defaults
from django.views.decorators.http import require_safe

from annotations.models import is_analyst
from config.api.errors import json_error

from .checking import check_citations
from .editor_views import is_editor
from .models import Document, Source, SourcePage
from .reading import layout

View = Callable[..., HttpResponse]


def readable(view: View) -> View:
    """Serve a reading page to anyone when the reader is public, else to logged-in users."""

    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not settings.READER_PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


@readable
def index(request: HttpRequest) -> HttpResponse:
    documents = Document.objects.all()
    return render(request, "reader/index.html", {"documents": documents})


@readable
def document(request: HttpRequest, slug: str) -> HttpResponse:
    stamp = Document.objects.filter(slug=slug).values_list("pk", "revision", "updated").first()
    if stamp is None:
        raise Http404("No document has this slug.")
    key = f"reader:{stamp[0]}:{stamp[1]}:{stamp[2].timestamp()}:{get_language()}"
    if request.user.is_authenticated:
        return _render_document(request, slug, key)
    # Every anonymous reader gets the same page for a revision and language: serve it whole,
    # compressed once for the browsers that accept gzip (all of them).
    gzipped = accepts_gzip(request.headers.get("Accept-Encoding", ""))
    page_key = f"{key}:page:{'gzip' if gzipped else 'identity'}"
    content = cache.get(page_key)
    if content is None:
        content = _render_document(request, slug, key).content
        if gzipped:
            content = gzip.compress(content, compresslevel=6)
        cache.set(page_key, content, settings.READER_CACHE_SECONDS)
    response = HttpResponse(content)
    if gzipped:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Language", "Accept-Encoding", "Cookie"])
    return response


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header admits gzip: named (or `*`) with a q-value above 0."""
    weights: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        coding, *params = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if coding:
            weights[coding] = weight
    return weights.get("gzip", weights.get("*", 0.0)) > 0


def _render_document(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    doc = get_object_or_404(Document, slug=slug)
    body = cache.get(f"{key}:body")
    if body is None:
        body = render_to_string(
            "reader/_document_body.html", {"document": doc, "rows": layout(doc)}
        )
        cache.set(f"{key}:body", body, settings.READER_CACHE_SECONDS)
    context = {
        "document": doc,
        "body": mark_safe(body),  # rendered from our escaped template
        "can_import": is_editor(request.user),  # False for anonymous readers: no query
    }
    return render(request, "reader/document.html", context)


@require_safe
def switch_language(request: HttpRequest, code: str) -> HttpResponse:
    """Set the interface language and go back; a plain link, so that pages need no form."""
    if code not in dict(settings.LANGUAGES):
        raise Http404("No such language.")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response


@readable
def source_list(request: HttpRequest) -> HttpResponse:
    sources = Source.objects.all()
    return render(request, "reader/source_list.html", {"sources": sources})


@readable
def source(request: HttpRequest, slug: str) -> HttpResponse:
    src = get_object_or_404(Source, slug=slug)
    context = {
        "source": src,
        "pages": src.pages.all(),
        "passages": src.passages.select_related("block__document", "original"),
        "citing": src.citations.claims(),
    }
    return render(request, "reader/source.html", context)


@readable
def source_page(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    page = get_object_or_404(
        SourcePage.objects.select_related("source"), source__slug=slug, label=label
    )
    return render(request, "reader/source_page.html", source_page_context(request, page))


def source_page_context(request: HttpRequest, page: SourcePage) -> dict[str, object]:
    """What the source page shows; analysts also get a form to align each translation on it."""
    src = page.source
    return {
        "source": src,
        "page": page,
        "pdf_url": src.url_at_page(page.label),
        "passages": src.passages.select_related("block__document", "original").on_page(page),
        "citing": src.citations.of_page(page).claims(),
        "can_align": bool(page.text) and is_analyst(request.user),
    }


@readable
def document_check(request: HttpRequest, slug: str) -> HttpResponse:
    """The citation integrity report of a document (what `manage.py check_citations` prints)."""
    doc = get_object_or_404(Document, slug=slug)
    context = {"report": check_citations(doc), "can_import": is_editor(request.user)}
    return render(request, "reader/document_check.html", context)


@require_safe
def health(request: HttpRequest) -> HttpResponse:
    """A minimal view for load balancers (and the baseline of bench/reader.py); open to all."""
    return HttpResponse("ok", content_type="text/plain")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A 404 for every URL: JSON under /api/, the HTML page elsewhere."""
    if request.path.startswith("/api/"):
        return json_error("Not found.", 404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django refuses before any view (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many
    fields): JSON under /api/, with 413 for a body too large; the HTML page elsewhere."""
    if not request.path.startswith("/api/"):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = f"The request body is larger than {limit:,} bytes: send less."
        return json_error(detail, 413)
    return json_error(f"Bad request: {exception}", 400)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_error("Server error: it has been logged.", 500)
    return defaults.server_error(request)
