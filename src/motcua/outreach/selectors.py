"""Reads of the outreach app: activity progress and state, plan completion, roll-ups.

The four functions at the top are the contract other apps call (the PAR
INDEX self-assessment scores them); keep their signatures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from motcua.core import clock
from motcua.org.models import RoleAssignment, Unit
from motcua.org.selectors import valid_on_q
from motcua.outreach import conf
from motcua.outreach.constants import ActivityState, MaterialKind, PlanStatus
from motcua.outreach.models import Activity, Article, Material, Plan, ProgressReport

# --- the contract ----------------------------------------------------------------------------


def plan_for(unit: Unit, year: int) -> Plan | None:
    """Return ``unit``'s communication plan of ``year`` (draft or issued), if any."""
    return Plan.objects.filter(unit=unit, year=year).first()


def plan_issued_on_time(unit: Unit, year: int) -> bool | None:
    """Return whether the plan of ``year`` was issued by the deadline (conf.plan_deadline).

    None when the unit has no plan that year; False for a plan still a
    draft, or issued after the deadline.
    """
    plan = plan_for(unit, year)
    if plan is None:
        return None
    if plan.status != PlanStatus.ISSUED or plan.issued_on is None:
        return False
    return plan.issued_on <= conf.plan_deadline(year)


def plan_completion(unit: Unit, year: int, *, today: date | None = None) -> Decimal | None:
    """Return the percent (one decimal) of the plan's activities due so far that are done.

    An activity is due so far when its due date is today or earlier; done
    when its reported quantity reaches its target. None without a plan or
    with no activity due yet.
    """
    plan = plan_for(unit, year)
    if plan is None:
        return None
    day = today or clock.localdate()
    due = with_progress(plan.activities.filter(due_on__lte=day))
    total = done = 0
    for activity in due:
        total += 1
        done += int(getattr(activity, "done_quantity", 0)) >= activity.target_quantity
    return percent(done, total)


def form_variety(unit: Unit, year: int) -> int:
    """Return how many distinct forms of communication have at least one progress report
    in ``unit``'s plan of ``year`` (0 without a plan)."""
    return (
        ProgressReport.objects.filter(activity__plan__unit=unit, activity__plan__year=year)
        .values("activity__channel")
        .distinct()
        .count()
    )


# --- progress and state ----------------------------------------------------------------------


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _sum(model: Any, column: str, **filters: Any) -> Any:
    rows = (
        model.objects.filter(activity=OuterRef("pk"), **filters)
        .order_by()
        .values("activity")
        .annotate(total=Sum(column))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_progress(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """Annotate each activity with its quantity done and the reach of its reports and
    its articles (``done_quantity``, ``people``, ``report_views``, ``article_views``,
    ``report_broadcasts``). Subqueries, so the sums never multiply each other."""
    return activities.annotate(
        done_quantity=_sum(ProgressReport, "quantity"),
        people=_sum(ProgressReport, "people"),
        report_views=_sum(ProgressReport, "views"),
        report_broadcasts=_sum(ProgressReport, "broadcasts"),
        article_views=_sum(Article, "views", publish_at__isnull=False),
    )


def activity_state(activity: Activity, *, today: date | None = None) -> str:
    """Return the state of an activity annotated by :func:`with_progress`.

    Done once its quantity reaches the target; overdue when not done after
    its due date; in progress when something is reported; else not started.
    """
    day = today or clock.localdate()
    done = int(getattr(activity, "done_quantity", 0) or 0)
    if done >= activity.target_quantity:
        return ActivityState.DONE
    if day > activity.due_on:
        return ActivityState.OVERDUE
    if done > 0:
        return ActivityState.IN_PROGRESS
    return ActivityState.NOT_STARTED


def airings_so_far(material: Material, *, today: date | None = None) -> int:
    """Return how many times a broadcast script has aired by the end of ``today``."""
    if material.kind != MaterialKind.BROADCAST or not material.starts_on:
        return 0
    day = today or clock.localdate()
    last = min(day, material.ends_on or day)
    if last < material.starts_on:
        return 0
    return ((last - material.starts_on).days + 1) * material.airings_per_day


@dataclass
class ActivityRow:
    activity: Activity
    state: str
    done: int
    people: int
    views: int
    broadcasts: int

    @property
    def progress(self) -> Decimal | None:
        return percent(min(self.done, self.activity.target_quantity), self.activity.target_quantity)


@dataclass
class PlanSummary:
    plan: Plan
    rows: list[ActivityRow]
    completion: Decimal | None
    variety: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def people(self) -> int:
        return sum(r.people for r in self.rows)

    @property
    def views(self) -> int:
        return sum(r.views for r in self.rows)

    @property
    def broadcasts(self) -> int:
        return sum(r.broadcasts for r in self.rows)


def activity_rows(
    activities: QuerySet[Activity], *, today: date | None = None
) -> list[ActivityRow]:
    """Return the activities with their state and reach (articles and broadcasts included)."""
    day = today or clock.localdate()
    listed = list(
        with_progress(activities)
        .select_related("channel", "topic", "owner_unit", "plan__unit")
        .prefetch_related(
            Prefetch(
                "materials",
                queryset=Material.objects.filter(kind=MaterialKind.BROADCAST),
                to_attr="broadcast_scripts",
            )
        )
    )
    rows = []
    for activity in listed:
        aired = sum(
            airings_so_far(m, today=day) for m in getattr(activity, "broadcast_scripts", [])
        )
        rows.append(
            ActivityRow(
                activity=activity,
                state=activity_state(activity, today=day),
                done=activity.done_quantity,  # type: ignore[attr-defined]
                people=activity.people,  # type: ignore[attr-defined]
                views=activity.report_views + activity.article_views,  # type: ignore[attr-defined]
                broadcasts=activity.report_broadcasts + aired,  # type: ignore[attr-defined]
            )
        )
    return rows


def plan_summary(plan: Plan, *, today: date | None = None) -> PlanSummary:
    """Return a plan with every activity's state and reach, its completion and variety."""
    return plan_summaries([plan], today=today)[plan.pk]


def plan_summaries(plans: list[Plan], *, today: date | None = None) -> dict[int, PlanSummary]:
    """Return :func:`plan_summary` of each of ``plans`` by plan id, in a fixed number of
    queries whatever the number of plans (the province view lists every unit's)."""
    day = today or clock.localdate()
    rows_of: dict[int, list[ActivityRow]] = {plan.pk: [] for plan in plans}
    for row in activity_rows(
        Activity.objects.filter(plan__in=[p.pk for p in plans]).order_by("plan_id", "due_on", "pk"),
        today=day,
    ):
        rows_of[row.activity.plan_id].append(row)
    variety: dict[int, int] = defaultdict(int)
    for found in (
        ProgressReport.objects.filter(activity__plan__in=[p.pk for p in plans])
        .values("activity__plan", "activity__channel")
        .distinct()
        .order_by()
    ):
        variety[found["activity__plan"]] += 1
    summaries = {}
    for plan in plans:
        rows = rows_of[plan.pk]
        due = [r for r in rows if r.activity.due_on <= day]
        counts = {state: 0 for state in ActivityState.values}
        for row in rows:
            counts[row.state] += 1
        summaries[plan.pk] = PlanSummary(
            plan=plan,
            rows=rows,
            completion=percent(sum(r.state == ActivityState.DONE for r in due), len(due)),
            variety=variety[plan.pk],
            counts=counts,
        )
    return summaries


def officers_of(unit: Unit) -> list[Any]:
    """Return the officers nearest to ``unit``: holders of an officer role on the unit
    itself, else on its parent, and so on up."""
    day = clock.localdate()
    ancestors = list(reversed(unit.ancestor_ids()))  # the unit first, then up
    assignments = (
        RoleAssignment.objects.filter(
            role__code__in=conf.officer_roles(), unit_id__in=ancestors, user__is_active=True
        )
        .filter(valid_on_q(day))
        .values_list("unit_id", "user_id")
    )
    by_unit: dict[int, set[int]] = defaultdict(set)
    for unit_id, user_id in assignments:
        by_unit[unit_id].add(user_id)
    for unit_id in ancestors:
        if by_unit.get(unit_id):
            return list(get_user_model().objects.filter(pk__in=by_unit[unit_id]).order_by("pk"))
    return []


# --- scope -----------------------------------------------------------------------------------


def units_in_scope(user: Any, roles: list[str]) -> QuerySet[Unit]:
    """Return the units (and everything below them) where ``user`` holds one of ``roles``."""
    from motcua.org.selectors import user_scope_q

    condition = Q(pk__in=[])
    for role in roles:
        condition |= user_scope_q(user, role, field="")
    return Unit.objects.filter(condition)


def plans_for_user(user: Any, *, year: int | None = None) -> QuerySet[Plan]:
    """Return the plans of the units the user reads (``conf.reader_roles``)."""
    plans = Plan.objects.filter(unit__in=units_in_scope(user, conf.reader_roles()))
    if year is not None:
        plans = plans.filter(year=year)
    return plans.select_related("unit").annotate(activity_count=Count("activities"))


def activities_for_user(user: Any) -> QuerySet[Activity]:
    """Return the activities the user's units own, co-own, or whose plan they keep."""
    scope = units_in_scope(user, conf.officer_roles())
    return Activity.objects.filter(
        Q(plan__unit__in=scope) | Q(owner_unit__in=scope) | Q(co_owner_units__in=scope)
    ).distinct()


@dataclass
class UnitRollup:
    unit: Unit
    plan: Plan | None
    issued_on_time: bool | None
    completion: Decimal | None
    variety: int
    activities: int
    done: int
    overdue: int


def rollup(unit: Unit, year: int, *, today: date | None = None) -> list[UnitRollup]:
    """Return ``unit`` and each unit directly below it with its plan's figures (province view)."""
    day = today or clock.localdate()
    children = list(Unit.objects.filter(parent=unit).filter(valid_on_q(day)).order_by("name"))
    plans = {
        p.unit_id: p
        for p in Plan.objects.filter(unit__in=[unit, *children], year=year).select_related("unit")
    }
    summaries = plan_summaries(list(plans.values()), today=day)
    result = []
    for member in [unit, *children]:
        plan = plans.get(member.pk)
        if plan is None:
            result.append(UnitRollup(member, None, None, None, 0, 0, 0, 0))
            continue
        summary = summaries[plan.pk]
        result.append(
            UnitRollup(
                unit=member,
                plan=plan,
                issued_on_time=(
                    plan.status == PlanStatus.ISSUED
                    and plan.issued_on is not None
                    and plan.issued_on <= conf.plan_deadline(year)
                ),
                completion=summary.completion,
                variety=summary.variety,
                activities=len(summary.rows),
                done=summary.counts[ActivityState.DONE],
                overdue=summary.counts[ActivityState.OVERDUE],
            )
        )
    return result


def articles_published(*, now: Any = None) -> QuerySet[Article]:
    """Return the articles whose publishing instant has come, newest first."""
    at = now or clock.now()
    return (
        Article.objects.filter(publish_at__isnull=False, publish_at__lte=at)
        .select_related("topic", "unit")
        .order_by("-publish_at", "-pk")
    )
