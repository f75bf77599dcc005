"""``motcua periodic [--loop SECONDS]``: alerts, closures, notification retries, old
log-book exports, audit checkpoint."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.core.audit import audit_checkpoint
from motcua.core.notifications import notifications_retry_due
from motcua.core.periodic import periodic_run_registered
from motcua.dossiers.jobs import dossiers_alert, dossiers_close_unsupplemented
from motcua.dossiers.logbook_exports import logbook_exports_clean


class Command(BaseCommand):
    help = "Run the scheduled jobs once, or every SECONDS with --loop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=int, default=0, help="Repeat every this many seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            alerts = dossiers_alert()
            closed = dossiers_close_unsupplemented()
            sent = notifications_retry_due()
            removed = logbook_exports_clean()
            others = periodic_run_registered()
            # Last, so the checkpoint covers the records the jobs above just wrote.
            checkpoint = audit_checkpoint()
            self.stdout.write(
                f"alerts: {alerts.due_soon} due soon, {alerts.overdue} overdue, {alerts.messages} messages; "
                f"closed: {len(closed)}; notifications sent: {sent}; "
                f"old log book exports removed: {removed}; "
                f"audit checkpoint: {checkpoint.streams if checkpoint else 'off'}"
                + "".join(f"; {line}" for line in others)
            )
            if not options["loop"]:
                return
            time.sleep(options["loop"])
