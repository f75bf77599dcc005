"""Working calendar and deadline endpoints under /api/v1/workdays/."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from motcua.core.errors import NotFoundError
from motcua.core.schemas import error_responses
from motcua.workdays.core import LimitUnit
from motcua.workdays.models import CalendarYear
from motcua.workdays.services import deadline_compute

router = Router(tags=["workdays"])


class DeadlineOut(Schema):
    received: datetime
    amount: int
    unit: LimitUnit
    d0: date
    due: datetime
    unit_code: str | None
    calendar_source: str


class CalendarEntryOut(Schema):
    day: date
    kind: str
    name: str
    legal_basis: str


class CalendarYearOut(Schema):
    year: int
    status: str
    legal_basis: str
    entries: list[CalendarEntryOut]


@router.get(
    "/deadline",
    response={200: DeadlineOut, **error_responses(400, 404, 422)},
    summary="Compute D0 and the due instant of a time limit",
)
def deadline(
    request: HttpRequest,
    received: str,
    unit: LimitUnit,
    amount: int = 0,
    unit_code: str | None = None,
) -> DeadlineOut:
    result = deadline_compute(received=received, amount=amount, unit=unit, unit_code=unit_code)
    return DeadlineOut(**result.__dict__ | {"calendar_source": result.calendar_source})


@router.get(
    "/calendars/{year}",
    response={200: CalendarYearOut, **error_responses(404, 422)},
    summary="A year's days off and make-up working days",
)
def calendar_year(request: HttpRequest, year: int) -> CalendarYearOut:
    calendar = CalendarYear.objects.filter(year=year).first()
    if calendar is None:
        raise NotFoundError(
            _("There is no working calendar for %(year)s yet.") % {"year": year},
            code="no_calendar",
        )
    entries = [
        CalendarEntryOut(day=e.day, kind=e.kind, name=e.name, legal_basis=e.legal_basis)
        for e in calendar.entries.filter(unit__isnull=True).order_by("day")
    ]
    return CalendarYearOut(
        year=calendar.year,
        status=calendar.status,
        legal_basis=calendar.legal_basis,
        entries=entries,
    )
