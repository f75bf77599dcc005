"""Spreadsheet imports that are all or nothing, with every error named by sheet, row and column.

The catalogue importer (``catalog/excel.py``) and the unit importer
(``org/importers.py``) are built on this module; a new importer needs only
its columns and its own rules:

1. Read the file: :func:`read_workbook` gives every sheet of an .xlsx file
   (find one by its title with :func:`find_sheet`), :func:`read_table` the
   first sheet of an .xlsx file or a CSV file (UTF-8, comma or semicolon).
   A file that cannot be read raises :class:`ApplicationError` at once.
2. Describe the columns with :class:`Column` (key, Vietnamese header, kind,
   required, accepted choices and other spellings of the header).
3. :func:`match_header` finds the header row (the first of ``search_rows``
   rows that names a known column; headers match without accents, case,
   spaces or punctuation) and reports missing and repeated columns;
   :meth:`Header.require` asks for more columns once the layout is known.
4. :func:`typed_rows` turns the data rows into :class:`Row` objects with
   typed values, reporting every cell that is empty but required or cannot
   be read as its kind. Blank rows are skipped; row numbers are the
   spreadsheet's.
5. Check the importer's own rules, adding each problem to the one
   :class:`Problems` list: :meth:`Problems.at` for a cell of a row,
   :meth:`Problems.add` for anything else (``row=None``: the whole file).
6. :func:`write_all_or_nothing` runs the writes in one transaction and rolls
   them back for a dry run or when any problem was found, then raises one
   :class:`ApplicationError` whose ``extra["errors"]`` lists every
   :class:`CellError` as a dict and ``extra["lines"]`` the same as
   Vietnamese sentences ("Trang “Thủ tục”, dòng 3, cột A (Mã thủ tục): …").

Column kinds: ``text`` (NFC string), ``code`` (string; a number keeps six
decimals, for codes such as 2.000635 that Excel turned into numbers),
``int``, ``money`` (whole đồng; "1.500.000", "1,500,000 đ", "Miễn phí"),
``decimal``, ``date`` (a date cell or dd/mm/yyyy), ``bool`` ("Có"/"Không")
and ``choice`` (``Column.choices`` maps each stored value to its spellings,
the first being the one written by an export).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from motcua.core.errors import ApplicationError
from motcua.core.text import fold, nfc

T = TypeVar("T")

MAX_FILE_BYTES = 20 * 1024 * 1024

# A stored value → its spellings in a workbook, the first being the one written.
Choices = dict[Any, tuple[str, ...]]
YES_NO: Choices = {True: ("Có", "x", "yes", "true", "1"), False: ("Không", "no", "false", "0")}


def choice_lookup(table: Choices) -> dict[str, Any]:
    """Return the stored value for each folded spelling (and each stored string value)."""
    found: dict[str, Any] = {}
    for value, spellings in table.items():
        if isinstance(value, str):
            found[value] = value
        for spelling in spellings:
            found[fold(spelling)] = value
    return found


def shown(table: Choices, value: Any) -> str:
    """Return the workbook spelling of a stored choice value."""
    return table[value][0]


def header_key(text: str) -> str:
    """Return a header as matched: folded, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


@dataclass(frozen=True)
class Column:
    """A column of an imported sheet.

    ``header`` is the Vietnamese header an export writes and the messages
    name; ``aliases`` are other headers accepted for it; ``width`` is the
    width an export gives it. A ``required`` column must be in the header
    and its cells filled in, unless ``allow_blank`` leaves empty cells to
    the importer's own rules.
    """

    key: str
    header: str
    kind: str = "text"  # text, code, int, money, decimal, date, bool, choice
    required: bool = True
    choices: Choices | None = None
    width: int = 14
    aliases: tuple[str, ...] = ()
    allow_blank: bool = False


# --- errors ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    """One problem of an imported file.

    ``sheet`` is empty for a CSV file, ``row`` None for the file as a whole,
    ``column`` the column's letter (empty when no cell is at fault),
    ``header`` the column's header, ``value`` the cell's text when the
    message does not quote it already.
    """

    sheet: str
    row: int | None
    column: str
    header: str
    message: str
    value: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        if self.sheet and self.row is not None:
            where = _("Sheet “%(sheet)s”, row %(row)s") % {"sheet": self.sheet, "row": self.row}
        elif self.sheet:
            where = _("Sheet “%(sheet)s”") % {"sheet": self.sheet}
        elif self.row is not None:
            where = _("Row %(row)s") % {"row": self.row}
        else:
            where = _("File")
        if self.column and not self.header:
            where += _(", column %(column)s") % {"column": self.column}
        elif self.column:
            where += _(", column %(column)s (%(header)s)") % {
                "column": self.column,
                "header": self.header,
            }
        elif self.header:
            where += _(", column “%(header)s”") % {"header": self.header}
        if self.value:
            where += _(", value “%(value)s”") % {"value": self.value}
        return f"{where}: {self.message}"


@dataclass
class Row:
    """A data row read by :func:`typed_rows`; ``ok`` turns False at its first error."""

    sheet: str
    number: int
    values: dict[str, Any]
    letters: dict[str, str]
    headers: dict[str, str]
    ok: bool = True


class Problems:
    """Every problem found in one import, in the order of ``sheets`` when sorted."""

    def __init__(self, sheets: Sequence[str] = ()) -> None:
        self.sheets = tuple(sheets)
        self.errors: list[CellError] = []
        self._flagged: set[tuple[str, int, str]] = set()

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __len__(self) -> int:
        return len(self.errors)

    def add(
        self,
        message: str,
        *,
        sheet: str = "",
        row: int | None = None,
        column: str = "",
        header: str = "",
        value: str = "",
    ) -> None:
        """Record a problem; without ``row`` it concerns the whole file (or sheet)."""
        self.errors.append(CellError(sheet, row, column, header, message, value))

    def at(self, row: Row, key: str, message: str, *, value: str = "") -> None:
        """Record a problem of the cell of column ``key``; a cell keeps its first problem."""
        if (row.sheet, row.number, key) in self._flagged:
            return
        self._flagged.add((row.sheet, row.number, key))
        row.ok = False
        self.add(
            message,
            sheet=row.sheet,
            row=row.number,
            column=row.letters.get(key, ""),
            header=row.headers.get(key, ""),
            value=value,
        )

    def flagged(self, row: Row, key: str) -> bool:
        """Return whether the cell of column ``key`` of ``row`` has a problem."""
        return (row.sheet, row.number, key) in self._flagged

    def sorted(self) -> list[CellError]:
        """Return the problems by sheet, then the file's own first, then row and column."""
        order = {title: i for i, title in enumerate(self.sheets)}

        def key(error: CellError) -> tuple[int, bool, int, int]:
            column = column_index_from_string(error.column) if error.column else 0
            return (
                order.get(error.sheet, len(order)),
                error.row is not None,
                error.row or 0,
                column,
            )

        return sorted(self.errors, key=key)

    def failure(self, message: str, *, code: str) -> ApplicationError:
        """Return the error to raise: ``message`` may use ``%(count)s``."""
        errors = self.sorted()
        return ApplicationError(
            message % {"count": len(errors)},
            code=code,
            extra={"errors": [e.as_dict() for e in errors], "lines": [str(e) for e in errors]},
        )


def file_error(message: str, *, code: str = "invalid_file") -> ApplicationError:
    """Return the error for a file that cannot be read at all (one error, ``row`` None)."""
    error = CellError("", None, "", "", message)
    return ApplicationError(
        message, code=code, extra={"errors": [error.as_dict()], "lines": [str(error)]}
    )


# --- reading ---------------------------------------------------------------------------


@dataclass
class Table:
    """The non-blank rows of one sheet, each with its spreadsheet row number."""

    name: str
    rows: list[tuple[int, tuple[Any, ...]]]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(name: str, lines: Iterable[Sequence[Any]]) -> Table:
    rows = [
        (number, tuple(line))
        for number, line in enumerate(lines, start=1)
        if not all(_blank(v) for v in line)
    ]
    return Table(name, rows)


def _unreadable_workbook(exc: Exception) -> ApplicationError:
    error = file_error(
        _("The file is not an Excel workbook (.xlsx) that can be read."), code="invalid_workbook"
    )
    error.__cause__ = exc
    return error


def _check_size(data: bytes) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise file_error(
            _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise file_error(_("Old Excel files (.xls) are not supported: save the file as .xlsx."))


def read_workbook(file: IO[bytes] | str | bytes, *, first_only: bool = False) -> list[Table]:
    """Return the sheets of an .xlsx file (values, not formulas), in their order."""
    if isinstance(file, bytes):
        _check_size(file)
        file = io.BytesIO(file)
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _unreadable_workbook(exc) from exc
    try:
        sheets = wb.worksheets[:1] if first_only else wb.worksheets
        return [_table(ws.title, ws.iter_rows(values_only=True)) for ws in sheets]
    finally:
        wb.close()


def find_sheet(tables: Iterable[Table], title: str) -> Table | None:
    """Return the sheet named ``title``, matched without accents or case."""
    wanted = fold(title)
    return next((t for t in tables if fold(t.name) == wanted), None)


def read_table(data: bytes) -> Table:
    """Return the first sheet of an .xlsx file, or the rows of a CSV file (sheet name "")."""
    _check_size(data)
    if data[:4] == b"PK\x03\x04":
        return read_workbook(data, first_only=True)[0]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise file_error(
            _(
                "The file is neither UTF-8 text nor an Excel workbook: "
                "save it as “CSV UTF-8” or .xlsx."
            )
        ) from exc
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _table("", ([nfc(cell) for cell in line] for line in reader))


@dataclass
class Header:
    """Where the columns of a sheet are: ``positions`` are 0-based, ``letters`` A, B, …"""

    sheet: str
    row: int
    positions: dict[str, int]
    letters: dict[str, str]
    headers: dict[str, str]
    columns: tuple[Column, ...]

    def require(self, keys: Iterable[str], problems: Problems) -> bool:
        """Report each of ``keys`` that has no column; return whether all are there."""
        ok = True
        by_key = {c.key: c for c in self.columns}
        for key in keys:
            if key not in self.positions:
                ok = False
                header = by_key[key].header
                problems.add(
                    _("The column “%(header)s” is missing.") % {"header": header},
                    sheet=self.sheet,
                    row=self.row,
                    header=header,
                )
        return ok


def match_header(
    table: Table, columns: Sequence[Column], problems: Problems, *, search_rows: int = 1
) -> Header | None:
    """Find the header among the first ``search_rows`` rows and check its columns.

    Report a missing required column or a repeated one; return None when
    there is no header or a column is wrong, so that no row is read.
    """
    wanted: dict[str, Column] = {}
    for column in columns:
        for text in (column.header, *column.aliases):
            wanted[header_key(text)] = column

    def known(value: Any) -> Column | None:
        return wanted.get(header_key(str(value))) if not _blank(value) else None

    found = next(
        (
            (number, cells)
            for number, cells in table.rows[:search_rows]
            if any(known(value) for value in cells)
        ),
        None,
    )
    if found is None:
        needed = [c for c in columns if c.required] or list(columns)
        problems.add(
            _("No header row was found: the columns %(columns)s are needed.")
            % {"columns": ", ".join(f"“{c.header}”" for c in needed)},
            sheet=table.name,
        )
        return None
    number, cells = found
    positions: dict[str, int] = {}
    ok = True
    for index, value in enumerate(cells):
        match = known(value)
        if match is None:
            continue
        if match.key in positions:
            ok = False
            problems.add(
                _("This column appears twice."),
                sheet=table.name,
                row=number,
                column=get_column_letter(index + 1),
                header=match.header,
            )
            continue
        positions[match.key] = index
    header = Header(
        sheet=table.name,
        row=number,
        positions=positions,
        letters={key: get_column_letter(index + 1) for key, index in positions.items()},
        headers={c.key: c.header for c in columns},
        columns=tuple(columns),
    )
    ok = header.require([c.key for c in columns if c.required], problems) and ok
    return header if ok else None


def typed_rows(table: Table, header: Header, problems: Problems) -> Iterator[Row]:
    """Yield the rows below the header with typed values; report every bad cell."""
    for number, line in table.rows:
        if number <= header.row:
            continue
        cells = {
            key: (line[index] if index < len(line) else None)
            for key, index in header.positions.items()
        }
        if all(_blank(v) for v in cells.values()):
            continue
        row = Row(header.sheet, number, {}, header.letters, header.headers)
        for column in header.columns:
            row.values[column.key] = _convert(row, column, cells.get(column.key), problems)
        yield row


def _convert(row: Row, column: Column, raw: Any, problems: Problems) -> Any:
    if _blank(raw):
        if column.required and not column.allow_blank:
            problems.at(row, column.key, _("This cell is empty."))
        return "" if column.kind in ("text", "code") else None
    try:
        return CONVERTERS[column.kind](raw, column)
    except ValueError as exc:
        problems.at(row, column.key, str(exc))
        return None


# --- converters: each returns the typed value or raises ValueError with the message ------


def to_text(raw: Any, column: Column) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime | date):
        raw = raw.strftime("%d/%m/%Y")
    return nfc(str(raw))


def to_code(raw: Any, column: Column) -> str:
    # Excel turns 2.000635 typed in a general cell into a number; keep six decimals.
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return f"{raw:.6f}"
    return nfc(str(raw))


def to_int(raw: Any, column: Column) -> int:
    if isinstance(raw, bool):
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": raw})
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    text = str(raw).strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    raise ValueError(_("“%(value)s” is not a whole number.") % {"value": raw})


def to_money(raw: Any, column: Column) -> int:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if isinstance(raw, float) and not raw.is_integer():
            raise ValueError(
                _("An amount is a whole number of đồng; “%(value)s” is not.") % {"value": raw}
            )
        return int(raw)
    text = fold(str(raw))
    if text in ("mien phi", "khong"):
        return 0
    text = re.sub(r"\s*(dong|d|vnd)$", "", text).replace(" ", "")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        return int(text.replace(".", ""))
    if re.fullmatch(r"\d{1,3}(,\d{3})+", text):
        return int(text.replace(",", ""))
    raise ValueError(_("An amount is a whole number of đồng; “%(value)s” is not.") % {"value": raw})


def to_decimal(raw: Any, column: Column) -> Decimal:
    if isinstance(raw, bool):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": raw})
    try:
        if isinstance(raw, float):
            return Decimal(repr(raw))
        if isinstance(raw, int):
            return Decimal(raw)
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": raw}) from None
    if not value.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": raw})
    return value


def to_date(raw: Any, column: Column) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date; write it as 31/12/2026.") % {"value": raw})


def to_bool(raw: Any, column: Column) -> bool:
    if isinstance(raw, bool):
        return raw
    value = choice_lookup(YES_NO).get(fold(str(raw)))
    if value is None:
        raise ValueError(_("Write “Có” or “Không”, not “%(value)s”.") % {"value": raw})
    return bool(value)


def to_choice(raw: Any, column: Column) -> str:
    if column.choices is None:
        raise TypeError(f"column {column.key} of kind choice has no choices")
    value = choice_lookup(column.choices).get(fold(str(raw)))
    if value is None:
        allowed = ", ".join(f"“{spellings[0]}”" for spellings in column.choices.values())
        raise ValueError(
            _("“%(value)s” is not a value of this column; use one of %(allowed)s.")
            % {"value": raw, "allowed": allowed}
        )
    return str(value)


CONVERTERS: dict[str, Callable[[Any, Column], Any]] = {
    "text": to_text,
    "code": to_code,
    "int": to_int,
    "money": to_money,
    "decimal": to_decimal,
    "date": to_date,
    "bool": to_bool,
    "choice": to_choice,
}


# --- writing ---------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def write_all_or_nothing(
    write: Callable[[], T],
    *,
    problems: Problems,
    dry_run: bool,
    message: str,
    code: str,
    despite_problems: bool = False,
) -> T:
    """Run ``write`` in one transaction; keep its writes only if nothing is wrong.

    With problems already found, raise at once, or with ``despite_problems``
    still run ``write`` (it should skip the rows at fault) so that the
    problems the services find are listed too. The writes are rolled back
    for a dry run, whose result then tells exactly what an import would do,
    and whenever ``problems`` is not empty afterwards; then one
    ApplicationError (see :meth:`Problems.failure`) lists them all.
    """
    if problems and not despite_problems:
        raise problems.failure(message, code=code)
    try:
        with transaction.atomic():
            result = write()
            if problems or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    if problems:
        raise problems.failure(message, code=code)
    return result


# --- exporting -------------------------------------------------------------------------


def header_cells(ws: Any, columns: Iterable[Column]) -> list[WriteOnlyCell]:
    """Return the bold header cells of ``columns`` for a write-only sheet."""
    cells = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def text_cell(ws: Any, value: str) -> WriteOnlyCell | str:
    """Return ``value`` so that Excel shows it as text, never as a formula."""
    if not value.startswith(("=", "+", "-", "@")):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def date_cell(ws: Any, day: date) -> WriteOnlyCell:
    """Return a cell that shows ``day`` as dd/mm/yyyy."""
    cell = WriteOnlyCell(ws, value=day)
    cell.number_format = "DD/MM/YYYY"
    return cell


def add_sheet(wb: Any, title: str, columns: Sequence[Column]) -> Any:
    """Add a write-only sheet with the columns' widths, a frozen bold header row."""
    ws = wb.create_sheet(title)
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "A2"
    ws.append(header_cells(ws, columns))
    return ws
