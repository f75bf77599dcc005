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

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from motcua.core.errors import ApplicationError
from motcua.core.spreadsheets import (
    Column,
    Header,
    Problems,
    Row,
    Table,
    match_header,
    read_table,
    typed_rows,
    write_all_or_nothing,
)
from motcua.core.text import fold
from motcua.org.codes import UnitKindCode
from motcua.org.models import Unit, UnitKind, UnitTier
from motcua.org.selectors import valid_on_q
from motcua.org.services import Actor, format_day, unit_create, unit_update

HEADER_SEARCH_ROWS = 10

# Headers match without case, diacritics, spaces or slashes ("Tỉnh Thành Phố").
COLUMNS = tuple(
    Column(key, header, required=key not in ("district_name", "district_code"), allow_blank=True)
    for key, header in (
        ("province_name", "Tỉnh / Thành Phố"),
        ("province_code", "Mã TP"),
        ("district_name", "Quận Huyện"),
        ("district_code", "Mã QH"),
        ("commune_name", "Phường Xã"),
        ("commune_code", "Mã PX"),
        ("level", "Cấp"),
    )
)
DISTRICT_KEYS = ("district_name", "district_code")
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
    header: Header
    provinces: dict[str, _Entity] = field(default_factory=dict)
    districts: dict[str, _Entity] = field(default_factory=dict)
    communes: dict[str, _Entity] = field(default_factory=dict)


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


class _Checker:
    """Read the rows of a list into provinces, districts and communes, one rule a method."""

    def __init__(
        self, parsed: _Parsed, problems: Problems, *, valid_from: date, valid_to: date | None
    ) -> None:
        self.parsed = parsed
        self.header = parsed.header
        self.problems = problems
        self.valid_from = valid_from
        self.valid_to = valid_to
        self.three_tier = parsed.layout == "three_tier"
        self.kinds, self.level_kinds = _kinds()

    def error(self, number: int | None, key: str, value: str, message: str) -> None:
        self.problems.add(
            message,
            sheet=self.header.sheet,
            row=number,
            column=self.header.letters.get(key, ""),
            header=self.header.headers.get(key, ""),
            value=value,
        )

    def code(self, row: Row, key: str) -> str | None:
        """Return the code of column ``key`` padded to its width, or None if it is wrong."""
        value: str = row.values[key]
        width = CODE_WIDTH[key]
        if not value:
            message = _("The code is empty.")
        elif not value.isdigit() or not value.isascii():
            message = _("The code must contain digits only.")
        elif len(value) > width:
            message = _("The code has more than %(width)s digits.") % {"width": width}
        else:
            return value.zfill(width)
        self.error(row.number, key, value, message)
        return None

    def kind_from_name(
        self, row: Row, key: str, prefixes: tuple[tuple[str, str], ...], message: str
    ) -> UnitKind | None:
        """Return the kind that the name of column ``key`` starts with (None if empty)."""
        name: str = row.values[key]
        if not name:
            return None
        kind = _kind_from_name(name, prefixes, self.kinds)
        if kind is None:
            self.error(row.number, key, name, message)
        return kind

    def remember(
        self,
        table: dict[str, _Entity],
        entity: _Entity,
        keys: tuple[str, str],
        parent_key: str = "",
    ) -> None:
        """Keep ``entity``, or check that it agrees with the row that named its code first.

        ``keys`` are its name and code columns, ``parent_key`` its parent's code column.
        """
        name_key, code_key = keys
        known = table.get(entity.code)
        if known is None:
            table[entity.code] = entity
            return
        known.rows.append(entity.row)
        if entity.name and known.name and fold(entity.name) != fold(known.name):
            self.error(
                entity.row,
                name_key,
                entity.name,
                _("Code %(code)s is named “%(name)s” on row %(row)s.")
                % {"code": entity.code, "name": known.name, "row": known.row},
            )
        elif entity.name and not known.name:
            known.name, known.kind = entity.name, entity.kind
        if entity.parent_code and known.parent_code and entity.parent_code != known.parent_code:
            self.error(
                entity.row,
                code_key,
                entity.code,
                _("Code %(code)s is listed under %(parent)s %(parent_code)s on row %(row)s.")
                % {
                    "code": entity.code,
                    "parent": self.header.headers.get(parent_key, ""),
                    "parent_code": known.parent_code,
                    "row": known.row,
                },
            )

    def province(self, row: Row) -> str | None:
        code = self.code(row, "province_code")
        kind = self.kind_from_name(
            row,
            "province_name",
            PROVINCE_PREFIXES,
            _("The name should start with “Tỉnh” or “Thành phố”, which tells the kind of unit."),
        )
        if code is not None:
            entity = _Entity("province", code, row.values["province_name"], row.number, kind)
            self.remember(self.parsed.provinces, entity, ("province_name", "province_code"))
        return code

    def district(self, row: Row, province_code: str | None) -> str | None:
        name: str = row.values["district_name"]
        if not row.values["district_code"] and not name:
            self.error(
                row.number,
                "district_code",
                "",
                _("A row of a three-tier list needs its district (“Quận Huyện” and “Mã QH”)."),
            )
            code = None
        else:
            code = self.code(row, "district_code")
        kind = self.kind_from_name(
            row,
            "district_name",
            DISTRICT_PREFIXES,
            _(
                "The name should start with “Huyện”, “Quận”, “Thị xã” "
                "or “Thành phố”, which tells the kind of unit."
            ),
        )
        if code is not None:
            entity = _Entity("district", code, name, row.number, kind, province_code or "")
            self.remember(
                self.parsed.districts, entity, ("district_name", "district_code"), "province_code"
            )
        return code

    def commune_kind(self, row: Row) -> UnitKind | None:
        level: str = row.values["level"]
        if not level:
            self.error(row.number, "level", "", _("The level is empty."))
            return None
        kind = self.level_kinds.get(fold(level))
        if kind is None:
            self.error(
                row.number,
                "level",
                level,
                _("Unknown level; expected one of: %(levels)s.")
                % {"levels": ", ".join(sorted({k.name for k in self.level_kinds.values()}))},
            )
        return kind

    def commune(self, row: Row, parent_code: str | None) -> None:
        code = self.code(row, "commune_code")
        name: str = row.values["commune_name"]
        if not name:
            self.error(row.number, "commune_name", "", _("The name is empty."))
        kind = self.commune_kind(row)
        if code is not None and name:
            entity = _Entity("commune", code, name, row.number, kind, parent_code or "")
            parent_key = "district_code" if self.three_tier else "province_code"
            self.remember(
                self.parsed.communes, entity, ("commune_name", "commune_code"), parent_key
            )

    def row(self, row: Row) -> None:
        parent_code = self.province(row)
        if self.three_tier:
            parent_code = self.district(row, parent_code)
        self.commune(row, parent_code)

    def parents_named_by_code(self) -> None:
        """A parent named by code only must be known from another row or the database."""
        for table, code_key in (
            (self.parsed.provinces, "province_code"),
            (self.parsed.districts, "district_code"),
        ):
            for entity in table.values():
                if entity.name:
                    continue
                existing = (
                    Unit.objects.filter(admin_code=entity.code, kind__is_administrative=True)
                    .filter(valid_on_q(self.valid_from))
                    .select_related("kind")
                    .first()
                )
                if existing is None:
                    self.error(
                        entity.row,
                        code_key,
                        entity.code,
                        _(
                            "Code %(code)s is unknown: no row gives its name and no unit holds "
                            "this code on %(day)s."
                        )
                        % {"code": entity.code, "day": format_day(self.valid_from)},
                    )
                else:
                    entity.name, entity.kind = existing.name, existing.kind

    def historical_kinds_need_an_end(self) -> None:
        """A list holding historical kinds of unit needs ``valid_to``."""
        if self.valid_to is not None:
            return
        historical = sorted(
            {
                entity.kind.name
                for table in (self.parsed.provinces, self.parsed.districts, self.parsed.communes)
                for entity in table.values()
                if entity.kind is not None and entity.kind.is_historical
            }
        )
        if historical:
            self.error(
                None,
                "",
                "",
                _(
                    "The list contains historical kinds of unit (%(kinds)s): give the date "
                    "until which it was valid."
                )
                % {"kinds": ", ".join(historical)},
            )


def _parse(
    table: Table, problems: Problems, *, valid_from: date, valid_to: date | None
) -> _Checker | None:
    """Read and check the list; return None when its header or layout is wrong."""
    header = match_header(table, COLUMNS, problems, search_rows=HEADER_SEARCH_ROWS)
    if header is None:
        return None
    three_tier = any(key in header.positions for key in DISTRICT_KEYS)
    if three_tier and not header.require(DISTRICT_KEYS, problems):
        return None
    rows = list(typed_rows(table, header, problems))
    parsed = _Parsed("three_tier" if three_tier else "two_tier", len(rows), header)
    checker = _Checker(parsed, problems, valid_from=valid_from, valid_to=valid_to)
    if not rows:
        problems.add(_("The file has no rows of units."), sheet=table.name)
        return checker
    for row in rows:
        checker.row(row)
    checker.parents_named_by_code()
    checker.historical_kinds_need_an_end()
    return checker


# --- writing -------------------------------------------------------------------------------------


class _Writer:
    """Create or update the units of a checked list through the org services."""

    def __init__(
        self,
        checker: _Checker,
        *,
        actor: Actor,
        result: ImportResult,
        skip: set[tuple[int | None, str]],
    ) -> None:
        self.checker = checker
        self.parsed = checker.parsed
        self.actor = actor
        self.result = result
        self.skip = skip
        self.valid_from, self.valid_to = checker.valid_from, checker.valid_to
        self.placed: dict[tuple[str, str], Unit] = {}
        self.holders: dict[str, Unit] = {}
        codes = [*self.parsed.provinces, *self.parsed.districts, *self.parsed.communes]
        for unit in (
            Unit.objects.filter(admin_code__in=codes)
            .filter(valid_on_q(self.valid_from))
            .select_related("kind")
            .order_by("-valid_from")
        ):
            self.holders.setdefault(unit.admin_code, unit)

    def changes(
        self, holder: Unit, entity: _Entity, kind: UnitKind, parent: Unit | None, keep_parent: bool
    ) -> dict[str, Any]:
        """Return what the list changes in the unit that already holds the code."""
        changes: dict[str, Any] = {}
        if holder.name != entity.name:
            changes["name"] = entity.name
        if holder.kind_id != kind.pk:
            changes["kind"] = kind
        if not keep_parent and holder.parent_id != (parent.pk if parent else None):
            changes["parent"] = parent
        if self.valid_to is not None and holder.valid_to is None:
            changes["valid_to"] = self.valid_to
        return changes

    def reuse(
        self,
        holder: Unit,
        entity: _Entity,
        kind: UnitKind,
        parent: Unit | None,
        keep_parent: bool,
    ) -> Unit:
        changes = self.changes(holder, entity, kind, parent, keep_parent)
        if not changes:
            self.result.unchanged += 1
            return holder
        self.result.updated += 1
        return unit_update(actor=self.actor, unit=holder, data=changes)

    def create(self, entity: _Entity, kind: UnitKind, parent: Unit | None) -> Unit:
        self.result.created += 1
        return unit_create(
            actor=self.actor,
            name=entity.name,
            kind=kind,
            parent=parent,
            admin_code=entity.code,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
        )

    def place(
        self, entity: _Entity, parent: Unit | None, keys: tuple[str, str], keep_parent: bool
    ) -> None:
        """Write one unit, unless its row is at fault; record what the services refuse."""
        name_key, code_key = keys
        headers = self.parsed.header.headers
        own_cells = {(entity.row, headers[code_key]), (entity.row, headers[name_key])}
        if entity.kind is None or not entity.name or own_cells & self.skip:
            return
        holder = self.holders.get(entity.code)
        if holder is not None and fold(holder.name) != fold(entity.name):
            self.checker.error(
                entity.row,
                name_key,
                entity.name,
                _(
                    "Code %(code)s belongs to “%(other)s” on %(day)s. If the code was "
                    "reused, end that unit first; otherwise correct the row."
                )
                % {"code": entity.code, "other": holder.name, "day": format_day(self.valid_from)},
            )
            return
        try:
            self.placed[(entity.level, entity.code)] = (
                self.reuse(holder, entity, entity.kind, parent, keep_parent)
                if holder is not None
                else self.create(entity, entity.kind, parent)
            )
        except ApplicationError as exc:
            self.checker.error(entity.row, code_key, entity.code, exc.message)

    def write(self) -> ImportResult:
        for entity in self.parsed.provinces.values():
            self.place(entity, None, ("province_name", "province_code"), keep_parent=True)
        for entity in self.parsed.districts.values():
            province = self.placed.get(("province", entity.parent_code))
            if province is not None:
                self.place(entity, province, ("district_name", "district_code"), False)
        parent_level = "district" if self.parsed.layout == "three_tier" else "province"
        for entity in self.parsed.communes.values():
            parent = self.placed.get((parent_level, entity.parent_code))
            if parent is not None:
                self.place(entity, parent, ("commune_name", "commune_code"), False)
        return self.result


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
    ApplicationError carrying every error in ``extra["errors"]`` (dicts of
    :class:`motcua.core.spreadsheets.CellError`: ``sheet``, ``row``,
    ``column``, ``header``, ``value`` and ``message``) and write nothing when
    the file or any of its units is wrong; with ``dry_run`` check and count
    but write nothing either way.
    """
    message = _("The list has errors (%(count)s); nothing was imported.")
    problems = Problems()
    if valid_to is not None and valid_to <= valid_from:
        problems.add(
            _("The end of validity (%(end)s) must be after its start (%(start)s).")
            % {"end": format_day(valid_to), "start": format_day(valid_from)}
        )
        raise problems.failure(message, code="import_invalid")
    checker = _parse(read_table(data), problems, valid_from=valid_from, valid_to=valid_to)
    if checker is None or any(error.row is None for error in problems.errors):
        raise problems.failure(message, code="import_invalid")
    result = ImportResult(layout=checker.parsed.layout, rows=checker.parsed.rows, dry_run=dry_run)
    # Rows with errors are left out; the others are written to collect the
    # rules the services enforce, then rolled back if anything failed.
    skip = {(error.row, error.header) for error in problems.errors}
    writer = _Writer(checker, actor=actor, result=result, skip=skip)
    return write_all_or_nothing(
        writer.write,
        problems=problems,
        dry_run=dry_run,
        message=message,
        code="import_invalid",
        despite_problems=True,
    )
