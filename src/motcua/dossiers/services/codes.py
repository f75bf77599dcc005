"""Which agency handles a dossier, its code, and the numbers of counter slips."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import connection

from motcua.catalog.models import ProcedureVersion
from motcua.core import fastsql
from motcua.core.cache import ProcessCache
from motcua.dossiers.models import (
    CounterSlipSequence,
    Dossier,
    DossierCodeSequence,
)
from motcua.org.models import Unit, UnitTier

_agencies: ProcessCache[Unit] = ProcessCache("dossiers.agencies")


def agency_for(receiving_unit: Unit, version: ProcedureVersion) -> Unit:
    """Return the agency that handles a dossier received at ``receiving_unit``.

    The nearest administrative unit above the desk at the procedure's
    competent level (a ward for a commune-level procedure, the province for
    a province-level one); the desk itself when nothing matches. Cached per
    process (core.cache).
    """
    wanted = (
        UnitTier.PROVINCE
        if version.competent_level in ("province", "ministry")
        else UnitTier.COMMUNE
    )

    def find() -> Unit:
        ancestors = {
            unit.pk: unit
            for unit in Unit.objects.filter(pk__in=receiving_unit.ancestor_ids()).select_related(
                "kind"
            )
        }
        for unit_id in reversed(receiving_unit.ancestor_ids()):
            unit = ancestors.get(unit_id)
            if unit is not None and unit.kind.is_administrative and unit.kind.tier == wanted:
                return unit
        return receiving_unit

    return _agencies.get_or_set((receiving_unit.pk, wanted), find)


def _agency_identifier(agency: Unit) -> str:
    return agency.agency_code or agency.admin_code or f"U{agency.pk}"


def _next_sequence(agency: Unit, day: date) -> tuple[int, int]:
    """Return the next number of ``agency`` on ``day`` and a reserved dossier key.

    One atomic upsert, safe in parallel. The key (``fastsql.next_id_sql``)
    lets the dossier's steps be written before the dossier row itself.
    """
    table = DossierCodeSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last_value) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last_value = {table}.last_value + 1 "
            f"RETURNING last_value, {fastsql.next_id_sql(Dossier)}",
            [agency.pk, day],
        )
        row = cursor.fetchone()
    return int(row[0]), int(row[1])


def next_counter_slip_number(desk: Unit, year: int, kind: str) -> int:
    """Return the next number of ``kind`` slips at ``desk`` in ``year`` ("12" of "12/PBS").

    One atomic upsert on the (desk, year, kind) row, as for dossier codes:
    parallel slips never share a number, and only slips of the same desk
    and kind wait for each other.
    """
    table = CounterSlipSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (desk_id, year, kind, last_value) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (desk_id, year, kind) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            [desk.pk, year, kind],
        )
        row = cursor.fetchone()
    return int(row[0])


def dossier_code_for(agency: Unit, day: date, sequence: int) -> str:
    """Format a dossier code by ``MOTCUA_DOSSIER_CODE_PATTERN`` (DOMAIN.md §3)."""
    pattern: str = settings.MOTCUA_DOSSIER_CODE_PATTERN
    return pattern.format(
        agency=_agency_identifier(agency),
        date=day,
        seq=sequence,
        system=settings.MOTCUA_DOSSIER_CODE_SYSTEM,
    )
