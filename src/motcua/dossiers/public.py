"""What anyone may see about a dossier from its code: status, never personal data.

Used by the public lookup the receipt's QR code points to (DESIGN.md,
"Privacy": the public lookup shows status, never the full name or ID). Codes
run in sequence, so anyone could walk through them: nothing about the
applicant is shown, not even initials.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier

CODE_SHAPE = re.compile(r"^[0-9A-Z.\-]{8,60}$")


@dataclass(frozen=True)
class PublicStatus:
    code: str
    procedure_name: str
    agency_name: str
    receiving_unit_name: str
    status: str
    status_label: str
    received_at: datetime | None
    appointment: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    waiting_for_applicant: bool


def dossier_public_status(code: str) -> PublicStatus | None:
    """Return the public status of the dossier with ``code``, or None (also for malformed codes)."""
    normalised = (code or "").strip().upper()
    if not CODE_SHAPE.fullmatch(normalised):
        return None
    dossier = (
        Dossier.objects.select_related("procedure_version", "agency", "receiving_unit")
        .filter(code=normalised)
        .first()
    )
    if dossier is None:
        return None
    return PublicStatus(
        code=normalised,
        procedure_name=dossier.procedure_version.name,
        agency_name=dossier.agency.name,
        receiving_unit_name=dossier.receiving_unit.name,
        status=dossier.status,
        status_label=str(dossier.get_status_display()),
        received_at=dossier.received_at,
        appointment=dossier.extended_due_at or dossier.due_at,
        finished_at=dossier.finished_at,
        returned_at=dossier.returned_at,
        waiting_for_applicant=dossier.status
        in (DossierStatus.AWAITING_SUPPLEMENT, DossierStatus.AWAITING_PAYMENT),
    )
