"""JSON API of ratings, PAKN and surveys for staff, mounted at /api/v1/feedback/.

Read-only: ratings are given by citizens only (kiosk, link), never through
a staff token. A caller reads a unit's figures when they hold one of
``MOTCUA_FEEDBACK_READER_ROLES`` over it; the figures cover the unit and
everything below it. No ``from __future__ import annotations`` here:
django-ninja reads the annotations at import time.
"""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from pydantic import Field

from motcua.api.auth import STAFF_AUTH
from motcua.core.errors import NotFoundError, PermissionDeniedError
from motcua.core.schemas import error_responses
from motcua.feedback.excel import XLSX
from motcua.feedback.models import FollowUp, SurveyCampaign
from motcua.feedback.selectors import (
    campaign_figures,
    evaluations_export,
    evaluations_in,
    feedback_summary,
    pakn_export,
    pakn_in,
    period_range,
)
from motcua.feedback.services.common import holds_any, reader_roles
from motcua.feedback.services.surveys import campaign_roles
from motcua.org.models import Unit
from motcua.org.selectors import unit_get_cached

router = Router(tags=["feedback"], auth=STAFF_AUTH)

PERIOD_DOC = "`2026` (a year), `2026-Q3` (a quarter) or `2026-07` (a month), in local days."
XLSX_OPENAPI = {
    "responses": {
        200: {
            "description": "JSON by default; with `format=xlsx` the Excel sheet as an attachment.",
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class FeedbackFilter(Schema):
    unit_id: int = Field(description="A unit: its figures and those of every unit below it.")
    period: str = Field(description=PERIOD_DOC, max_length=10)


class ListFilter(FeedbackFilter):
    format: Literal["json", "xlsx"] = Field("json", description="`json` or `xlsx` (Excel).")
    offset: int = Field(0, ge=0, description="Rows to skip (JSON only).")
    limit: int = Field(100, ge=1, le=1000, description="Rows to return (JSON only).")


class IndicatorMeanOut(Schema):
    number: int
    name: str
    mean: float | None = Field(description="The mean score, 0–2; null without scored ratings.")


class RatingFiguresOut(Schema):
    total: int
    levels: dict[str, int] = Field(
        description="Ratings per level: `very_satisfied`, `satisfied`, `dissatisfied`."
    )
    indicators: list[IndicatorMeanOut]


class PaknFiguresOut(Schema):
    total: int
    states: dict[str, int] = Field(
        description="PAKN received in the period per state: `received`, `assigned`, "
        "`answered`, `published`."
    )
    on_time_share: float | None = Field(
        description="(Answered on time + still within time) / (answered + due), QĐ 766 5.2."
    )
    on_time: int
    within_time: int
    late: int


class EstimateOut(Schema):
    key: str
    name: str
    index: float | None = Field(description="Share satisfied (0–1); null without answers.")
    sample_size: int
    ci_low: float | None = Field(description="Lower end of the 95% interval.")
    ci_high: float | None = Field(description="Upper end of the 95% interval.")


class CampaignFiguresOut(Schema):
    campaign_id: int
    name: str
    unit_id: int
    unit_name: str
    starts_on: date
    ends_on: date
    sample_target: int
    answers: int
    overall: EstimateOut
    aspects: list[EstimateOut]


class FeedbackSummaryOut(Schema):
    unit_id: int
    unit_name: str
    period: str
    start: date
    end: date
    ratings: RatingFiguresOut
    pakn: PaknFiguresOut
    surveys: list[CampaignFiguresOut]


class RatingOut(Schema):
    id: int
    dossier_code: str | None
    procedure_code: str
    receiving_unit_id: int
    agency_id: int
    level: str
    total: int | None
    band: str
    channel: str
    submitted_at: datetime
    intake_officer_id: int | None
    returned_by_id: int | None
    handler_ids: list[int]
    scores: list[int]
    has_follow_up: bool


class PaknOut(Schema):
    id: int
    code: str | None
    channel: str
    kind: str
    status: str
    title: str
    unit_id: int | None
    dossier_code: str | None
    received_at: datetime
    due_at: datetime | None
    answered_at: datetime | None
    on_time: bool | None
    published_at: datetime | None
    answer_rating: str


def _caller(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _unit(request: HttpRequest, unit_id: int) -> Unit:
    unit = unit_get_cached(unit_id)
    if unit is None:
        raise NotFoundError(
            _("There is no unit with id %(id)s.") % {"id": unit_id}, code="unknown_unit"
        )
    if not holds_any(_caller(request), reader_roles(), unit):
        raise PermissionDeniedError(
            _("You cannot read the feedback figures of %(unit)s.") % {"unit": unit.name}
        )
    return unit


def _checked(request: HttpRequest, filters: FeedbackFilter) -> tuple[Unit, date, date]:
    start, end = period_range(filters.period)
    return _unit(request, filters.unit_id), start, end


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/summary",
    response={200: FeedbackSummaryOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Feedback figures of a unit and period",
    description=(
        "Counts per rating level and the mean of each of the nine indicators (DOMAIN §5.2), "
        "PAKN counts by state and the on-time share, and each survey campaign running in the "
        "period with its indices, sample sizes and 95% intervals. " + PERIOD_DOC
    ),
)
def summary(request: HttpRequest, filters: Query[FeedbackFilter]) -> Any:
    unit, _start, _end = _checked(request, filters)
    return feedback_summary(unit, filters.period)


@router.get(
    "/ratings",
    response={200: list[RatingOut], **error_responses(400, 401, 403, 404, 422)},
    openapi_extra=XLSX_OPENAPI,
    summary="Ratings of returned dossiers",
    description="Newest first, with their attribution (desk, agency, procedure, officers).",
)
def ratings(request: HttpRequest, filters: Query[ListFilter]) -> Any:
    unit, start, end = _checked(request, filters)
    rows = evaluations_in(unit, start, end).order_by("-submitted_at", "-id")
    if filters.format == "xlsx":
        return _xlsx(evaluations_export(rows), f"danh-gia-{filters.period}")
    page = list(
        rows.select_related("dossier", "procedure").prefetch_related("handlers", "scores")[
            filters.offset : filters.offset + filters.limit
        ]
    )
    follow = set(
        FollowUp.objects.filter(evaluation__in=[e.pk for e in page]).values_list(
            "evaluation_id", flat=True
        )
    )
    return [
        {
            "id": e.pk,
            "dossier_code": e.dossier.code,
            "procedure_code": e.procedure.code,
            "receiving_unit_id": e.receiving_unit_id,
            "agency_id": e.agency_id,
            "level": e.level,
            "total": e.total,
            "band": e.band,
            "channel": e.channel,
            "submitted_at": e.submitted_at,
            "intake_officer_id": e.intake_officer_id,
            "returned_by_id": e.returned_by_id,
            "handler_ids": sorted(h.pk for h in e.handlers.all()),
            "scores": [s.score for s in sorted(e.scores.all(), key=lambda s: s.number)],
            "has_follow_up": e.pk in follow,
        }
        for e in page
    ]


@router.get(
    "/pakn",
    response={200: list[PaknOut], **error_responses(400, 401, 403, 404, 422)},
    openapi_extra=XLSX_OPENAPI,
    summary="Citizen feedback (PAKN) assigned to a unit",
    description="Received in the period, newest first; no sender's name or contact.",
)
def pakn(request: HttpRequest, filters: Query[ListFilter]) -> Any:
    unit, start, end = _checked(request, filters)
    rows = pakn_in(unit, start, end).order_by("-received_at", "-id")
    if filters.format == "xlsx":
        return _xlsx(pakn_export(rows), f"pakn-{filters.period}")
    return [
        {
            "id": p.pk,
            "code": p.code,
            "channel": p.channel,
            "kind": p.kind,
            "status": p.status,
            "title": p.title,
            "unit_id": p.unit_id,
            "dossier_code": p.dossier.code if p.dossier else None,
            "received_at": p.received_at,
            "due_at": p.due_at,
            "answered_at": p.answered_at,
            "on_time": p.on_time,
            "published_at": p.published_at,
            "answer_rating": p.answer_rating,
        }
        for p in rows.select_related("dossier")[filters.offset : filters.offset + filters.limit]
    ]


@router.get(
    "/surveys/{campaign_id}",
    response={200: CampaignFiguresOut, **error_responses(401, 404, 422)},
    summary="A survey campaign's indices",
    description="Each aspect's index and the overall index, with sample size and 95% interval.",
)
def survey(request: HttpRequest, campaign_id: Path[int]) -> Any:
    campaign = (
        SurveyCampaign.objects.select_related("unit", "questionnaire")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None or not holds_any(_caller(request), campaign_roles(), campaign.unit):
        raise NotFoundError(_("This survey does not exist."), code="no_campaign")
    return campaign_figures(campaign)
