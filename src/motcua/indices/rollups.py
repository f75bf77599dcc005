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
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from motcua.core import clock
from motcua.dossiers.constants import ACTIVE_STATUSES, CLOCK_RUNNING, Channel, Timeliness
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.indices.models import COUNT_FIELDS, DailyCount, DossierFact, FillState, MonthlyCount

FILL_STATE = "dossiers"
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


def _upsert(
    model: type[DailyCount] | type[MonthlyCount], key: dict[str, Any], delta: Delta
) -> None:
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
    for (agency, procedure, day), delta in deltas.items():
        for name, value in delta.items():
            daily[(agency, day)][name] += value
            monthly[(agency, procedure, day.year, day.month)][name] += value
    for (agency, day), delta in sorted(daily.items()):
        _upsert(DailyCount, {"agency_id": agency, "day": day}, delta)
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
    if not changed:
        return 0
    DossierFact.objects.filter(dossier_id__in=changed).delete()
    DossierFact.objects.bulk_create([new[i] for i in changed if i in new])
    _apply_deltas(deltas)
    return len(changed)


def _state_locked() -> FillState:
    FillState.objects.get_or_create(name=FILL_STATE)
    return FillState.objects.select_for_update().get(name=FILL_STATE)


def rollups_refresh(*, batch: int = 20_000) -> int:
    """Count the dossier changes recorded since the last fill; return the events read.

    Safe to run from several workers: the fill state row is locked, so one
    fills while the others wait and then find nothing new.
    """
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
        DailyCount.objects.all().delete()
        MonthlyCount.objects.all().delete()
        DossierFact.objects.all().delete()
        on_pg = connection.vendor == "postgresql"
        counted = _facts_by_sql() if on_pg else _facts_by_python(chunk)
        _counts_from_facts()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (DossierFact, DailyCount, MonthlyCount):
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
        state.last_event_id = last_event
        state.rebuilt_at = state.filled_at = clock.now()
        state.save()
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
    for (agency, procedure, day), counts in rows.items():
        for target in (daily[(agency, day)], monthly[(agency, procedure, day.year, day.month)]):
            for name, value in counts.items():
                target[name] += value
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
    facts = sorted(_fact_values(fact) for fact in DossierFact.objects.all())
    return facts, counts + months
