"""``motcua calendar seed|confirm|check|show YEAR``: manage the working calendar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.errors import ApplicationError
from motcua.workdays.models import CalendarYear
from motcua.workdays.services import calendar_year_check, calendar_year_confirm, calendar_year_seed


class Command(BaseCommand):
    help = "Propose, confirm, check or show the working calendar of a year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["seed", "confirm", "check", "show"])
        parser.add_argument("year", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action, year = options["action"], options["year"]
        try:
            if action == "seed":
                seeded = calendar_year_seed(year=year, actor="motcua calendar")
                self.stdout.write(f"{seeded.year}: {seeded.entries.count()} draft entries")
            elif action == "confirm":
                calendar = CalendarYear.objects.filter(year=year).first()
                if calendar is None:
                    raise CommandError(f"No calendar for {year}", returncode=2)
                calendar_year_confirm(calendar_year=calendar, actor="motcua calendar")
                self.stdout.write(f"{year}: confirmed")
            elif action == "check":
                differences = calendar_year_check(year=year)
                for diff in differences:
                    self.stdout.write(
                        f"{diff.day:%d/%m/%Y}\tcalendar: {diff.in_calendar or '-'}\tstatutory: {diff.in_package or '-'}"
                    )
                if not differences:
                    self.stdout.write(f"{year}: no difference with the statutory proposal")
            else:
                calendar = CalendarYear.objects.filter(year=year).first()
                if calendar is None:
                    raise CommandError(f"No calendar for {year}", returncode=2)
                self.stdout.write(f"{calendar.year} ({calendar.get_status_display()})")
                for entry in calendar.entries.order_by("day"):
                    self.stdout.write(
                        f"{entry.day:%a %d/%m/%Y}\t{entry.kind}\t{entry.name}\t{entry.legal_basis}"
                    )
        except ApplicationError as exc:
            raise CommandError(exc.message, returncode=2) from exc
