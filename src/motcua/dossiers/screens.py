"""Read helpers that compose the back-office pages of dossiers.

Nothing here writes. The pages ask two questions many times per request,
"does this user hold role R over unit U?" and "how long until this due
instant?", so :class:`UserRoles` loads the user's assignments once and
:class:`DueClock` keeps one working calendar per unit. Which buttons a
dossier page shows comes from ``workflow.TRANSITIONS`` and the same role
rules the services enforce (:func:`allowed_actions`); the services still
decide, so a stale page can never do more than the rules allow.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core import clock
from motcua.core.actors import active_user_of
from motcua.core.people import full_name
from motcua.dossiers.constants import (
    CLOCK_RUNNING,
    Decision,
    DossierStatus,
    PauseKind,
    ReturnMethod,
)
from motcua.dossiers.models import Dossier, DossierStep, IntakeGuidance, Pause
from motcua.dossiers.printing import answer_applies, form_number
from motcua.dossiers.selectors import DOSSIER_ROLES
from motcua.dossiers.workflow import (
    LEADER_ROLES,
    TRANSITIONS,
    available_actions,
    may,
    role_unit,
)
from motcua.org.models import Role, RoleAssignment, Unit
from motcua.org.selectors import valid_on_q
from motcua.workdays.core import CalendarMissingError, WorkCalendar
from motcua.workdays.loader import calendar_for_unit

RECEIVING_UNIT_SESSION_KEY = "motcua.dossiers.receiving_unit"


# --- roles ---------------------------------------------------------------------------------------


@dataclass
class UserRoles:
    """The roles a user holds today, loaded in one query.

    An assignment covers its unit and every unit below it, exactly as
    :func:`motcua.org.selectors.user_has_role` decides, so ``has`` answers
    the same without a query per question.
    """

    user: Any
    grants: list[tuple[str, Unit]] = field(default_factory=list)

    @classmethod
    def load(cls, user: Any, *, on: date | None = None) -> UserRoles:
        if active_user_of(user) is None:
            return cls(user)
        day = on or clock.localdate()
        assignments = (
            RoleAssignment.objects.filter(user=user)
            .filter(valid_on_q(day))
            .filter(valid_on_q(day, prefix="unit__"))
            .select_related("role", "unit")
            .order_by("unit__path", "role__order")
        )
        return cls(user, [(a.role.code, a.unit) for a in assignments])

    @classmethod
    def for_request(cls, request: Any) -> UserRoles:
        """Return the signed-in user's roles, loaded once per request (menus ask too)."""
        cached = getattr(request, "_motcua_user_roles", None)
        if cached is None or cached.user is not request.user:
            cached = cls.load(request.user)
            request._motcua_user_roles = cached
        return cached

    def __bool__(self) -> bool:
        return any(code in DOSSIER_ROLES for code, _unit in self.grants)

    @property
    def codes(self) -> set[str]:
        return {code for code, _unit in self.grants}

    def holds_any(self, roles: Iterable[str]) -> bool:
        wanted = set(roles)
        return any(code in wanted for code, _unit in self.grants)

    def has(self, role: str, unit: Unit | None) -> bool:
        """Return whether the user holds ``role`` over ``unit`` (or one of its ancestors)."""
        if unit is None:
            return False
        ancestors = set(unit.ancestor_ids())
        return any(code == role and u.pk in ancestors for code, u in self.grants)

    def has_any(self, roles: Iterable[str], unit: Unit | None) -> bool:
        return any(self.has(role, unit) for role in roles)

    def units(self, role: str) -> list[Unit]:
        """Return the units named by the user's assignments of ``role``, in tree order."""
        seen: dict[int, Unit] = {}
        for code, unit in self.grants:
            if code == role:
                seen.setdefault(unit.pk, unit)
        return list(seen.values())


@dataclass(frozen=True)
class HeldRole:
    code: str
    name: str
    unit: str
    note: str


ROLE_NOTES = {
    "reform_officer": gettext_lazy(
        "Your pages are in the menu: communication plans and reform content, initiatives "
        "and models, the PAR INDEX self-assessment, contests and online quizzes."
    ),
    "judge": gettext_lazy("Your score sheets are on the judge's page of the contest."),
    "registry_clerk": gettext_lazy("The registry screens are not open yet."),
    "administrator": gettext_lazy(
        "Units, staff and roles, procedures and working calendars are kept in the administration."
    ),
}
"""What holders of a role without dossier screens are told about it today."""


def roles_held(roles: UserRoles) -> list[HeldRole]:
    """Return the user's roles today with their units and what each means today (one query)."""
    if not roles.grants:
        return []
    names = dict(
        Role.objects.filter(code__in={code for code, _unit in roles.grants}).values_list(
            "code", "name"
        )
    )
    default = _("Screens for this role are not open yet.")
    return [
        HeldRole(code, names.get(code, code), unit.name, str(ROLE_NOTES.get(code, default)))
        for code, unit in roles.grants
    ]


@dataclass(frozen=True)
class Capability:
    url: str
    label: str
    note: str


def what_you_can_do(held: Sequence[HeldRole], user: Any) -> list[Capability]:
    """Return what a signed-in user without dossier screens can use today."""
    found = [
        Capability(
            reverse("catalog:procedure_list"),
            _("Browse the procedure catalogue"),
            _("Every procedure in force, its documents, fees and time limit."),
        ),
        Capability(
            reverse("portal:lookup"),
            _("Look up a dossier"),
            _("The status of a dossier by the code on its receipt, as citizens see it."),
        ),
    ]
    if getattr(user, "is_staff", False):
        found.append(
            Capability(
                reverse("admin:index"),
                _("Administration"),
                _("What your administrator's rights allow."),
            )
        )
    return found


def receiving_unit_for(roles: UserRoles, session: Any) -> Unit | None:
    """Return the desk where the officer receives: the one chosen in the session, else the first."""
    units = roles.units("intake_officer")
    if not units:
        return None
    chosen = session.get(RECEIVING_UNIT_SESSION_KEY)
    for unit in units:
        if unit.pk == chosen:
            return unit
    return units[0]


# --- due dates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A due instant as a page shows it: the date, a phrase and a level for styling."""

    at: datetime | None
    text: str
    level: str  # "", "due_soon" or "overdue"


class DueClock:
    """Phrase due instants ("còn 2 ngày làm việc", "quá hạn 1 ngày") by each unit's calendar."""

    SOON_WORKING_DAYS = 1

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or clock.now()
        self.today = timezone.localtime(self.now).date()
        self._calendars: dict[int | None, WorkCalendar | None] = {}

    def calendar(self, unit: Unit | None) -> WorkCalendar | None:
        key = unit.pk if unit is not None else None
        if key not in self._calendars:
            try:
                self._calendars[key] = calendar_for_unit(unit)
            except CalendarMissingError:
                self._calendars[key] = None
        return self._calendars[key]

    def due(self, at: datetime | None, unit: Unit | None) -> Due:
        """Return how ``at`` stands against now, counted in working days of ``unit``."""
        if at is None:
            return Due(None, "", "")
        calendar = self.calendar(unit)
        local_due = timezone.localtime(at)
        if self.now > at:
            days = self._days_between(calendar, local_due.date(), self.today)
            if days < 1:
                return Due(
                    at, _("overdue since %(time)s") % {"time": f"{local_due:%H:%M}"}, "overdue"
                )
            return Due(at, _("%(count)s day(s) overdue") % {"count": days}, "overdue")
        days = self._days_between(calendar, self.today, local_due.date())
        if days < 1:
            hours = self._hours_left(calendar, at)
            return Due(at, _("%(count)s working hour(s) left") % {"count": hours}, "due_soon")
        level = "due_soon" if days <= self.SOON_WORKING_DAYS else ""
        return Due(at, _("%(count)s working day(s) left") % {"count": days}, level)

    @staticmethod
    def _days_between(calendar: WorkCalendar | None, start: date, end: date) -> int:
        if calendar is not None:
            try:
                return calendar.working_days_between(start, end)
            except CalendarMissingError:
                pass
        return (end - start).days

    def _hours_left(self, calendar: WorkCalendar | None, at: datetime) -> int:
        seconds: float = (at - self.now).total_seconds()
        if calendar is not None:
            with contextlib.suppress(CalendarMissingError):
                seconds = calendar.working_time_between(self.now, at).total_seconds()
        return max(1, math.ceil(seconds / 3600))


# --- the dossier page ----------------------------------------------------------------------------

PAUSED = frozenset({DossierStatus.AWAITING_SUPPLEMENT, DossierStatus.AWAITING_PAYMENT})
"""Statuses in which an open :class:`Pause` has stopped the clock."""


@dataclass(frozen=True)
class DueFacts:
    """The dates of the result as the dossier page shows them, each for what it is.

    While a supplement or the financial obligations stop the clock,
    ``paused`` is true and ``pause`` is the open pause (for a supplement,
    its ``respond_by`` is the applicant's deadline): the dates then only say
    what stood before the pause, since the services move them when the
    clock restarts. ``legal`` is the due instant of the law (``due_at``) and
    ``promised`` the new date given with an apology (``extended_due_at``);
    each is phrased against now only while the clock runs.
    """

    paused: bool
    pause: Pause | None
    legal: Due
    promised: Due | None


def due_facts(dossier: Dossier, pauses: Sequence[Pause], clock: DueClock) -> DueFacts:
    """Return the result's dates of ``dossier`` from its loaded pauses (no query)."""
    running = dossier.status in CLOCK_RUNNING

    def phrase(at: datetime | None) -> Due:
        return clock.due(at, dossier.agency) if running else Due(at, "", "")

    paused = dossier.status in PAUSED
    open_pause = next((p for p in reversed(pauses) if p.ended_at is None), None)
    return DueFacts(
        paused=paused,
        pause=open_pause if paused else None,
        legal=phrase(dossier.due_at),
        promised=phrase(dossier.extended_due_at) if dossier.extended_due_at else None,
    )


def can_claim(dossier: Dossier, roles: UserRoles) -> bool:
    """Return whether the user may take the current step from the unit's queue."""
    return may("claim", dossier, roles).allowed


def allowed_actions(dossier: Dossier, roles: UserRoles, *, has_apology: bool) -> list[str]:
    """Return the actions the user may take on ``dossier`` now, in the table's order.

    Exactly what :func:`motcua.dossiers.workflow.may` allows (``claim``
    first when it applies), so the page offers what the services accept.
    """
    return available_actions(dossier, roles, has_apology=has_apology)


def may_override_supplement(dossier: Dossier, roles: UserRoles) -> bool:
    """Return whether the user is a leader who may ask for a further supplement."""
    return roles.has_any(LEADER_ROLES, role_unit(dossier, "case_handler"))


def next_step(dossier: Dossier, steps: Sequence[DossierStep]) -> DossierStep | None:
    """Return the step after the current one, from the dossier's loaded steps."""
    current = dossier.current_step
    if current is None:
        return None
    later = [step for step in steps if step.order > current.order]
    return min(later, key=lambda step: step.order) if later else None


def step_role_holders(step: DossierStep) -> list[Any]:
    """Return the active users who hold the step's role over its unit today (one query)."""
    return role_holders(step.role_id, step.unit)


def role_holders(role_id: int, unit: Unit) -> list[Any]:
    """Return the active users who hold role ``role_id`` over ``unit`` today (one query)."""
    day = clock.localdate()
    holders = (
        RoleAssignment.objects.filter(role_id=role_id, unit_id__in=unit.ancestor_ids())
        .filter(valid_on_q(day))
        .filter(valid_on_q(day, prefix="unit__"))
        .values("user_id")
    )
    return list(
        get_user_model()
        .objects.filter(pk__in=holders, is_active=True)
        .order_by("last_name", "first_name", "username")
    )


def user_label(user: Any) -> str:
    if user is None:
        return ""
    return full_name(user)


@dataclass(frozen=True)
class PrintLink:
    form: str
    label: str
    url: str


FORM_NAMES = {
    "receipt": gettext_lazy("Receipt and appointment"),
    "supplement": gettext_lazy("Supplement request"),
    "refusal": gettext_lazy("Refusal"),
    "apology": gettext_lazy("Apology letter"),
    "stop": gettext_lazy("Notice of stopping"),
    "answer": gettext_lazy("Written answer: not granted"),
    "control": gettext_lazy("Control slip"),
    "logbook": gettext_lazy("Log book"),
}


def form_label(form: str, detail: str = "") -> str:
    """Return "Receipt and appointment (Form 01)", numbered by the deployment's form set."""
    name = str(FORM_NAMES[form])
    if detail:
        name = f"{name} {detail}"
    number = form_number(form)
    if not number:
        return name
    return _("%(name)s (Form %(number)s)") % {"name": name, "number": number}


def print_forms(dossier: Dossier, pauses: Sequence[Pause], *, has_apology: bool) -> list[PrintLink]:
    """Return the forms that apply to ``dossier`` now, each with the URL of its PDF."""
    key = dossier.code or str(dossier.pk)

    def link(form: str) -> PrintLink:
        return PrintLink(form, form_label(form), reverse("dossiers:print", args=[key, form]))

    links: list[PrintLink] = []
    received = dossier.received_at is not None and bool(dossier.code)
    if received:
        links.append(link("receipt"))
    for pause in pauses:
        if pause.kind == PauseKind.SUPPLEMENT:
            links.append(
                PrintLink(
                    "supplement",
                    form_label("supplement", _("no. %(number)s") % {"number": pause.number}),
                    reverse("dossiers:print_supplement", args=[key, pause.pk]),
                )
            )
    if dossier.status == DossierStatus.REFUSED:
        links.append(link("refusal"))
    if has_apology:
        links.append(link("apology"))
    if dossier.status == DossierStatus.STOPPED:
        links.append(link("stop"))
    if answer_applies(dossier):
        links.append(link("answer"))
    if received:
        links.append(link("control"))
    return links


# --- counter intake ------------------------------------------------------------------------------


def guidance_get(roles: UserRoles, pk: int) -> IntakeGuidance | None:
    """Return the counter guidance ``pk`` if the user is an intake officer of its desk."""
    guidance = (
        IntakeGuidance.objects.select_related(
            "procedure_version__procedure", "receiving_unit", "officer"
        )
        .filter(pk=pk)
        .first()
    )
    if guidance is None or not roles.has("intake_officer", guidance.receiving_unit):
        return None
    return guidance


# --- history and control slip --------------------------------------------------------------------

EVENT_LABELS = {
    "receive": gettext_lazy("Received at the counter"),
    "submit_online": gettext_lazy("Submitted online"),
    "accept": gettext_lazy("Online submission accepted"),
    "refuse": gettext_lazy("Refused"),
    "withdraw": gettext_lazy("Withdrawn"),
    "hand_over": gettext_lazy("Handed over"),
    "claim": gettext_lazy("Took the step"),
    "decide": gettext_lazy("Decision signed"),
    "request_supplement": gettext_lazy("Supplement requested"),
    "supplement_received": gettext_lazy("Supplement received"),
    "close_unsupplemented": gettext_lazy("Closed: supplement not provided"),
    "request_payment": gettext_lazy("Financial obligations requested"),
    "payment_received": gettext_lazy("Financial obligations met"),
    "apologise": gettext_lazy("Apology issued with a new date"),
    "draft_apology": gettext_lazy("Apology drafted for the leader to sign"),
    "stop": gettext_lazy("Stopped at the applicant's request"),
    "return_result": gettext_lazy("The result was returned"),
    "calendar_amended": gettext_lazy("Due moved by an amendment of the working calendar"),
}
"""History labels, in the past tense."""


def action_label(action: str) -> str:
    """Return the button label of an action of the dossier page."""
    transition = TRANSITIONS.get(action)
    return str(transition.label) if transition is not None else action


def _status_label(value: str) -> str:
    try:
        return str(DossierStatus(value).label)
    except ValueError:
        return value


@dataclass(frozen=True)
class EventRow:
    at: datetime
    actor: str
    label: str
    from_status: str
    to_status: str
    note: str
    items: list[str]
    detail: str


def _event_detail(action: str, data: dict[str, Any], step: DossierStep | None) -> str:
    if action == "decide":
        try:
            return str(Decision(data.get("decision", "")).label)
        except ValueError:
            return ""
    if action == "return_result":
        try:
            method = str(ReturnMethod(data.get("method", "")).label)
        except ValueError:
            method = ""
        receiver = data.get("received_by", "")
        return f"{method}: {receiver}" if receiver else method
    if action == "hand_over" and step is not None:
        return _("to the step “%(step)s”") % {"step": step.name}
    if action == "calendar_amended" and data.get("due_after"):
        before, after = (
            timezone.localtime(datetime.fromisoformat(data[key]))
            for key in ("due_before", "due_after")
        )
        return _("due %(before)s → %(after)s") % {
            "before": f"{before:%H:%M %d/%m/%Y}",
            "after": f"{after:%H:%M %d/%m/%Y}",
        }
    if action == "apologise" and data.get("new_due"):
        new_due = datetime.fromisoformat(data["new_due"])
        detail = _("new date %(date)s") % {"date": f"{timezone.localtime(new_due):%d/%m/%Y}"}
        if data.get("late"):
            detail += "; " + _(
                "issued late: less than one working day before the due date, or after it"
            )
        return detail
    if action == "draft_apology" and data.get("new_date"):
        proposed = date.fromisoformat(data["new_date"])
        return _("proposed new date %(date)s") % {"date": f"{proposed:%d/%m/%Y}"}
    return ""


def event_rows(events: Iterable[Any]) -> list[EventRow]:
    """Return the history lines of a dossier, oldest first."""
    rows = []
    for event in events:
        data = event.data or {}
        label = EVENT_LABELS.get(event.action)
        rows.append(
            EventRow(
                at=event.at,
                actor=user_label(event.actor) if event.actor_id else _("the system"),
                label=str(label) if label is not None else action_label(event.action),
                from_status=_status_label(event.from_status) if event.from_status else "",
                to_status=_status_label(event.to_status),
                note=event.note,
                items=[str(item) for item in data.get("items", [])],
                detail=_event_detail(event.action, data, event.step),
            )
        )
    return rows


@dataclass(frozen=True)
class SlipRow:
    """One step of the control slip (phiếu kiểm soát): who gave, who received, when, how timely."""

    step: DossierStep
    giver: str
    receiver: str
    timeliness: str
    timeliness_code: str
    running: Due | None
    is_current: bool


def control_slip(dossier: Dossier, steps: Sequence[DossierStep], clock: DueClock) -> list[SlipRow]:
    """Return the control slip rows, with the running step judged against its due instant."""
    rows = []
    for step in steps:
        is_current = dossier.current_step_id == step.pk and step.finished_at is None
        running = (
            clock.due(step.due_at, step.unit)
            if is_current and step.started_at and dossier.status in CLOCK_RUNNING
            else None
        )
        rows.append(
            SlipRow(
                step=step,
                giver=user_label(step.giver),
                receiver=user_label(step.handler),
                timeliness=step.get_timeliness_display() if step.timeliness else "",
                timeliness_code=step.timeliness,
                running=running,
                is_current=is_current,
            )
        )
    return rows
