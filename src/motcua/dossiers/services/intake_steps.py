"""The steps a new dossier starts with, and the hand-over the intake makes at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog.selectors import (
    IntakePlan,
)
from motcua.core import fastsql
from motcua.core.actors import Actor, user_of
from motcua.core.errors import ApplicationError
from motcua.core.notifications import notify
from motcua.core.people import full_name
from motcua.dossiers.constants import (
    DossierStatus,
)
from motcua.dossiers.kernel import status_for_step, timeliness_of
from motcua.dossiers.models import (
    Dossier,
    DossierStep,
)
from motcua.dossiers.services.common import (
    EventSpec,
    _calendar,
    _with_calendar,
)
from motcua.dossiers.services.steps import step_plan
from motcua.org.models import Unit
from motcua.org.selectors import user_has_role


@dataclass(frozen=True)
class IntakeHandOver:
    """The step a dossier goes to when its intake is done: role and unit, from the plan."""

    role: Any
    unit: Unit
    name: str


def intake_hand_over_for(
    plan: IntakePlan, receiving_unit: Unit, agency: Unit
) -> IntakeHandOver | None:
    """Return where intake sends a dossier of ``plan``, or None when it stays where it starts.

    A workflow that opens with the desk's intake step (the usual one, and
    the default) is handed to its second step as part of the intake; the
    return step at the end is never handed to before a decision. A workflow
    that starts elsewhere is simply started there.
    """
    specs = step_plan(plan)
    if not _intake_hands_over([spec.role.code for spec in specs]):
        return None
    following = specs[1]
    unit = following.unit or (receiving_unit if following.role.code == "intake_officer" else agency)
    return IntakeHandOver(role=following.role, unit=unit, name=following.name)


def _intake_hands_over(roles: Sequence[str]) -> bool:
    """Return whether a workflow whose steps have these roles is handed over at intake."""
    if len(roles) < 2 or roles[0] != "intake_officer":
        return False
    return not (roles[1] == "intake_officer" and len(roles) == 2)


def _check_intake_handler(handler: Any, target: IntakeHandOver | None) -> None:
    """Refuse a handler who cannot take the step the intake hands the dossier to."""
    if handler is None:
        return
    if target is None:
        raise ApplicationError(
            _("This procedure's first step is not the desk's intake: choose no handler."),
            code="invalid_handler",
            extra={"errors": [{"field": "to_user", "message": _("Choose no handler.")}]},
        )
    if not user_has_role(handler, target.role.code, target.unit):
        message = _("%(user)s does not hold the role %(role)s for %(unit)s.") % {
            "user": full_name(handler),
            "role": target.role.name,
            "unit": target.unit,
        }
        raise ApplicationError(
            message,
            code="invalid_handler",
            extra={"errors": [{"field": "to_user", "message": message}]},
        )


@dataclass(frozen=True)
class StepsStart:
    """The first step of a new dossier and the history of its hand-over at intake, if any."""

    first: DossierStep
    hand_over: list[EventSpec]


def _create_steps(
    dossier: Dossier,
    plan: IntakePlan,
    *,
    at: datetime,
    actor: Actor,
    to_user: Any = None,
) -> StepsStart:
    """Copy the workflow into the dossier's steps, starting at ``at``.

    When the workflow opens with the desk's intake step, intake completes
    it and hands the dossier to the next step (to ``to_user``, already
    checked, or to that unit's queue) in the same instant, as the control
    slip (phiếu kiểm soát) records it: intake officer as giver, instant,
    and the next step's receiver. Sets ``status``, ``current_step`` and
    ``current_handler`` on the instance (the caller saves them) and returns
    the history of the hand-over, if any, for the caller to write.
    """
    steps = [
        DossierStep(
            dossier=dossier,
            order=spec.order,
            name=spec.name,
            role=spec.role,
            unit=spec.unit
            or (dossier.receiving_unit if spec.role.code == "intake_officer" else dossier.agency),
            is_inter_agency=spec.is_inter_agency,
            budget_seconds=spec.budget_seconds,
        )
        for spec in step_plan(plan)
    ]
    officer = user_of(actor)
    first = steps[0]
    first.started_at = at
    first.due_at = _with_calendar(
        _calendar(first.unit).add_working_time, at, timedelta(seconds=first.budget_seconds)
    )
    if not _intake_hands_over([step.role.code for step in steps]):
        first.handler = officer if first.role.code == "intake_officer" else None
        fastsql.insert(steps)
        dossier.current_step = first
        dossier.current_handler = first.handler
        return StepsStart(first, [])
    following = steps[1]
    first.handler = officer
    first.finished_at = at
    first.timeliness = timeliness_of(at, first.due_at)
    following.started_at = at
    following.due_at = _with_calendar(
        _calendar(following.unit).add_working_time,
        at,
        timedelta(seconds=following.budget_seconds),
    )
    following.giver = officer
    following.handler = to_user
    fastsql.insert(steps)
    dossier.current_step = following
    dossier.current_handler = to_user
    dossier.status = status_for_step(following)
    return StepsStart(
        first,
        [
            EventSpec(
                action="hand_over",
                from_status=DossierStatus.RECEIVED,
                to_status=dossier.status,
                step=following,
                data={
                    "from_step": first.order,
                    "to_step": following.order,
                    "step_timeliness": first.timeliness,
                    "receiver": getattr(to_user, "pk", None),
                    "at_intake": True,
                },
            )
        ],
    )


def _notify_receiver(dossier: Dossier, to_user: Any) -> None:
    if to_user is None or dossier.current_step is None:
        return
    notify(
        event="step.assigned",
        context={
            "dossier": dossier,
            "step": dossier.current_step,
            "user_name": full_name(to_user),
        },
        user=to_user,
        obj=dossier,
    )
