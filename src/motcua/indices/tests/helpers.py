"""Hand-built dossiers for the index tests: rows written directly, each with one history event."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.helpers import VN, World, at
from motcua.org.models import Unit

_codes = itertools.count(1)


def dossier(
    agency: Unit,
    version: ProcedureVersion,
    *,
    received: datetime,
    due: datetime,
    status: str = "returned",
    finished: datetime | None = None,
    timeliness: str = "",
    returned: datetime | None = None,
    channel: str = "counter",
) -> Dossier:
    """Write a dossier as the services would have left it, and one event for the rollups."""
    number = next(_codes)
    d = Dossier.objects.create(
        code=f"T-{number:05d}",
        status=status,
        channel=channel,
        procedure=version.procedure,
        procedure_version=version,
        agency=agency,
        receiving_unit=agency,
        applicant_name="Nguyễn Văn An",
        received_at=received,
        due_at=due,
        finished_at=finished,
        timeliness=timeliness,
        returned_at=returned,
    )
    DossierEvent.objects.create(
        dossier=d, at=finished or received, action="test", from_status="", to_status=status
    )
    return d


def change(d: Dossier, **fields: Any) -> Dossier:
    """Change a hand-built dossier and record one event, as a service would."""
    for name, value in fields.items():
        setattr(d, name, value)
    d.save()
    DossierEvent.objects.create(
        dossier=d, at=d.received_at, action="test_change", from_status="", to_status=d.status
    )
    return d


__all__ = ["VN", "World", "at", "change", "dossier"]
