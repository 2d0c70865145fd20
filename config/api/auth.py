"""Tokens for scripts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .throttles import ClientAddressThrottle


class TokenRequestSerializer(AuthTokenSerializer):
    # No account has a longer name: refused before authentication, so that django-axes never
    # tries to record a failure under a name longer than its column (255 characters).
    username = serializers.CharField(
        label=_("Username"), write_only=True, max_length=User._meta.get_field("username").max_length
    )


class TokenView(ObtainAuthToken):
    """Exchange a user name and password for a token, sent as `Authorization: Token …`.
    Throttled per client address (DRF leaves this view unthrottled); failed logins are limited per
    account and per address as on the login page (config.accounts)."""

    throttle_classes = [ClientAddressThrottle]
    parser_classes = APIView.parser_classes  # the API's, which refuse NUL characters
    serializer_class = TokenRequestSerializer

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _ = Token.objects.get_or_create(user=user)
        # A login like any other: it starts the count of failures again (django-axes) and
        # records the time of the last login.
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        return Response({"token": token.key})

    def get_serializer_context(self) -> dict[str, Any]:
        # Django's request, not DRF's wrapper: django-axes counts the failures on it, and its
        # middleware answers a lockout (config.accounts.locked_out).
        return {**super().get_serializer_context(), "request": self.request._request}
