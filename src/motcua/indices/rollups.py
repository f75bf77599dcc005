"""Rollup tables kept current from the dossiers' history (Zulip's analytics pattern).

Every change of a dossier writes one ``DossierEvent`` (dossiers.services).
:func:`rollups_refresh` reads the events after the id recorded in
:class:`FillState`, recomputes the :class:`DossierFact` of each dossier
they touch, and adds to :class:`DailyCount` the difference between the new
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

from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from motcua.core import clock
from motcua.dossiers.constants import ACTIVE_STATUSES, CLOCK_RUNNING, Channel, Timeliness
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.indices.models import COUNT_FIELDS, DailyCount, DossierFact, FillState

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


def _apply_deltas(deltas: dict[Key, Delta]) -> None:
    for (agency, procedure, day), delta in sorted(deltas.items()):
        changes = {name: value for name, value in delta.items() if value}
        if not changes:
            continue
        updated = DailyCount.objects.filter(
            agency_id=agency, procedure_id=procedure, day=day
        ).update(**{name: F(name) + value for name, value in changes.items()})
        if not updated:
            DailyCount.objects.create(
                agency_id=agency,
                procedure_id=procedure,
                day=day,
                year=day.year,
                month=day.month,
                **changes,
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
        DossierFact.objects.all().delete()
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
        _counts_from_facts()
        state.last_event_id = last_event
        state.rebuilt_at = state.filled_at = clock.now()
        state.save()
    return counted


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
    DailyCount.objects.bulk_create(
        [
            DailyCount(
                agency_id=agency,
                procedure_id=procedure,
                day=day,
                year=day.year,
                month=day.month,
                **counts,
            )
            for (agency, procedure, day), counts in rows.items()
        ],
        batch_size=5000,
    )


def rollup_snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Return the facts and the non-zero counts, sorted, to compare two fills."""
    counts = sorted(
        tuple(row)
        for row in DailyCount.objects.values_list("agency_id", "procedure_id", "day", *COUNT_FIELDS)
        if any(row[3:])
    )
    facts = sorted(_fact_values(fact) for fact in DossierFact.objects.all())
    return facts, counts
