"""Rollup tables kept current from the dossiers' history (Zulip's analytics pattern).

Every change of a dossier writes one ``DossierEvent`` (dossiers.services).
:func:`rollups_refresh` reads the events after the id recorded in
:class:`FillState`, recomputes the :class:`DossierFact` of each dossier
they touch, and adds to :class:`DailyCount` and :class:`MonthlyCount` the difference between the new
contribution and the one counted before, so the counts stay exact whatever
order the changes come in. :func:`rollups_rebuild` recomputes everything
from the dossier table; ``motcua indices_rollups --rebuild`` runs it, and
a test checks that both paths give the same rows.

A dossier contributes on the local day of each fact: received (with its
channel and whether its procedure is fully online), finished (early, on
time or late, judged by the dossiers app against the legal due) and
returned. Whether a dossier still being handled is overdue depends on the
moment of looking, so it is read from the facts (``pending``), never
stored in a count.

Known limit: an event whose transaction commits after a later event was
already read is seen only with the dossier's next event or the nightly
rebuild (ADR 0013).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from motcua.core import clock
from motcua.dossiers.constants import ACTIVE_STATUSES, CLOCK_RUNNING, Channel, Timeliness
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.feedback.models import Evaluation
from motcua.indices.models import (
    COUNT_FIELDS,
    RATING_COUNT_FIELDS,
    STEP_COUNT_FIELDS,
    AgencyMonthlyCount,
    DailyCount,
    DossierFact,
    FillState,
    MonthlyCount,
    RatingMonthlyCount,
    StepFact,
    StepMonthlyCount,
)
from motcua.indices.steptime import working_thousandths
from motcua.org.models import Unit
from motcua.workdays.core import CalendarMissingError
from motcua.workdays.loader import calendar_for_unit

FILL_STATE = "dossiers"
RATINGS_FILL_STATE = "ratings"
Key = tuple[int, int, date]
Delta = dict[str, int]

_DOSSIER_FIELDS = (
    "id",
    "agency_id",
    "procedure_id",
    "channel",
    "status",
    "received_at",
    "finished_at",
    "returned_at",
    "timeliness",
    "due_at",
    "procedure_version__online_level",
    "current_handler_id",
)


def _day(value: datetime | None) -> date | None:
    return timezone.localtime(value).date() if value is not None else None


def fact_from(row: dict[str, Any]) -> DossierFact:
    """Return the fact of a dossier read with ``_DOSSIER_FIELDS``."""
    received, finished = row["received_at"], row["finished_at"]
    decided = finished is not None and row["timeliness"] != ""
    seconds = int((finished - received).total_seconds()) if decided and received else 0
    return DossierFact(
        dossier_id=row["id"],
        agency_id=row["agency_id"],
        procedure_id=row["procedure_id"],
        online=row["channel"] == Channel.ONLINE,
        fully_online_eligible=row["procedure_version__online_level"] == "full",
        received_day=_day(received),
        finished_day=_day(finished) if decided else None,
        returned_day=_day(row["returned_at"]),
        timeliness=row["timeliness"] if decided else "",
        handling_seconds=max(seconds, 0),
        pending=row["status"] in ACTIVE_STATUSES and received is not None,
        clock_running=row["status"] in CLOCK_RUNNING,
        due_at=row["due_at"],
        handler_id=row["current_handler_id"],
    )


def contributions(fact: DossierFact) -> list[tuple[Key, Delta]]:
    """Return what ``fact`` adds to which (agency, procedure, day) rows."""
    out: list[tuple[Key, Delta]] = []
    agency, procedure = fact.agency_id, fact.procedure_id
    if fact.received_day is not None:
        eligible = int(fact.fully_online_eligible)
        online = int(fact.online)
        out.append(
            (
                (agency, procedure, fact.received_day),
                {
                    "received": 1,
                    "received_online": online,
                    "received_eligible": eligible,
                    "received_eligible_online": eligible * online,
                },
            )
        )
    if fact.finished_day is not None:
        late = int(fact.timeliness == Timeliness.LATE)
        out.append(
            (
                (agency, procedure, fact.finished_day),
                {
                    "finished": 1,
                    "finished_on_time": 1 - late,
                    "finished_late": late,
                    "handling_seconds": fact.handling_seconds,
                },
            )
        )
    if fact.returned_day is not None:
        out.append(((agency, procedure, fact.returned_day), {"returned": 1}))
    return out


def _fact_values(fact: DossierFact) -> tuple[Any, ...]:
    return tuple(getattr(fact, f.attname) for f in DossierFact._meta.concrete_fields)


def _upsert(model: type[Any], key: dict[str, Any], delta: dict[str, Any]) -> None:
    changes = {name: value for name, value in delta.items() if value}
    if not changes:
        return
    updated = model.objects.filter(**key).update(
        **{name: F(name) + value for name, value in changes.items()}
    )
    if not updated:
        model.objects.create(**key, **changes)


def _apply_deltas(deltas: dict[Key, Delta]) -> None:
    daily: dict[tuple[int, date], Delta] = defaultdict(lambda: defaultdict(int))
    monthly: dict[tuple[int, int, int, int], Delta] = defaultdict(lambda: defaultdict(int))
    agency_monthly: dict[tuple[int, int, int], Delta] = defaultdict(lambda: defaultdict(int))
    for (agency, procedure, day), delta in deltas.items():
        for name, value in delta.items():
            daily[(agency, day)][name] += value
            monthly[(agency, procedure, day.year, day.month)][name] += value
            agency_monthly[(agency, day.year, day.month)][name] += value
    for (agency, day), delta in sorted(daily.items()):
        _upsert(DailyCount, {"agency_id": agency, "day": day}, delta)
    for (agency, year, month), delta in sorted(agency_monthly.items()):
        _upsert(AgencyMonthlyCount, {"agency_id": agency, "year": year, "month": month}, delta)
    for (agency, procedure, year, month), delta in sorted(monthly.items()):
        _upsert(
            MonthlyCount,
            {"agency_id": agency, "procedure_id": procedure, "year": year, "month": month},
            delta,
        )


def facts_update(dossier_ids: Iterable[int]) -> int:
    """Recount the dossiers ``dossier_ids``; return how many facts changed.

    Runs inside the caller's transaction.
    """
    ids = sorted(set(dossier_ids))
    old = {fact.dossier_id: fact for fact in DossierFact.objects.filter(dossier_id__in=ids)}
    new = {
        row["id"]: fact_from(row)
        for row in Dossier.objects.filter(id__in=ids).values(*_DOSSIER_FIELDS)
    }
    deltas: dict[Key, Delta] = defaultdict(lambda: defaultdict(int))
    changed = []
    for dossier_id in ids:
        before, after = old.get(dossier_id), new.get(dossier_id)
        if before is not None and after is not None and _fact_values(before) == _fact_values(after):
            continue
        changed.append(dossier_id)
        if before is not None:
            for key, delta in contributions(before):
                for name, value in delta.items():
                    deltas[key][name] -= value
        if after is not None:
            for key, delta in contributions(after):
                for name, value in delta.items():
                    deltas[key][name] += value
    steps_update(ids)
    if not changed:
        return 0
    DossierFact.objects.filter(dossier_id__in=changed).delete()
    DossierFact.objects.bulk_create([new[i] for i in changed if i in new])
    _apply_deltas(deltas)
    return len(changed)


# --- steps ---------------------------------------------------------------------------------------

_STEP_FIELDS = (
    "id",
    "dossier_id",
    "unit_id",
    "unit__path",
    "role_id",
    "started_at",
    "finished_at",
    "timeliness",
)
StepKey = tuple[int, int, int, int]
"""(unit, role, year, month)"""


def _finished_steps() -> Any:
    return DossierStep.objects.filter(finished_at__isnull=False).exclude(timeliness="")


def working_days(unit_id: int, path: str, started: datetime | None, ended: datetime) -> Any:
    """Return the working days from ``started`` to ``ended`` in the unit's calendar, or None.

    The working time inside the sessions of working days, divided by the
    length of that calendar's working day; ``None`` when a year of the
    interval has no confirmed calendar (or the step has no start).
    """
    if started is None:
        return None
    calendar = calendar_for_unit(SimpleNamespace(pk=unit_id, path=path))
    try:
        spent = calendar.working_time_between(started, ended)
    except CalendarMissingError:
        return None
    seconds = Decimal(spent.days * 86400 + spent.seconds)
    return (seconds / calendar.schedule.day_seconds).quantize(Decimal("0.001"))


def step_values_from(row: dict[str, Any]) -> tuple[Any, ...]:
    """Return the fact of a finished step read with ``_STEP_FIELDS``, as ``_STEP_COLUMNS``."""
    return (
        row["id"],
        row["dossier_id"],
        row["unit_id"],
        row["role_id"],
        timezone.localtime(row["finished_at"]).date(),
        row["timeliness"] == Timeliness.LATE,
        working_days(row["unit_id"], row["unit__path"], row["started_at"], row["finished_at"]),
    )


_STEP_COLUMNS = (
    "step_id",
    "dossier_id",
    "unit_id",
    "role_id",
    "finished_day",
    "late",
    "working_days",
)


def step_fact_from(row: dict[str, Any]) -> StepFact:
    """Return the fact of a finished step read with ``_STEP_FIELDS``."""
    return StepFact(**dict(zip(_STEP_COLUMNS, step_values_from(row), strict=True)))


def _contribution(
    unit: int, role: int, day: date, late: bool, days: Decimal | None
) -> tuple[StepKey, dict[str, Any]]:
    return (
        (unit, role, day.year, day.month),
        {
            "finished": 1,
            "late": int(late),
            "measured": int(days is not None),
            "working_days": days if days is not None else Decimal(0),
        },
    )


def step_contribution(fact: StepFact) -> tuple[StepKey, dict[str, Any]]:
    """Return the (unit, role, year, month) row ``fact`` adds to and what it adds."""
    return _contribution(
        fact.unit_id, fact.role_id, fact.finished_day, fact.late, fact.working_days
    )


def _step_values(fact: StepFact) -> tuple[Any, ...]:
    return tuple(getattr(fact, f.attname) for f in StepFact._meta.concrete_fields)


def _apply_step_deltas(deltas: dict[StepKey, dict[str, Any]]) -> None:
    for (unit, role, year, month), delta in sorted(deltas.items()):
        _upsert(
            StepMonthlyCount,
            {"unit_id": unit, "role_id": role, "year": year, "month": month},
            delta,
        )


def steps_update(dossier_ids: list[int]) -> int:
    """Recount the finished steps of ``dossier_ids``; return how many step facts changed."""
    old = {f.step_id: f for f in StepFact.objects.filter(dossier_id__in=dossier_ids)}
    new = {
        row["id"]: step_fact_from(row)
        for row in _finished_steps().filter(dossier_id__in=dossier_ids).values(*_STEP_FIELDS)
    }
    deltas: dict[StepKey, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    changed = []
    for step_id in sorted(old.keys() | new.keys()):
        before, after = old.get(step_id), new.get(step_id)
        if before is not None and after is not None and _step_values(before) == _step_values(after):
            continue
        changed.append(step_id)
        for fact, sign in ((before, -1), (after, 1)):
            if fact is None:
                continue
            key, delta = step_contribution(fact)
            for name, value in delta.items():
                deltas[key][name] += sign * value
    if not changed:
        return 0
    StepFact.objects.filter(step_id__in=changed).delete()
    StepFact.objects.bulk_create([new[i] for i in changed if i in new])
    _apply_step_deltas(deltas)
    return len(changed)


def _steps_rebuild(chunk: int) -> None:
    """Write every step fact and the monthly step counts (in Python: calendars are Python).

    The facts go in as plain rows (``executemany``), not model instances: at
    hundreds of thousands of steps the instances cost a third of the time.
    """
    counts: dict[StepKey, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    table = StepFact._meta.db_table
    insert = (
        f"INSERT INTO {table} ({', '.join(_STEP_COLUMNS)}) "  # noqa: S608 - our own names
        f"VALUES ({', '.join(['%s'] * len(_STEP_COLUMNS))})"
    )
    after = 0
    while True:
        rows = list(
            _finished_steps().filter(id__gt=after).order_by("id").values(*_STEP_FIELDS)[:chunk]
        )
        if not rows:
            break
        values = [step_values_from(row) for row in rows]
        with connection.cursor() as cursor:
            cursor.executemany(insert, values)
        for _step, _dossier, unit, role, day, late, days in values:
            key, delta = _contribution(unit, role, day, late, days)
            for name, value in delta.items():
                counts[key][name] += value
        after = rows[-1]["id"]
    StepMonthlyCount.objects.bulk_create(
        [
            StepMonthlyCount(unit_id=u, role_id=r, year=y, month=m, **counts)
            for (u, r, y, m), counts in counts.items()
        ],
        batch_size=5000,
    )


# --- ratings -------------------------------------------------------------------------------------

RatingKey = tuple[int, int, int]
"""(agency, year, month)"""


def _rating_counts(rows: Iterable[tuple[int, datetime, str]]) -> dict[RatingKey, Delta]:
    counts: dict[RatingKey, Delta] = defaultdict(lambda: defaultdict(int))
    for agency, submitted, level in rows:
        day = timezone.localtime(submitted).date()
        if level in RATING_COUNT_FIELDS:
            counts[(agency, day.year, day.month)][level] += 1
    return counts


def ratings_refresh(*, batch: int = 20_000) -> int:
    """Count the ratings given since the last fill; return how many were read.

    A rating is given once per dossier and never changed (feedback app), so
    reading the rows after the last id read keeps the counts exact.
    """
    total = 0
    while True:
        with transaction.atomic():
            state = _state_locked(RATINGS_FILL_STATE)
            rows = list(
                Evaluation.objects.filter(id__gt=state.last_event_id)
                .order_by("id")
                .values_list("id", "agency_id", "submitted_at", "level")[:batch]
            )
            if not rows:
                return total
            for (agency, year, month), delta in sorted(
                _rating_counts(row[1:] for row in rows).items()
            ):
                _upsert(
                    RatingMonthlyCount,
                    {"agency_id": agency, "year": year, "month": month},
                    delta,
                )
            state.last_event_id = rows[-1][0]
            state.filled_at = clock.now()
            state.save(update_fields=["last_event_id", "filled_at"])
        total += len(rows)
        if len(rows) < batch:
            return total


def _ratings_rebuild(*, by_sql: bool = False) -> None:
    state = _state_locked(RATINGS_FILL_STATE)
    RatingMonthlyCount.objects.all().delete()
    if by_sql:
        _ratings_by_sql()
    else:
        rows = Evaluation.objects.order_by().values_list("agency_id", "submitted_at", "level")
        RatingMonthlyCount.objects.bulk_create(
            [
                RatingMonthlyCount(agency_id=a, year=y, month=m, **counts)
                for (a, y, m), counts in _rating_counts(rows.iterator(chunk_size=5000)).items()
            ],
            batch_size=5000,
        )
    state.last_event_id = Evaluation.objects.aggregate(last=Max("id"))["last"] or 0
    state.rebuilt_at = state.filled_at = clock.now()
    state.save()


def _state_locked(name: str = FILL_STATE) -> FillState:
    FillState.objects.get_or_create(name=name)
    return FillState.objects.select_for_update().get(name=name)


def rollups_refresh(*, batch: int = 20_000) -> int:
    """Count the dossier changes and ratings recorded since the last fill; return the rows read.

    Safe to run from several workers: the fill state row is locked, so one
    fills while the others wait and then find nothing new.
    """
    return _dossiers_refresh(batch) + ratings_refresh(batch=batch)


def _dossiers_refresh(batch: int) -> int:
    total = 0
    while True:
        with transaction.atomic():
            state = _state_locked()
            events = list(
                DossierEvent.objects.filter(id__gt=state.last_event_id)
                .order_by("id")
                .values_list("id", "dossier_id")[:batch]
            )
            if not events:
                return total
            facts_update(dossier_id for _id, dossier_id in events)
            state.last_event_id = events[-1][0]
            state.filled_at = clock.now()
            state.save(update_fields=["last_event_id", "filled_at"])
        total += len(events)
        if len(events) < batch:
            return total


def rollups_rebuild(*, chunk: int = 20_000) -> int:
    """Recompute every fact and count from the dossier table; return the dossiers counted."""
    with transaction.atomic():
        state = _state_locked()
        last_event = DossierEvent.objects.aggregate(last=Max("id"))["last"] or 0
        for table in (
            DailyCount,
            MonthlyCount,
            AgencyMonthlyCount,
            DossierFact,
            StepMonthlyCount,
            StepFact,
        ):
            table.objects.all().delete()
        on_pg = connection.vendor == "postgresql"
        if on_pg:
            counted = _facts_by_sql()
            _counts_by_sql()
            _steps_rebuild_by_copy(chunk)
            _ratings_rebuild(by_sql=True)
        else:
            counted = _facts_by_python(chunk)
            _counts_from_facts()
            _steps_rebuild(chunk)
            _ratings_rebuild()
        if on_pg:
            with connection.cursor() as cursor:
                for model in (
                    DossierFact,
                    DailyCount,
                    MonthlyCount,
                    AgencyMonthlyCount,
                    StepFact,
                    StepMonthlyCount,
                    RatingMonthlyCount,
                    Unit,
                ):
                    # The unit tree too: every page joins the rollups to it by path, and a
                    # stale estimate of the subtree (1 row for 400) turns that hash join into
                    # a nested loop 4–10× slower (docs/performance.md).
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
        state.last_event_id = last_event
        state.rebuilt_at = state.filled_at = clock.now()
        state.save()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Removes the rows the rebuild replaced and sets the visibility map, so the pages'
        # reads are index-only scans of the covering indexes (docs/performance.md).
        with connection.cursor() as cursor:
            for model in (
                DossierFact,
                DailyCount,
                MonthlyCount,
                AgencyMonthlyCount,
                StepFact,
                StepMonthlyCount,
                RatingMonthlyCount,
            ):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    return counted


def _facts_by_python(chunk: int) -> int:
    counted = 0
    after = 0
    while True:
        rows = list(
            Dossier.objects.filter(id__gt=after).order_by("id").values(*_DOSSIER_FIELDS)[:chunk]
        )
        if not rows:
            break
        DossierFact.objects.bulk_create([fact_from(row) for row in rows], batch_size=5000)
        counted += len(rows)
        after = rows[-1]["id"]
    return counted


def _sql_in(values: Iterable[str]) -> str:
    return ", ".join(f"'{value}'" for value in sorted(values))  # choice slugs, not input


def _facts_by_sql() -> int:
    """Write every fact with one INSERT … SELECT (PostgreSQL): the same rules as :func:`fact_from`."""
    decided = "(d.finished_at IS NOT NULL AND d.timeliness <> '')"
    sql = f"""
        INSERT INTO indices_dossierfact (
            dossier_id, agency_id, procedure_id, online, fully_online_eligible, received_day,
            finished_day, returned_day, timeliness, handling_seconds, pending, clock_running,
            due_at, handler_id)
        SELECT d.id, d.agency_id, d.procedure_id, d.channel = %(online)s,
            v.online_level = 'full',
            (d.received_at AT TIME ZONE %(tz)s)::date,
            CASE WHEN {decided} THEN (d.finished_at AT TIME ZONE %(tz)s)::date END,
            (d.returned_at AT TIME ZONE %(tz)s)::date,
            CASE WHEN {decided} THEN d.timeliness ELSE '' END,
            CASE WHEN {decided} AND d.received_at IS NOT NULL
                THEN GREATEST(trunc(extract(epoch FROM d.finished_at - d.received_at)), 0)::bigint
                ELSE 0 END,
            d.status IN ({_sql_in(ACTIVE_STATUSES)}) AND d.received_at IS NOT NULL,
            d.status IN ({_sql_in(CLOCK_RUNNING)}),
            d.due_at, d.current_handler_id
        FROM dossiers_dossier d
        JOIN catalog_procedureversion v ON v.id = d.procedure_version_id
    """  # noqa: S608 - only the choice slugs of the dossiers app are formatted in
    with connection.cursor() as cursor:
        cursor.execute(sql, {"online": Channel.ONLINE, "tz": settings.TIME_ZONE})
        return int(cursor.rowcount)


def _counts_from_facts() -> None:
    """Fill :class:`DailyCount` from the facts by three GROUP BYs."""
    rows: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNT_FIELDS, 0))
    facts = DossierFact.objects.order_by()
    received: Any = (
        facts.filter(received_day__isnull=False)
        .values("agency_id", "procedure_id", "received_day")
        .annotate(
            n=Count("pk"),
            n_online=Count("pk", filter=Q(online=True)),
            n_eligible=Count("pk", filter=Q(fully_online_eligible=True)),
            n_eligible_online=Count("pk", filter=Q(fully_online_eligible=True, online=True)),
        )
    )
    finished: Any = (
        facts.filter(finished_day__isnull=False)
        .values("agency_id", "procedure_id", "finished_day")
        .annotate(
            n=Count("pk"),
            n_late=Count("pk", filter=Q(timeliness=Timeliness.LATE)),
            n_seconds=Sum("handling_seconds"),
        )
    )
    returned: Any = (
        facts.filter(returned_day__isnull=False)
        .values("agency_id", "procedure_id", "returned_day")
        .annotate(n=Count("pk"))
    )
    for r in received:
        row = rows[(r["agency_id"], r["procedure_id"], r["received_day"])]
        row["received"] = r["n"]
        row["received_online"] = r["n_online"]
        row["received_eligible"] = r["n_eligible"]
        row["received_eligible_online"] = r["n_eligible_online"]
    for r in finished:
        row = rows[(r["agency_id"], r["procedure_id"], r["finished_day"])]
        row["finished"] = r["n"]
        row["finished_late"] = r["n_late"]
        row["finished_on_time"] = r["n"] - r["n_late"]
        row["handling_seconds"] = r["n_seconds"] or 0
    for r in returned:
        rows[(r["agency_id"], r["procedure_id"], r["returned_day"])]["returned"] = r["n"]
    daily: dict[tuple[int, date], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(COUNT_FIELDS, 0)
    )
    monthly: dict[tuple[int, int, int, int], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(COUNT_FIELDS, 0)
    )
    agency_monthly: dict[tuple[int, int, int], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(COUNT_FIELDS, 0)
    )
    for (agency, procedure, day), counts in rows.items():
        for target in (
            daily[(agency, day)],
            monthly[(agency, procedure, day.year, day.month)],
            agency_monthly[(agency, day.year, day.month)],
        ):
            for name, value in counts.items():
                target[name] += value
    AgencyMonthlyCount.objects.bulk_create(
        [
            AgencyMonthlyCount(agency_id=a, year=y, month=m, **counts)
            for (a, y, m), counts in agency_monthly.items()
        ],
        batch_size=5000,
    )
    DailyCount.objects.bulk_create(
        [DailyCount(agency_id=a, day=d, **counts) for (a, d), counts in daily.items()],
        batch_size=5000,
    )
    MonthlyCount.objects.bulk_create(
        [
            MonthlyCount(agency_id=a, procedure_id=p, year=y, month=m, **counts)
            for (a, p, y, m), counts in monthly.items()
        ],
        batch_size=5000,
    )


def rollup_snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Return the facts and the non-zero counts, sorted, to compare two fills."""
    counts = sorted(
        tuple(row)
        for row in DailyCount.objects.values_list("agency_id", "day", *COUNT_FIELDS)
        if any(row[2:])
    )
    months = sorted(
        tuple(row)
        for row in MonthlyCount.objects.values_list(
            "agency_id", "procedure_id", "year", "month", *COUNT_FIELDS
        )
        if any(row[4:])
    )
    agency_months = sorted(
        tuple(row)
        for row in AgencyMonthlyCount.objects.values_list(
            "agency_id", "year", "month", *COUNT_FIELDS
        )
        if any(row[3:])
    )
    steps = sorted(
        tuple(row)
        for row in StepMonthlyCount.objects.values_list(
            "unit_id", "role_id", "year", "month", *STEP_COUNT_FIELDS
        )
        if any(row[4:])
    )
    ratings = sorted(
        tuple(row)
        for row in RatingMonthlyCount.objects.values_list(
            "agency_id", "year", "month", *RATING_COUNT_FIELDS
        )
        if any(row[3:])
    )
    facts = sorted(_fact_values(fact) for fact in DossierFact.objects.all())
    step_facts = sorted(_step_values(fact) for fact in StepFact.objects.all())
    return facts + step_facts, counts + months + agency_months + steps + ratings


# --- PostgreSQL rebuild: the same rows as the Python paths above, by SQL and COPY -------------


def _ratings_by_sql() -> None:
    """Count every rating by agency and local month (PostgreSQL): as :func:`_rating_counts`."""
    levels = ", ".join(
        f"count(*) FILTER (WHERE level = '{level}')"
        for level in RATING_COUNT_FIELDS  # our own column names, not input
    )
    month = "(submitted_at AT TIME ZONE %(tz)s)"
    sql = f"""
        INSERT INTO {RatingMonthlyCount._meta.db_table}
            (agency_id, year, month, {", ".join(RATING_COUNT_FIELDS)})
        SELECT agency_id, extract(year FROM {month})::int, extract(month FROM {month})::int,
            {levels}
        FROM {Evaluation._meta.db_table}
        WHERE level IN ({_sql_in(RATING_COUNT_FIELDS)})
        GROUP BY 1, 2, 3
    """  # noqa: S608 - only our own table, column and choice names are formatted in
    with connection.cursor() as cursor:
        cursor.execute(sql, {"tz": settings.TIME_ZONE})


def _counts_by_sql() -> None:
    """Fill :class:`DailyCount` and :class:`MonthlyCount` from the facts (PostgreSQL).

    The same rows as :func:`_counts_from_facts`: each fact contributes on its
    received, finished and returned days; summed per agency, procedure and
    day once, then per agency and day and per agency, procedure and month.
    """
    facts = DossierFact._meta.db_table
    late = Timeliness.LATE.value
    sums = ", ".join(f"sum({name}) AS {name}" for name in COUNT_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE indices_rebuild_days ON COMMIT DROP AS
            SELECT agency_id, procedure_id, day, {sums}
            FROM (
                SELECT agency_id, procedure_id, received_day AS day, 1 AS received,
                    online::int AS received_online,
                    fully_online_eligible::int AS received_eligible,
                    (fully_online_eligible AND online)::int AS received_eligible_online,
                    0 AS finished, 0 AS finished_on_time, 0 AS finished_late, 0 AS returned,
                    0::bigint AS handling_seconds
                FROM {facts} WHERE received_day IS NOT NULL
                UNION ALL
                SELECT agency_id, procedure_id, finished_day, 0, 0, 0, 0, 1,
                    (timeliness <> '{late}')::int, (timeliness = '{late}')::int, 0,
                    handling_seconds
                FROM {facts} WHERE finished_day IS NOT NULL
                UNION ALL
                SELECT agency_id, procedure_id, returned_day, 0, 0, 0, 0, 0, 0, 0, 1, 0
                FROM {facts} WHERE returned_day IS NOT NULL
            ) c
            GROUP BY agency_id, procedure_id, day
            """  # noqa: S608 - our own table and column names
        )
        columns = ", ".join(COUNT_FIELDS)
        cursor.execute(
            f"""
            INSERT INTO {DailyCount._meta.db_table} (agency_id, day, {columns})
            SELECT agency_id, day, {sums} FROM indices_rebuild_days GROUP BY agency_id, day
            """  # noqa: S608
        )
        cursor.execute(
            f"""
            INSERT INTO {MonthlyCount._meta.db_table}
                (agency_id, procedure_id, year, month, {columns})
            SELECT agency_id, procedure_id, extract(year FROM day)::int,
                extract(month FROM day)::int, {sums}
            FROM indices_rebuild_days GROUP BY 1, 2, 3, 4
            """  # noqa: S608
        )
        cursor.execute(
            f"""
            INSERT INTO {AgencyMonthlyCount._meta.db_table} (agency_id, year, month, {columns})
            SELECT agency_id, extract(year FROM day)::int, extract(month FROM day)::int, {sums}
            FROM indices_rebuild_days GROUP BY 1, 2, 3
            """  # noqa: S608
        )
        cursor.execute("DROP TABLE indices_rebuild_days")


def _steps_rebuild_by_copy(chunk: int) -> None:
    """Write every step fact and the monthly step counts in SQL (PostgreSQL).

    Only the working days are computed outside the database, for a whole batch
    of steps per unit at once (:func:`motcua.indices.steptime.working_thousandths`,
    the vectorised twin of :func:`working_days`, in each unit's calendar); they go
    back by ``COPY`` into a temporary table that the facts are selected with.
    """
    step, facts = DossierStep._meta.db_table, StepFact._meta.db_table
    epoch_us = "(extract(epoch FROM {0}) * 1000000)::bigint"
    select = f"""
        SELECT s.id, s.unit_id, coalesce({epoch_us.format("s.started_at")}, 0),
            {epoch_us.format("s.finished_at")}, s.started_at IS NOT NULL
        FROM {step} s
        WHERE s.finished_at IS NOT NULL AND s.timeliness <> ''
    """  # noqa: S608 - our own table names
    paths = dict(Unit.objects.values_list("pk", "path"))
    raw = connection.connection
    assert raw is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE indices_rebuild_steps "
            "(step_id bigint NOT NULL, working_days numeric(12, 3)) ON COMMIT DROP"
        )
    with raw.cursor(name="indices_steps_rebuild", binary=True) as reader, raw.cursor() as writer:
        reader.execute(select)
        while True:
            rows = reader.fetchmany(chunk)
            if not rows:
                break
            table = np.array(rows, dtype=np.int64)
            lines = []
            for unit_id in np.unique(table[:, 1]).tolist():
                mine = table[table[:, 1] == unit_id]
                calendar = calendar_for_unit(SimpleNamespace(pk=unit_id, path=paths[unit_id]))
                thousandths, known = working_thousandths(calendar, mine[:, 2], mine[:, 3])
                known &= mine[:, 4] == 1
                for step_id, value, ok in zip(
                    mine[:, 0].tolist(), thousandths.tolist(), known.tolist(), strict=True
                ):
                    days = f"{value // 1000}.{value % 1000:03d}" if ok else "\\N"
                    lines.append(f"{step_id}\t{days}\n")
            with writer.copy(
                "COPY indices_rebuild_steps (step_id, working_days) FROM STDIN"
            ) as out:
                out.write("".join(lines))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {facts} ({", ".join(_STEP_COLUMNS)})
            SELECT s.id, s.dossier_id, s.unit_id, s.role_id,
                (s.finished_at AT TIME ZONE %(tz)s)::date, s.timeliness = %(late)s,
                w.working_days
            FROM indices_rebuild_steps w JOIN {step} s ON s.id = w.step_id
            """,  # noqa: S608 - our own table names
            {"tz": settings.TIME_ZONE, "late": Timeliness.LATE.value},
        )
        cursor.execute("DROP TABLE indices_rebuild_steps")
        cursor.execute(
            f"""
            INSERT INTO {StepMonthlyCount._meta.db_table}
                (unit_id, role_id, year, month, finished, late, measured, working_days)
            SELECT unit_id, role_id, extract(year FROM finished_day)::int,
                extract(month FROM finished_day)::int, count(*), count(*) FILTER (WHERE late),
                count(working_days), coalesce(sum(working_days), 0)
            FROM {facts} GROUP BY 1, 2, 3, 4
            """  # noqa: S608 - our own table names
        )
