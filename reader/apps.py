from __future__ import annotations

from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "reader"
    verbose_name = "Reader"

    def ready(self) -> None:
        from . import evidence, signals  # noqa: F401  (connects the receivers)
