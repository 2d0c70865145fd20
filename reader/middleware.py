from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import quote, unquote

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext

from config.api.errors import json_error

logger = logging.getLogger(__name__)

# Scripts and styles come only from our own static files: no inline code, no eval.
POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response


class RejectNulMiddleware:
    """Refuse NUL characters, which no database text column can store: in a path nothing can have
    that name (404, from the site's handler: JSON under /api/), in a parameter or a header it is a
    400, and a cookie holding one (`sessionid="…\\000…"`) is no cookie of ours: it is ignored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            raise Http404("No page has a NUL character in its address.")
        for name, value in request.META.items():
            if name.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
                header = name[5:].replace("_", "-").title()
                detail = gettext("%(name)s: NUL characters are not allowed.") % {"name": header}
                return json_error(detail, 400, header)
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                detail = gettext("%(name)s: NUL characters are not allowed.") % {"name": name}
                return json_error(detail, 400, name)
        for name, value in list(request.COOKIES.items()):
            if "\x00" in name or "\x00" in value:
                del request.COOKIES[name]
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Keep shared caches (a proxy, a CDN) from storing what is one user's: a response to a
    logged-in user, or one that carries a CSRF token, is `Cache-Control: private`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = bool(user and user.is_authenticated)
        if personal or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ["Cookie"])
        return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After, not 500, when a view cannot reach the database (an outage, a
    restart): reader.views.unavailable. Errors raised outside views reach the same answer through
    the 500 handler."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.warning("Database unavailable on %s: %s", request.path, exception)
            return unavailable(request)
        return None


# What the database driver raises when the server cannot be reached or the connection broke.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def unavailable(request: HttpRequest) -> HttpResponse:
    """A 503 with Retry-After while the database cannot be reached: JSON under /api/, else a page
    that needs no query. Django closes the broken connection at the end of the request, and the
    next one connects anew: the app recovers by itself."""
    seconds = settings.RETRY_AFTER_SECONDS
    if request.path.startswith("/api/"):
        detail = gettext(
            "The database is unavailable just now: try again in %(seconds)s seconds."
        ) % {"seconds": seconds}
        response: HttpResponse = json_error(detail, 503)
    else:
        html = render_to_string("503.html", {"retry_after": seconds, "path": request.path})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(seconds)
    patch_cache_control(response, no_store=True)
    return response


MERGED_SOURCE = re.compile(r"^/(api/)?sources/(?P<slug>[^/]+)/")


class MergedSourceMiddleware:
    """Addresses of a source that was merged into another (reader.library.merge_sources) keep
    working: a page of the reader or the API that is not found under the old slug redirects,
    permanently, to the same page under the kept source's slug."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        found = MERGED_SOURCE.match(request.path_info)
        if found is None:
            return response
        from .models import SourceAlias  # the models import this module (reader.caching)

        alias = (
            SourceAlias.objects.select_related("source").filter(slug=unquote(found["slug"])).first()
        )
        if alias is None:
            return response
        path = (
            request.path_info[: found.start("slug")]
            + quote(alias.source.slug)
            + request.path_info[found.end("slug") :]
        )
        query = request.META.get("QUERY_STRING", "")
        prefix = request.path[: len(request.path) - len(request.path_info)]  # SCRIPT_NAME
        return HttpResponsePermanentRedirect(prefix + path + (f"?{query}" if query else ""))
