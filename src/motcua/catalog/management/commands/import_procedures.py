"""``motcua import_procedures FILE [--dry-run]``: import a procedure workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.catalog.excel import procedure_import
from motcua.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Import procedures from an Excel workbook: all of it, or nothing and every error."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx workbook")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )

    def handle(self, *args: Any, file: str, dry_run: bool, **options: Any) -> None:
        if not Path(file).is_file():
            raise CommandError(_("File not found: %(file)s") % {"file": file})
        try:
            result = procedure_import(actor="command:import_procedures", file=file, dry_run=dry_run)
        except ApplicationError as exc:
            for line in exc.extra.get("lines", []):
                self.stderr.write(line)
            raise CommandError(exc.message) from exc
        prefix = _("Dry run, nothing written: ") if dry_run else ""
        self.stdout.write(prefix + result.summary())
