"""The PAR INDEX definition workbook: import (all or nothing) and export (the same layout).

Two sheets. “Bộ chỉ số”: one row with the year, the level, the name, the
legal basis and the survey component's maximum points. “Tiêu chí”: one row
per area (code ``1``), criterion (``1.2``) and sub-criterion (``1.2.3``), in
order; only sub-criteria carry points, a scoring guide, the evidence
required and an optional automatic rule code (:mod:`.rules`). An export
reads back unchanged. Write codes as text (Excel turns 1.10 into 1.1).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from motcua.core.spreadsheets import (
    Choices,
    Column,
    Problems,
    add_sheet,
    find_sheet,
    match_header,
    read_workbook,
    text_cell,
    typed_rows,
)
from motcua.org.models import Unit
from motcua.org.selectors import unit_by_admin_code
from motcua.parindex.models import Definition, Level
from motcua.parindex.rules import RULES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INFO_SHEET = "Bộ chỉ số"
TREE_SHEET = "Tiêu chí"
CODE = re.compile(r"^\d{1,3}(\.\d{1,3}){0,2}$")
MAX_SUB_POINTS = Decimal(100)

LEVELS: Choices = {
    Level.PROVINCE: ("Cấp tỉnh", "tỉnh", "province", "sở ngành"),
    Level.COMMUNE: ("Cấp xã", "xã", "commune", "phường"),
}

INFO_COLUMNS = (
    Column("year", "Năm", "int", width=8),
    Column("level", "Cấp", "choice", choices=LEVELS, width=12),
    Column("name", "Tên bộ chỉ số", width=60),
    Column("legal_basis", "Căn cứ", required=False, width=40),
    Column("survey", "Điểm điều tra xã hội học", "decimal", required=False, width=14),
    Column("issuer", "Mã đơn vị ban hành", required=False, width=14),
)
TREE_COLUMNS = (
    Column("code", "Mã", width=8),
    Column("name", "Nội dung", width=60, aliases=("Tên",)),
    Column("max", "Điểm tối đa", "decimal", required=False, width=10),
    Column("guide", "Hướng dẫn chấm điểm", required=False, width=40),
    Column("evidence", "Tài liệu kiểm chứng", required=False, width=40),
    Column("rule", "Quy tắc tự động", required=False, width=20),
)


@dataclass
class Node:
    code: str
    name: str
    row: int
    max_points: Decimal | None = None
    guide: str = ""
    evidence: str = ""
    rule: str = ""
    children: list[Node] = field(default_factory=list)


@dataclass
class ParsedDefinition:
    year: int
    level: str
    name: str
    legal_basis: str
    survey_max_points: Decimal
    areas: list[Node]
    issuer: Unit | None = None

    @property
    def total(self) -> Decimal:
        return sum(
            (
                s.max_points or Decimal(0)
                for a in self.areas
                for c in a.children
                for s in c.children
            ),
            Decimal(0),
        )


def parse_definition(data: bytes, problems: Problems) -> ParsedDefinition | None:
    """Read a definition workbook, adding every problem to ``problems``."""
    tables = read_workbook(data)
    info_table = find_sheet(tables, INFO_SHEET)
    tree_table = find_sheet(tables, TREE_SHEET)
    for title, table in ((INFO_SHEET, info_table), (TREE_SHEET, tree_table)):
        if table is None:
            problems.add(_("The sheet “%(sheet)s” is missing.") % {"sheet": title})
    info = _info(info_table, problems) if info_table is not None else None
    areas = _tree(tree_table, problems) if tree_table is not None else []
    if problems or info is None:
        return None
    parsed = ParsedDefinition(areas=areas, **info)
    if parsed.total <= 0:
        problems.add(_("No sub-criterion carries points."), sheet=TREE_SHEET)
        return None
    return parsed


def _info(table: Any, problems: Problems) -> dict[str, Any] | None:
    header = match_header(table, INFO_COLUMNS, problems)
    if header is None:
        return None
    rows = list(typed_rows(table, header, problems))
    if len(rows) != 1:
        problems.add(
            _("This sheet must have exactly one row below the header, not %(count)s.")
            % {"count": len(rows)},
            sheet=table.name,
        )
        return None
    row = rows[0]
    values = row.values
    if values["year"] is not None and not 2000 <= values["year"] <= 2100:
        problems.at(row, "year", _("The year must be between 2000 and 2100."))
    survey = values["survey"] if values["survey"] is not None else Decimal(0)
    if not Decimal(0) <= survey <= Decimal(100):
        problems.at(row, "survey", _("The points must be between 0 and 100."))
    issuer = None
    code = (values["issuer"] or "").strip()
    if code:
        issuer = unit_by_admin_code(code)
        if issuer is None:
            problems.at(
                row,
                "issuer",
                _("No unit has the administrative unit code %(code)s.") % {"code": code},
            )
    if not row.ok:
        return None
    return {
        "issuer": issuer,
        "year": values["year"],
        "level": values["level"],
        "name": values["name"][:300],
        "legal_basis": values["legal_basis"][:300],
        "survey_max_points": survey,
    }


def _tree(table: Any, problems: Problems) -> list[Node]:
    header = match_header(table, TREE_COLUMNS, problems)
    if header is None:
        return []
    areas: list[Node] = []
    by_code: dict[str, Node] = {}
    for row in typed_rows(table, header, problems):
        values = row.values
        code = (values["code"] or "").strip().rstrip(".")
        if not row.ok:
            continue
        if not CODE.match(code):
            problems.at(
                row,
                "code",
                _("Write the code as 1 (area), 1.2 (criterion) or 1.2.3 (sub-criterion)."),
                value=code,
            )
            continue
        if code in by_code:
            problems.at(
                row,
                "code",
                _("The code %(code)s is already used in row %(row)s.")
                % {"code": code, "row": by_code[code].row},
            )
            continue
        depth = code.count(".")
        node = Node(
            code=code,
            name=values["name"][:500],
            row=row.number,
            max_points=values["max"],
            guide=values["guide"],
            evidence=values["evidence"],
            rule=(values["rule"] or "").strip(),
        )
        parent = by_code.get(code.rsplit(".", 1)[0]) if depth else None
        if depth and parent is None:
            problems.at(
                row,
                "code",
                _("Its parent %(parent)s is not listed above it.")
                % {"parent": code.rsplit(".", 1)[0]},
            )
            continue
        if depth < 2:
            if node.max_points is not None:
                problems.at(
                    row,
                    "max",
                    _(
                        "Points go on sub-criteria only; an area or a criterion is "
                        "the sum of its sub-criteria."
                    ),
                )
            if node.rule:
                problems.at(row, "rule", _("Only a sub-criterion can have an automatic rule."))
        else:
            if node.max_points is None:
                problems.at(row, "max", _("A sub-criterion needs its maximum points."))
            elif not Decimal(0) < node.max_points <= MAX_SUB_POINTS:
                problems.at(
                    row, "max", _("The maximum points must be more than 0 and at most 100.")
                )
            elif node.max_points != node.max_points.quantize(Decimal("0.01")):
                problems.at(row, "max", _("Points have at most two decimals."))
            if node.rule and node.rule not in RULES:
                problems.at(
                    row,
                    "rule",
                    _("No automatic rule has this code; use one of %(codes)s.")
                    % {"codes": ", ".join(sorted(RULES))},
                    value=node.rule,
                )
        by_code[code] = node
        if parent is None:
            areas.append(node)
        else:
            parent.children.append(node)
    for node in by_code.values():
        if node.code.count(".") < 2 and not node.children:
            what = _("area") if "." not in node.code else _("criterion")
            problems.add(
                _("The %(what)s %(code)s has nothing below it.")
                % {"what": what, "code": node.code},
                sheet=table.name,
                row=node.row,
                column=header.letters.get("code", ""),
                header=header.headers["code"],
            )
    return areas


def _text(ws: Any, value: Any) -> Any:
    return text_cell(ws, str(value)) if value not in (None, "") else None


def export_definition(definition: Definition) -> bytes:
    """Return the definition as a workbook that imports back unchanged."""
    wb = Workbook(write_only=True)
    ws = add_sheet(wb, INFO_SHEET, INFO_COLUMNS)
    ws.append(
        [
            definition.year,
            LEVELS[Level(definition.level)][0],
            _text(ws, definition.name),
            _text(ws, definition.legal_basis),
            definition.survey_max_points,
            _text(ws, definition.issuer.admin_code) if definition.issuer else None,
        ]
    )
    ws = add_sheet(wb, TREE_SHEET, TREE_COLUMNS)
    for area in definition.areas.prefetch_related("criteria__sub_criteria"):
        ws.append([area.code, _text(ws, area.name)])
        for criterion in area.criteria.all():
            ws.append([criterion.code, _text(ws, criterion.name)])
            for sub in criterion.sub_criteria.all():
                ws.append(
                    [
                        sub.code,
                        _text(ws, sub.name),
                        sub.max_points,
                        _text(ws, sub.scoring_guide),
                        _text(ws, sub.evidence_required),
                        sub.rule_code or None,
                    ]
                )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
