"""Reads of the parindex app: definition trees, an assessment's sheet and totals, ranking, history.

Totals: the self-assessment total is the sum of the self-scores; the
appraised total the sum of the appraisal scores (a sub-criterion not yet
appraised counts its self-score) plus the survey component. Published
results are a percentage of the maximum (DOMAIN.md §7), so the ranking
compares units by that percentage.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum
from openpyxl import Workbook

from motcua.core.spreadsheets import Column, add_sheet, text_cell
from motcua.org.models import Unit
from motcua.parindex.models import (
    Area,
    Assessment,
    AssessmentStatus,
    Criterion,
    Definition,
    Evidence,
    Score,
    SubCriterion,
)

ZERO = Decimal(0)
CENT = Decimal("0.01")


def definition_list() -> QuerySet[Definition]:
    return Definition.objects.annotate(total=Sum("areas__criteria__sub_criteria__max_points"))


def definition_get(pk: int) -> Definition | None:
    return (
        Definition.objects.filter(pk=pk)
        .prefetch_related(
            Prefetch(
                "areas",
                Area.objects.prefetch_related(
                    Prefetch(
                        "criteria",
                        Criterion.objects.prefetch_related(
                            Prefetch("sub_criteria", SubCriterion.objects.all())
                        ),
                    )
                ),
            )
        )
        .first()
    )


def definition_max(definition: Definition) -> Decimal:
    """Return the maximum total: sub-criteria plus the survey component."""
    subs = SubCriterion.objects.filter(criterion__area__definition=definition).aggregate(
        t=Sum("max_points")
    )["t"]
    return (subs or ZERO) + definition.survey_max_points


@dataclass
class Line:
    """A row of an assessment sheet: an area, a criterion or a sub-criterion."""

    kind: str  # area, criterion, sub
    code: str
    name: str
    max_points: Decimal
    self_points: Decimal | None = None
    appraisal_points: Decimal | None = None
    score: Score | None = None
    sub: SubCriterion | None = None
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Sheet:
    assessment: Assessment
    lines: list[Line]
    areas: list[Line]
    max_points: Decimal
    self_total: Decimal
    appraisal_total: Decimal | None
    final_total: Decimal | None
    percent: Decimal | None
    missing: int


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if b is None:
        return a
    return (a or ZERO) + b


def assessment_sheet(assessment: Assessment) -> Sheet:
    """Return the criterion tree with the scores, evidence and totals per area (four queries)."""
    definition = assessment.definition
    scores = {
        s.sub_criterion_id: s
        for s in Score.objects.filter(assessment=assessment).prefetch_related("evidence")
    }
    areas = list(
        Area.objects.filter(definition=definition).prefetch_related("criteria__sub_criteria")
    )
    lines: list[Line] = []
    area_lines: list[Line] = []
    self_total = ZERO
    appraisal_total = ZERO
    missing = 0
    for area in areas:
        area_line = Line("area", area.code, area.name, ZERO)
        lines.append(area_line)
        area_lines.append(area_line)
        for criterion in area.criteria.all():
            c_line = Line("criterion", criterion.code, criterion.name, ZERO)
            lines.append(c_line)
            for sub in criterion.sub_criteria.all():
                score = scores.get(sub.pk)
                own = score.self_points if score else None
                appraised = score.appraisal_points if score else None
                counted = appraised if appraised is not None else own
                line = Line(
                    "sub",
                    sub.code,
                    sub.name,
                    sub.max_points,
                    own,
                    appraised,
                    score,
                    sub,
                    list(score.evidence.all()) if score else [],
                )
                lines.append(line)
                if own is None:
                    missing += 1
                for parent in (area_line, c_line):
                    parent.max_points += sub.max_points
                    parent.self_points = _add(parent.self_points, own)
                    parent.appraisal_points = _add(parent.appraisal_points, counted)
                self_total += own or ZERO
                appraisal_total += counted or ZERO
    max_points = sum((a.max_points for a in area_lines), ZERO) + definition.survey_max_points
    closed = assessment.status == AssessmentStatus.APPRAISED
    final = appraisal_total + (assessment.survey_points or ZERO) if closed else None
    percent = (
        (final * 100 / max_points).quantize(CENT, ROUND_HALF_UP)
        if final is not None and max_points
        else None
    )
    return Sheet(
        assessment=assessment,
        lines=lines,
        areas=area_lines,
        max_points=max_points,
        self_total=self_total,
        appraisal_total=appraisal_total if assessment.status != AssessmentStatus.DRAFT else None,
        final_total=final,
        percent=percent,
        missing=missing,
    )


@dataclass
class RankRow:
    rank: int | None
    assessment: Assessment
    self_total: Decimal
    final_total: Decimal | None
    percent: Decimal | None


def _totals(assessments: list[Assessment]) -> dict[int, tuple[Decimal, Decimal]]:
    rows = (
        Score.objects.filter(assessment__in=assessments)
        .values("assessment_id")
        .annotate(own=Sum("self_points"), appraised=Sum("appraisal_points"))
        .order_by()
    )
    return {r["assessment_id"]: (r["own"] or ZERO, r["appraised"] or ZERO) for r in rows}


def ranking(definition: Definition) -> list[RankRow]:
    """Return the units assessed against ``definition``, appraised ones ranked by percent.

    Units with equal percentages share a rank; units not yet appraised follow, unranked.
    """
    assessments = list(
        Assessment.objects.filter(definition=definition).select_related("unit", "definition")
    )
    totals = _totals(assessments)
    maximum = definition_max(definition)
    rows = []
    for a in assessments:
        own, appraised = totals.get(a.pk, (ZERO, ZERO))
        final = (
            appraised + (a.survey_points or ZERO)
            if a.status == AssessmentStatus.APPRAISED
            else None
        )
        percent = (
            (final * 100 / maximum).quantize(CENT, ROUND_HALF_UP)
            if final is not None and maximum
            else None
        )
        rows.append(RankRow(None, a, own, final, percent))
    rows.sort(key=lambda r: (r.percent is None, -(r.percent or ZERO), r.assessment.unit.name))
    previous: Decimal | None = None
    rank = 0
    for position, row in enumerate(rows, start=1):
        if row.percent is None:
            break
        if row.percent != previous:
            rank = position
            previous = row.percent
        row.rank = rank
    return rows


def unit_history(unit: Unit) -> list[RankRow]:
    """Return the unit's assessments, newest year first, with their totals and rank."""
    rows = []
    for a in Assessment.objects.filter(unit=unit).select_related("definition", "unit"):
        mine = next(r for r in ranking(a.definition) if r.assessment.pk == a.pk)
        rows.append(mine)
    return rows


def waiting_for_appraisal(units: list[Unit]) -> list[Assessment]:
    """Return the submitted assessments of the units strictly below ``units`` (one query)."""
    if not units:
        return []
    below = Q()
    for unit in units:
        below |= Q(unit__path__startswith=unit.path) & ~Q(unit=unit)
    return list(
        Assessment.objects.filter(below, status=AssessmentStatus.SUBMITTED)
        .select_related("unit", "definition")
        .order_by("-definition__year", "unit__name")
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SHEET_COLUMNS = (
    Column("code", "Mã", width=8),
    Column("name", "Nội dung", width=60),
    Column("max", "Điểm tối đa", width=10),
    Column("self", "Điểm tự đánh giá", width=12),
    Column("appraisal", "Điểm thẩm định", width=12),
    Column("note", "Giải trình / cách tính", width=60),
)
RANK_COLUMNS = (
    Column("rank", "Xếp hạng", width=8),
    Column("unit", "Đơn vị", width=40),
    Column("status", "Trạng thái", width=14),
    Column("self", "Điểm tự đánh giá", width=12),
    Column("final", "Điểm đạt được", width=12),
    Column("percent", "Tỉ lệ (%)", width=10),
)


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def assessment_export(sheet: Sheet) -> bytes:
    """Return the assessment sheet as an Excel workbook."""
    wb = Workbook(write_only=True)
    ws = add_sheet(wb, "Tự đánh giá", SHEET_COLUMNS)
    for line in sheet.lines:
        note = ""
        if line.score is not None:
            note = line.score.calculation or line.score.self_note
        ws.append(
            [
                line.code,
                text_cell(ws, line.name),
                line.max_points,
                line.self_points,
                line.appraisal_points if sheet.appraisal_total is not None else None,
                text_cell(ws, note),
            ]
        )
    a = sheet.assessment
    ws.append(
        ["", "Điều tra xã hội học", a.definition.survey_max_points, None, a.survey_points, ""]
    )
    ws.append(["", "Tổng", sheet.max_points, sheet.self_total, sheet.final_total, ""])
    return _save(wb)


def ranking_export(rows: list[RankRow]) -> bytes:
    """Return a ranking as an Excel workbook."""
    wb = Workbook(write_only=True)
    ws = add_sheet(wb, "Xếp hạng", RANK_COLUMNS)
    for row in rows:
        ws.append(
            [
                row.rank,
                text_cell(ws, row.assessment.unit.name),
                str(row.assessment.get_status_display()),
                row.self_total,
                row.final_total,
                row.percent,
            ]
        )
    return _save(wb)


def score_evidence(assessment_id: int, evidence_id: int) -> Evidence | None:
    return (
        Evidence.objects.select_related("score__assessment__unit")
        .filter(pk=evidence_id, score__assessment_id=assessment_id)
        .first()
    )
