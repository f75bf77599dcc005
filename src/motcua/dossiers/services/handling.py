"""Work on a dossier in progress: claim, hand over, decide."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.errors import ApplicationError, ConflictError
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
    _bump,
    _check_transition,
    _event,
    _lock,
    _require_role,
    timeliness_of,
)
from motcua.dossiers.services.steps import (
    _checked_handler,
    _finish_step,
    _last_order,
    _start_step,
    status_for_step,
)
from motcua.dossiers.workflow import SIGNING_ROLES, TRANSITIONS


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
        _check_transition(locked, "hand_over")
        step = locked.current_step
        if step is None:
            raise ApplicationError(_("The dossier has no step to hand over."), code="no_step")
        step = DossierStep.objects.select_related("role", "unit").get(pk=step.pk)
        _require_role(actor, [step.role.code], step.unit, what=_("hand over this step"))
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
        _check_transition(locked, "decide")
        if locked.current_step_id is None:
            raise ApplicationError(_("The dossier has no step to sign."), code="no_step")
        step = DossierStep.objects.select_related("role", "unit").get(pk=locked.current_step_id)
        roles = [step.role.code] if step.role.code in SIGNING_ROLES else sorted(SIGNING_ROLES)
        _require_role(actor, roles, step.unit, what=_("sign the decision"))
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
        if locked.current_step_id is None or locked.status not in TRANSITIONS[
            "hand_over"
        ].sources | {DossierStatus.AWAITING_SIGNATURE, DossierStatus.RESULT_READY}:
            raise ConflictError(
                _("There is no step to take on this dossier now."), code="not_allowed_now"
            )
        step = DossierStep.objects.select_related("role", "unit").get(pk=locked.current_step_id)
        if step.handler_id is not None:
            raise ConflictError(_("Someone else already took this step."), code="taken")
        _require_role(actor, [step.role.code], step.unit, what=_("take this step"))
        step.handler = actor
        step.save(update_fields=["handler"])
        locked.current_handler = actor
        _bump(locked, "current_handler")
        _event(locked, actor=actor, action="claim", from_status=locked.status, step=step)
    return locked
