"""The apology and new date (Mẫu 04), and the case handler's draft of it.

The law asks for the apology at least one working day before the due date
(DOMAIN.md §1.3). When that notice can no longer be kept, or the dossier is
already overdue, the applicant is still owed it: it is issued once all the
same and marked late, on the apology and in the history. A case handler may
draft it (reason and proposed date) for a leader of the handling agency;
only the leader's signature issues the form and moves the date.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.actors import Actor, user_of
from motcua.core.errors import ApplicationError
from motcua.core.notifications import notify
from motcua.core.people import full_name
from motcua.core.text import nfc
from motcua.dossiers import kernel
from motcua.dossiers.models import (
    Apology,
    ApologyDraft,
    Dossier,
)
from motcua.dossiers.services.common import (
    _applicant_notice,
    _authorise,
    _bump,
    _calendar,
    _event,
    _local,
    _lock,
    _record,
    _with_calendar,
)
from motcua.dossiers.workflow import LEADER_ROLES
from motcua.org.models import RoleAssignment, Unit
from motcua.org.selectors import signing_position, valid_on_q


def _apology_dates(
    locked: Dossier, new_date: date, now: datetime
) -> tuple[datetime, datetime, bool]:
    """Check ``new_date`` for an apology; return the legal due, the new due and whether it is late.

    The new date is a working day after the legal due date and still ahead
    of now. ``late`` says the one working day's notice the law asks for
    (DOMAIN.md §1.3) can no longer be kept: the due date is today, or passed.
    """
    calendar = _calendar(locked.agency)
    due = locked.due_at
    assert due is not None
    due_day = _local(due).date()
    late = _with_calendar(kernel.apology_late, calendar, due, now)
    if new_date <= due_day:
        raise ApplicationError(
            _("The new date must be after the current due date (%(due)s).")
            % {"due": due_day.strftime("%d/%m/%Y")},
            code="invalid_new_date",
        )
    if not _with_calendar(calendar.is_working_day, new_date):
        raise ApplicationError(
            _("%(day)s is not a working day.") % {"day": new_date.strftime("%d/%m/%Y")},
            code="invalid_new_date",
        )
    new_due = timezone.make_aware(
        datetime.combine(new_date, calendar.schedule.day_end), calendar.tz
    )
    if new_due <= now:
        raise ApplicationError(
            _("The new date %(day)s has already passed: promise a date still ahead.")
            % {"day": new_date.strftime("%d/%m/%Y")},
            code="invalid_new_date",
        )
    return due, new_due, late


def _apology_input(
    locked: Dossier, reason: str, new_date: date, now: datetime
) -> tuple[datetime, datetime, bool]:
    """Check the reason and the new date together, so a form lists every problem at once.

    Return what :func:`_apology_dates` returns; raise one :class:`ApplicationError`
    whose ``extra["errors"]`` names each field in trouble.
    """
    problems: list[dict[str, str]] = []
    if not reason:
        problems.append(
            {
                "field": "reason",
                "code": "reason_required",
                "message": str(_("Write the reason for the delay; it is printed on the apology.")),
            }
        )
    try:
        dates = _apology_dates(locked, new_date, now)
    except ApplicationError as exc:
        problems.append({"field": "new_date", "code": exc.code, "message": exc.message})
    if problems:
        raise ApplicationError(
            problems[0]["message"], code=problems[0]["code"], extra={"errors": problems}
        )
    return dates


def dossier_apologise(
    *,
    dossier: Dossier,
    actor: Actor,
    reason: str,
    new_date: date,
    expected_version: int | None = None,
) -> Apology:
    """Sign the apology with a new return date (Mẫu 04): once per dossier, by a leader.

    The law asks for it at least one working day before the due date; when
    that notice can no longer be kept, or the dossier is already overdue,
    the applicant is still owed it: it is issued and marked late (on the
    apology and in the history). Only this signature issues the form and
    moves the date; a case handler's draft ends with it.
    """
    reason = nfc(reason or "")
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _authorise(locked, "apologise", actor)
        now = clock.now()
        due, new_due, late = _apology_input(locked, reason, new_date, now)
        draft = ApologyDraft.objects.select_for_update().filter(dossier=locked).first()
        apology = Apology.objects.create(
            dossier=locked,
            issued_at=now,
            issued_by=user_of(actor),
            signer_position=signing_position(
                actor, LEADER_ROLES, locked.agency, on=_local(now).date()
            ),
            reason=reason,
            original_due_at=due,
            new_due_at=new_due,
            late=late,
            drafted_by_id=draft.drafted_by_id if draft is not None else None,
        )
        if draft is not None:
            draft.delete()
        change = kernel.apologise(
            locked,
            new_due=new_due,
            late=late,
            reason=reason,
            drafted_by_id=apology.drafted_by_id,
        )
        _bump(locked, "extended_due_at")
        _record(locked, actor=actor, change=change)
        _applicant_notice(locked, "dossier.apology", apology=apology)
    return apology


def _leaders_of(unit: Unit, day: date) -> list[Any]:
    """Return the active users who hold a leader's role nearest to ``unit`` (one query)."""
    assignments = (
        RoleAssignment.objects.filter(
            role__code__in=sorted(LEADER_ROLES), unit_id__in=unit.ancestor_ids()
        )
        .filter(valid_on_q(day))
        .filter(valid_on_q(day, prefix="unit__"))
        .filter(user__is_active=True)
        .select_related("user", "unit")
        .order_by("-unit__depth", "user_id")
    )
    leaders: list[Any] = []
    depth: int | None = None
    for assignment in assignments:
        if depth is not None and assignment.unit.depth != depth:
            break
        depth = assignment.unit.depth
        if all(user.pk != assignment.user_id for user in leaders):
            leaders.append(assignment.user)
    return leaders


def dossier_apology_draft(
    *,
    dossier: Dossier,
    actor: Actor,
    reason: str,
    new_date: date,
    expected_version: int | None = None,
) -> ApologyDraft:
    """Draft the apology for a leader to sign: the reason and a proposed new date.

    A case handler or a division head of the handling agency writes it; the
    leaders of the agency are told. Nothing reaches the applicant and no
    date moves until a leader signs (:func:`dossier_apologise`). A new draft
    replaces the previous one.
    """
    reason = nfc(reason or "")
    with transaction.atomic():
        locked = _lock(dossier, expected_version)
        _authorise(locked, "draft_apology", actor)
        now = clock.now()
        _due, _new_due, late = _apology_input(locked, reason, new_date, now)
        draft, _created = ApologyDraft.objects.update_or_create(
            dossier=locked,
            defaults={
                "drafted_at": now,
                "drafted_by": user_of(actor),
                "reason": reason,
                "new_date": new_date,
            },
        )
        _bump(locked)
        _event(
            locked,
            actor=actor,
            action="draft_apology",
            from_status=locked.status,
            note=reason,
            data={"new_date": new_date.isoformat(), "late": late},
        )
        for leader in _leaders_of(locked.agency, _local(now).date()):
            notify(
                event="apology.drafted",
                context={
                    "dossier": locked,
                    "draft": draft,
                    "drafted_by": full_name(actor),
                    "user_name": full_name(leader),
                },
                user=leader,
                obj=locked,
            )
    return draft
