"""Import and export the procedure catalogue as one Excel workbook.

The workbook has four sheets, with Vietnamese headers in row 1 and
Vietnamese values for choices ("ngày làm việc", "Toàn trình"):

* "Thủ tục": one row per version (code + effective date).
* "Thành phần hồ sơ", "Phí, lệ phí", "Quy trình": lines of a version, keyed
  by procedure code; their optional last column "Ngày hiệu lực" picks the
  version when the workbook holds several versions of one procedure.

Headers and choice values are matched without accents or case. The import
reads and checks everything first and reports every error with its sheet,
row and column; with any error nothing is written. Then, per row of "Thủ
tục": a new code creates the procedure, a new date a new version, the date
of a version that has not taken effect yet replaces it, and the same content
as a stored version changes nothing. The export writes the versions in force
today and every later one, so export → import is a no-op.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import IO

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from motcua.catalog import services
from motcua.catalog.content import (
    Problem,
    VersionContent,
    code_problem,
    content_from,
    content_of,
    content_problems,
)
from motcua.catalog.models import Field, Procedure, ProcedureVersion
from motcua.catalog.selectors import (
    procedure_versions_for_export,
    units_by_agency_code,
    version_children_prefetch,
    working_day_seconds,
)
from motcua.core import clock
from motcua.core.actors import Actor
from motcua.core.errors import ApplicationError
from motcua.core.spreadsheets import (
    YES_NO,
    Choices,
    Column,
    Problems,
    Row,
    add_sheet,
    date_cell,
    find_sheet,
    match_header,
    read_workbook,
    shown,
    text_cell,
    typed_rows,
    write_all_or_nothing,
)
from motcua.org.models import Role

SHEET_PROCEDURES = "Thủ tục"
SHEET_DOCUMENTS = "Thành phần hồ sơ"
SHEET_FEES = "Phí, lệ phí"
SHEET_STEPS = "Quy trình"

# Choice values as written in the workbook (first) and other spellings accepted.
LEVELS: Choices = {
    "ministry": ("Cấp bộ", "Cấp trung ương", "Bộ"),
    "province": ("Cấp tỉnh", "Tỉnh"),
    "commune": ("Cấp xã", "Xã", "Cấp xã, phường, đặc khu"),
    "vertical": ("Cơ quan ngành dọc", "Ngành dọc"),
}
TIME_UNITS: Choices = {
    "working_days": ("ngày làm việc",),
    "working_hours": ("giờ làm việc", "giờ"),
    "calendar_days": ("ngày", "ngày lịch"),
    "same_day": ("trong ngày", "ngay trong ngày"),
}
ONLINE_LEVELS: Choices = {
    "full": ("Toàn trình", "Dịch vụ công trực tuyến toàn trình", "Mức độ 4", "Mức 4"),
    "partial": ("Một phần", "Dịch vụ công trực tuyến một phần", "Mức độ 3", "Mức 3"),
    "information": ("Cung cấp thông tin", "Mức độ 2", "Mức 2", "Mức độ 1", "Mức 1"),
}
RESULT_TYPES: Choices = {
    "paper": ("Bản giấy", "Giấy"),
    "electronic": ("Bản điện tử", "Điện tử"),
    "both": ("Bản giấy và bản điện tử", "Giấy và điện tử"),
}
SUPPLEMENT_POLICIES: Choices = {
    "pause": ("Tạm dừng tính thời gian", "Tạm dừng"),
    "restart": ("Tính lại từ đầu", "Tính lại"),
}
DOCUMENT_FORMS: Choices = {
    "original": ("Bản chính",),
    "certified_copy": ("Bản sao có chứng thực", "Bản sao chứng thực"),
    "copy": ("Bản sao", "Bản chụp"),
    "shown": ("Xuất trình", "Bản chính để đối chiếu"),
}
FEE_KINDS: Choices = {"fee": ("Phí",), "charge": ("Lệ phí",)}
BUDGET_UNITS: Choices = {
    "working_days": ("ngày làm việc", "ngày"),
    "working_hours": ("giờ làm việc", "giờ"),
}


CODE = Column("code", "Mã thủ tục", "code", width=12)
ORDER = Column("order", "Thứ tự", "int", width=8)
LINE_DATE = Column("effective_from", "Ngày hiệu lực", "date", required=False, width=13)

PROCEDURE_COLUMNS = (
    CODE,
    Column("name", "Tên thủ tục", width=50),
    Column("field_code", "Mã lĩnh vực", width=16),
    Column("field_name", "Tên lĩnh vực", required=False, width=24),
    Column("competent_level", "Cấp thực hiện", "choice", choices=LEVELS),
    Column("competent_agency", "Cơ quan thực hiện", width=30),
    Column("time_limit_amount", "Thời hạn giải quyết", "int", width=10),
    Column("time_limit_unit", "Đơn vị thời hạn", "choice", choices=TIME_UNITS),
    Column(
        "online_level", "Mức độ dịch vụ công trực tuyến", "choice", choices=ONLINE_LEVELS, width=18
    ),
    Column("result_type", "Loại kết quả", "choice", choices=RESULT_TYPES, width=22),
    Column(
        "supplement_policy",
        "Khi yêu cầu bổ sung hồ sơ",
        "choice",
        choices=SUPPLEMENT_POLICIES,
        width=22,
    ),
    Column("legal_basis", "Căn cứ pháp lý", required=False, width=50),
    Column("effective_from", "Ngày hiệu lực", "date", width=13),
    # Last, so that workbooks made before it keep their layout; empty: no automatic closure.
    Column(
        "supplement_window_days",
        "Thời hạn bổ sung hồ sơ (ngày làm việc)",
        "int",
        required=False,
        width=14,
    ),
)
DOCUMENT_COLUMNS = (
    CODE,
    ORDER,
    Column("name", "Tên giấy tờ", width=50),
    Column("form", "Hình thức", "choice", choices=DOCUMENT_FORMS, width=20),
    Column("count", "Số lượng", "int", width=9),
    Column("is_mandatory", "Bắt buộc", "bool", width=9),
    LINE_DATE,
    Column("note", "Ghi chú", required=False, width=30),
)
FEE_COLUMNS = (
    CODE,
    ORDER,
    Column("name", "Tên phí, lệ phí", width=40),
    Column("kind", "Loại", "choice", choices=FEE_KINDS, width=9),
    Column("amount", "Số tiền (đồng)", "money", width=14),
    LINE_DATE,
    Column("note", "Ghi chú", required=False, width=30),
)
STEP_COLUMNS = (
    CODE,
    ORDER,
    Column("name", "Tên bước", width=36),
    Column("role_code", "Mã vai trò", width=16),
    Column("agency_code", "Mã định danh cơ quan", required=False, width=18),
    Column("is_inter_agency", "Liên thông", "bool", width=10),
    Column("budget_amount", "Thời gian", "decimal", width=10),
    Column("budget_unit", "Đơn vị thời gian", "choice", choices=BUDGET_UNITS),
    LINE_DATE,
)
SHEETS = (
    (SHEET_PROCEDURES, PROCEDURE_COLUMNS),
    (SHEET_DOCUMENTS, DOCUMENT_COLUMNS),
    (SHEET_FEES, FEE_COLUMNS),
    (SHEET_STEPS, STEP_COLUMNS),
)
PART_SHEET = {"documents": SHEET_DOCUMENTS, "fees": SHEET_FEES, "steps": SHEET_STEPS}
PROBLEM_COLUMN = {"code": "code", "field_code": "field_code"}


# --- Export ---------------------------------------------------------------------


def procedure_export(
    *, stream: IO[bytes], on: date | None = None, codes: Iterable[str] | None = None
) -> int:
    """Write the versions in force on ``on`` (today) and later ones; return their number."""
    wb = Workbook(write_only=True)
    ws_p, ws_d, ws_f, ws_s = (add_sheet(wb, title, columns) for title, columns in SHEETS)
    count = 0
    for version in procedure_versions_for_export(on=on, codes=codes).iterator(chunk_size=200):
        count += 1
        code = version.procedure.code
        day = version.effective_from
        ws_p.append(
            [
                code,
                text_cell(ws_p, version.name),
                text_cell(ws_p, version.field.code),
                text_cell(ws_p, version.field.name),
                shown(LEVELS, version.competent_level),
                text_cell(ws_p, version.competent_agency),
                version.time_limit_amount,
                shown(TIME_UNITS, version.time_limit_unit),
                shown(ONLINE_LEVELS, version.online_level),
                shown(RESULT_TYPES, version.result_type),
                shown(SUPPLEMENT_POLICIES, version.supplement_policy),
                text_cell(ws_p, version.legal_basis),
                date_cell(ws_p, day),
                version.supplement_window_days,
            ]
        )
        for d in version.documents.all():
            ws_d.append(
                [
                    code,
                    d.order,
                    text_cell(ws_d, d.name),
                    shown(DOCUMENT_FORMS, d.form),
                    d.count,
                    shown(YES_NO, d.is_mandatory),
                    date_cell(ws_d, day),
                    text_cell(ws_d, d.note),
                ]
            )
        for f in version.fees.all():
            ws_f.append(
                [
                    code,
                    f.order,
                    text_cell(ws_f, f.name),
                    shown(FEE_KINDS, f.kind),
                    f.amount,
                    date_cell(ws_f, day),
                    text_cell(ws_f, f.note),
                ]
            )
        for s in version.steps.all():
            ws_s.append(
                [
                    code,
                    s.order,
                    text_cell(ws_s, s.name),
                    s.role.code,
                    s.unit.agency_code if s.unit else "",
                    shown(YES_NO, s.is_inter_agency),
                    s.budget_amount,
                    shown(BUDGET_UNITS, s.budget_unit),
                    date_cell(ws_s, day),
                ]
            )
    wb.save(stream)
    return count


# --- Import: checking and planning -------------------------------------------------


@dataclass
class _Entry:
    """One version described by the workbook."""

    code: str
    effective_from: date
    row: Row
    documents: list[Row] = field(default_factory=list)
    fees: list[Row] = field(default_factory=list)
    steps: list[Row] = field(default_factory=list)
    content: VersionContent | None = None
    action: str = ""  # create_procedure, create_version, replace, unchanged
    version: ProcedureVersion | None = None


@dataclass
class ImportResult:
    procedures_created: int = 0
    versions_created: int = 0
    versions_replaced: int = 0
    versions_unchanged: int = 0
    fields_created: int = 0
    fields_renamed: int = 0
    dry_run: bool = False

    def summary(self) -> str:
        return _(
            "%(procedures)s new procedures, %(created)s new versions, "
            "%(replaced)s versions replaced, %(unchanged)s unchanged; "
            "%(fields)s new fields, %(renamed)s fields renamed."
        ) % {
            "procedures": self.procedures_created,
            "created": self.versions_created,
            "replaced": self.versions_replaced,
            "unchanged": self.versions_unchanged,
            "fields": self.fields_created,
            "renamed": self.fields_renamed,
        }


def _build_content(entry: _Entry) -> VersionContent:
    """Return the entry's content; a cell that could not be read counts as empty."""
    values = {key: "" if value is None else value for key, value in entry.row.values.items()}
    values["time_limit_amount"] = values["time_limit_amount"] or 0
    values["supplement_window_days"] = entry.row.values.get("supplement_window_days")
    return content_from(
        values,
        documents=(r.values for r in entry.documents),
        fees=(r.values for r in entry.fees),
        steps=(r.values for r in entry.steps),
    )


class _Importer:
    def __init__(self, problems: Problems, rows: dict[str, list[Row]]) -> None:
        self.problems = problems
        self.rows = rows
        self.today = clock.localdate()
        self.entries: dict[tuple[str, date], _Entry] = {}
        self.fields_in_file: dict[str, tuple[str, Row]] = {}

    def error(self, row: Row, key: str, message: str) -> None:
        self.problems.at(row, key, message)

    def collect_entries(self) -> None:
        for row in self.rows[SHEET_PROCEDURES]:
            code, day = row.values["code"], row.values["effective_from"]
            if code and (message := code_problem(code)):
                self.error(row, "code", message)
                continue
            if not code or day is None:
                continue
            key = (code, day)
            if key in self.entries:
                self.error(
                    row,
                    "effective_from",
                    _("Procedure %(code)s with effective date %(date)s is already on row %(row)s.")
                    % {
                        "code": code,
                        "date": day.strftime("%d/%m/%Y"),
                        "row": self.entries[key].row.number,
                    },
                )
                continue
            self.entries[key] = _Entry(code=code, effective_from=day, row=row)
            field_code, field_name = row.values["field_code"], row.values["field_name"]
            if field_code and field_name:
                seen = self.fields_in_file.get(field_code)
                if seen is None:
                    self.fields_in_file[field_code] = (field_name, row)
                elif seen[0] != field_name:
                    self.error(
                        row,
                        "field_name",
                        _(
                            "Field %(code)s is named “%(name)s” on row %(row)s; "
                            "use one name per field."
                        )
                        % {"code": field_code, "name": seen[0], "row": seen[1].number},
                    )

    def attach_lines(self) -> None:
        by_code: dict[str, list[_Entry]] = defaultdict(list)
        for entry in self.entries.values():
            by_code[entry.code].append(entry)
        for title, part in (
            (SHEET_DOCUMENTS, "documents"),
            (SHEET_FEES, "fees"),
            (SHEET_STEPS, "steps"),
        ):
            for row in self.rows[title]:
                code, day = row.values["code"], row.values.get("effective_from")
                if not code:
                    continue
                candidates = by_code.get(code, [])
                if day is not None:
                    candidates = [e for e in candidates if e.effective_from == day]
                if not candidates:
                    message = (
                        _(
                            "Procedure %(code)s with effective date %(date)s is not on "
                            "the sheet “%(sheet)s”."
                        )
                        % {
                            "code": code,
                            "date": day.strftime("%d/%m/%Y"),
                            "sheet": SHEET_PROCEDURES,
                        }
                        if day is not None
                        else _("Procedure %(code)s is not on the sheet “%(sheet)s”.")
                        % {"code": code, "sheet": SHEET_PROCEDURES}
                    )
                    self.error(row, "code", message)
                elif len(candidates) > 1:
                    self.error(
                        row,
                        "effective_from",
                        _(
                            "Procedure %(code)s has several versions on the sheet "
                            "“%(sheet)s”; give the effective date."
                        )
                        % {"code": code, "sheet": SHEET_PROCEDURES},
                    )
                elif row.ok:
                    getattr(candidates[0], part).append(row)

    def check_contents(self) -> None:
        known_fields = set(Field.objects.values_list("code", flat=True)) | set(self.fields_in_file)
        known_roles = set(Role.objects.values_list("code", flat=True))
        agency_codes = {
            r.values["agency_code"] for r in self.rows[SHEET_STEPS] if r.values.get("agency_code")
        }
        known_agencies = set(units_by_agency_code(agency_codes, today=self.today))
        day_seconds = working_day_seconds()
        for entry in self.entries.values():
            for part in ("documents", "fees", "steps"):
                lines: list[Row] = getattr(entry, part)
                lines.sort(key=lambda r: (r.values["order"], r.number))
            entry.content = _build_content(entry)
            problems = content_problems(
                entry.content,
                day_seconds=day_seconds,
                known_fields=known_fields,
                known_roles=known_roles,
                known_agencies=known_agencies,
            )
            for problem in problems:
                self.place(entry, problem)

    def place(self, entry: _Entry, problem: Problem) -> None:
        if problem.part == "version":
            key = problem.attr if entry.row.has_column(problem.attr) else "code"
            self.error(entry.row, key, problem.message)
            return
        lines: list[Row] = getattr(entry, problem.part)
        row = lines[problem.index] if problem.index is not None else lines[0]
        self.error(row, problem.attr if row.has_column(problem.attr) else "code", problem.message)

    def plan(self) -> None:
        codes = {entry.code for entry in self.entries.values()}
        existing = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
        versions: dict[str, list[ProcedureVersion]] = defaultdict(list)
        for version in (
            ProcedureVersion.objects.filter(procedure__code__in=codes)
            .select_related("procedure", "field")
            .prefetch_related(*version_children_prefetch())
            .order_by("effective_from")
        ):
            versions[version.procedure.code].append(version)
        by_code: dict[str, list[_Entry]] = defaultdict(list)
        for entry in self.entries.values():
            by_code[entry.code].append(entry)
        for code in sorted(codes):
            entries = sorted(by_code[code], key=lambda e: e.effective_from)
            stored = {v.effective_from: v for v in versions.get(code, [])}
            latest = versions[code][-1] if versions.get(code) else None
            latest_from = latest.effective_from if latest else None
            latest_number = latest.number if latest else None
            for entry in entries:
                assert entry.content is not None
                same_day = stored.get(entry.effective_from)
                previous = same_day or latest
                if not entry.row.has_column("supplement_window_days") and previous is not None:
                    # A workbook made before the column says nothing about the window: keep it.
                    entry.content = replace(
                        entry.content, supplement_window_days=previous.supplement_window_days
                    )
                if same_day is not None:
                    entry.version = same_day
                    if content_of(same_day) == entry.content.normalized():
                        entry.action = "unchanged"
                    elif message := services.immutable_problem(same_day, today=self.today):
                        self.error(entry.row, "effective_from", message)
                    else:
                        entry.action = "replace"
                    continue
                if code not in existing and latest_from is None:
                    entry.action = "create_procedure"
                elif message := services.new_version_date_problem(
                    latest_from=latest_from,
                    latest_number=latest_number,
                    effective_from=entry.effective_from,
                    today=self.today,
                ):
                    self.error(entry.row, "effective_from", message)
                    continue
                else:
                    entry.action = "create_version"
                latest_from = entry.effective_from
                latest_number = (latest_number or 0) + 1

    def apply(self, actor: Actor, result: ImportResult) -> None:
        for code, (name, _row) in sorted(self.fields_in_file.items()):
            current = Field.objects.filter(code=code).first()
            if current is None:
                services.field_create(actor=actor, code=code, name=name)
                result.fields_created += 1
            elif current.name != name:
                services.field_update(actor=actor, field=current, name=name)
                result.fields_renamed += 1
        procedures: dict[str, Procedure] = {}
        for entry in sorted(self.entries.values(), key=lambda e: (e.code, e.effective_from)):
            assert entry.content is not None
            try:
                if entry.action == "create_procedure":
                    procedures[entry.code] = services.procedure_create(
                        actor=actor,
                        code=entry.code,
                        effective_from=entry.effective_from,
                        content=entry.content,
                    )
                    result.procedures_created += 1
                elif entry.action == "create_version":
                    procedure = procedures.get(entry.code) or Procedure.objects.get(code=entry.code)
                    services.procedure_version_create(
                        actor=actor,
                        procedure=procedure,
                        effective_from=entry.effective_from,
                        content=entry.content,
                    )
                    result.versions_created += 1
                elif entry.action == "replace":
                    assert entry.version is not None
                    services.procedure_version_update(
                        actor=actor, version=entry.version, content=entry.content
                    )
                    result.versions_replaced += 1
                else:
                    result.versions_unchanged += 1
            except ApplicationError as exc:
                self.problems.add(exc.message, sheet=SHEET_PROCEDURES, row=entry.row.number)
                return


def _read(file: IO[bytes] | str, problems: Problems) -> dict[str, list[Row]]:
    tables = read_workbook(file)
    rows: dict[str, list[Row]] = {}
    for title, columns in SHEETS:
        table = find_sheet(tables, title)
        rows[title] = []
        if table is None:
            problems.add(_("The sheet “%(sheet)s” is missing.") % {"sheet": title}, sheet=title)
            continue
        table.name = title
        header = match_header(table, columns, problems)
        if header is not None:
            rows[title] = list(typed_rows(table, header, problems))
    return rows


def procedure_import(*, actor: Actor, file: IO[bytes] | str, dry_run: bool = False) -> ImportResult:
    """Import a procedure workbook: all of it, or nothing and every error.

    Raise ApplicationError with ``extra["errors"]`` (sheet, row, column,
    header, message, value; see :class:`motcua.core.spreadsheets.CellError`)
    when anything is wrong. With ``dry_run`` every write is made and rolled
    back, so the counts are exactly what an import would do.
    """
    with translation.override("vi"):
        problems = Problems([title for title, _columns in SHEETS])
        importer = _Importer(problems, _read(file, problems))
        importer.collect_entries()
        importer.attach_lines()
        importer.check_contents()
        if not problems:
            importer.plan()
        result = ImportResult(dry_run=dry_run)

        def write() -> ImportResult:
            importer.apply(actor, result)
            return result

        return write_all_or_nothing(
            write,
            problems=problems,
            dry_run=dry_run,
            message=_("The workbook has %(count)s errors; nothing was imported."),
            code="invalid_workbook",
        )
