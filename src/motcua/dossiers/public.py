"""What anyone may see about a dossier from its code: status, never personal data.

Used by the public lookup the receipt's QR code points to, and by its JSON
twin (DESIGN.md, "Privacy": the public lookup shows status, never the full
name or ID). Codes run in sequence, so anyone could walk through them:
nothing about the applicant is shown, not even initials.

A code is found however it is typed: spaces anywhere, lower case, other
dashes, or without its dots (``h33 15-260302-0001``, ``H3315-260302-0001``).
The exact code is tried first (the unique index); then the code with dots
and dashes removed, through an expression index on the same fold
(``dossiers_code_folded_idx``). Two codes that fold alike are not guessed
between: the citizen is asked for the dots.

With the code and the last four digits of the applicant's telephone the
history is shown too (:func:`dossier_public_timeline`): when and what
happened, never who, never the officers' notes.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import F, Func, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext as _

from motcua.core import fastsql
from motcua.core.cache import ProcessCache
from motcua.core.text import nfc
from motcua.dossiers.constants import DossierStatus, PauseKind, PausePolicy
from motcua.dossiers.models import Dossier, DossierEvent, Pause
from motcua.org.selectors import unit_get_cached

CODE_SHAPE = re.compile(r"^[0-9A-Z.\-]{8,60}$")
_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"[‐‑‒–—―−_/]")  # typographic dashes, underscore, slash → "-"
_FOLD = re.compile(r"[.\-]")


def folded_code_expression(field: str = "code") -> Func:
    """Return the code without dots and dashes as a database expression (indexed)."""
    return Replace(Replace(F(field), Value("."), Value("")), Value("-"), Value(""))


def normalise_code(code: str) -> str:
    """Return ``code`` upper-cased, without spaces, with any dash as ``-``."""
    text = _SPACES.sub("", nfc(code or "")).upper()
    return _DASHES.sub("-", text)


def fold_code(code: str) -> str:
    """Return the normalised code without dots and dashes (the search key)."""
    return _FOLD.sub("", normalise_code(code))


@dataclass(frozen=True)
class PublicPause:
    """Why the clock stands still, in words that name no one."""

    kind: str
    policy: str
    since: datetime
    respond_by: datetime | None


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    action: str
    label: str
    status: str
    status_label: str


@dataclass(frozen=True)
class PublicStatus:
    code: str
    procedure_code: str
    procedure_name: str
    agency_name: str
    receiving_unit_id: int
    receiving_unit_name: str
    status: str
    status_label: str
    received_at: datetime | None
    appointment: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    waiting_for_applicant: bool
    pause: PublicPause | None
    dossier_id: int
    phone_digits: str


_FIELDS = (
    "id",
    "code",
    "status",
    "received_at",
    "due_at",
    "extended_due_at",
    "finished_at",
    "returned_at",
    "applicant_phone",
    "receiving_unit_id",
    "agency_id",
    "procedure_version_id",
)
"""One row of one table: names come from the process caches of the reference data."""

_version_names: ProcessCache[tuple[str, str]] = ProcessCache("dossiers.public_versions")


def _version_names_of(version_id: int) -> tuple[str, str]:
    """Return (procedure code, version name), cached per process (versions in use are frozen)."""
    from motcua.catalog.models import ProcedureVersion

    def load() -> tuple[str, str]:
        version = ProcedureVersion.objects.select_related("procedure").get(pk=version_id)
        return version.procedure.code, version.name

    return _version_names.get_or_set(version_id, load)


def _unit_name(unit_id: int) -> str:
    unit = unit_get_cached(unit_id)
    return unit.name if unit is not None else ""


@cache
def _select(folded: bool) -> str:
    """Return the lookup's one statement: a plain cursor, no query compiler (bench_lookup)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in _FIELDS)  # attnames, which are the columns
    code = quote("code")
    # The folded form is the expression of the index dossiers_code_folded_idx.
    where = f"REPLACE(REPLACE({code}, '.', ''), '-', '') = %s" if folded else f"{code} = %s"
    # Identifiers come from the model, never from input.
    return f"SELECT {columns} FROM {quote(Dossier._meta.db_table)} WHERE {where} LIMIT 2"  # noqa: S608


def _rows(folded: bool, value: str) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(_select(folded), [value])
        found = cursor.fetchall()
    rows = []
    for values in found:
        dossier = fastsql.from_row(Dossier, _FIELDS, values)
        rows.append({name: getattr(dossier, name) for name in _FIELDS})
    return rows


def _find(code: str) -> dict[str, Any] | None:
    normalised = normalise_code(code)
    if not CODE_SHAPE.fullmatch(normalised):
        return None
    rows = _rows(False, normalised)
    if rows:
        return rows[0]
    folded = fold_code(normalised)
    if len(folded) < 6:
        return None
    rows = _rows(True, folded)
    return rows[0] if len(rows) == 1 else None


def _pause_of(dossier_id: int) -> PublicPause | None:
    pause = (
        Pause.objects.filter(dossier_id=dossier_id, ended_at__isnull=True)
        .order_by("-started_at")
        .only("kind", "policy", "started_at", "respond_by")
        .first()
    )
    if pause is None:
        return None
    return PublicPause(
        kind=pause.kind, policy=pause.policy, since=pause.started_at, respond_by=pause.respond_by
    )


PAUSED_STATUSES = frozenset({DossierStatus.AWAITING_SUPPLEMENT, DossierStatus.AWAITING_PAYMENT})


def dossier_public_status(code: str) -> PublicStatus | None:
    """Return the public status of the dossier with ``code``, or None (also for malformed codes).

    One query of the dossier table for a dossier whose clock runs (the
    procedure's and units' names come from the per-process caches of the
    reference data); a second one, for the open pause, when it is paused.
    """
    row = _find(code)
    if row is None:
        return None
    status = row["status"]
    procedure_code, procedure_name = _version_names_of(row["procedure_version_id"])
    return PublicStatus(
        code=row["code"],
        procedure_code=procedure_code,
        procedure_name=procedure_name,
        agency_name=_unit_name(row["agency_id"]),
        receiving_unit_id=row["receiving_unit_id"],
        receiving_unit_name=_unit_name(row["receiving_unit_id"]),
        status=status,
        status_label=str(DossierStatus(status).label),
        received_at=row["received_at"],
        appointment=row["extended_due_at"] or row["due_at"],
        finished_at=row["finished_at"],
        returned_at=row["returned_at"],
        waiting_for_applicant=status in PAUSED_STATUSES,
        pause=_pause_of(row["id"]) if status in PAUSED_STATUSES else None,
        dossier_id=row["id"],
        phone_digits=re.sub(r"\D", "", row["applicant_phone"] or ""),
    )


def pause_explanation(pause: PublicPause) -> str:
    """Return, in words, why the date will move and how."""
    if pause.kind == PauseKind.PAYMENT:
        why = _("the office is waiting for the applicant to pay the fees, charges or taxes due")
    else:
        why = _("the office is waiting for the applicant to hand in the missing documents")
    if pause.policy == PausePolicy.RESTART:
        how = _(
            "when the complete dossier arrives, the full time limit starts again and a new "
            "appointment is given"
        )
    else:
        how = _(
            "the appointment moves later by the working time the dossier waited, counted when "
            "the office resumes"
        )
    return _("The clock is stopped because %(why)s; %(how)s.") % {"why": why, "how": how}


def phone_matches(status: PublicStatus, last_four: str) -> bool:
    """Return whether ``last_four`` are the last four digits of the applicant's telephone."""
    digits = re.sub(r"\D", "", last_four or "")
    if len(digits) != 4 or len(status.phone_digits) < 4:
        return False
    return hmac.compare_digest(digits, status.phone_digits[-4:])


# Internal moves (who took a step, a draft awaiting signature) are not shown.
_HIDDEN_ACTIONS = frozenset({"claim", "draft_apology"})


def dossier_public_timeline(status: PublicStatus) -> list[PublicEvent]:
    """Return the dossier's history as the applicant may see it: when and what, never who."""
    from motcua.dossiers.screens import EVENT_LABELS

    events = (
        DossierEvent.objects.filter(dossier_id=status.dossier_id)
        .exclude(action__in=_HIDDEN_ACTIONS)
        .order_by("at", "id")
        .values("at", "action", "to_status")
    )
    timeline = []
    for event in events:
        label = EVENT_LABELS.get(event["action"])
        try:
            status_label = str(DossierStatus(event["to_status"]).label)
        except ValueError:
            status_label = event["to_status"]
        timeline.append(
            PublicEvent(
                at=event["at"],
                action=event["action"],
                label=str(label) if label is not None else status_label,
                status=event["to_status"],
                status_label=status_label,
            )
        )
    return timeline


__all__ = [
    "PAUSED_STATUSES",
    "PublicEvent",
    "PublicPause",
    "PublicStatus",
    "dossier_public_status",
    "dossier_public_timeline",
    "fold_code",
    "folded_code_expression",
    "normalise_code",
    "pause_explanation",
    "phone_matches",
]
