"""The rows behind each chart: one definition for the HTML table view and the Excel export."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.indices.dashboard import Dashboard, MonthRow, RatingRow
from motcua.indices.selectors import DrilldownRow, IndexResult

Table = tuple[str, list[str], list[list[Any]]]


def _blank(value: Any) -> Any:
    return "" if value is None else value


def months_table(months: Sequence[MonthRow]) -> Table:
    return (
        _("By month"),
        [
            _("Month"),
            _("Received"),
            _("Received online"),
            _("Online (%)"),
            _("Finished"),
            _("On time or early"),
            _("On time (%)"),
        ],
        [
            [
                m.label,
                m.received,
                m.received_online,
                _blank(m.online_pct),
                m.finished,
                m.finished_on_time,
                _blank(m.on_time_pct),
            ]
            for m in months
        ],
    )


def dashboard_tables(dash: Dashboard) -> dict[str, Table]:
    rest = [_("Finished"), _("Late"), _("Late (%)"), _("Average days")]
    return {
        "months": months_table(dash.months),
        "procedures": (
            _("Slowest procedures"),
            [_("Procedure"), *rest],
            [
                [r.name, r.finished, r.late, _blank(r.late_pct), r.average_days]
                for r in dash.slow_procedures
            ],
        ),
        "units": (
            _("Slowest units"),
            [_("Unit"), *rest],
            [
                [r.name, r.finished, r.late, _blank(r.late_pct), r.average_days]
                for r in dash.slow_units
            ],
        ),
        "steps": (
            _("Slowest steps"),
            [
                _("Unit"),
                _("Role"),
                _("Steps finished"),
                _("Late"),
                _("Late (%)"),
                _("Average working days"),
            ],
            [
                [r.unit, r.role, r.finished, r.late, _blank(r.late_pct), _blank(r.average_days)]
                for r in dash.slow_steps
            ],
        ),
        "ratings": ratings_table(dash.ratings),
        "workload": (
            _("Officer workload"),
            [_("Officer"), _("Dossiers in hand"), _("Overdue")],
            [[r.name, r.pending, r.overdue] for r in dash.workload],
        ),
    }


def ratings_table(ratings: Sequence[RatingRow]) -> Table:
    return (
        _("Citizens' ratings by month"),
        [
            _("Month"),
            _("Very satisfied"),
            _("Satisfied"),
            _("Dissatisfied"),
            _("Ratings"),
            _("Satisfied (%)"),
        ],
        [
            [
                r.label,
                r.very_satisfied,
                r.satisfied,
                r.dissatisfied,
                r.total,
                _blank(r.satisfied_pct),
            ]
            for r in ratings
        ],
    )


def index_table(result: IndexResult) -> Table:
    rows = []
    for g in result.groups:
        rows.append([f"{g.number}", g.name, g.max_points, g.score, "", "", "", "", ""])
        for i in g.indicators:
            rows.append(
                [
                    i.code,
                    i.name,
                    i.max_points,
                    _blank(i.score),
                    _blank(i.numerator),
                    _blank(i.denominator),
                    _blank(i.ratio),
                    _blank(i.target),
                    source_label(i.source, i.tracked),
                ]
            )
    rows.append(["", _("Total"), result.max_measured, result.total, "", "", "", "", ""])
    return (
        _("Service index"),
        [
            _("Code"),
            _("Indicator"),
            _("Maximum"),
            _("Score"),
            _("Numerator"),
            _("Denominator"),
            _("Ratio"),
            _("Target"),
            _("Source"),
        ],
        rows,
    )


def source_label(source: str, tracked: bool = False) -> str:
    if source == "no_data":
        return _("No data")
    label = _("Entered") if source == "entered" else _("Computed")
    return f"{label} · {_('tracked')}" if tracked else label


def drilldown_table(rows: Sequence[DrilldownRow]) -> Table:
    reasons = {
        "finished_late": _("Finished late"),
        "overdue": _("Overdue, still being handled"),
        "not_online": _("Not received online"),
    }
    return (
        _("Dossiers"),
        [
            _("Dossier code"),
            _("Procedure"),
            _("Agency"),
            _("Received"),
            _("Due"),
            _("Finished"),
            _("Why"),
        ],
        [
            [
                r.code,
                r.procedure,
                r.agency,
                r.received_day.strftime("%d/%m/%Y") if r.received_day else "",
                timezone.localtime(r.due_at).strftime("%d/%m/%Y %H:%M") if r.due_at else "",
                r.finished_day.strftime("%d/%m/%Y") if r.finished_day else "",
                reasons.get(r.reason, r.reason),
            ]
            for r in rows
        ],
    )


def public_table(months: Sequence[MonthRow], ratings: Sequence[RatingRow]) -> Table:
    title, headers, rows = months_table(months)
    return (
        title,
        [*headers, _("Satisfied (%)")],
        [
            [*row, _("No data") if r.satisfied_pct is None else r.satisfied_pct]
            for row, r in zip(rows, ratings, strict=True)
        ],
    )
