"""Import the statistics office's list of administrative units.

The list (danh mục đơn vị hành chính, GSO) comes as CSV (UTF-8 with or
without BOM, comma or semicolon) or as an Excel workbook (.xlsx, first
sheet). Two layouts are understood, told apart by their columns:

- two-tier, from 01/7/2025: "Tỉnh / Thành Phố" (or "Tỉnh Thành Phố"),
  "Mã TP", "Phường Xã", "Mã PX", "Cấp";
- three-tier, before 2025: the same plus "Quận Huyện" and "Mã QH".

Headers match without regard to case, diacritics, spaces or slashes; a
"Tên Tiếng Anh" column and unknown columns are ignored. The header is the
first row, among the first ten, that names a known column; row numbers in
messages are the spreadsheet's. Codes that lost their leading zeros in a
spreadsheet (``1`` for Hà Nội's ``01``) are padded back to 2, 3 or 5 digits.

The province kind comes from its name ("Tỉnh …" or "Thành phố …"), the
district kind from its name ("Huyện", "Quận", "Thị xã", "Thành phố"), the
commune kind from "Cấp", matched against ``UnitKind.gso_levels``.

The whole file is checked first and every problem collected; then the
units are written through :mod:`motcua.org.services` in one transaction,
collecting the rule violations those report. If anything went wrong,
nothing is written and one :class:`ApplicationError` lists all the errors
in ``extra["errors"]``. A unit whose code and name match a unit valid on
``valid_from`` is reused (its spelling, kind and parent brought up to date),
so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import ApplicationError
from motcua.core.text import fold, nfc
from motcua.org.codes import UnitKindCode
from motcua.org.models import Unit, UnitKind, UnitTier
from motcua.org.selectors import valid_on_q
from motcua.org.services import Actor, format_day, unit_create, unit_update

MAX_FILE_BYTES = 20 * 1024 * 1024
HEADER_SEARCH_ROWS = 10

# Folded header (letters and digits only) → column key; None means ignored.
HEADERS: dict[str, str | None] = {
    "tinhthanhpho": "province_name",
    "matp": "province_code",
    "quanhuyen": "district_name",
    "maqh": "district_code",
    "phuongxa": "commune_name",
    "mapx": "commune_code",
    "cap": "level",
    "tentienganh": None,
}
LABELS = {
    "province_name": "Tỉnh / Thành Phố",
    "province_code": "Mã TP",
    "district_name": "Quận Huyện",
    "district_code": "Mã QH",
    "commune_name": "Phường Xã",
    "commune_code": "Mã PX",
    "level": "Cấp",
}
TWO_TIER = ("province_name", "province_code", "commune_name", "commune_code", "level")
THREE_TIER = (*TWO_TIER, "district_name", "district_code")
CODE_WIDTH = {"province_code": 2, "district_code": 3, "commune_code": 5}

# Name prefixes (folded) that tell the kind; Law 72/2025/QH15 and its
# predecessors name units "<kind> <proper name>".
PROVINCE_PREFIXES = (("thanh pho ", UnitKindCode.CENTRAL_CITY), ("tinh ", UnitKindCode.PROVINCE))
DISTRICT_PREFIXES = (
    ("thanh pho ", UnitKindCode.DISTRICT_CITY),
    ("thi xa ", UnitKindCode.TOWN),
    ("quan ", UnitKindCode.URBAN_DISTRICT),
    ("huyen ", UnitKindCode.DISTRICT),
)


@dataclass(frozen=True)
class RowError:
    """One problem of the file; ``row`` is None for the file as a whole."""

    row: int | None
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = _("Row %(row)s") % {"row": self.row} if self.row is not None else _("File")
        if self.column:
            where = _("%(where)s, column “%(column)s”") % {"where": where, "column": self.column}
        if self.value:
            where = _("%(where)s, value “%(value)s”") % {"where": where, "value": self.value}
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    layout: str
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False


@dataclass
class _Entity:
    """A province, district or commune as the file describes it."""

    level: str  # "province", "district" or "commune"
    code: str
    name: str
    row: int
    kind: UnitKind | None = None
    parent_code: str = ""
    rows: list[int] = field(default_factory=list)


@dataclass
class _Parsed:
    layout: str
    rows: int
    labels: dict[str, str]
    provinces: dict[str, _Entity]
    districts: dict[str, _Entity]
    communes: dict[str, _Entity]
    errors: list[RowError]


class _DryRun(Exception):
    pass


# --- reading -------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return nfc(str(value))


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ApplicationError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, [_cell_text(cell) for cell in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError(
            _(
                "The file is neither UTF-8 text nor an Excel workbook: "
                "save it as “CSV UTF-8” or .xlsx."
            )
        ) from exc
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(number, [nfc(cell) for cell in row]) for number, row in enumerate(reader, start=1)]


def read_table(data: bytes) -> list[tuple[int, list[str]]]:
    """Return the non-empty rows of a CSV or .xlsx file with their row numbers."""
    if len(data) > MAX_FILE_BYTES:
        raise ApplicationError(
            _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise ApplicationError(
            _("Old Excel files (.xls) are not supported: save the list as .xlsx or CSV.")
        )
    rows = _read_xlsx(data) if data[:4] == b"PK\x03\x04" else _read_csv(data)
    return [(number, cells) for number, cells in rows if any(cell.strip() for cell in cells)]


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


# --- checking ------------------------------------------------------------------------------------


def _kinds() -> tuple[dict[str, UnitKind], dict[str, UnitKind]]:
    """Return kinds by code and commune-tier kinds by folded "Cấp" value."""
    by_code = {kind.code: kind for kind in UnitKind.objects.all()}
    by_level: dict[str, UnitKind] = {}
    for kind in by_code.values():
        if kind.is_administrative and kind.tier == UnitTier.COMMUNE:
            for level in kind.gso_level_values():
                by_level.setdefault(fold(level), kind)
    return by_code, by_level


def _kind_from_name(
    name: str, prefixes: tuple[tuple[str, str], ...], kinds: dict[str, UnitKind]
) -> UnitKind | None:
    folded = fold(name) + " "
    for prefix, code in prefixes:
        if folded.startswith(prefix):
            return kinds.get(code)
    return None


def _parse(
    rows: list[tuple[int, list[str]]], *, valid_from: date, valid_to: date | None
) -> _Parsed:
    errors: list[RowError] = []
    header_at = next(
        (
            index
            for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS])
            if any(HEADERS.get(_header_key(cell)) for cell in cells)
        ),
        None,
    )
    if header_at is None:
        raise ApplicationError(
            _("No header row was found: the list needs the columns %(columns)s.")
            % {"columns": ", ".join(f"“{LABELS[key]}”" for key in TWO_TIER)}
        )
    header_row, header_cells = rows[header_at]
    columns: dict[str, int] = {}
    labels = dict(LABELS)
    for index, heading in enumerate(header_cells):
        key = HEADERS.get(_header_key(heading))
        if key is None:
            continue
        if key in columns:
            errors.append(RowError(header_row, heading, "", _("This column appears twice.")))
        columns[key] = index
        labels[key] = heading.strip()
    three_tier = "district_name" in columns or "district_code" in columns
    layout = "three_tier" if three_tier else "two_tier"
    for key in THREE_TIER if three_tier else TWO_TIER:
        if key not in columns:
            errors.append(
                RowError(
                    header_row,
                    LABELS[key],
                    "",
                    _("The column “%(column)s” is missing.") % {"column": LABELS[key]},
                )
            )
    data_rows = rows[header_at + 1 :]
    parsed = _Parsed(layout, len(data_rows), labels, {}, {}, {}, errors)
    if errors:
        return parsed
    if not data_rows:
        errors.append(RowError(None, "", "", _("The file has no rows of units.")))
        return parsed
    kinds, level_kinds = _kinds()

    def cell(cells: list[str], key: str) -> str:
        index = columns[key]
        return cells[index].strip() if index < len(cells) else ""

    def code(number: int, cells: list[str], key: str) -> str | None:
        value = cell(cells, key)
        width = CODE_WIDTH[key]
        if not value:
            message = _("The code is empty.")
        elif not value.isdigit() or not value.isascii():
            message = _("The code must contain digits only.")
        elif len(value) > width:
            message = _("The code has more than %(width)s digits.") % {"width": width}
        else:
            return value.zfill(width)
        errors.append(RowError(number, labels[key], value, message))
        return None

    def remember(
        table: dict[str, _Entity], entity: _Entity, name_key: str, code_key: str, parent_label: str
    ) -> None:
        known = table.get(entity.code)
        if known is None:
            table[entity.code] = entity
            return
        known.rows.append(entity.row)
        if entity.name and known.name and fold(entity.name) != fold(known.name):
            errors.append(
                RowError(
                    entity.row,
                    labels[name_key],
                    entity.name,
                    _("Code %(code)s is named “%(name)s” on row %(row)s.")
                    % {"code": entity.code, "name": known.name, "row": known.row},
                )
            )
        elif entity.name and not known.name:
            known.name, known.kind = entity.name, entity.kind
        if entity.parent_code and known.parent_code and entity.parent_code != known.parent_code:
            errors.append(
                RowError(
                    entity.row,
                    labels[code_key],
                    entity.code,
                    _("Code %(code)s is listed under %(parent)s %(parent_code)s on row %(row)s.")
                    % {
                        "code": entity.code,
                        "parent": parent_label,
                        "parent_code": known.parent_code,
                        "row": known.row,
                    },
                )
            )

    for number, cells in data_rows:
        province_code = code(number, cells, "province_code")
        province_name = cell(cells, "province_name")
        province_kind = None
        if province_name:
            province_kind = _kind_from_name(province_name, PROVINCE_PREFIXES, kinds)
            if province_kind is None:
                errors.append(
                    RowError(
                        number,
                        labels["province_name"],
                        province_name,
                        _(
                            "The name should start with “Tỉnh” or “Thành phố”, "
                            "which tells the kind of unit."
                        ),
                    )
                )
        if province_code is not None:
            remember(
                parsed.provinces,
                _Entity("province", province_code, province_name, number, province_kind),
                "province_name",
                "province_code",
                "",
            )
        parent_code = province_code
        if three_tier:
            district_code_raw = cell(cells, "district_code")
            district_name = cell(cells, "district_name")
            district_code = None
            if not district_code_raw and not district_name:
                errors.append(
                    RowError(
                        number,
                        labels["district_code"],
                        "",
                        _(
                            "A row of a three-tier list needs its district "
                            "(“Quận Huyện” and “Mã QH”)."
                        ),
                    )
                )
            else:
                district_code = code(number, cells, "district_code")
            district_kind = None
            if district_name:
                district_kind = _kind_from_name(district_name, DISTRICT_PREFIXES, kinds)
                if district_kind is None:
                    errors.append(
                        RowError(
                            number,
                            labels["district_name"],
                            district_name,
                            _(
                                "The name should start with “Huyện”, “Quận”, “Thị xã” "
                                "or “Thành phố”, which tells the kind of unit."
                            ),
                        )
                    )
            if district_code is not None:
                remember(
                    parsed.districts,
                    _Entity(
                        "district",
                        district_code,
                        district_name,
                        number,
                        district_kind,
                        province_code or "",
                    ),
                    "district_name",
                    "district_code",
                    labels["province_code"],
                )
            parent_code = district_code
        commune_code = code(number, cells, "commune_code")
        commune_name = cell(cells, "commune_name")
        if not commune_name:
            errors.append(RowError(number, labels["commune_name"], "", _("The name is empty.")))
        level = cell(cells, "level")
        commune_kind = level_kinds.get(fold(level)) if level else None
        if not level:
            errors.append(RowError(number, labels["level"], "", _("The level is empty.")))
        elif commune_kind is None:
            errors.append(
                RowError(
                    number,
                    labels["level"],
                    level,
                    _("Unknown level; expected one of: %(levels)s.")
                    % {"levels": ", ".join(sorted({k.name for k in level_kinds.values()}))},
                )
            )
        if commune_code is not None and commune_name:
            remember(
                parsed.communes,
                _Entity(
                    "commune", commune_code, commune_name, number, commune_kind, parent_code or ""
                ),
                "commune_name",
                "commune_code",
                labels["district_code" if three_tier else "province_code"],
            )

    # A parent named by code only must be known from another row or the database.
    for table, code_key in (
        (parsed.provinces, "province_code"),
        (parsed.districts, "district_code"),
    ):
        for entity in table.values():
            if entity.name:
                continue
            existing = (
                Unit.objects.filter(admin_code=entity.code, kind__is_administrative=True)
                .filter(valid_on_q(valid_from))
                .select_related("kind")
                .first()
            )
            if existing is None:
                errors.append(
                    RowError(
                        entity.row,
                        labels[code_key],
                        entity.code,
                        _(
                            "Code %(code)s is unknown: no row gives its name and no unit holds "
                            "this code on %(day)s."
                        )
                        % {"code": entity.code, "day": format_day(valid_from)},
                    )
                )
            else:
                entity.name, entity.kind = existing.name, existing.kind
    if valid_to is None:
        historical = sorted(
            {
                entity.kind.name
                for table in (parsed.provinces, parsed.districts, parsed.communes)
                for entity in table.values()
                if entity.kind is not None and entity.kind.is_historical
            }
        )
        if historical:
            errors.append(
                RowError(
                    None,
                    "",
                    "",
                    _(
                        "The list contains historical kinds of unit (%(kinds)s): give the date "
                        "until which it was valid."
                    )
                    % {"kinds": ", ".join(historical)},
                )
            )
    return parsed


# --- writing -------------------------------------------------------------------------------------


def _write(
    parsed: _Parsed,
    *,
    actor: Actor,
    valid_from: date,
    valid_to: date | None,
    result: ImportResult,
    skip: set[tuple[int | None, str]],
) -> list[RowError]:
    errors: list[RowError] = []
    labels = parsed.labels
    all_codes = [*parsed.provinces, *parsed.districts, *parsed.communes]
    holders: dict[str, Unit] = {}
    for unit in (
        Unit.objects.filter(admin_code__in=all_codes)
        .filter(valid_on_q(valid_from))
        .select_related("kind")
        .order_by("-valid_from")
    ):
        holders.setdefault(unit.admin_code, unit)
    placed: dict[tuple[str, str], Unit] = {}

    def place(
        entity: _Entity, parent: Unit | None, code_key: str, name_key: str, keep_parent: bool
    ) -> None:
        own_cells = {(entity.row, labels[code_key]), (entity.row, labels[name_key])}
        if entity.kind is None or not entity.name or own_cells & skip:
            return
        holder = holders.get(entity.code)
        try:
            if holder is not None:
                if fold(holder.name) != fold(entity.name):
                    errors.append(
                        RowError(
                            entity.row,
                            labels[name_key],
                            entity.name,
                            _(
                                "Code %(code)s belongs to “%(other)s” on %(day)s. If the code was "
                                "reused, end that unit first; otherwise correct the row."
                            )
                            % {
                                "code": entity.code,
                                "other": holder.name,
                                "day": format_day(valid_from),
                            },
                        )
                    )
                    return
                changes: dict[str, Any] = {}
                if holder.name != entity.name:
                    changes["name"] = entity.name
                if holder.kind_id != entity.kind.pk:
                    changes["kind"] = entity.kind
                if not keep_parent and holder.parent_id != (parent.pk if parent else None):
                    changes["parent"] = parent
                if valid_to is not None and holder.valid_to is None:
                    changes["valid_to"] = valid_to
                if changes:
                    holder = unit_update(actor=actor, unit=holder, data=changes)
                    result.updated += 1
                else:
                    result.unchanged += 1
                placed[(entity.level, entity.code)] = holder
            else:
                placed[(entity.level, entity.code)] = unit_create(
                    actor=actor,
                    name=entity.name,
                    kind=entity.kind,
                    parent=parent,
                    admin_code=entity.code,
                    valid_from=valid_from,
                    valid_to=valid_to,
                )
                result.created += 1
        except ApplicationError as exc:
            errors.append(RowError(entity.row, labels[code_key], entity.code, exc.message))

    for entity in parsed.provinces.values():
        place(entity, None, "province_code", "province_name", keep_parent=True)
    for entity in parsed.districts.values():
        province = placed.get(("province", entity.parent_code))
        if province is not None:
            place(entity, province, "district_code", "district_name", keep_parent=False)
    parent_level = "district" if parsed.layout == "three_tier" else "province"
    for entity in parsed.communes.values():
        parent = placed.get((parent_level, entity.parent_code))
        if parent is not None:
            place(entity, parent, "commune_code", "commune_name", keep_parent=False)
    return errors


def units_import(
    *,
    actor: Actor,
    data: bytes,
    valid_from: date,
    valid_to: date | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Create or update the units of a statistics-office list effective on ``valid_from``.

    ``valid_to``, for a list that is no longer in force, becomes the end
    date of every unit of the list that has none yet. Raise one
    ApplicationError carrying every error in ``extra["errors"]`` (dicts with
    ``row``, ``column``, ``value`` and ``message``) and write nothing when the
    file or any of its units is wrong; with ``dry_run`` check and count but
    write nothing either way.
    """
    try:
        if valid_to is not None and valid_to <= valid_from:
            raise ApplicationError(
                _("The end of validity (%(end)s) must be after its start (%(start)s).")
                % {"end": format_day(valid_to), "start": format_day(valid_from)}
            )
        parsed = _parse(read_table(data), valid_from=valid_from, valid_to=valid_to)
    except ApplicationError as exc:
        if not exc.extra.get("errors"):
            exc.extra["errors"] = [RowError(None, "", "", exc.message).as_dict()]
        raise
    errors = list(parsed.errors)
    result = ImportResult(layout=parsed.layout, rows=parsed.rows, dry_run=dry_run)
    if not any(error.row is None for error in errors):
        # Rows with errors are left out; the others are written to collect
        # the rules the services enforce, then rolled back if anything failed.
        skip = {(error.row, error.column) for error in errors}
        try:
            with transaction.atomic():
                errors.extend(
                    _write(
                        parsed,
                        actor=actor,
                        valid_from=valid_from,
                        valid_to=valid_to,
                        result=result,
                        skip=skip,
                    )
                )
                if errors or dry_run:
                    raise _DryRun
        except _DryRun:
            pass
    if errors:
        errors.sort(key=lambda error: (error.row is not None, error.row or 0))
        raise ApplicationError(
            _("The list has errors (%(count)s); nothing was imported.") % {"count": len(errors)},
            code="import_invalid",
            extra={"errors": [error.as_dict() for error in errors]},
        )
    return result
