"""Excel exports of the indices pages' tables (openpyxl)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from motcua.core.spreadsheets import text_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """Return an .xlsx with one sheet per (title, headers, rows): a bold header, then the rows.

    Written in openpyxl's write-only mode (rows streamed out, no cell objects
    kept), which is what a report of a province's hundreds of units costs least in.
    """
    book = Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title[:31])
        for index, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(
                12, min(60, len(str(header)) + 4)
            )
        sheet.append([_header(sheet, h) for h in headers])
        for row in rows:
            sheet.append([_cell(sheet, v) for v in row])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _header(sheet: Any, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"
    cell.font = Font(bold=True)
    return cell


def _cell(sheet: Any, value: Any) -> Any:
    """Decimals as numbers; names and codes as text, never as a formula."""
    if hasattr(value, "as_tuple"):
        return float(value)
    if isinstance(value, str):
        return text_cell(sheet, value)
    return value


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
