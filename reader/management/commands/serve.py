"""Serve the reader for development with its task worker beside it: the README's first command.

Reading a source's file is a task (reader.tasks); with the database backend (the default without
Redis) a `db_worker` process runs the tasks. This starts one, then Django's development server,
and stops the worker when the server stops, so that one command serves everything.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV


class Command(BaseCommand):
    help = (
        "Run the development server and, beside it, the worker that runs the tasks (reading a "
        "source's file) when they wait in the database (TASKS_BACKEND=database, the default)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = None
        # The autoreloader runs this command again in a child process: one worker is enough.
        if os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            worker = self._start_worker()
            # Stopped by a signal (Ctrl-C, or SIGTERM from a supervisor): stop the worker too.
            signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        try:
            call_command("runserver", options["addrport"])
        finally:
            if worker is not None:  # the worker and its autoreloader's child
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=10)

    def _start_worker(self) -> subprocess.Popen[bytes] | None:
        if settings.TASKS_BACKEND != "database":
            self.stdout.write(
                f"Tasks go to the {settings.TASKS_BACKEND} backend: start its worker yourself "
                "(README, Production)."
            )
            return None
        self.stdout.write("Starting the task worker (manage.py db_worker) …")
        manage = os.path.abspath(sys.argv[0])
        return subprocess.Popen(
            [sys.executable, manage, "db_worker", "--interval", "1"], start_new_session=True
        )
