"""JSON API of the service index, mounted at /api/v1/indices/.

Staff only (a token or the session), and only for units where the caller
holds a leader's or reform officer's role (on the unit or above). No
``from __future__ import annotations`` here: django-ninja reads the
annotations at import time.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from motcua.api.auth import STAFF_AUTH
from motcua.core.schemas import error_responses
from motcua.indices.periods import PERIOD_PATTERN, period_parse
from motcua.indices.selectors import (
    IndexResult,
    service_drilldown,
    service_index,
    unit_for_viewer,
)

router = Router(tags=["indices"], auth=STAFF_AUTH)

ERRORS = error_responses(400, 401, 403, 404, 422)


class ServiceIndexQuery(Schema):
    unit_id: int = Field(description="The unit; its whole subtree is counted.")
    period: str = Field(
        pattern=PERIOD_PATTERN,
        description="A year (`2026`), a quarter (`2026-Q3`) or a month (`2026-07`).",
    )


class DrilldownQuery(ServiceIndexQuery):
    indicator: str = Field(max_length=10, description="A sub-indicator code, e.g. `2.1`.")


class IndexUnitOut(Schema):
    id: int
    name: str


class IndexPeriodOut(Schema):
    key: str
    start: date
    end: date


class IndexVersionOut(Schema):
    code: str
    name: str
    effective_from: date


class SubIndicatorOut(Schema):
    code: str
    name: str
    max: Decimal
    score: Decimal | None = Field(description="Null when there is no data, or a tracked figure.")
    numerator: Decimal | None
    denominator: Decimal | None
    ratio: Decimal | None
    target: Decimal | None
    source: Literal["computed", "entered", "no_data"] = Field(
        description="`entered`: typed in by an administrator with evidence; `no_data`: the data "
        "does not exist in this system (never scored as 0 or 100)."
    )
    tracked: bool
    evidence: str


class IndicatorGroupOut(Schema):
    number: int
    name: str
    max: Decimal
    score: Decimal
    max_measured: Decimal


class IndicatorGroupDetailOut(IndicatorGroupOut):
    indicators: list[SubIndicatorOut]


class ServiceIndexOut(Schema):
    unit: IndexUnitOut
    period: IndexPeriodOut
    version: IndexVersionOut
    groups: list[IndicatorGroupDetailOut]
    total: Decimal
    max_measured: Decimal = Field(description="The points the indicators with data could earn.")
    rating: str | None


class DrilldownItemOut(Schema):
    dossier_id: int
    code: str
    procedure: str
    agency: str
    received_on: date | None
    due_at: datetime | None
    finished_on: date | None
    reason: str = Field(description="`finished_late`, `overdue` or `not_online`.")


class DrilldownOut(Schema):
    indicator: str
    count: int
    items: list[DrilldownItemOut]


def index_body(result: IndexResult) -> dict[str, Any]:
    """Return the JSON body of a computed index (the API and the Excel export)."""
    return {
        "unit": {"id": result.unit.pk, "name": result.unit.name},
        "period": {
            "key": result.period.key,
            "start": result.period.start,
            "end": result.period.end,
        },
        "version": {
            "code": result.version.code,
            "name": result.version.name,
            "effective_from": result.version.effective_from,
        },
        "groups": [
            {
                "number": g.number,
                "name": g.name,
                "max": g.max_points,
                "score": g.score,
                "max_measured": g.max_measured,
                "indicators": [
                    {
                        "code": i.code,
                        "name": i.name,
                        "max": i.max_points,
                        "score": i.score,
                        "numerator": i.numerator,
                        "denominator": i.denominator,
                        "ratio": i.ratio,
                        "target": i.target,
                        "source": i.source,
                        "tracked": i.tracked,
                        "evidence": i.evidence,
                    }
                    for i in g.indicators
                ],
            }
            for g in result.groups
        ],
        "total": result.total,
        "max_measured": result.max_measured,
        "rating": result.rating,
    }


@router.get(
    "/service",
    response={200: ServiceIndexOut, **ERRORS},
    summary="Service-quality index (QĐ 766 style) of a unit and period",
    description=(
        "Groups and sub-indicators with max, score, numerator, denominator, and the total, "
        "for the unit and everything below it (numerators and denominators are summed over "
        "the subtree). The version of the index in force at the period's end applies."
    ),
)
def service(request: HttpRequest, query: Query[ServiceIndexQuery]) -> dict[str, Any]:
    unit = unit_for_viewer(request.auth, query.unit_id)  # type: ignore[attr-defined]
    return index_body(service_index(unit, period_parse(query.period)))


@router.get(
    "/service/drilldown",
    response={200: DrilldownOut, **ERRORS},
    summary="The dossiers behind a sub-indicator's lost points",
    description=(
        "For `2.1`: dossiers finished late in the period, and dossiers received in the period "
        "still being handled past their legal due. For `3.1`/`3.2`: dossiers received in the "
        "period not online. No personal data is listed."
    ),
)
def drilldown(request: HttpRequest, query: Query[DrilldownQuery]) -> dict[str, Any]:
    unit = unit_for_viewer(request.auth, query.unit_id)  # type: ignore[attr-defined]
    indicator, rows = service_drilldown(unit, period_parse(query.period), query.indicator)
    return {
        "indicator": indicator.code,
        "count": len(rows),
        "items": [
            {
                "dossier_id": r.dossier_id,
                "code": r.code,
                "procedure": r.procedure,
                "agency": r.agency,
                "received_on": r.received_day,
                "due_at": r.due_at,
                "finished_on": r.finished_day,
                "reason": r.reason,
            }
            for r in rows
        ],
    }
