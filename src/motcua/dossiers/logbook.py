"""The dossier log book (Sổ theo dõi hồ sơ, Mẫu 07 of TT 03/2025; Mẫu 06 before).

One row per dossier received at a unit or anywhere below it on the days
``[start, end]`` (local dates, Asia/Ho_Chi_Minh), optionally for one
field of procedures, in the order of intake. An electronic log book
replaces the paper one when it keeps every column (DOMAIN.md §2.2); the
applicant's signature column shows who received the result.

Reading is one query; the rows are plain frozen dataclasses so the PDF
(``printing``) and the spreadsheet (:func:`logbook_xlsx`) print the same
thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from motcua.catalog.models import Field
from motcua.core.text import nfc
from motcua.dossiers.models import Dossier
from motcua.dossiers.printing.words import RETURN_METHODS, agency_name, short_date
from motcua.org.models import Unit

HEADINGS = (
    "STT",
    "Mã hồ sơ",
    "Tên TTHC",
    "Tên tổ chức, cá nhân",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Trả kết quả",
    "Phương thức nhận kết quả",
    "Ký nhận",
)
"""The columns of the log book, in the order of the official form."""

TITLE = "SỔ THEO DÕI HỒ SƠ"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
_WIDTHS = (6, 24, 36, 24, 36, 26, 17, 17, 17, 22, 22)


@dataclass(frozen=True)
class LogbookRow:
    """One line of the log book."""

    number: int
    dossier_id: int
    code: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    address: str
    phone: str
    agency_name: str
    received_at: datetime
    appointment_at: datetime | None
    returned_at: datetime | None
    return_method: str
    return_method_label: str
    signed_by: str

    @property
    def contact(self) -> str:
        """Return the address and phone as one cell ("…; ĐT: 0912345678")."""
        parts = [self.address] if self.address else []
        if self.phone:
            parts.append(f"ĐT: {self.phone}")
        return "; ".join(parts)


@dataclass(frozen=True)
class LogbookPage:
    """A printable extract of the log book: the unit, field, period and rows."""

    unit: Unit
    start: date
    end: date
    rows: tuple[LogbookRow, ...]
    field_name: str = ""

    @property
    def title(self) -> str:
        """Return the line under "SỔ THEO DÕI HỒ SƠ": unit, field and period."""
        return logbook_title(
            unit_name=self.unit.name, field_name=self.field_name, start=self.start, end=self.end
        )


def logbook_title(*, unit_name: str, field_name: str, start: date, end: date) -> str:
    """Return "<unit> - Lĩnh vực: <field> - Từ ngày 01/3/2026 đến ngày 31/3/2026"."""
    parts = [unit_name]
    if field_name:
        parts.append(f"Lĩnh vực: {field_name}")
    parts.append(f"Từ ngày {short_date(start)} đến ngày {short_date(end)}")
    return nfc(" - ".join(parts))


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    first = timezone.make_aware(datetime.combine(start, time.min), zone)
    after = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone)
    return first, after


def logbook_rows(
    *, unit: Unit, start: date, end: date, field: Field | None = None
) -> list[LogbookRow]:
    """Return the log book rows of ``unit``'s subtree for ``[start, end]`` (one query)."""
    first, after = _bounds(start, end)
    dossiers = (
        Dossier.objects.filter(
            receiving_unit__path__startswith=unit.path,
            received_at__gte=first,
            received_at__lt=after,
        )
        .select_related("procedure", "procedure_version", "agency__kind")
        .only(
            "id",
            "code",
            "applicant_name",
            "applicant_address",
            "applicant_phone",
            "received_at",
            "due_at",
            "extended_due_at",
            "returned_at",
            "return_method",
            "returned_to",
            "procedure__code",
            "procedure_version__name",
            "agency__name",
            "agency__kind__is_administrative",
        )
        .order_by("received_at", "id")
    )
    if field is not None:
        dossiers = dossiers.filter(procedure_version__field=field)
    rows: list[LogbookRow] = []
    for number, dossier in enumerate(dossiers, start=1):
        assert dossier.received_at is not None
        rows.append(
            LogbookRow(
                number=number,
                dossier_id=dossier.pk,
                code=dossier.code or "",
                procedure_code=dossier.procedure.code,
                procedure_name=dossier.procedure_version.name,
                applicant_name=dossier.applicant_name,
                address=dossier.applicant_address,
                phone=dossier.applicant_phone,
                agency_name=agency_name(dossier.agency),
                received_at=dossier.received_at,
                appointment_at=dossier.extended_due_at or dossier.due_at,
                returned_at=dossier.returned_at,
                return_method=dossier.return_method,
                return_method_label=RETURN_METHODS.get(dossier.return_method, ""),
                signed_by=dossier.returned_to,
            )
        )
    return rows


def logbook_page(*, unit: Unit, start: date, end: date, field: Field | None = None) -> LogbookPage:
    """Return the rows with the unit, field and period, ready to print."""
    return LogbookPage(
        unit=unit,
        start=start,
        end=end,
        rows=tuple(logbook_rows(unit=unit, start=start, end=end, field=field)),
        field_name=field.name if field is not None else "",
    )


def _naive_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None)


def row_values(row: LogbookRow) -> list[Any]:
    """Return the row's cells in :data:`HEADINGS` order (datetimes naive, local)."""
    return [
        row.number,
        row.code,
        row.procedure_name,
        row.applicant_name,
        row.contact,
        row.agency_name,
        _naive_local(row.received_at),
        _naive_local(row.appointment_at),
        _naive_local(row.returned_at),
        row.return_method_label,
        row.signed_by,
    ]


def logbook_xlsx(rows: Iterable[LogbookRow], stream: IO[bytes], *, title: str) -> None:
    """Write the log book as an Excel sheet to ``stream``.

    Row 1 is "SỔ THEO DÕI HỒ SƠ", row 2 ``title`` (unit, field, period, see
    :func:`logbook_title`), row 4 the headings, then one row per dossier.
    Times are real Excel date-times in local time.
    """
    book = Workbook(write_only=True)
    sheet: Any = book.create_sheet("Sổ theo dõi hồ sơ")
    for index, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    big = Font(bold=True, size=14)
    wrap = Alignment(wrap_text=True, vertical="top")

    def cell(value: Any, *, font: Font | None = None, number_format: str = "") -> WriteOnlyCell:
        item = WriteOnlyCell(sheet, value=nfc(value) if isinstance(value, str) else value)
        if isinstance(value, str):
            item.data_type = "s"  # text as typed: "=HYPERLINK(…)" from an applicant is no formula
        if font is not None:
            item.font = font
        if number_format:
            item.number_format = number_format
        item.alignment = wrap
        return item

    sheet.append([cell(TITLE, font=big)])
    sheet.append([cell(title, font=bold)])
    sheet.append([])
    sheet.append([cell(heading, font=bold) for heading in HEADINGS])
    for row in rows:
        sheet.append(
            [
                cell(value, number_format=DATETIME_FORMAT if isinstance(value, datetime) else "")
                for value in row_values(row)
            ]
        )
    book.save(stream)


__all__ = [
    "HEADINGS",
    "LogbookPage",
    "LogbookRow",
    "logbook_page",
    "logbook_rows",
    "logbook_title",
    "logbook_xlsx",
    "row_values",
]
