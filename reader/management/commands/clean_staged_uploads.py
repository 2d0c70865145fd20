from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from reader.tasks import clean_staged_uploads, requeue_stalled


class Command(BaseCommand):
    help = (
        "Remove the uploads staged for a preview and never confirmed, older than "
        "STAGED_UPLOAD_MAX_AGE seconds (an hour by default), and queue again the readings whose "
        "worker stopped. The task workers do this too, when it is due; run it from cron as well."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = clean_staged_uploads()
        requeued = requeue_stalled()
        hours = settings.STAGED_UPLOAD_MAX_AGE / 3600
        self.stdout.write(
            f"{len(removed)} staged uploads older than {hours:g} h removed; "
            f"{len(requeued)} interrupted readings queued again."
        )
