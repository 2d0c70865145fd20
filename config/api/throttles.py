"""Rate limits per user and per client address, counted in the configured cache (Redis in
production, so that the limits hold across worker processes). While the cache does not answer,
they count nothing and let requests through (config.cache)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class ClientAddressThrottle(AnonRateThrottle):
    scope = "anon"

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATES.get(self.scope)


class AccountThrottle(UserRateThrottle):
    scope = "user"

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATES.get(self.scope)
