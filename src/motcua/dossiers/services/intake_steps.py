"""The steps a new dossier starts with, and the hand-over the intake makes at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog.selectors import (
    IntakePlan,
)
from motcua.core import fastsql
from motcua.core.actors import Actor
from motcua.core.errors import ApplicationError
from motcua.core.notifications import notify
from motcua.core.people import full_name
from motcua.dossiers import kernel
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.common import (
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
    if not kernel.hands_over_at_intake([spec.role.code for spec in specs]):
        return None
    following = specs[1]
    unit = following.unit or (receiving_unit if following.role.code == "intake_officer" else agency)
    return IntakeHandOver(role=following.role, unit=unit, name=following.name)


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


def _start_steps(
    dossier: Dossier,
    plan: IntakePlan,
    *,
    action: str,
    at: datetime,
    actor: Actor,
    to_user: Any = None,
    note: str = "",
) -> list[kernel.Change]:
    """Write the dossier's steps and start them by ``action`` (``receive`` or ``accept``).

    The kernel starts the first step and, when the workflow opens with the
    desk's intake step, hands the dossier at once to the next one (to
    ``to_user``, already checked, or to that unit's queue); it sets
    ``status``, ``current_step`` and ``current_handler`` on the instance (the
    caller saves them). Return the changes to record: the intake and its
    hand-over, if any.
    """
    steps = kernel.plan_steps(dossier, step_plan(plan))
    if action == "receive":
        changes = _with_calendar(
            lambda: kernel.receive(
                dossier,
                steps,
                at=at,
                actor=actor,
                calendar_of=_calendar,
                to_user=to_user,
                note=note,
            )
        )
    else:
        changes = _with_calendar(
            lambda: kernel.accept(
                dossier, steps, at=at, actor=actor, calendar_of=_calendar, to_user=to_user
            )
        )
    fastsql.insert(steps)
    # The steps have their keys only now: point the dossier at its current one by key too.
    dossier.current_step = dossier.current_step
    return list(changes)


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
