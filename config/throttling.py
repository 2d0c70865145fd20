"""Rate limits for pages outside the API (the search page, the password reset), with the same
counting as the API's (config.api.throttles): per account when logged in, else per client
address, in the shared cache. A cache that does not answer counts nothing (config.cache answers
as an empty cache and logs the failure): the request goes through, rather than fail or wait."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from rest_framework.throttling import SimpleRateThrottle

View = Callable[..., HttpResponseBase]


class PageThrottle(SimpleRateThrottle):
    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATES.get(self.scope or "")

    def get_cache_key(self, request: Any, view: Any) -> str:
        user = request.user
        ident = f"user-{user.pk}" if user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def throttled(
    scope: str, methods: tuple[str, ...] = ("GET", "HEAD", "POST")
) -> Callable[[View], View]:
    """Answer a request over the rate of `scope` (settings.API_THROTTLE_RATES) with a 429 page
    that says how long to wait, and a Retry-After."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            throttle = PageThrottle(scope)
            if request.method in methods and not throttle.allow_request(
                cast(Any, request), cast(Any, None)
            ):
                return too_many_requests(request, throttle.wait())
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def too_many_requests(request: HttpRequest, wait: float | None) -> HttpResponse:
    seconds = max(1, math.ceil(wait or 1))
    html = render_to_string("429.html", {"seconds": seconds}, request=request)
    response = HttpResponse(html, status=429)
    response["Retry-After"] = str(seconds)
    return response
