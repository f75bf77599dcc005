"""The applicant's rating of a returned dossier, and the follow-up an unhappy one opens.

Honesty of the numbers (issue 11): a rating is refused for a dossier that
was not returned, for a dossier already rated, and from staff; every rating
writes an audit record. Kiosk and link paths call :func:`evaluation_submit`
after their own checks (:mod:`.kiosk`, :mod:`.invites`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError, ConflictError, NotFoundError
from motcua.core.notifications import notify
from motcua.core.text import nfc
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.feedback.constants import FollowUpStatus, SatisfactionLevel
from motcua.feedback.models import Evaluation, EvaluationScheme, FollowUp, IndicatorScore
from motcua.feedback.services.common import (
    director_roles,
    refuse_staff,
    require_any,
    scheme_in_force,
)
from motcua.org.models import RoleAssignment, Unit
from motcua.org.selectors import valid_on_q
from motcua.workdays.core import CalendarMissingError
from motcua.workdays.loader import calendar_for_unit

INTAKE_ACTIONS = ("receive", "accept")


def _check_scores(scheme: EvaluationScheme, scores: Sequence[int] | None) -> list[int]:
    """Return the scores: none at all, or one per indicator, each 0, 1 or 2."""
    if not scores:
        return []
    values = list(scores)
    if len(values) != len(scheme.indicators):
        raise ApplicationError(
            _("Score all %(count)s indicators, or none of them.")
            % {"count": len(scheme.indicators)},
            code="invalid_scores",
        )
    for value in values:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 2:
            raise ApplicationError(
                _("Each indicator is scored 0, 1 or 2 points."), code="invalid_scores"
            )
    return values


def evaluation_check_open(dossier: Dossier) -> None:
    """Refuse a dossier that cannot be rated: not returned, or rated already."""
    if dossier.status != DossierStatus.RETURNED or dossier.returned_at is None:
        raise ConflictError(
            _("Dossier %(code)s has not been returned yet: it can be rated once returned.")
            % {"code": dossier.code or dossier.pk},
            code="not_returned",
        )
    if Evaluation.objects.filter(dossier_id=dossier.pk).exists():
        raise ConflictError(
            _("Dossier %(code)s has already been rated; each dossier is rated once.")
            % {"code": dossier.code or dossier.pk},
            code="already_rated",
        )


def evaluation_submit(
    *,
    dossier: Dossier | int,
    channel: str,
    level: str,
    scores: Sequence[int] | None = None,
    comment: str = "",
    actor: Any = None,
    via: str = "",
) -> Evaluation:
    """Record the applicant's rating of a returned dossier (once), audited.

    ``actor`` is the request's user: staff are refused (the citizen rates).
    ``via`` names the kiosk or link in the audit record. The attribution
    is copied from the dossier: its agency and desk, its procedure, the
    officer who received it, the one who returned it and every step handler.
    A dissatisfied rating or a low indicator opens a follow-up.
    """
    refuse_staff(actor)
    if level not in SatisfactionLevel.values:
        raise ApplicationError(
            _("Choose one of: very satisfied, satisfied, dissatisfied."), code="invalid_level"
        )
    comment = nfc(comment or "")[:2000]
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().filter(pk=pk).first()
        if locked is None:
            raise NotFoundError(_("The dossier does not exist."))
        evaluation_check_open(locked)
        now = clock.now()
        scheme = scheme_in_force(timezone.localtime(now).date())
        values = _check_scores(scheme, scores)
        total = sum(values) if values else None
        events = dict(
            DossierEvent.objects.filter(
                dossier=locked, action__in=[*INTAKE_ACTIONS, "return_result"]
            )
            .order_by("at", "id")
            .values_list("action", "actor_id")
        )
        intake_officer = next(
            (events[a] for a in INTAKE_ACTIONS if events.get(a)), locked.created_by_id
        )
        evaluation = Evaluation.objects.create(
            dossier=locked,
            scheme=scheme,
            channel=channel,
            level=level,
            total=total,
            band=scheme.band_for(total) if total is not None else "",
            comment=comment,
            submitted_at=now,
            agency_id=locked.agency_id,
            receiving_unit_id=locked.receiving_unit_id,
            procedure_id=locked.procedure_id,
            intake_officer_id=intake_officer,
            returned_by_id=events.get("return_result"),
        )
        if values:
            IndicatorScore.objects.bulk_create(
                IndicatorScore(evaluation=evaluation, number=number, score=value)
                for number, value in enumerate(values, start=1)
            )
        handler_ids = set(
            DossierStep.objects.filter(dossier=locked, handler__isnull=False).values_list(
                "handler_id", flat=True
            )
        )
        if handler_ids:
            evaluation.handlers.set(sorted(handler_ids))
        audit_record(
            actor=actor if getattr(actor, "is_authenticated", False) else f"citizen:{channel}",
            action="feedback.evaluation_submit",
            obj=evaluation,
            new_stream=True,
            data={
                "dossier": locked.code,
                "channel": channel,
                "via": via,
                "level": level,
                "scores": values,
                "total": total,
                "band": evaluation.band,
            },
        )
        low = [n for n, v in enumerate(values, start=1) if v <= scheme.low_score]
        if level == SatisfactionLevel.DISSATISFIED or low:
            _follow_up_open(evaluation, scheme=scheme, low=low, now=now)
    return evaluation


def _reason(evaluation: Evaluation, low: list[int]) -> str:
    """Return why the follow-up opened, in the site's language (it is stored as text)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _reason_text(evaluation, low)


def _reason_text(evaluation: Evaluation, low: list[int]) -> str:
    parts = []
    if evaluation.level == SatisfactionLevel.DISSATISFIED:
        parts.append(_("the applicant is dissatisfied"))
    if low:
        parts.append(_("low indicators: %(numbers)s") % {"numbers": ", ".join(str(n) for n in low)})
    return "; ".join(parts)[:300]


def directors_of(unit: Unit) -> list[Any]:
    """Return the nearest directors of ``unit``: the holders of a director role on the
    closest unit, from ``unit`` upwards, where anyone holds one (a centre's director
    before the commune's leader above it)."""
    day = clock.localdate()
    ancestors = unit.ancestor_ids()
    assignments = (
        RoleAssignment.objects.filter(
            role__code__in=director_roles(), unit_id__in=ancestors, user__is_active=True
        )
        .filter(valid_on_q(day))
        .select_related("user")
        .order_by("user_id")
    )
    by_unit: dict[int, dict[int, Any]] = {}
    for assignment in assignments:
        by_unit.setdefault(assignment.unit_id, {}).setdefault(assignment.user_id, assignment.user)
    depth = {pk: index for index, pk in enumerate(ancestors)}
    if not by_unit:
        return []
    nearest = max(by_unit, key=lambda pk: depth[pk])  # ancestor_ids runs root first
    return list(by_unit[nearest].values())


def _follow_up_open(
    evaluation: Evaluation, *, scheme: EvaluationScheme, low: list[int], now: Any
) -> FollowUp:
    unit = evaluation.receiving_unit
    try:
        due = calendar_for_unit(unit).due_working_days(now, scheme.follow_up_days)
    except CalendarMissingError as exc:  # pragma: no cover - only without a confirmed year
        raise ApplicationError(str(exc), code="calendar_missing") from exc
    follow_up = FollowUp.objects.create(
        evaluation=evaluation,
        unit=unit,
        reason=_reason(evaluation, low),
        opened_at=now,
        due_at=due,
    )
    audit_record(
        actor="system",
        action="feedback.follow_up_open",
        obj=follow_up,
        new_stream=True,
        data={"evaluation": evaluation.pk, "reason": follow_up.reason, "due": due.isoformat()},
    )
    for director in directors_of(unit):
        notify(
            event="feedback.follow_up_opened",
            context={"follow_up": follow_up, "dossier": evaluation.dossier},
            user=director,
            obj=follow_up,
        )
    return follow_up


def _lock_follow_up(follow_up: FollowUp | int) -> FollowUp:
    pk = follow_up.pk if isinstance(follow_up, FollowUp) else follow_up
    locked = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("unit", "evaluation")
        .filter(pk=pk)
    ).first()
    if locked is None:
        raise NotFoundError(_("The follow-up does not exist."))
    return locked


def follow_up_record_contact(
    *, follow_up: FollowUp | int, actor: Any, note: str, outcome: str = "", close: bool = False
) -> FollowUp:
    """Record the director's contact with the citizen and, with ``close``, the outcome."""
    note = nfc(note or "")
    outcome = nfc(outcome or "")
    if not note:
        raise ApplicationError(
            _("Write how and when the citizen was contacted and what they said."),
            code="contact_required",
        )
    if close and not outcome:
        raise ApplicationError(
            _("Write the outcome before closing the follow-up."), code="outcome_required"
        )
    with transaction.atomic():
        locked = _lock_follow_up(follow_up)
        require_any(actor, director_roles(), locked.unit, what=_("follow up ratings"))
        if locked.status == FollowUpStatus.CLOSED:
            raise ConflictError(_("This follow-up is already closed."), code="closed")
        now = clock.now()
        before = locked.status
        locked.contacted_at = locked.contacted_at or now
        locked.contact_note = note
        locked.outcome = outcome
        locked.handled_by = actor
        locked.status = FollowUpStatus.CLOSED if close else FollowUpStatus.CONTACTED
        if close:
            locked.closed_at = now
        locked.save()
        audit_record(
            actor=actor,
            action="feedback.follow_up_close" if close else "feedback.follow_up_contact",
            obj=locked,
            data={"from": before, "to": locked.status, "note": note, "outcome": outcome},
        )
    return locked
