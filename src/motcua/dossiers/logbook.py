"""The dossier log book (Sổ theo dõi hồ sơ, Mẫu 07 of TT 03/2025; Mẫu 06 before).

The book is kept in volumes (quyển), one per receiving desk, field of
procedures (lĩnh vực) and year (:class:`~motcua.dossiers.models.Logbook`).
A dossier takes the next entry number (số thứ tự) of its volume when it
is received, in the transaction of its intake (:func:`logbook_entry_take`),
and Form 01 prints the same "Quyển số …, Số thứ tự …".

An extract lists the dossiers received at a unit or anywhere below it on
the days ``[start, end]`` (local dates, Asia/Ho_Chi_Minh; at most one
year, :func:`logbook_period`), optionally for one field, volume by volume
and in entry order. An electronic log book replaces the paper one when it
keeps every column (DOMAIN.md §2.2). The appointment is the receipt's; the
new date promised by an apology (Mẫu 04) has its own column; "Ký nhận" is
left empty for the signature of whoever collects the result.

Reading is one query; the rows are plain frozen dataclasses so the PDF
(``printing``) and the spreadsheet (:func:`logbook_xlsx`) print the same
thing. Who may read and export, and the audit records, are in
:mod:`motcua.dossiers.logbook_exports`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from motcua.catalog.models import Field
from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.core.text import fold, nfc
from motcua.dossiers.models import Dossier, Logbook
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
    "Hẹn lại (văn bản xin lỗi)",
    "Trả kết quả",
    "Phương thức nhận kết quả",
    "Ký nhận",
)
"""The columns of the log book: the official form's, in its order, with the new date an
apology promised beside the receipt's appointment."""

VOLUME_HEADING = "Quyển số"
TITLE = "SỔ THEO DÕI HỒ SƠ"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
_WIDTHS = (30, 6, 24, 36, 24, 36, 26, 17, 17, 17, 17, 22, 22)
FIRST_YEAR, LAST_YEAR = 2000, 2100
"""The years a log book extract may cover."""


@dataclass(frozen=True)
class LogbookRow:
    """One line of the log book.

    ``number`` and ``volume`` are the entry number and the volume given at
    intake, as Form 01 prints them; ``appointment_at`` is the receipt's
    appointment, ``new_appointment_at`` the date an apology promised
    instead; ``returned_to`` who collected the result (the printed "Ký
    nhận" column stays empty for their signature).
    """

    number: int | None
    volume: str
    book_id: int | None
    desk_name: str
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
    new_appointment_at: datetime | None
    returned_at: datetime | None
    return_method: str
    return_method_label: str
    returned_to: str

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

    @property
    def sections(self) -> list[tuple[str, tuple[LogbookRow, ...]]]:
        """Return the rows volume by volume, each with its heading ("Quyển số: 2026 (lĩnh
        vực Hộ tịch)", and the desk when the extract covers several)."""
        several_desks = len({row.desk_name for row in self.rows}) > 1
        sections: list[tuple[str, list[LogbookRow]]] = []
        current: Any = object()
        for row in self.rows:
            if row.book_id != current:
                current = row.book_id
                heading = f"{VOLUME_HEADING}: {row.volume}" if row.volume else ""
                if several_desks:
                    heading = " - ".join(part for part in (heading, row.desk_name) if part)
                sections.append((heading, []))
            sections[-1][1].append(row)
        return [(heading, tuple(rows)) for heading, rows in sections]


def logbook_title(*, unit_name: str, field_name: str, start: date, end: date) -> str:
    """Return "<unit> - Lĩnh vực: <field> - Từ ngày 01/3/2026 đến ngày 31/3/2026"."""
    parts = [unit_name]
    if field_name:
        parts.append(f"Lĩnh vực: {field_name}")
    parts.append(f"Từ ngày {short_date(start)} đến ngày {short_date(end)}")
    return nfc(" - ".join(parts))


def volume_label(year: int, field_name: str) -> str:
    """Return the volume as printed after "Quyển số:": "2026 (lĩnh vực Hộ tịch)"."""
    return nfc(f"{year} (lĩnh vực {field_name})")


def logbook_entry_take(*, unit_id: int, field_id: int, year: int) -> tuple[int, int]:
    """Return the volume's id and the next entry number of a desk's field in a year.

    One atomic upsert, safe in parallel and inside the intake's transaction:
    its row lock is held to the commit, so two intakes of one volume take
    their numbers one after the other and a rolled-back intake gives its
    number back. Call it right after the dossier code's sequence (the same
    order everywhere, so no deadlock), from a service only.
    """
    table = Logbook._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (unit_id, field_id, year, last_number) "  # noqa: S608
            "VALUES (%s, %s, %s, 1) ON CONFLICT (unit_id, field_id, year) "
            f"DO UPDATE SET last_number = {table}.last_number + 1 RETURNING id, last_number",
            [unit_id, field_id, year],
        )
        row = cursor.fetchone()
    return int(row[0]), int(row[1])


def logbook_enter(dossier: Dossier, *, field_id: int) -> None:
    """Give a dossier being received its volume and entry number (the caller saves them)."""
    assert dossier.received_at is not None
    dossier.logbook_id, dossier.logbook_number = logbook_entry_take(
        unit_id=dossier.receiving_unit_id,
        field_id=field_id,
        year=timezone.localtime(dossier.received_at).year,
    )


def logbook_place(dossier: Dossier, *, blank: str = "") -> tuple[str, int | str]:
    """Return the volume label and entry number of ``dossier`` (``blank`` for each if none)."""
    if dossier.logbook_id is None or dossier.logbook_number is None:
        return blank, blank
    book = Logbook.objects.select_related("field").get(pk=dossier.logbook_id)
    return volume_label(book.year, book.field.name), dossier.logbook_number


def _period_error(name: str, message: str, code: str) -> ApplicationError:
    return ApplicationError(
        message, code=code, extra={"errors": [{"field": name, "message": message}]}
    )


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 3, 1)


def logbook_period(start: date | None, end: date | None) -> tuple[date, date]:
    """Return the period asked for: ``end`` defaults to today, ``start`` to the 1st of its month.

    Raise :class:`ApplicationError` naming the field (``start`` or ``end``)
    for a day outside 2000–2100 (``invalid_period``), an end before the
    start (``invalid_period``) or more than one year (``period_too_long``).
    The screen and the API share these limits.
    """
    last = end or clock.localdate()
    first = start or last.replace(day=1)
    for name, day in (("start", first), ("end", last)):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise _period_error(
                name,
                _("Choose a date between 2000 and 2100 (%(day)s is outside).")
                % {"day": f"{day:%d/%m/%Y}"},
                "invalid_period",
            )
    if last < first:
        raise _period_error(
            "end",
            _("The end of the period (%(end)s) is before its start (%(start)s).")
            % {"end": f"{last:%d/%m/%Y}", "start": f"{first:%d/%m/%Y}"},
            "invalid_period",
        )
    limit = _one_year_after(first) - timedelta(days=1)
    if last > limit:
        raise _period_error(
            "end",
            _(
                "The period is longer than one year: from %(start)s the log book runs "
                "at most to %(limit)s."
            )
            % {"start": f"{first:%d/%m/%Y}", "limit": f"{limit:%d/%m/%Y}"},
            "period_too_long",
        )
    return first, last


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    first = timezone.make_aware(datetime.combine(start, time.min), zone)
    after = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone)
    return first, after


def _received(unit: Unit, start: date, end: date, field: Field | None) -> Any:
    first, after = _bounds(start, end)
    dossiers = Dossier.objects.filter(
        receiving_unit__path__startswith=unit.path,
        received_at__gte=first,
        received_at__lt=after,
    )
    if field is not None:
        dossiers = dossiers.filter(procedure_version__field=field)
    return dossiers


def logbook_count(*, unit: Unit, start: date, end: date, field: Field | None = None) -> int:
    """Return how many rows :func:`logbook_rows` would give (one COUNT query)."""
    return int(_received(unit, start, end, field).count())


def logbook_rows(
    *, unit: Unit, start: date, end: date, field: Field | None = None
) -> list[LogbookRow]:
    """Return the log book rows of ``unit``'s subtree for ``[start, end]`` (one query).

    Volume by volume (desk, field, year), each in entry order.
    """
    dossiers = (
        _received(unit, start, end, field)
        .select_related(
            "procedure",
            "procedure_version",
            "agency__kind",
            "receiving_unit",
            "logbook__field",
        )
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
            "logbook_number",
            "procedure__code",
            "procedure_version__name",
            "agency__name",
            "agency__kind__is_administrative",
            "receiving_unit__name",
            "receiving_unit__path",
            "logbook__year",
            "logbook__field__name",
        )
        .order_by("received_at", "id")
    )
    keyed: list[tuple[tuple[Any, ...], LogbookRow]] = []
    for dossier in dossiers:
        assert dossier.received_at is not None
        book = dossier.logbook
        field_name = book.field.name if book is not None else ""
        # Sorted here, not in SQL: the databases' collations order Vietnamese differently.
        key = (
            dossier.receiving_unit.path,
            fold(field_name),
            field_name,
            book.year if book is not None else 0,
            dossier.logbook_id or 0,
            dossier.logbook_number or 0,
        )
        keyed.append(
            (
                key,
                LogbookRow(
                    number=dossier.logbook_number,
                    volume=volume_label(book.year, field_name) if book is not None else "",
                    book_id=dossier.logbook_id,
                    desk_name=dossier.receiving_unit.name,
                    dossier_id=dossier.pk,
                    code=dossier.code or "",
                    procedure_code=dossier.procedure.code,
                    procedure_name=dossier.procedure_version.name,
                    applicant_name=dossier.applicant_name,
                    address=dossier.applicant_address,
                    phone=dossier.applicant_phone,
                    agency_name=agency_name(dossier.agency),
                    received_at=dossier.received_at,
                    appointment_at=dossier.due_at,
                    new_appointment_at=dossier.extended_due_at,
                    returned_at=dossier.returned_at,
                    return_method=dossier.return_method,
                    return_method_label=RETURN_METHODS.get(dossier.return_method, ""),
                    returned_to=dossier.returned_to,
                ),
            )
        )
    keyed.sort(key=lambda item: item[0])  # stable: ties keep the order of intake
    return [row for _key, row in keyed]


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
    """Return the row's cells in :data:`HEADINGS` order (datetimes naive, local).

    "Ký nhận" is empty: it is where the person collecting the result signs.
    """
    return [
        row.number,
        row.code,
        row.procedure_name,
        row.applicant_name,
        row.contact,
        row.agency_name,
        _naive_local(row.received_at),
        _naive_local(row.appointment_at),
        _naive_local(row.new_appointment_at),
        _naive_local(row.returned_at),
        row.return_method_label,
        None,
    ]


def logbook_xlsx(rows: Iterable[LogbookRow], stream: IO[bytes], *, title: str) -> None:
    """Write the log book as an Excel sheet to ``stream``.

    Row 1 is "SỔ THEO DÕI HỒ SƠ", row 2 ``title`` (unit, field, period, see
    :func:`logbook_title`), row 4 the headings, then one row per dossier:
    its volume ("Quyển số", so that a sorted or filtered sheet keeps it),
    then the :data:`HEADINGS` columns. Times are real Excel date-times in
    local time.
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
    sheet.append([cell(heading, font=bold) for heading in (VOLUME_HEADING, *HEADINGS)])
    for row in rows:
        sheet.append(
            [
                cell(value, number_format=DATETIME_FORMAT if isinstance(value, datetime) else "")
                for value in (row.volume, *row_values(row))
            ]
        )
    book.save(stream)


__all__ = [
    "HEADINGS",
    "VOLUME_HEADING",
    "LogbookPage",
    "LogbookRow",
    "logbook_count",
    "logbook_enter",
    "logbook_entry_take",
    "logbook_page",
    "logbook_period",
    "logbook_place",
    "logbook_rows",
    "logbook_title",
    "logbook_xlsx",
    "row_values",
    "volume_label",
]
