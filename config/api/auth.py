"""Tokens for scripts."""

from __future__ import annotations

from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.views import APIView

from .throttles import ClientAddressThrottle


class TokenView(ObtainAuthToken):
    """Exchange a user name and password for a token, sent as `Authorization: Token …`.
    Throttled per client address (DRF leaves this view unthrottled)."""

    throttle_classes = [ClientAddressThrottle]
    parser_classes = APIView.parser_classes  # the API's, which refuse NUL characters
