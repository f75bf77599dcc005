"""``motcua import_units FILE --valid-from YYYY-MM-DD``: load a statistics-office list."""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.core.errors import ApplicationError
from motcua.core.spreadsheets import CellError
from motcua.org.importers import units_import


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(
            _("Expected a date as YYYY-MM-DD, got “%(value)s”.") % {"value": value}
        ) from exc


class Command(BaseCommand):
    help = (
        "Create or update administrative units from the statistics office's list (CSV or .xlsx). "
        "A bad file is rejected whole: every error is printed, one per line; nothing is written."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="CSV (UTF-8) or .xlsx file")
        parser.add_argument(
            "--valid-from", type=_day, required=True, help="effective date of the list"
        )
        parser.add_argument(
            "--valid-to", type=_day, default=None, help="for a list no longer in force"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count without writing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["file"]
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": source, "error": exc}
            ) from exc
        try:
            result = units_import(
                actor="import_units",
                data=data,
                valid_from=options["valid_from"],
                valid_to=options["valid_to"],
                dry_run=options["dry_run"],
            )
        except ApplicationError as exc:
            for error in exc.extra.get("errors", []):
                self.stderr.write(str(CellError(**error)))
            raise CommandError(exc.message) from exc
        summary = _("Created %(created)s, updated %(updated)s, unchanged %(unchanged)s units.") % {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        }
        if result.dry_run:
            summary = _("Check only, nothing was written. %(text)s") % {"text": summary}
        self.stdout.write(summary)
