"""Scheduled work of the citizens app: online-intake limit alerts.

Run by ``motcua periodic`` (registered in :mod:`motcua.core.periodic`). An
online submission awaiting intake is alerted to its desk's intake officers
once when its working-hour limit nears (``warn_before`` before it) and once
when the limit has passed (DOMAIN.md §1.3; the limits are catalogue data,
:mod:`motcua.catalog.intake_rules`). Each alert is a row of
:class:`~motcua.citizens.models.OnlineIntakeAlert`, unique per submission
and kind, so a second pass, or two workers at once, never send it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from motcua.catalog.intake_rules import (
    IntakeState,
    online_intake_clock,
    online_intake_limit,
)
from motcua.citizens.models import IntakeAlertKind, OnlineIntakeAlert
from motcua.core import clock
from motcua.core.notifications import notify
from motcua.dossiers.constants import Channel, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.org.models import RoleAssignment, Unit
from motcua.org.selectors import valid_on_q
from motcua.workdays.core import CalendarMissingError
from motcua.workdays.loader import calendar_for_unit

INTAKE_ROLE = "intake_officer"


@dataclass
class IntakeAlerts:
    checked: int = 0
    near: int = 0
    passed: int = 0
    messages: int = 0

    def __str__(self) -> str:
        return (
            f"online intake: {self.checked} waiting, {self.near} near the limit, "
            f"{self.passed} past it, {self.messages} messages"
        )


def desk_intake_officers(desk: Unit) -> list[Any]:
    """Return the active intake officers nearest to ``desk`` (the desk's own first)."""
    ancestors = desk.ancestor_ids()
    assignments = (
        RoleAssignment.objects.filter(
            role__code=INTAKE_ROLE, unit_id__in=ancestors, user__is_active=True
        )
        .filter(valid_on_q(clock.localdate()))
        .select_related("user")
        .order_by("user_id")
    )
    by_unit: dict[int, dict[int, Any]] = {}
    for assignment in assignments:
        by_unit.setdefault(assignment.unit_id, {})[assignment.user_id] = assignment.user
    if not by_unit:
        return []
    depth = {pk: index for index, pk in enumerate(ancestors)}
    nearest = max(by_unit, key=lambda pk: depth[pk])
    return list(by_unit[nearest].values())


def _record(dossier: Dossier, kind: str, deadline: datetime, now: datetime) -> bool:
    """Send the alert ``kind`` for ``dossier`` unless it was sent; return whether it was sent now."""
    if OnlineIntakeAlert.objects.filter(dossier=dossier, kind=kind).exists():
        return False
    officers = desk_intake_officers(dossier.receiving_unit)
    try:
        with transaction.atomic():
            alert = OnlineIntakeAlert.objects.create(
                dossier=dossier,
                kind=kind,
                deadline=deadline,
                recipients=len(officers),
                sent_at=now,
            )
            for officer in officers:
                notify(
                    event=f"citizens.intake_{kind}",
                    context={"dossier": dossier, "deadline": deadline, "alert": alert},
                    user=officer,
                    obj=dossier,
                )
    except IntegrityError:  # another worker sent it first
        return False
    return True


def online_intake_alert(*, now: datetime | None = None) -> IntakeAlerts:
    """Alert desks about online submissions near or past their intake limit (once each)."""
    now = now or clock.now()
    summary = IntakeAlerts()
    waiting = (
        Dossier.objects.filter(
            status=DossierStatus.AWAITING_INTAKE,
            channel=Channel.ONLINE,
            submitted_at__isnull=False,
        )
        .exclude(online_intake_alerts__kind=IntakeAlertKind.PASSED)
        .select_related("receiving_unit", "procedure_version")
        .order_by("submitted_at", "pk")
    )
    for dossier in waiting.iterator(chunk_size=500):
        summary.checked += 1
        try:
            state = online_intake_clock(
                calendar=calendar_for_unit(dossier.receiving_unit),
                limit=online_intake_limit(dossier.procedure_id, dossier.receiving_unit_id),
                submitted_at=dossier.submitted_at,  # type: ignore[arg-type]
                now=now,
            )
        except CalendarMissingError:
            continue
        if state.state == IntakeState.OK:
            continue
        kind = IntakeAlertKind.PASSED if state.state == IntakeState.PASSED else IntakeAlertKind.NEAR
        if _record(dossier, kind, state.deadline, now):
            if kind == IntakeAlertKind.PASSED:
                summary.passed += 1
            else:
                summary.near += 1
            summary.messages += 1
    return summary
