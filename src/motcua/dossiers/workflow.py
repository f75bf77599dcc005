"""The dossier lifecycle as data: which action moves which status where.

Every action on an existing dossier is listed once in :data:`TRANSITIONS`
with the statuses it may start from, where it leads, and the roles that
may take it. Services enforce the table; screens use it to show only the
buttons a user may press now. Creation (counter intake, online
submission, refusal at the counter) is not a transition: it starts the
history.

Targets written as ``None`` are decided by the service: hand-over goes to
the status of the next step (in progress, awaiting a coordinating agency,
or awaiting signature), and the end of a pause goes back to the status the
dossier had before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.constants import DossierStatus as S

LEADER_ROLES = frozenset(settings.MOTCUA_DECISION_ROLES)
"""Roles that sign a decision, an apology (Mẫu 04) and a further supplement request."""

PROCESSING_ROLES = frozenset(
    {"case_handler", "division_head", "agency_leader", "commune_leader", "intake_officer"}
)
SIGNING_ROLES = LEADER_ROLES

APOLOGY_DRAFT_ROLES = frozenset({"case_handler", "division_head"})
"""Roles that draft an apology for a leader of the handling agency to sign."""


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[S]
    target: S | None
    roles: frozenset[str]
    label: str | Promise
    step_role: bool = False
    """When true, the actor must hold the current step's role (besides ``roles``)."""


def _t(
    action: str,
    sources: set[S],
    target: S | None,
    roles: set[str] | frozenset[str],
    label: str | Promise,
    *,
    step_role: bool = False,
) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), label, step_role)


HANDLING = {S.RECEIVED, S.IN_PROGRESS, S.AWAITING_COORDINATION, S.AWAITING_SIGNATURE}
BEFORE_DECISION = HANDLING | {S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT}

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("accept", {S.AWAITING_INTAKE}, S.RECEIVED, {"intake_officer"}, _("Accept")),
        _t("refuse", {S.AWAITING_INTAKE}, S.REFUSED, {"intake_officer"}, _("Refuse")),
        _t("withdraw", {S.AWAITING_INTAKE}, S.WITHDRAWN, {"intake_officer"}, _("Withdraw")),
        _t(
            "hand_over",
            {S.RECEIVED, S.IN_PROGRESS, S.AWAITING_COORDINATION},
            None,
            PROCESSING_ROLES,
            _("Hand over to the next step"),
            step_role=True,
        ),
        _t(
            "decide",
            {S.AWAITING_SIGNATURE},
            S.RESULT_READY,
            SIGNING_ROLES,
            _("Sign the decision"),
            step_role=True,
        ),
        _t(
            "request_supplement",
            HANDLING | {S.AWAITING_INTAKE},
            S.AWAITING_SUPPLEMENT,
            PROCESSING_ROLES,
            _("Request a supplement"),
        ),
        _t(
            "supplement_received",
            {S.AWAITING_SUPPLEMENT},
            None,
            {"intake_officer", "case_handler"},
            _("Supplement received"),
        ),
        _t(
            "close_unsupplemented",
            {S.AWAITING_SUPPLEMENT},
            S.CLOSED,
            {"intake_officer"},
            _("Close: supplement not provided"),
        ),
        _t(
            "request_payment",
            {S.IN_PROGRESS, S.AWAITING_SIGNATURE},
            S.AWAITING_PAYMENT,
            {"case_handler", "division_head", "agency_leader", "commune_leader"},
            _("Ask for financial obligations"),
        ),
        _t(
            "payment_received",
            {S.AWAITING_PAYMENT},
            None,
            {"intake_officer", "case_handler"},
            _("Financial obligations met"),
        ),
        # Not while paused: the due the apology is measured against is stopped then.
        _t("apologise", HANDLING, None, LEADER_ROLES, _("Apologise and set a new date")),
        _t(
            "draft_apology",
            HANDLING,
            None,
            APOLOGY_DRAFT_ROLES,
            _("Draft an apology for the leader to sign"),
        ),
        _t(
            "stop",
            BEFORE_DECISION,
            S.STOPPED,
            {"intake_officer"},
            _("Stop at the applicant's request"),
        ),
        _t(
            "return_result",
            {S.RESULT_READY},
            S.RETURNED,
            {"intake_officer"},
            _("Return the result"),
        ),
    ]
}


def role_unit(dossier: Any, role: str) -> Any:
    """Return the unit on which ``role`` acts on ``dossier``.

    Intake roles act at the receiving desk; every other role at the current
    step's unit, or at the handling agency while the dossier sits at an
    intake step.
    """
    if role == "intake_officer":
        return dossier.receiving_unit
    step = dossier.current_step
    if step is not None and step.role.code != "intake_officer":
        return step.unit
    return dossier.agency


def can_start(action: str, status: str) -> bool:
    """Return whether ``action`` may start from ``status`` (roles aside)."""
    transition = TRANSITIONS.get(action)
    return transition is not None and status in transition.sources
