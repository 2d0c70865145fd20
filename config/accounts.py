"""Logging in and resetting a password. Who may use them: everyone.

Failed logins are counted by django-axes on every login that goes through Django's
`authenticate` (/accounts/login/, /admin/login/ and /api/auth/token/), per account and per
(account, client address) pair (the address the API's throttles count: with NUM_PROXIES unset,
the socket's): past AXES_FAILURE_LIMIT failures, logins for that account are refused, even with
the right password. Per address alone, across accounts, the limit is LOGIN_ADDRESS_FAILURE_LIMIT,
much higher: an office behind one NAT shares an address, and one user's typos (or someone who
knows a user name) must not lock out everyone there; guessing many accounts from one address is
still stopped (`LoginFailures`). A lockout lasts until AXES_COOLOFF_TIME has passed without a new
failure: `locked_out` says so, with the wait. `manage.py axes_reset_username NAME` (or
`axes_reset_ip ADDRESS`) lifts a lockout at once.

The password reset needs e-mail: without it (settings.PASSWORD_RESET off) its pages say that it is
not available, rather than fail to send.
"""

from __future__ import annotations

import math
from typing import Any, cast

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.throttling import BaseThrottle

from .api.errors import json_error
from .throttling import throttled


def client_address(request: HttpRequest) -> str | None:
    """The client's address, as the API's throttles take it (settings.NUM_PROXIES); None for a
    request that has none (a login made in code, as the tests' force_login)."""
    address = BaseThrottle().get_ident(cast(Any, request))  # it reads only request.META
    return str(address) if address else None


class LoginFailures(AxesDatabaseHandler):
    """Axes's database handler with a limit per client address of its own (AXES_HANDLER).

    The failures counted against AXES_FAILURE_LIMIT are the account's (AXES_LOCKOUT_PARAMETERS);
    an address with LOGIN_ADDRESS_FAILURE_LIMIT failures or more, whatever the accounts, counts
    as at the limit for every account. The address is kept out of AXES_LOCKOUT_PARAMETERS on
    purpose: Axes deletes the attempts matching any of them on a successful login, and bob's
    login would then wipe alice's failures from the same address."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        failures = int(super().get_failures(request, credentials))
        if self.address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(failures, int(get_failure_limit(request, credentials)))
        return failures

    def address_failures(self, request: Any) -> int:
        """The failures from the request's address in the cool-off, across accounts."""
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(
            ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
        )
        return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


def locked_out(
    request: HttpRequest, response: HttpResponseBase | None = None, credentials: Any = None
) -> HttpResponse:
    """The answer to a login refused for too many failures (AXES_LOCKOUT_CALLABLE): a 429 with
    Retry-After, in JSON under /api/, else the login page with the reason."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    minutes = max(1, math.ceil(seconds / 60))
    if request.path.startswith("/api/"):
        detail = _(
            "Too many failed logins for this account or from this address: "
            "try again in %(minutes)s minutes."
        ) % {"minutes": minutes}
        locked: HttpResponse = json_error(detail, 429)
    else:
        message = ngettext(
            "Too many failed logins for this account or from this address. "
            "Try again in %(minutes)d minute.",
            "Too many failed logins for this account or from this address. "
            "Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        context = {
            "form": AuthenticationForm(request),
            "locked_out": message,
            "next": request.POST.get("next", ""),
        }
        locked = render(request, "registration/login.html", context, status=429)
    locked["Retry-After"] = str(seconds)
    return locked


class ResetByEmail:
    """The password reset's pages, only when e-mail is configured (settings.PASSWORD_RESET)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not settings.PASSWORD_RESET:
            context = {"reason": _("Password reset by e-mail is not available on this site.")}
            return render(
                request, "registration/password_reset_unavailable.html", context, status=404
            )
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


@method_decorator(throttled("password_reset", methods=("POST",)), name="dispatch")
class PasswordResetView(ResetByEmail, auth_views.PasswordResetView):
    pass


class PasswordResetDoneView(ResetByEmail, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(ResetByEmail, auth_views.PasswordResetConfirmView):
    pass


class PasswordResetCompleteView(ResetByEmail, auth_views.PasswordResetCompleteView):
    pass


class LoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "password_reset": settings.PASSWORD_RESET}
