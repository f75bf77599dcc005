"""What every dossier service shares: locking, transition and role checks, history, notices."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import clock, fastsql
from motcua.core.actors import Actor
from motcua.core.audit import audit_record, audit_records_new_stream
from motcua.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from motcua.core.notifications import notify
from motcua.dossiers import kernel
from motcua.dossiers.constants import (
    ACTIVE_STATUSES,
)
from motcua.dossiers.models import (
    Apology,
    Dossier,
    DossierEvent,
    DossierStep,
)
from motcua.dossiers.workflow import TRANSITIONS, Verdict, may, role_unit
from motcua.org.models import Role, Unit
from motcua.org.selectors import user_has_role
from motcua.workdays.core import CalendarMissingError, WorkCalendar
from motcua.workdays.loader import calendar_for_unit
from motcua.workdays.services import missing_calendar_message


def _calendar(unit: Unit) -> WorkCalendar:
    try:
        return calendar_for_unit(unit)
    except CalendarMissingError as exc:  # pragma: no cover - only without any confirmed year
        raise ApplicationError(missing_calendar_message(exc.year), code="calendar_missing") from exc


def _with_calendar(func: Any, *args: Any) -> Any:
    try:
        return func(*args)
    except CalendarMissingError as exc:
        raise ApplicationError(missing_calendar_message(exc.year), code="calendar_missing") from exc


def _event(
    dossier: Dossier,
    *,
    actor: Actor,
    action: str,
    from_status: str,
    note: str = "",
    step: DossierStep | None = None,
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    """Write the history row and the audit record of a change the kernel does not make."""
    change = kernel.Change(action, from_status, step=step, note=note, data=data or {})
    return _write(dossier, actor=actor, change=change)


def _write(
    dossier: Dossier, *, actor: Actor, change: kernel.Change, first: bool = False
) -> DossierEvent:
    """Write the history row and the audit record of ``change``; ``first`` for a new dossier."""
    event, payload = kernel.recorded(dossier, change, at=clock.now(), actor=actor)
    fastsql.insert([event])
    audit_record(
        actor=actor,
        action=f"dossiers.{change.action}",
        obj=dossier,
        data={"code": dossier.code, **payload},
        new_stream=first,
        history=event,
    )
    return event


def _record_new(dossier: Dossier, *, actor: Actor, changes: list[kernel.Change]) -> None:
    """Write the history rows and audit records of a dossier created in this transaction.

    One INSERT for the rows and one for the records (the chain starts
    here), so an intake that also hands over costs no more statements than
    one that does not (ADR 0004). The changes' notices are queued after.
    """
    now = clock.now()
    pairs = [kernel.recorded(dossier, change, at=now, actor=actor) for change in changes]
    rows = [row for row, _payload in pairs]
    fastsql.insert(rows)
    audit_records_new_stream(
        actor=actor,
        obj=dossier,
        entries=[
            # each record vouches for its history row (ADR 0005)
            (f"dossiers.{change.action}", {"code": dossier.code, **payload}, row)
            for change, (row, payload) in zip(changes, pairs, strict=True)
        ],
    )
    for change in changes:
        _notices(dossier, change)


def _record(
    dossier: Dossier, *, actor: Actor, change: kernel.Change, first: bool = False
) -> DossierEvent:
    """Write the history row and audit record of a kernel change; queue its notices.

    ``first``: the dossier was created in this transaction (its audit chain starts).
    """
    event = _write(dossier, actor=actor, change=change, first=first)
    _notices(dossier, change)
    return event


def _record_all(dossier: Dossier, *, actor: Actor, changes: list[kernel.Change]) -> None:
    """Write the history rows and audit records of ``changes``, then queue their notices."""
    for change in changes:
        _write(dossier, actor=actor, change=change)
    for change in changes:
        _notices(dossier, change)


def _notices(dossier: Dossier, change: kernel.Change) -> None:
    for notice in change.notices:
        _applicant_notice(dossier, notice, **change.notice_context)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _local(value: datetime) -> datetime:
    return timezone.localtime(value)


def _applicant_notice(dossier: Dossier, event: str, **context: Any) -> None:
    notify(
        event=event,
        context={"dossier": dossier, **context},
        email=dossier.applicant_email,
        phone=dossier.applicant_phone,
        obj=dossier,
    )


def _require_dossier_role(
    actor: Actor, dossier: Dossier, roles: Iterable[str], *, what: str
) -> str:
    """Require one of ``roles``, each checked on the unit where it acts on this dossier."""
    wanted = sorted(roles)
    for role in wanted:
        if user_has_role(actor, role, role_unit(dossier, role)):
            return role
    return _require_role(actor, wanted, role_unit(dossier, wanted[0]), what=what)


def _require_open(unit: Unit, day: date) -> None:
    """Refuse to record a dossier at a unit that does not exist on ``day`` (2025 mergers)."""
    if unit.is_valid_on(day):
        return
    if unit.valid_to is not None and day >= unit.valid_to:
        message = _(
            "%(unit)s no longer exists since %(day)s: receive the dossier at the unit that "
            "took over its work."
        ) % {"unit": unit.name, "day": unit.valid_to.strftime("%d/%m/%Y")}
    else:
        message = _("%(unit)s exists only from %(day)s.") % {
            "unit": unit.name,
            "day": unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else "",
        }
    raise ApplicationError(message, code="unit_not_in_operation")


def _require_role(actor: Actor, roles: Iterable[str], unit: Unit, *, what: str) -> str:
    roles = list(roles)
    for role in roles:
        if user_has_role(actor, role, unit):
            return role
    raise _role_refusal(roles, unit, what=what)


def _role_refusal(roles: Iterable[str], unit: Unit, *, what: str) -> PermissionDeniedError:
    """Return the refusal naming the roles (by their names, in the roles' order) and the unit."""
    names = ", ".join(
        Role.objects.filter(code__in=list(roles)).order_by("order").values_list("name", flat=True)
    )
    return PermissionDeniedError(
        _("You cannot %(what)s for %(unit)s: it needs the role %(roles)s.")
        % {"what": what, "unit": unit, "roles": names}
    )


def _lock(dossier: Dossier | int, expected_version: int | None) -> Dossier:
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    try:
        locked = (
            Dossier.objects.select_for_update()
            .select_related("procedure_version", "agency")
            .get(pk=pk)
        )
    except Dossier.DoesNotExist:
        raise NotFoundError(_("The dossier does not exist.")) from None
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            _(
                "Dossier %(code)s was changed by someone else a moment ago (it is now: %(status)s). "
                "Reload the page to see the change; nothing was saved."
            )
            % {"code": locked.code or locked.pk, "status": locked.get_status_display()},
            extra={"version": locked.version, "status": locked.status},
        )
    return locked


def _check_transition(dossier: Dossier, action: str) -> None:
    transition = TRANSITIONS[action]
    if dossier.status not in transition.sources:
        raise ConflictError(
            _("Dossier %(code)s is %(status)s; “%(action)s” is not possible now.")
            % {
                "code": dossier.code or dossier.pk,
                "status": dossier.get_status_display().lower(),
                "action": transition.label,
            },
            code="not_allowed_now",
            extra={"version": dossier.version, "status": dossier.status},
        )


def _bump(dossier: Dossier, *fields: str) -> None:
    dossier.version += 1
    dossier.save(update_fields=[*fields, "version", "updated_at"])


@dataclass(frozen=True)
class ActorRoles:
    """The actor as :func:`workflow.may` sees it: each role checked in the database now."""

    actor: Actor

    def has(self, role: str, unit: Unit) -> bool:
        return user_has_role(self.actor, role, unit)


def _authorise(locked: Dossier, action: str, actor: Actor) -> None:
    """Refuse ``action`` unless :func:`workflow.may` allows it; raise the error its reason names.

    The current step is read once with its role and unit; the apology is
    looked up only for the actions it bars.
    """
    transition = TRANSITIONS[action]
    if transition.needs_step and locked.current_step_id is not None:
        locked.current_step = DossierStep.objects.select_related("role", "unit").get(
            pk=locked.current_step_id
        )
    has_apology = (
        transition.once_per_dossier
        and locked.status in transition.sources
        and Apology.objects.filter(dossier=locked).exists()
    )
    holder = None if actor is None else ActorRoles(actor)
    verdict = may(action, locked, holder, has_apology=has_apology)
    if not verdict:
        _refuse(locked, action, verdict)


def _refuse(locked: Dossier, action: str, verdict: Verdict) -> None:
    transition = TRANSITIONS[action]
    if action == "return_result" and locked.status in ACTIVE_STATUSES:
        raise ApplicationError(
            _("There is no result to return yet: the decision has not been signed."),
            code="no_result",
        )
    if verdict.reason == "not_allowed_now" or (action == "claim" and verdict.reason == "no_step"):
        if action == "claim":
            raise ConflictError(
                _("There is no step to take on this dossier now."), code="not_allowed_now"
            )
        _check_transition(locked, action)
    if verdict.reason == "no_step":
        if action == "decide":
            raise ApplicationError(_("The dossier has no step to sign."), code="no_step")
        raise ApplicationError(_("The dossier has no step to hand over."), code="no_step")
    if verdict.reason == "taken":
        raise ConflictError(_("Someone else already took this step."), code="taken")
    if verdict.reason == "apology_once":
        raise ApplicationError(
            _("An apology with a new date was already issued; the date may be moved only once."),
            code="apology_once",
        )
    raise _role_refusal(verdict.roles, verdict.unit, what=str(transition.what))
