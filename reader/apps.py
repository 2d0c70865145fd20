from __future__ import annotations

from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "reader"
    verbose_name = "Reader"

    def ready(self) -> None:
        from config.cache import cache_recovered

        from . import evidence, signals  # noqa: F401  (connects the receivers)
        from .caching import renew_stale

        cache_recovered.connect(renew_stale, dispatch_uid="reader.caching.renew_stale")
