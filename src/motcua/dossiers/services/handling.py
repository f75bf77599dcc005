"""Work on a dossier in progress: claim, hand over, decide."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.core.notifications import notify
from motcua.core.people import full_name
from motcua.core.text import nfc
from motcua.dossiers.constants import (
    Decision,
    DossierStatus,
)
from motcua.dossiers.models import (
    Dossier,
    DossierStep,
)
from motcua.dossiers.services.common import (
    _applicant_notice,
    _authorise,
    _bump,
    _event,
    _lock,
    timeliness_of,
)
from motcua.dossiers.services.steps import (
    _checked_handler,
    _finish_step,
    _last_order,
    _start_step,
    status_for_step,
)


def dossier_hand_over(
    *,
    dossier: Dossier,
    actor: Any,
    to_user: Any = None,
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """Finish the current step and hand the dossier to the next one (phiếu kiểm soát)."""
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _authorise(locked, "hand_over", actor)
        step = locked.current_step
        assert step is not None  # the table needs a step
        following = (
            DossierStep.objects.select_related("role", "unit")
            .filter(dossier=locked, order__gt=step.order)
            .order_by("order")
            .first()
        )
        if following is None:
            raise ApplicationError(
                _("This is the last step; the dossier needs a signed decision."), code="last_step"
            )
        if following.role.code == "intake_officer" and following.order == _last_order(locked):
            raise ApplicationError(
                _("The next step returns the result, which needs a signed decision first."),
                code="needs_decision",
            )
        receiver = _checked_handler(to_user, following)
        now = clock.now()
        before = locked.status
        _finish_step(step, at=now, actor=actor)
        _start_step(locked, following, at=now, giver=actor, handler=receiver)
        locked.status = status_for_step(following)
        _bump(locked, "status", "current_step", "current_handler")
        _event(
            locked,
            actor=actor,
            action="hand_over",
            from_status=before,
            step=following,
            note=nfc(note),
            data={
                "from_step": step.order,
                "to_step": following.order,
                "step_timeliness": step.timeliness,
                "receiver": getattr(receiver, "pk", None),
            },
        )
        if receiver is not None:
            notify(
                event="step.assigned",
                context={"dossier": locked, "step": following, "user_name": full_name(receiver)},
                user=receiver,
                obj=locked,
            )
    return locked


def dossier_decide(
    *,
    dossier: Dossier,
    actor: Any,
    decision: str,
    reasons: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """Sign the decision: the result is ready and early/on time/late is fixed."""
    if decision not in Decision.values:
        raise ApplicationError(_("Choose granted or not granted."), code="invalid_decision")
    reasons = nfc(reasons or "")
    if decision == Decision.NOT_GRANTED and not reasons:
        raise ApplicationError(
            _("A refusal after review needs its reasons in writing."), code="reasons_required"
        )
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _authorise(locked, "decide", actor)
        step = locked.current_step
        assert step is not None  # the table needs a step
        now = clock.now()
        before = locked.status
        _finish_step(step, at=now, actor=actor)
        locked.decision = decision
        locked.decision_reasons = reasons
        locked.finished_at = now
        locked.timeliness = timeliness_of(now, locked.due_at)
        locked.status = DossierStatus.RESULT_READY
        # With the decision signed, the dossier goes to the desk's return step (the
        # last one); a step the template put between them is not run.
        following = (
            DossierStep.objects.select_related("role", "unit")
            .filter(dossier=locked, order__gt=step.order)
            .order_by("-order")
            .first()
        )
        if following is not None and following.role.code == "intake_officer":
            _start_step(locked, following, at=now, giver=actor, handler=None)
        else:
            locked.current_step = None
            locked.current_handler = None
        _bump(
            locked,
            "status",
            "decision",
            "decision_reasons",
            "finished_at",
            "timeliness",
            "current_step",
            "current_handler",
        )
        _event(
            locked,
            actor=actor,
            action="decide",
            from_status=before,
            step=step,
            note=reasons,
            data={"decision": decision, "timeliness": locked.timeliness},
        )
        _applicant_notice(locked, "dossier.result_ready")
    return locked


def dossier_claim(*, dossier: Dossier, actor: Any, expected_version: int | None = None) -> Dossier:
    """Take the current step from the unit's queue (the receiver on the control slip)."""
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _authorise(locked, "claim", actor)
        step = locked.current_step
        assert step is not None  # the table needs a step
        step.handler = actor
        step.save(update_fields=["handler"])
        locked.current_handler = actor
        _bump(locked, "current_handler")
        _event(locked, actor=actor, action="claim", from_status=locked.status, step=step)
    return locked
