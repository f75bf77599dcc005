"""Scheduled work on dossiers: deadline alerts and closing unanswered supplements.

``motcua periodic`` runs these (with the notification retries) every few
minutes; each is idempotent, so running it twice does no harm. Alerts only
escalate (nothing → due soon → overdue) and each level is told once per
dossier or step, bundled into one message per recipient.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.core.notifications import notify
from motcua.dossiers.constants import CLOCK_RUNNING, PauseKind
from motcua.dossiers.models import Dossier, DossierStep, Pause
from motcua.dossiers.services import dossier_close_unsupplemented
from motcua.org.models import RoleAssignment, Unit
from motcua.org.selectors import valid_on_q
from motcua.workdays.core import CalendarMissingError
from motcua.workdays.loader import calendar_for_unit

LEVELS = ("", "due_soon", "overdue")


@dataclass
class AlertSummary:
    due_soon: int = 0
    overdue: int = 0
    messages: int = 0
    recipients: dict[int, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)


def _horizon(working_hours: float) -> timedelta:
    """Return a calendar span that surely holds ``working_hours`` of working time.

    At least 6.5 working hours a day, five days a week, plus a fortnight for
    the longest run of days off (Tết and its bridges).
    """
    working_days = int(working_hours / 6.5) + 1
    return timedelta(days=14 + working_days * 7 // 5 + 1)


def _level(now: datetime, due: datetime | None, unit: Unit) -> str:
    if due is None:
        return ""
    if now > due:
        return "overdue"
    try:
        left = calendar_for_unit(unit).working_time_between(now, due)
    except CalendarMissingError:
        left = due - now  # beyond the confirmed years: fall back to elapsed time
    if left <= timedelta(hours=settings.MOTCUA_DUE_SOON_WORKING_HOURS):
        return "due_soon"
    return ""


def _role_holders(role_code: str, unit: Unit, day: date) -> set[int]:
    """Active users holding ``role_code`` on ``unit`` or above on ``day``."""
    return set(
        RoleAssignment.objects.filter(
            role__code=role_code, unit_id__in=unit.ancestor_ids(), user__is_active=True
        )
        .filter(valid_on_q(day))
        .filter(valid_on_q(day, prefix="unit__"))
        .values_list("user_id", flat=True)
    )


def dossiers_alert(*, now: datetime | None = None) -> AlertSummary:
    """Tell handlers and the centre director about dossiers and steps due soon or overdue.

    One transaction: the rows are taken with SKIP LOCKED, their alert level is
    raised and the messages are queued together, so a crash loses nothing and
    a second scheduler running at the same moment skips what the first took.
    """
    with transaction.atomic():
        return _alert(now or clock.now())


def _alert(moment: datetime) -> AlertSummary:
    day = timezone.localtime(moment).date()
    horizon = moment + _horizon(settings.MOTCUA_DUE_SOON_WORKING_HOURS)
    summary = AlertSummary()
    inbox: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    known: dict[tuple[str, int], set[int]] = {}

    def holders(role_code: str, unit: Unit) -> set[int]:
        """Role holders over ``unit``, looked up once per run (many dossiers share a desk)."""
        key = (role_code, unit.pk)
        if key not in known:
            known[key] = _role_holders(role_code, unit, day)
        return known[key]

    dossiers = (
        Dossier.objects.filter(status__in=CLOCK_RUNNING, due_at__lte=horizon)
        .exclude(overdue_alerted="overdue")
        .select_related("agency", "receiving_unit", "current_step__role", "current_step__unit")
        .select_for_update(skip_locked=True, of=("self",))
    )
    for dossier in dossiers:
        level = _level(moment, dossier.due_at, dossier.agency)
        if LEVELS.index(level) <= LEVELS.index(dossier.overdue_alerted):
            continue
        item = {"code": dossier.code, "what": _("the dossier"), "due": dossier.due_at}
        recipients = {dossier.current_handler_id} if dossier.current_handler_id else set()
        if dossier.current_step is not None and not recipients:
            recipients = set(holders(dossier.current_step.role.code, dossier.current_step.unit))
        recipients |= holders("centre_director", dossier.receiving_unit)
        for user_id in recipients:
            inbox[user_id][level].append(item)
        Dossier.objects.filter(pk=dossier.pk).update(overdue_alerted=level)
        setattr(summary, level, getattr(summary, level) + 1)

    steps = (
        DossierStep.objects.filter(
            dossier__status__in=CLOCK_RUNNING,
            dossier__current_step=F("pk"),
            finished_at__isnull=True,
            due_at__lte=horizon,
        )
        .exclude(alerted="overdue")
        .select_related("dossier__receiving_unit", "role", "unit")
        .select_for_update(skip_locked=True, of=("self",))
    )
    for step in steps:
        level = _level(moment, step.due_at, step.unit)
        if LEVELS.index(level) <= LEVELS.index(step.alerted):
            continue
        item = {
            "code": step.dossier.code,
            "what": _("step “%(name)s”") % {"name": step.name},
            "due": step.due_at,
        }
        recipients = (
            {step.handler_id} if step.handler_id else set(holders(step.role.code, step.unit))
        )
        recipients |= holders("centre_director", step.dossier.receiving_unit)
        for user_id in recipients:
            inbox[user_id][level].append(item)
        DossierStep.objects.filter(pk=step.pk).update(alerted=level)

    users = get_user_model().objects.filter(is_active=True).in_bulk([uid for uid in inbox if uid])
    for user_id, levels in inbox.items():
        user = users.get(user_id)
        if user is None:
            continue
        for level, items in levels.items():
            summary.messages += len(
                notify(event=f"alert.{level}", context={"items": items, "user": user}, user=user)
            )
    summary.recipients = {uid: dict(levels) for uid, levels in inbox.items()}
    return summary


def dossiers_close_unsupplemented(*, now: datetime | None = None) -> list[str]:
    """Close every dossier whose supplement deadline has passed; return their codes."""
    moment = now or clock.now()
    closed: list[str] = []
    pauses = Pause.objects.filter(
        kind=PauseKind.SUPPLEMENT, ended_at__isnull=True, respond_by__lt=moment
    ).select_related("dossier")
    for pause in pauses:
        try:
            dossier = dossier_close_unsupplemented(dossier=pause.dossier, actor=None)
        except ApplicationError:
            continue  # changed meanwhile (e.g. the supplement arrived): nothing to do
        closed.append(dossier.code or str(dossier.pk))
    return closed
