"""Work on a dossier in progress: claim, hand over, decide."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.actors import Actor
from motcua.core.errors import ApplicationError
from motcua.core.notifications import notify
from motcua.core.people import full_name
from motcua.core.text import nfc
from motcua.dossiers import kernel
from motcua.dossiers.constants import (
    Decision,
)
from motcua.dossiers.models import (
    Dossier,
    DossierStep,
)
from motcua.dossiers.services.common import (
    _authorise,
    _bump,
    _calendar,
    _lock,
    _record,
    _with_calendar,
)
from motcua.dossiers.services.steps import (
    FINISHED,
    STARTED,
    _checked_handler,
    _last_order,
)


def dossier_hand_over(
    *,
    dossier: Dossier,
    actor: Actor,
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
        calendar = _calendar(following.unit)
        change = _with_calendar(
            lambda: kernel.hand_over(
                locked,
                step,
                following,
                at=clock.now(),
                actor=actor,
                receiver=receiver,
                calendar=calendar,
                note=nfc(note),
            )
        )
        step.save(update_fields=FINISHED)
        following.save(update_fields=STARTED)
        _bump(locked, "status", "current_step", "current_handler")
        _record(locked, actor=actor, change=change)
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
    actor: Actor,
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
        # With the decision signed, the dossier goes to the desk's return step (the
        # last one); a step the template put between them is not run.
        last = (
            DossierStep.objects.select_related("role", "unit")
            .filter(dossier=locked, order__gt=step.order)
            .order_by("-order")
            .first()
        )
        following = last if last is not None and last.role.code == "intake_officer" else None
        calendar = _calendar(following.unit) if following is not None else None
        change = _with_calendar(
            lambda: kernel.decide(
                locked,
                step,
                following,
                at=clock.now(),
                actor=actor,
                decision=decision,
                reasons=reasons,
                calendar=calendar,
            )
        )
        step.save(update_fields=FINISHED)
        if following is not None:
            following.save(update_fields=STARTED)
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
        _record(locked, actor=actor, change=change)
    return locked


def dossier_claim(
    *, dossier: Dossier, actor: Actor, expected_version: int | None = None
) -> Dossier:
    """Take the current step from the unit's queue (the receiver on the control slip)."""
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _authorise(locked, "claim", actor)
        step = locked.current_step
        assert step is not None  # the table needs a step
        change = kernel.claim(locked, step, actor=actor)
        step.save(update_fields=["handler"])
        _bump(locked, "current_handler")
        _record(locked, actor=actor, change=change)
    return locked
