"""The leader's morning page and the public statistics, read from the rollups only.

Every figure comes from :class:`DailyCount` (today),
:class:`AgencyMonthlyCount` (trends, the slowest units), :class:`MonthlyCount`
(the slowest procedures; rankings over the last three calendar months
including this one), :class:`StepMonthlyCount` (the slowest steps, by unit
and role, same three months), :class:`RatingMonthlyCount` (the
satisfaction trend) or from the facts of the dossiers still being
handled; nothing here reads the dossier or feedback tables, and the number
of queries does not grow with the data (pinned by tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from motcua.catalog.models import ProcedureVersion
from motcua.feedback.selectors import under
from motcua.indices.models import (
    AgencyMonthlyCount,
    DailyCount,
    DossierFact,
    MonthlyCount,
    RatingMonthlyCount,
    StepMonthlyCount,
)
from motcua.indices.periods import Period, month_keys, months_q
from motcua.org.models import Unit


@dataclass
class MonthRow:
    key: str
    label: str
    received: int
    received_online: int
    finished: int
    finished_on_time: int

    @property
    def on_time_pct(self) -> Decimal | None:
        return _pct(self.finished_on_time, self.finished)

    @property
    def online_pct(self) -> Decimal | None:
        return _pct(self.received_online, self.received)


@dataclass
class SlowRow:
    name: str
    finished: int
    late: int
    average_days: Decimal

    @property
    def late_pct(self) -> Decimal | None:
        return _pct(self.late, self.finished)


@dataclass
class StepRow:
    """Steps one unit finished in one role: how many, how many late, working days spent."""

    unit: str
    role: str
    finished: int
    late: int
    measured: int
    working_days: Decimal

    @property
    def name(self) -> str:
        return f"{self.unit} · {self.role}"

    @property
    def late_pct(self) -> Decimal | None:
        return _pct(self.late, self.finished)

    @property
    def average_days(self) -> Decimal | None:
        if not self.measured:
            return None
        return (self.working_days / self.measured).quantize(Decimal("0.01"))


@dataclass
class RatingRow:
    """Citizens' ratings given in one month."""

    key: str
    label: str
    very_satisfied: int
    satisfied: int
    dissatisfied: int

    @property
    def total(self) -> int:
        return self.very_satisfied + self.satisfied + self.dissatisfied

    @property
    def satisfied_pct(self) -> Decimal | None:
        return _pct(self.very_satisfied + self.satisfied, self.total)


@dataclass
class WorkloadRow:
    name: str
    pending: int
    overdue: int


@dataclass
class Dashboard:
    unit: Unit
    today: date
    received_today: int
    finished_today: int
    returned_today: int
    pending: int
    overdue: int
    due_soon: int
    months: list[MonthRow]
    slow_procedures: list[SlowRow]
    slow_units: list[SlowRow]
    slow_steps: list[StepRow]
    ratings: list[RatingRow]
    workload: list[WorkloadRow]
    extra: dict[str, Any] = field(default_factory=dict)


def _pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def _days(seconds: int, count: int) -> Decimal:
    return (Decimal(seconds) / 86400 / max(count, 1)).quantize(Decimal("0.1"))


def monthly_rows(unit: Unit, months: list[Period]) -> list[MonthRow]:
    """Return one row per month of ``months`` for ``unit``'s subtree (one query)."""
    first, last = months[0].start, months[-1].end
    rows: dict[tuple[int, int], Any] = {
        (r["year"], r["month"]): r
        for r in AgencyMonthlyCount.objects.filter(months_q(first, last), under(unit, "agency"))
        .order_by()
        .values("year", "month")
        .annotate(
            n_received=Sum("received"),
            n_online=Sum("received_online"),
            n_finished=Sum("finished"),
            n_on_time=Sum("finished_on_time"),
        )
    }
    out = []
    for period in months:
        r: dict[str, Any] = rows.get((period.start.year, period.start.month), {})
        out.append(
            MonthRow(
                key=period.key,
                label=f"{period.start.month:02d}/{period.start.year}",
                received=int(r.get("n_received") or 0),
                received_online=int(r.get("n_online") or 0),
                finished=int(r.get("n_finished") or 0),
                finished_on_time=int(r.get("n_on_time") or 0),
            )
        )
    return out


def rating_rows(unit: Unit, months: list[Period]) -> list[RatingRow]:
    """Return the ratings given in each month of ``months`` in ``unit``'s subtree (one query)."""
    first, last = months[0].start, months[-1].end
    rows: dict[tuple[int, int], Any] = {
        (r["year"], r["month"]): r
        for r in RatingMonthlyCount.objects.filter(months_q(first, last), under(unit, "agency"))
        .order_by()
        .values("year", "month")
        .annotate(n_very=Sum("very_satisfied"), n_sat=Sum("satisfied"), n_dis=Sum("dissatisfied"))
    }
    out = []
    for period in months:
        r: dict[str, Any] = rows.get((period.start.year, period.start.month), {})
        out.append(
            RatingRow(
                key=period.key,
                label=f"{period.start.month:02d}/{period.start.year}",
                very_satisfied=int(r.get("n_very") or 0),
                satisfied=int(r.get("n_sat") or 0),
                dissatisfied=int(r.get("n_dis") or 0),
            )
        )
    return out


def slowest_steps(unit: Unit, since: date, until: date, limit: int) -> list[StepRow]:
    """Return the unit × role pairs of ``unit``'s subtree whose steps took longest (one query).

    Ranked by the average working days per step, then by the late steps.
    """
    rows = (
        StepMonthlyCount.objects.filter(months_q(since, until), under(unit, "unit"))
        .order_by()
        .values("unit_id", "role_id", "unit__name", "role__name")
        .annotate(
            n_finished=Sum("finished"),
            n_late=Sum("late"),
            n_measured=Sum("measured"),
            n_days=Sum("working_days"),
        )
        .filter(n_finished__gt=0)
    )
    steps = [
        StepRow(
            unit=r["unit__name"],
            role=r["role__name"],
            finished=int(r["n_finished"]),
            late=int(r["n_late"] or 0),
            measured=int(r["n_measured"] or 0),
            working_days=Decimal(r["n_days"] or 0),
        )
        for r in rows
    ]
    steps.sort(key=lambda s: (-(s.average_days or Decimal(-1)), -s.late, s.unit, s.role))
    return steps[:limit]


def _slowest(unit: Unit, since: date, until: date, by: str, limit: int) -> list[dict[str, Any]]:
    """Rank ``by`` (``procedure_id`` or ``agency__name``) by average days per finished dossier."""
    counts = MonthlyCount if by == "procedure_id" else AgencyMonthlyCount
    rows = (
        counts.objects.filter(months_q(since, until), under(unit, "agency"))
        .order_by()
        .values(by)
        .annotate(
            n_finished=Sum("finished"),
            n_late=Sum("finished_late"),
            n_seconds=Sum("handling_seconds"),
        )
        .filter(n_finished__gt=0)
    )
    ranked = sorted(rows, key=lambda r: (-(r["n_seconds"] or 0) / r["n_finished"], r[by]))
    return ranked[:limit]


def _person(row: dict[str, Any]) -> str:
    """The handler's full name, else the username (as ``User.get_full_name``)."""
    first, last = row["handler__first_name"] or "", row["handler__last_name"] or ""
    return f"{first} {last}".strip() or row["handler__username"] or "?"


def leader_dashboard(unit: Unit, *, now: datetime, top: int = 5) -> Dashboard:
    """Return the morning page of ``unit`` and everything below it (8 queries)."""
    today = timezone.localtime(now).date()
    in_tree = under(unit, "agency")
    day = (
        DailyCount.objects.filter(in_tree, day=today)
        .order_by()
        .aggregate(received=Sum("received"), finished=Sum("finished"), returned=Sum("returned"))
    )
    soon = now + timedelta(days=getattr(settings, "MOTCUA_INDICES_DUE_SOON_DAYS", 2))
    running = Q(clock_running=True)
    # One read of the dossiers being handled (the facts' small partial index), per
    # handler with the handler's name: the tiles are the sums, the workload the top rows.
    in_hand_rows: Any = (
        DossierFact.objects.filter(in_tree, pending=True)
        .order_by()
        .values("handler_id", "handler__first_name", "handler__last_name", "handler__username")
        .annotate(
            n=Count("*"),
            late=Count("agency", filter=running & Q(due_at__lt=now)),
            soon=Count("agency", filter=running & Q(due_at__gte=now, due_at__lt=soon)),
        )
    )
    in_hand: list[dict[str, Any]] = list(in_hand_rows)
    months = monthly_rows(unit, month_keys(today, 12))
    since = month_keys(today, 3)[0].start
    procedures = _slowest(unit, since, today, "procedure_id", top)
    names = dict(
        ProcedureVersion.objects.filter(
            pk__in=Subquery(
                ProcedureVersion.objects.filter(procedure_id=OuterRef("procedure_id"))
                .order_by("-effective_from")
                .values("pk")[:1]
            ),
            procedure_id__in=[r["procedure_id"] for r in procedures],
        ).values_list("procedure_id", "name")
    )
    units = _slowest(unit, since, today, "agency__name", top)
    steps = slowest_steps(unit, since, today, top)
    ratings = rating_rows(unit, month_keys(today, 12))
    workload = sorted(
        (w for w in in_hand if w["handler_id"] is not None),
        key=lambda w: (-w["n"], w["handler_id"]),
    )[:10]
    return Dashboard(
        unit=unit,
        today=today,
        received_today=int(day["received"] or 0),
        finished_today=int(day["finished"] or 0),
        returned_today=int(day["returned"] or 0),
        pending=sum(w["n"] for w in in_hand),
        overdue=sum(w["late"] for w in in_hand),
        due_soon=sum(w["soon"] for w in in_hand),
        months=months,
        slow_procedures=[
            SlowRow(
                names.get(r["procedure_id"], str(r["procedure_id"])),
                r["n_finished"],
                r["n_late"],
                _days(r["n_seconds"] or 0, r["n_finished"]),
            )
            for r in procedures
        ],
        slow_units=[
            SlowRow(
                r["agency__name"],
                r["n_finished"],
                r["n_late"],
                _days(r["n_seconds"] or 0, r["n_finished"]),
            )
            for r in units
        ],
        slow_steps=steps,
        ratings=ratings,
        workload=[WorkloadRow(_person(w), w["n"], w["late"]) for w in workload],
    )
