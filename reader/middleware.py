from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from config.api.errors import json_error

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
    that name (404, from the site's handler: JSON under /api/), in a parameter it is a 400."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            raise Http404("No page has a NUL character in its address.")
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return json_error(f"{name}: NUL characters are not allowed.", 400, name)
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
