"""Bulk writers: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere, one transaction a batch."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from motcua.core.models import AuditEvent
from motcua.demo.synthetic.audit import _audit_records
from motcua.demo.synthetic.recorder import _Sim
from motcua.dossiers.constants import CounterSlip
from motcua.dossiers.models import (
    Apology,
    CounterSlipSequence,
    Dossier,
    DossierCodeSequence,
    DossierDocument,
    DossierEvent,
    DossierStep,
    Logbook,
    Pause,
)


def _resolve_pause_steps(sims: Sequence[_Sim]) -> None:
    for s in sims:
        for pause in s.pauses:
            if isinstance(pause.clock.get("step"), DossierStep):
                pause.clock = {**pause.clock, "step": pause.clock["step"].pk}


def _write(
    sims: Sequence[_Sim], sequences: dict[tuple[int, date], int], volumes: dict[int, int]
) -> None:
    """Insert the rows of ``sims`` and advance the code sequences and the log book volumes,
    in one transaction."""
    if connection.vendor == "postgresql":
        _write_copy(sims, sequences, volumes)
        return
    with transaction.atomic():
        current = [s.dossier.current_step for s in sims]
        # bulk_create stamps created_at/updated_at with the real time (auto_now); the
        # simulated ones are written back below with the current steps.
        stamps = [(s.dossier.created_at, s.dossier.updated_at) for s in sims]
        for s in sims:  # the steps get their ids after the dossiers
            s.dossier.current_step = None
        Dossier.objects.bulk_create([s.dossier for s in sims], batch_size=500)
        DossierDocument.objects.bulk_create(
            [doc for s in sims for doc in s.documents], batch_size=1000
        )
        DossierStep.objects.bulk_create([st for s in sims for st in s.steps], batch_size=1000)
        _resolve_pause_steps(sims)
        Pause.objects.bulk_create([p for s in sims for p in s.pauses], batch_size=1000)
        Apology.objects.bulk_create([a for s in sims for a in s.apologies], batch_size=1000)
        # bulk_create gives the history rows their ids, which the audit records name.
        DossierEvent.objects.bulk_create([e for s in sims for e in s.events], batch_size=1000)
        AuditEvent.objects.bulk_create(_audit_records(sims), batch_size=1000)
        for s, step, (created, updated) in zip(sims, current, stamps, strict=True):
            s.dossier.current_step = step
            s.dossier.created_at, s.dossier.updated_at = created, updated
        Dossier.objects.bulk_update(
            [s.dossier for s in sims], ["current_step", "created_at", "updated_at"], batch_size=500
        )
        _save_sequences(sequences)
        _save_volumes(volumes)


def _take_ids(cursor: Any, model: type[Model], objects: Sequence[Model]) -> None:
    """Give ``objects`` ids drawn from their table's identity sequence."""
    if not objects:
        return
    table = model._meta.db_table
    cursor.execute(
        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # noqa: S608
        "FROM generate_series(1, %s)",
        [len(objects)],
    )
    for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
        obj.pk = pk


def _copy(cursor: Any, model: type[Model], objects: Sequence[Model]) -> None:
    """COPY ``objects`` into the model's table, every concrete column as the ORM would."""
    from psycopg.types.json import Jsonb

    if not objects:
        return
    fields = list(model._meta.concrete_fields)
    if objects[0].pk is None:  # the identity column numbers them
        fields = [f for f in fields if not f.primary_key]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    getters: list[Any] = []
    for f in fields:
        if f.is_relation:

            def related(obj: Any, f: Any = f) -> Any:
                if f.is_cached(obj):
                    target = f.get_cached_value(obj)
                    return target.pk if target is not None else None
                return getattr(obj, f.attname)

            getters.append(related)
        elif f.get_internal_type() == "JSONField":
            getters.append(lambda obj, name=f.attname: Jsonb(getattr(obj, name)))
        else:
            getters.append(lambda obj, name=f.attname: getattr(obj, name))
    table = model._meta.db_table
    with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
        for obj in objects:
            copy.write_row([get(obj) for get in getters])


def _write_copy(
    sims: Sequence[_Sim], sequences: dict[tuple[int, date], int], volumes: dict[int, int]
) -> None:
    """PostgreSQL: the same rows through COPY, ids drawn first (foreign keys are deferred)."""
    dossiers = [s.dossier for s in sims]
    steps = [st for s in sims for st in s.steps]
    events = [e for s in sims for e in s.events]
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor
        _take_ids(cursor, Dossier, dossiers)
        _take_ids(cursor, DossierStep, steps)
        _take_ids(cursor, DossierEvent, events)  # the audit records name them
        _resolve_pause_steps(sims)
        _copy(cursor, Dossier, dossiers)
        _copy(cursor, DossierStep, steps)
        _copy(cursor, DossierDocument, [doc for s in sims for doc in s.documents])
        _copy(cursor, Pause, [p for s in sims for p in s.pauses])
        _copy(cursor, Apology, [a for s in sims for a in s.apologies])
        _copy(cursor, DossierEvent, events)
        _copy(cursor, AuditEvent, _audit_records(sims))
        _save_sequences(sequences)
        _save_volumes(volumes)


def _save_sequences(sequences: dict[tuple[int, date], int]) -> None:
    table = DossierCodeSequence._meta.db_table
    rows = list(sequences.items())
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            params: list[Any] = []
            for (agency_id, day), last in chunk:
                params += [agency_id, day, last]
            cursor.execute(
                f"INSERT INTO {table} (agency_id, day, last_value) VALUES {values} "  # noqa: S608
                f"ON CONFLICT (agency_id, day) DO UPDATE SET last_value = "
                f"CASE WHEN excluded.last_value > {table}.last_value "
                f"THEN excluded.last_value ELSE {table}.last_value END",
                params,
            )


def _save_volumes(volumes: dict[int, int]) -> None:
    """Advance each log book volume's last entry number (never backwards)."""
    for pk, last in volumes.items():
        Logbook.objects.filter(pk=pk, last_number__lt=last).update(last_number=last)


def _save_slips(slips: dict[tuple[int, int], int]) -> None:
    """Advance the desks' registers of counter refusals past the synthetic numbers."""
    table = CounterSlipSequence._meta.db_table
    with connection.cursor() as cursor:
        for (desk_id, year), last in slips.items():
            cursor.execute(
                f"INSERT INTO {table} (desk_id, year, kind, last_value) VALUES (%s, %s, %s, %s) "  # noqa: S608
                f"ON CONFLICT (desk_id, year, kind) DO UPDATE SET last_value = "
                f"CASE WHEN excluded.last_value > {table}.last_value "
                f"THEN excluded.last_value ELSE {table}.last_value END",
                [desk_id, year, CounterSlip.REFUSAL, last],
            )
