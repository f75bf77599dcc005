"""The dossier lifecycle as data: which action moves which status where.

Every action on an existing dossier is listed once in :data:`TRANSITIONS`
with the statuses it may start from, where it leads, and the roles that
may take it, on which unit. :func:`may` answers "may this actor take this
action on this dossier now, and if not, why" from the table alone: the
services refuse with it, and the dossier page and the API's
``available_actions`` offer exactly what it allows. Creation (counter intake, online
submission, refusal at the counter) is not a transition: it starts the
history.

Targets written as ``None`` are decided by the service: hand-over goes to
the status of the next step (in progress, awaiting a coordinating agency,
or awaiting signature), and the end of a pause goes back to the status the
dossier had before it. ``claim`` keeps the status (it names the step's
handler), and so do the apology and its draft (they move or propose a date).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

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


class RoleCheck(StrEnum):
    """Where a transition checks the actor's role."""

    DOSSIER = "dossier"
    """Any of ``roles``, each on the unit where it acts on the dossier (:func:`role_unit`)."""
    STEP = "step"
    """The current step's role on the step's unit (``roles`` only lists the usual ones)."""
    SIGNING = "signing"
    """The signing step's role when it is a signing role, else any signing role; on its unit."""
    AGENCY = "agency"
    """Any of ``roles`` on the handling agency."""


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[S]
    target: S | None
    roles: frozenset[str]
    label: str | Promise
    what: str | Promise
    """What the actor tries to do, for "You cannot … for <unit>" (a verb phrase)."""
    check: RoleCheck = RoleCheck.DOSSIER
    needs_step: bool = False
    """The dossier must be at a step (hand-over, claim, signing)."""
    unclaimed: bool = False
    """Nobody may hold the current step yet (claim)."""
    once_per_dossier: bool = False
    """Refused once an apology exists (the date may be moved only once)."""
    system_may: bool = False
    """The scheduled job (``actor=None``) may take it without a role."""

    @property
    def step_role(self) -> bool:
        """Whether the actor must hold the current step's role (besides ``roles``)."""
        return self.check in (RoleCheck.STEP, RoleCheck.SIGNING)


def _t(
    action: str,
    sources: set[S],
    target: S | None,
    roles: set[str] | frozenset[str],
    label: str | Promise,
    what: str | Promise,
    **options: Any,
) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), label, what, **options)


HANDLING = {S.RECEIVED, S.IN_PROGRESS, S.AWAITING_COORDINATION, S.AWAITING_SIGNATURE}
BEFORE_DECISION = HANDLING | {S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT}

CLAIMABLE = {
    S.RECEIVED,
    S.IN_PROGRESS,
    S.AWAITING_COORDINATION,
    S.AWAITING_SIGNATURE,
    S.RESULT_READY,
}
"""Statuses in which the current step may be taken from the unit's queue."""

INTAKE = {"intake_officer"}

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        # First: the step must be taken before anything else is done on it.
        _t(
            "claim",
            CLAIMABLE,
            None,
            PROCESSING_ROLES | SIGNING_ROLES,
            _("Take this step"),
            _("take this step"),
            check=RoleCheck.STEP,
            needs_step=True,
            unclaimed=True,
        ),
        _t("accept", {S.AWAITING_INTAKE}, S.RECEIVED, INTAKE, _("Accept"), _("receive dossiers")),
        _t("refuse", {S.AWAITING_INTAKE}, S.REFUSED, INTAKE, _("Refuse"), _("refuse dossiers")),
        _t(
            "withdraw",
            {S.AWAITING_INTAKE},
            S.WITHDRAWN,
            INTAKE,
            _("Withdraw"),
            _("withdraw dossiers"),
        ),
        _t(
            "hand_over",
            {S.RECEIVED, S.IN_PROGRESS, S.AWAITING_COORDINATION},
            None,
            PROCESSING_ROLES,
            _("Hand over to the next step"),
            _("hand over this step"),
            check=RoleCheck.STEP,
            needs_step=True,
        ),
        _t(
            "decide",
            {S.AWAITING_SIGNATURE},
            S.RESULT_READY,
            SIGNING_ROLES,
            _("Sign the decision"),
            _("sign the decision"),
            check=RoleCheck.SIGNING,
            needs_step=True,
        ),
        _t(
            "request_supplement",
            HANDLING | {S.AWAITING_INTAKE},
            S.AWAITING_SUPPLEMENT,
            PROCESSING_ROLES,
            _("Request a supplement"),
            _("request a supplement"),
        ),
        _t(
            "supplement_received",
            {S.AWAITING_SUPPLEMENT},
            None,
            {"intake_officer", "case_handler"},
            _("Supplement received"),
            _("record the supplement"),
        ),
        _t(
            "close_unsupplemented",
            {S.AWAITING_SUPPLEMENT},
            S.CLOSED,
            INTAKE,
            _("Close: supplement not provided"),
            _("close dossiers"),
            system_may=True,
        ),
        _t(
            "request_payment",
            {S.IN_PROGRESS, S.AWAITING_SIGNATURE},
            S.AWAITING_PAYMENT,
            {"case_handler", "division_head", "agency_leader", "commune_leader"},
            _("Ask for financial obligations"),
            _("ask for financial obligations"),
        ),
        _t(
            "payment_received",
            {S.AWAITING_PAYMENT},
            None,
            {"intake_officer", "case_handler"},
            _("Financial obligations met"),
            _("record the payment"),
        ),
        # Not while paused: the due the apology is measured against is stopped then.
        _t(
            "apologise",
            HANDLING,
            None,
            LEADER_ROLES,
            _("Apologise and set a new date"),
            _("sign an apology"),
            check=RoleCheck.AGENCY,
            once_per_dossier=True,
        ),
        _t(
            "draft_apology",
            HANDLING,
            None,
            APOLOGY_DRAFT_ROLES,
            _("Draft an apology for the leader to sign"),
            _("draft an apology"),
            check=RoleCheck.AGENCY,
            once_per_dossier=True,
        ),
        _t(
            "stop",
            BEFORE_DECISION,
            S.STOPPED,
            INTAKE,
            _("Stop at the applicant's request"),
            _("stop dossiers"),
        ),
        _t(
            "return_result",
            {S.RESULT_READY},
            S.RETURNED,
            INTAKE,
            _("Return the result"),
            _("return results"),
        ),
    ]
}

SUPERSEDED_BY = {"draft_apology": "apologise"}
"""Actions not offered when the one they lead to is open to the same user.

A leader signs the apology at once; the draft is for those who cannot.
The service still accepts a draft from a leader who also holds a drafting
role (nothing is refused that was allowed before); only the button goes.
"""


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


class RoleHolder(Protocol):
    """Who acts, as far as the table cares: which roles they hold over which units.

    The screens pass the roles loaded once per request
    (:class:`motcua.dossiers.screens.UserRoles`); the services pass the
    actor checked against the database at the moment of the change.
    """

    def has(self, role: str, unit: Any) -> bool: ...


@dataclass(frozen=True)
class Verdict:
    """Whether an actor may take an action now, and if not, why.

    ``reason`` is a code: ``not_allowed_now`` (the status), ``no_step``
    (the dossier is at no step), ``taken`` (someone holds the step),
    ``apology_once`` (the date was already moved) or ``forbidden`` (the
    role); ``roles`` and ``unit`` then name what the actor lacks.
    """

    allowed: bool
    reason: str = ""
    roles: tuple[str, ...] = ()
    unit: Any = None

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Verdict(True)


def _role_need(transition: Transition, dossier: Any) -> list[tuple[str, Any]]:
    """Return the (role, unit) pairs of which the actor must hold one, in checking order."""
    step = dossier.current_step
    if transition.check == RoleCheck.STEP:
        return [(step.role.code, step.unit)]
    if transition.check == RoleCheck.SIGNING:
        code = step.role.code
        roles = [code] if code in SIGNING_ROLES else sorted(SIGNING_ROLES)
        return [(role, step.unit) for role in roles]
    if transition.check == RoleCheck.AGENCY:
        return [(role, dossier.agency) for role in sorted(transition.roles)]
    return [(role, role_unit(dossier, role)) for role in sorted(transition.roles)]


def may(
    action: str, dossier: Any, actor: RoleHolder | None, *, has_apology: bool = False
) -> Verdict:
    """Return whether ``actor`` may take ``action`` on ``dossier`` now, and if not, why.

    The one authority on who does what when: the services refuse with it,
    the dossier page and the API's ``available_actions`` offer what it
    allows. Checks, in order: the status, the current step (and whether it
    is free, for ``claim``), the one apology per dossier, then the role on
    the unit where it acts. ``actor=None`` is the scheduled job. No query
    beyond the dossier's current step, its role and unit, and what
    ``actor.has`` asks.
    """
    transition = TRANSITIONS[action]
    if dossier.status not in transition.sources:
        return Verdict(False, "not_allowed_now")
    if transition.needs_step and dossier.current_step_id is None:
        return Verdict(False, "no_step")
    if transition.unclaimed and dossier.current_step.handler_id is not None:
        return Verdict(False, "taken")
    if transition.once_per_dossier and has_apology:
        return Verdict(False, "apology_once")
    if actor is None and transition.system_may:
        return ALLOWED
    need = _role_need(transition, dossier)
    if actor is not None and any(actor.has(role, unit) for role, unit in need):
        return ALLOWED
    return Verdict(False, "forbidden", tuple(role for role, _unit in need), need[0][1])


def available_actions(dossier: Any, actor: RoleHolder | None, *, has_apology: bool) -> list[str]:
    """Return the actions ``actor`` may take on ``dossier`` now, in the table's order.

    An action whose :data:`SUPERSEDED_BY` successor is open too is left out.
    """
    allowed = [
        action for action in TRANSITIONS if may(action, dossier, actor, has_apology=has_apology)
    ]
    return [a for a in allowed if SUPERSEDED_BY.get(a) not in allowed]


def target_of(action: str) -> S:
    """Return the status ``action`` leads to, read from the table where it fixes one.

    The services and the kernel set the status from here; an action whose target
    depends on the dossier (``hand_over``: the next step's) has none and raises.
    """
    target = TRANSITIONS[action].target
    if target is None:
        raise ValueError(f"the table fixes no target status for {action!r}")
    return target
