"""``motcua export_procedures FILE``: write the catalogue to a workbook."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.catalog.excel import procedure_export


class Command(BaseCommand):
    help = "Export the procedures in force today and their later versions to an Excel workbook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx workbook to write")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            with open(file, "wb") as stream:
                count = procedure_export(stream=stream)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": file, "error": exc}
            ) from exc
        self.stdout.write(
            _("%(count)s procedure versions written to %(file)s.") % {"count": count, "file": file}
        )
