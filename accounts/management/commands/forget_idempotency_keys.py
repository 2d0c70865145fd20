from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts.models import IdempotencyKey


class Command(BaseCommand):
    help = (
        "Remove the idempotency keys (and the answers kept with them) older than "
        "IDEMPOTENCY_KEY_SECONDS. Each user's are also removed when they next send a key; run "
        "this daily (cron) to remove the rest."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        removed, _ = IdempotencyKey.objects.expired().delete()
        self.stdout.write(f"{removed} expired idempotency keys removed.")
