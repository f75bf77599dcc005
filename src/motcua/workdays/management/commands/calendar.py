"""``motcua calendar seed|confirm|check|show|amend YEAR``: manage the working calendar.

``amend`` changes a confirmed year (docs/deadlines.md, "Amending a confirmed year"). It
prints the due dates of open dossiers that would move and saves nothing unless ``--apply``
is given::

    motcua calendar amend 2026 --basis "Nghị quyết …" --add 2026-11-24 holiday "Ngày Văn hóa Việt Nam"
    motcua calendar amend 2026 --shipped            # the days the project's table has and the year lacks
    motcua calendar amend 2026 --shipped --apply
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.core.errors import ApplicationError
from motcua.workdays.amendments import EntryChange
from motcua.workdays.core import DayKind
from motcua.workdays.models import CalendarYear
from motcua.workdays.services import (
    Amendment,
    calendar_amendment_apply,
    calendar_amendment_preview,
    calendar_year_check,
    calendar_year_confirm,
    calendar_year_seed,
    shipped_changes,
    unit_for_code,
)

ACTOR = "motcua calendar"


def _day(text: str) -> date:
    value = text.strip()
    try:
        if "/" in value:
            day, month, year = (int(part) for part in value.split("/"))
            return date(year, month, day)
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{text!r} is not a day; write 2026-11-24 or 24/11/2026", returncode=2
        ) from None


def _kind(text: str) -> str:
    try:
        return DayKind(text).value
    except ValueError:
        raise CommandError(
            f"Unknown kind of day {text!r}; use one of " + ", ".join(k.value for k in DayKind),
            returncode=2,
        ) from None


class Command(BaseCommand):
    help = "Propose, confirm, check, show or amend the working calendar of a year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["seed", "confirm", "check", "show", "amend"])
        parser.add_argument("year", type=int)
        amend = parser.add_argument_group("amend")
        amend.add_argument(
            "--add",
            nargs=3,
            action="append",
            default=[],
            metavar=("DAY", "KIND", "NAME"),
            help="Add or replace the entry of DAY (KIND: "
            + ", ".join(k.value for k in DayKind)
            + ")",
        )
        amend.add_argument(
            "--remove", action="append", default=[], metavar="DAY", help="Remove the entry of DAY"
        )
        amend.add_argument("--basis", default="", help="Legal basis of the amendment (required)")
        amend.add_argument(
            "--unit-code", default=None, help="Amend the entries of this unit, not the country's"
        )
        amend.add_argument(
            "--shipped",
            action="store_true",
            help="Add the days of the calendar the project ships that the stored year lacks",
        )
        amend.add_argument(
            "--apply", action="store_true", help="Save the amendment (default: only preview)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action, year = options["action"], options["year"]
        try:
            if action == "seed":
                seeded = calendar_year_seed(year=year, actor=ACTOR)
                self.stdout.write(f"{seeded.year}: {seeded.entries.count()} draft entries")
            elif action == "confirm":
                calendar_year_confirm(calendar_year=self._year(year), actor=ACTOR)
                self.stdout.write(f"{year}: confirmed")
            elif action == "check":
                differences = calendar_year_check(year=year)
                for diff in differences:
                    self.stdout.write(
                        f"{diff.day:%d/%m/%Y}\tcalendar: {diff.in_calendar or '-'}\tstatutory: {diff.in_package or '-'}"
                    )
                if not differences:
                    self.stdout.write(f"{year}: no difference with the statutory proposal")
            elif action == "amend":
                self._amend(self._year(year), options)
            else:
                calendar = self._year(year)
                self.stdout.write(f"{calendar.year} ({calendar.get_status_display()})")
                for entry in calendar.entries.order_by("day"):
                    self.stdout.write(
                        f"{entry.day:%a %d/%m/%Y}\t{entry.kind}\t{entry.name}\t{entry.legal_basis}"
                    )
        except ApplicationError as exc:
            raise CommandError(exc.message, returncode=2) from exc

    def _year(self, year: int) -> CalendarYear:
        calendar = CalendarYear.objects.filter(year=year).first()
        if calendar is None:
            raise CommandError(f"No calendar for {year}", returncode=2)
        return calendar

    def _amend(self, calendar: CalendarYear, options: dict[str, Any]) -> None:
        code = options["unit_code"]
        unit = unit_for_code(code) if code else None
        changes = [
            EntryChange(_day(day), _kind(kind), name, unit=unit)
            for day, kind, name in options["add"]
        ]
        changes += [EntryChange(_day(day), None, unit=unit) for day in options["remove"]]
        basis = options["basis"]
        if options["shipped"]:
            shipped = shipped_changes(calendar.year)
            if not shipped:
                self.stdout.write(f"{calendar.year}: the stored year has every shipped day")
                return
            changes += shipped
            basis = basis or "; ".join(dict.fromkeys(change.legal_basis for change in shipped))
        kwargs = {"calendar_year": calendar, "changes": changes, "legal_basis": basis}
        if options["apply"]:
            amendment = calendar_amendment_apply(**kwargs, actor=ACTOR)
        else:
            amendment = calendar_amendment_preview(**kwargs)
        self._report(amendment, saved=options["apply"])

    def _report(self, amendment: Amendment, *, saved: bool) -> None:
        for change in amendment.changes:
            what = change.kind or "remove"
            self.stdout.write(f"{change.day:%d/%m/%Y}\t{what}\t{change.name}")
        for move in amendment.moves:
            after = (
                f"{timezone.localtime(move.after):%H:%M %d/%m/%Y}" if move.after else move.problem
            )
            before = f"{timezone.localtime(move.before):%H:%M %d/%m/%Y}" if move.before else "-"
            self.stdout.write(
                f"{move.reference}\t{move.what}\t{before} -> {after}\t{move.signed_working_days}"
            )
        count = len(amendment.moves)
        if saved:
            self.stdout.write(f"{amendment.year}: amended; {count} due dates moved")
        else:
            self.stdout.write(
                f"{amendment.year}: preview only, nothing saved; {count} due dates would move "
                "(add --apply to save)"
            )
