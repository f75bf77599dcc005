"""Topping the synthetic province up to ``N`` dossiers (see the package docstring)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from motcua.core.models import AuditEvent
from motcua.demo.synthetic.constants import VALID_FROM
from motcua.demo.synthetic.lifecycle import _Simulator
from motcua.demo.synthetic.recorder import Mix, SyntheticSummary, _local_day, _Sim
from motcua.demo.synthetic.world import SyntheticWorld, synthetic_world
from motcua.demo.synthetic.writers import _save_slips, _write
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierStep, Pause
from motcua.workdays.core import CalendarMissingError, WorkCalendar
from motcua.workdays.loader import calendar_for_unit, national_calendar


def _working_instants(
    calendar: WorkCalendar,
    start: date,
    end: datetime,
    count: int,
    rng: random.Random,
    *,
    recent_share: float,
) -> list[datetime]:
    """Return ``count`` intake instants on working days in [start, end), a fifth of them recent."""
    days: list[date] = []
    day = start
    last = _local_day(end)
    while day <= last:
        try:
            if calendar.is_working_day(day):
                days.append(day)
        except CalendarMissingError:
            break
        day += timedelta(days=1)
    if not days:
        raise ValueError("no confirmed working day before now")
    recent = days[-20:]
    tz = timezone.get_current_timezone()
    instants: list[datetime] = []
    while len(instants) < count:
        pool = recent if rng.random() < recent_share else days
        chosen = rng.choice(pool)
        minute = rng.randint(7 * 60 + 15, 16 * 60 + 45)
        if 11 * 60 + 30 <= minute < 13 * 60 + 30:
            continue
        moment = datetime.combine(chosen, time(minute // 60, minute % 60), tz)
        moment += timedelta(seconds=rng.randint(0, 59))
        if moment < end:
            instants.append(moment)
    instants.sort()
    return instants


def synthetic_dossiers(
    world: SyntheticWorld,
    *,
    count: int,
    seed: int = 1,
    now: datetime | None = None,
    batch_size: int = 1000,
    mix: Mix | None = None,
) -> SyntheticSummary:
    """Top the synthetic province up to ``count`` dossiers (see the module docstring)."""
    moment = now or timezone.now()
    units = [c.centre.pk for c in world.communes]
    existing = Dossier.objects.filter(receiving_unit_id__in=units).count()
    summary = SyntheticSummary(existing=existing)
    wanted = max(0, count - existing)
    if wanted == 0:
        return summary
    rng = random.Random(f"{seed}:{existing}")  # noqa: S311 - test data, not secrets
    years = national_calendar().years
    start = max(VALID_FROM, date(min(years), 1, 1)) if years else VALID_FROM
    mix = mix or Mix()
    instants = _working_instants(
        calendar_for_unit(None), start, moment, wanted, rng, recent_share=mix.recent
    )
    sim = _Simulator(world, rng, moment, mix)
    batch: list[_Sim] = []
    for at in instants:
        commune = rng.choice(world.communes)
        version = rng.choice(world.versions)
        try:
            batch.append(sim.simulate(commune, version, at))
        except CalendarMissingError:  # a due date beyond the confirmed years: draw again later
            continue
        if len(batch) >= batch_size:
            _flush(batch, sim, summary)
    if batch:
        _flush(batch, sim, summary)
    if connection.vendor == "postgresql":
        # Fresh planner statistics: autovacuum may not have looked at the new rows yet.
        tables = [m._meta.db_table for m in (Dossier, DossierStep, DossierDocument, Pause)]
        tables += [DossierEvent._meta.db_table, AuditEvent._meta.db_table]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
    return summary


def _flush(batch: list[_Sim], sim: _Simulator, summary: SyntheticSummary) -> None:
    with transaction.atomic():
        _write(
            batch,
            {key: sim.sequences[key] for key in sim.dirty},
            {sim.volumes[key][0]: sim.volumes[key][1] for key in sim.dirty_volumes},
        )
        _save_slips(sim.slips)
    sim.dirty.clear()
    sim.dirty_volumes.clear()
    for s in batch:
        status = s.dossier.status
        summary.by_status[status] = summary.by_status.get(status, 0) + 1
    summary.created += len(batch)
    batch.clear()


def seed_synthetic(
    *, dossiers: int, units: int = 10, procedures: int = 10, seed: int = 1
) -> tuple[SyntheticWorld, SyntheticSummary]:
    """Create the world and top it up to ``dossiers`` dossiers; return both."""
    world = synthetic_world(units=units, procedures=procedures)
    summary = synthetic_dossiers(world, count=dossiers, seed=seed)
    return world, summary
