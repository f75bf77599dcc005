"""JSON API of the outreach app, mounted at /api/v1/outreach/.

Read-only: a caller with a staff token reads a unit's communication plans
when they hold a role over the unit (a plan is a public document of the
unit; its staff may all read it, other units' staff may not). No ``from
__future__ import annotations`` here: django-ninja reads the annotations
at import time.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from pydantic import Field

from motcua.api.auth import STAFF_AUTH
from motcua.core import clock
from motcua.core.errors import NotFoundError, PermissionDeniedError
from motcua.core.schemas import error_responses
from motcua.org.selectors import unit_get_cached
from motcua.outreach import selectors as sel
from motcua.outreach import services as s
from motcua.outreach.models import Activity, Plan

router = Router(tags=["outreach"], auth=STAFF_AUTH)


class OutreachUnitPath(Schema):
    unit_id: int = Field(description="The unit whose plans are read.", ge=1, le=2**31 - 1)


class OutreachPlanFilter(Schema):
    year: int | None = Field(
        None, ge=2000, le=2100, description="Only the plan of this year (all years when absent)."
    )


class OutreachActivityOut(Schema):
    id: int
    title: str
    channel: str = Field(description="Code of the form of communication (DOMAIN.md §13).")
    topic: str = Field(description="Code of the topic.")
    owner_unit_id: int
    co_owner_unit_ids: list[int]
    period_kind: str = Field(description="`month`, `quarter` or `year`.")
    period: int = Field(description="1–12 (month), 1–4 (quarter), 0 (whole year).")
    due_on: date
    target_quantity: int
    quantity_unit: str
    audience: str
    done_quantity: int
    state: str = Field(description="`not_started`, `in_progress`, `done` or `overdue`.")
    people: int = Field(description="People reached, from the progress reports.")
    views: int = Field(description="Views: the reports' and the linked articles' readers.")
    broadcasts: int = Field(description="Broadcasts: reported and aired by linked scripts.")


class OutreachPlanOut(Schema):
    id: int
    unit_id: int
    year: int
    title: str
    number: str
    status: str = Field(description="`draft` or `issued`.")
    issued_on: date | None
    issued_on_time: bool = Field(description="Issued by the deadline (31 January by default).")
    completion: Decimal | None = Field(
        description="Percent of the activities due so far that are done; null when none is due."
    )
    form_variety: int = Field(description="Distinct forms with at least one progress report.")
    activities: list[OutreachActivityOut]


@router.get(
    "/units/{unit_id}/plans",
    response={200: list[OutreachPlanOut], **error_responses(401, 403, 404, 422)},
    summary="Communication plans of a unit",
    description=(
        "The unit's yearly communication plans (newest first) with their activities, each "
        "activity's state and reach, the plan's completion and its variety of forms."
    ),
)
def unit_plans(
    request: HttpRequest, path: Path[OutreachUnitPath], filters: Query[OutreachPlanFilter]
) -> Any:
    unit = unit_get_cached(path.unit_id)
    if unit is None:
        raise NotFoundError(_("This unit does not exist."))
    if not s.holds_a_role_over(request.auth, unit):  # type: ignore[attr-defined]
        raise PermissionDeniedError(
            _("You cannot read the communication plans of %(unit)s.") % {"unit": unit.name}
        )
    plans = Plan.objects.filter(unit=unit).order_by("-year")
    if filters.year is not None:
        plans = plans.filter(year=filters.year)
    today = clock.localdate()
    result = []
    for plan in plans:
        summary = sel.plan_summary(plan, today=today)
        co_owners: dict[int, list[int]] = {}
        for row in Activity.co_owner_units.through.objects.filter(activity__plan=plan).values_list(
            "activity_id", "unit_id"
        ):
            co_owners.setdefault(row[0], []).append(row[1])
        result.append(
            {
                "id": plan.pk,
                "unit_id": plan.unit_id,
                "year": plan.year,
                "title": plan.title,
                "number": plan.number,
                "status": plan.status,
                "issued_on": plan.issued_on,
                "issued_on_time": bool(sel.plan_issued_on_time(unit, plan.year)),
                "completion": summary.completion,
                "form_variety": summary.variety,
                "activities": [
                    {
                        "id": r.activity.pk,
                        "title": r.activity.title,
                        "channel": r.activity.channel.code,
                        "topic": r.activity.topic.code,
                        "owner_unit_id": r.activity.owner_unit_id,
                        "co_owner_unit_ids": sorted(co_owners.get(r.activity.pk, [])),
                        "period_kind": r.activity.period_kind,
                        "period": r.activity.period,
                        "due_on": r.activity.due_on,
                        "target_quantity": r.activity.target_quantity,
                        "quantity_unit": r.activity.quantity_unit,
                        "audience": r.activity.audience,
                        "done_quantity": r.done,
                        "state": r.state,
                        "people": r.people,
                        "views": r.views,
                        "broadcasts": r.broadcasts,
                    }
                    for r in summary.rows
                ],
            }
        )
    return result
