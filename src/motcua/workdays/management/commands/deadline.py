"""``motcua deadline``: print D0 and the due instant of a time limit as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.errors import ApplicationError
from motcua.workdays.services import deadline_compute


class Command(BaseCommand):
    help = "Compute the due instant of a time limit by the project's deadline convention."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--received", required=True, help="Intake instant, e.g. 2026-02-13T09:00"
        )
        parser.add_argument("--amount", type=int, default=0, help="Number of days or hours")
        parser.add_argument(
            "--unit",
            required=True,
            choices=["working_days", "working_hours", "calendar_days", "same_day"],
        )
        parser.add_argument(
            "--unit-code", default=None, help="Administrative or electronic identifier code"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = deadline_compute(
                received=options["received"],
                amount=options["amount"],
                unit=options["unit"],
                unit_code=options["unit_code"],
            )
        except ApplicationError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
