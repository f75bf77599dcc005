"""Read dossiers for staff: work queues, one dossier with its history, scope.

A staff member sees a dossier when one of their dossier roles covers one
of its units on the day (an assignment covers its unit and everything
below it, see :mod:`motcua.org.selectors`):

* the intake roles (``intake_officer``, ``centre_director``) cover the
  dossier's receiving unit — the desk that received it and returns it;
* the processing roles (``case_handler``, ``division_head``,
  ``agency_leader``, ``commune_leader``) cover its handling agency, or the
  unit of any of its steps (a coordinating agency's inter-agency step).

Anything else is invisible: callers answer "not found" rather than
"forbidden", so dossier codes cannot be probed. The scope costs one query
(the caller's assignments with the units below them).

Reading a dossier's personal data is itself recorded (DESIGN.md: staff
reads of personal data are logged): :func:`dossier_log_view` is the one
write in this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.core import clock
from motcua.core.actors import Actor, active_user_of
from motcua.core.audit import audit_record
from motcua.core.errors import NotFoundError
from motcua.dossiers.constants import CLOCK_RUNNING, WAITING, DossierStatus
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep, Pause
from motcua.dossiers.search import dossier_search_q
from motcua.org.models import Role, RoleAssignment, Unit
from motcua.workdays.core import CalendarMissingError
from motcua.workdays.loader import calendar_for_unit

INTAKE_ROLES = frozenset({"intake_officer", "centre_director"})
"""Roles that see the dossiers received at the units they cover."""

PROCESSING_ROLES = frozenset({"case_handler", "division_head", "agency_leader", "commune_leader"})
"""Roles that see the dossiers handled by, or with a step at, the units they cover."""

DOSSIER_ROLES = INTAKE_ROLES | PROCESSING_ROLES

OPEN = CLOCK_RUNNING | WAITING | {DossierStatus.RESULT_READY}
"""Statuses with work left: everything but the final ones."""

WAITING_ELSEWHERE = WAITING - {DossierStatus.AWAITING_INTAKE}
"""Waiting for the applicant or another agency (online submissions have their own queue)."""


class DossierQueue(models.TextChoices):
    """The work queues of the staff screens and of ``GET /api/v1/dossiers/``."""

    MINE = "mine", _("Assigned to me")
    UNIT = "unit", _("Waiting at my units")
    INTAKE = "intake", _("Online, awaiting intake")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    WAITING = "waiting", _("Waiting for the applicant or another agency")


SORTED_BY_DUE = frozenset(
    {DossierQueue.MINE, DossierQueue.UNIT, DossierQueue.DUE_SOON, DossierQueue.OVERDUE}
)


@dataclass(frozen=True)
class DossierScope:
    """The caller's dossier roles on a day: ``(role id, role code, unit id)`` for every unit
    each role covers (the assigned unit and everything below it).

    The filters name the units by id, so the database estimates them well
    and can use the dossier table's unit indexes.
    """

    units: tuple[tuple[int, str, int], ...]

    @property
    def is_empty(self) -> bool:
        return not self.units

    def unit_ids(self, roles: Iterable[str]) -> list[int]:
        wanted = set(roles)
        return sorted({unit for _id, code, unit in self.units if code in wanted})

    def q(self) -> Q:
        """Return the filter keeping the dossiers this scope may see."""
        condition = Q(pk__in=[])
        intake_units = self.unit_ids(INTAKE_ROLES)
        if intake_units:
            condition |= Q(receiving_unit_id__in=intake_units)
        processing_units = self.unit_ids(PROCESSING_ROLES)
        if processing_units:
            condition |= Q(agency_id__in=processing_units) | Q(
                Exists(
                    DossierStep.objects.filter(
                        dossier_id=OuterRef("pk"), unit_id__in=processing_units
                    )
                )
            )
        return condition

    def unit_queue_q(self) -> Q:
        """Return the filter of current steps waiting, untaken, at a unit and role of this scope."""
        by_role: dict[int, set[int]] = {}
        for role_id, _code, unit in self.units:
            by_role.setdefault(role_id, set()).add(unit)
        condition = Q(pk__in=[])
        for role_id, units in sorted(by_role.items()):
            condition |= Q(current_step__role_id=role_id, current_step__unit_id__in=sorted(units))
        return condition & Q(current_handler__isnull=True, current_step__isnull=False)


def dossier_scope(user: Any, *, on: date | None = None) -> DossierScope:
    """Return ``user``'s dossier roles valid on ``on`` (today), unit by unit: one query.

    An assignment and the unit it names must both be valid on the day (as
    in :func:`motcua.org.selectors.user_has_role`); the units below it are
    covered whatever their own dates, so dossiers of a unit that has since
    merged stay visible. An inactive or anonymous user has an empty scope.
    """
    if active_user_of(user) is None:
        return DossierScope(())
    day = on or clock.localdate()
    roles = sorted(DOSSIER_ROLES)
    sql = (
        "SELECT ra.role_id, r.code, u.id "  # noqa: S608 - table names only, values bound
        f"FROM {RoleAssignment._meta.db_table} ra "
        f"JOIN {Role._meta.db_table} r ON r.id = ra.role_id "
        f"JOIN {Unit._meta.db_table} au ON au.id = ra.unit_id "
        f"JOIN {Unit._meta.db_table} u ON substr(u.path, 1, length(au.path)) = au.path "
        f"WHERE ra.user_id = %s AND r.code IN ({', '.join(['%s'] * len(roles))}) "
        "AND (ra.valid_from IS NULL OR ra.valid_from <= %s) "
        "AND (ra.valid_to IS NULL OR ra.valid_to > %s) "
        "AND (au.valid_from IS NULL OR au.valid_from <= %s) "
        "AND (au.valid_to IS NULL OR au.valid_to > %s) "
        "ORDER BY 1, 3"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, *roles, day, day, day, day])
        rows = cursor.fetchall()
    return DossierScope(tuple((int(r), str(c), int(u)) for r, c, u in rows))


def dossier_scope_q(user: Any, *, on: date | None = None) -> Q:
    """Return the filter keeping the dossiers ``user`` may see (one query)."""
    return dossier_scope(user, on=on).q()


def due_soon_threshold(now: datetime | None = None) -> datetime:
    """Return the instant before which a running dossier is "due soon".

    ``MOTCUA_DUE_SOON_WORKING_HOURS`` of working time after ``now`` by the
    national calendar (unit calendars differ only on local days off); plain
    hours when ``now`` lies beyond the confirmed years.
    """
    moment = now or clock.now()
    hours = timedelta(hours=settings.MOTCUA_DUE_SOON_WORKING_HOURS)
    try:
        return calendar_for_unit(None).add_working_time(moment, hours)
    except CalendarMissingError:
        return moment + hours


LIST_RELATED = (
    "procedure",
    "procedure_version",
    "agency",
    "receiving_unit",
    "current_step__role",
    "current_step__unit",
    "current_handler",
)


def queue_q(queue: str, user: Any, scope: DossierScope, moment: datetime) -> Q:
    """Return the filter of one :class:`DossierQueue` (within the scope, applied apart).

    * ``mine`` — open dossiers whose current step ``user`` holds;
    * ``unit`` — current steps at a unit where ``user`` holds the step's
      role, not yet taken by anyone (see ``dossier_claim``);
    * ``intake`` — online submissions awaiting intake;
    * ``due_soon`` — the clock runs and the legal due falls within
      :func:`due_soon_threshold`;
    * ``overdue`` — the clock runs and the legal due has passed;
    * ``waiting`` — awaiting a supplement, financial obligations or a
      coordinating agency.
    """
    if queue == DossierQueue.MINE:
        return Q(current_handler=user, status__in=OPEN)
    if queue == DossierQueue.UNIT:
        return scope.unit_queue_q() & Q(status__in=OPEN)
    if queue == DossierQueue.INTAKE:
        return Q(status=DossierStatus.AWAITING_INTAKE)
    if queue == DossierQueue.DUE_SOON:
        return Q(
            status__in=CLOCK_RUNNING, due_at__gte=moment, due_at__lte=due_soon_threshold(moment)
        )
    if queue == DossierQueue.OVERDUE:
        return Q(status__in=CLOCK_RUNNING, due_at__lt=moment)
    if queue == DossierQueue.WAITING:
        return Q(status__in=WAITING_ELSEWHERE)
    raise ValueError(f"unknown queue {queue!r}")


def dossier_list_for_user(
    user: Any,
    *,
    queue: str | None = None,
    statuses: Iterable[str] | None = None,
    procedure: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    search: str | None = None,
    now: datetime | None = None,
    scope: DossierScope | None = None,
) -> QuerySet[Dossier]:
    """Return the dossiers of ``user``'s scope in one queue, most urgent first.

    ``queue`` is a :class:`DossierQueue` value (see :func:`queue_q`) or None
    for every dossier in scope. ``statuses`` keeps those statuses,
    ``procedure`` a procedure code, ``received_from``/``received_to`` the
    local intake days (inclusive), and ``search`` the dossiers a code, a
    name, an ID number or a phone finds (:mod:`motcua.dossiers.search`;
    nothing when the query is too short). The queues ``mine``, ``unit``,
    ``due_soon`` and ``overdue`` sort by due instant; the others newest
    first (not-yet-received submissions on top). Rows come with procedure,
    units, current step and handler joined. Costs one query for the scope
    (none when ``scope`` is given), then the queryset itself.
    """
    scope = scope if scope is not None else dossier_scope(user)
    dossiers = Dossier.objects.filter(scope.q())
    moment = now or clock.now()
    if queue:
        dossiers = dossiers.filter(queue_q(queue, user, scope, moment))
    status_list = list(statuses or [])
    if status_list:
        dossiers = dossiers.filter(status__in=status_list)
    if procedure:
        dossiers = dossiers.filter(procedure__code=procedure)
    if received_from is not None:
        dossiers = dossiers.filter(received_at__date__gte=received_from)
    if received_to is not None:
        dossiers = dossiers.filter(received_at__date__lte=received_to)
    if search is not None:
        found = dossier_search_q(search)
        dossiers = dossiers.filter(found) if found is not None else dossiers.none()
    if queue in SORTED_BY_DUE:
        dossiers = dossiers.order_by(F("due_at").asc(nulls_last=True), "id")
    else:
        dossiers = dossiers.order_by(F("received_at").desc(nulls_first=True), "-id")
    return dossiers.select_related(*LIST_RELATED)


def dossier_queue_counts(
    user: Any, queues: Iterable[str], *, scope: DossierScope, now: datetime | None = None
) -> dict[str, int]:
    """Return how many dossiers each queue holds, in one query over the scope's open dossiers."""
    moment = now or clock.now()
    wanted = list(queues)
    if not wanted or scope.is_empty:
        return dict.fromkeys(wanted, 0)
    totals = (
        Dossier.objects.filter(scope.q(), status__in=OPEN)
        .order_by()
        .aggregate(
            **{queue: Count("pk", filter=queue_q(queue, user, scope, moment)) for queue in wanted}
        )
    )
    return {queue: int(totals[queue] or 0) for queue in wanted}


def dossier_page(dossiers: QuerySet[Dossier], *, offset: int, limit: int) -> list[Dossier]:
    """Return one page of ``dossiers`` (as ordered) with their relations, in two queries.

    The first reads only the ids, filtered and sorted on the dossier table
    alone; the second joins procedure, units, current step and handler for
    those ids only. One query would join every matching row before sorting
    them when the planner misjudges the filter (after a bulk load, or for a
    province-wide role), which costs seconds on a large table.
    """
    ids = list(dossiers.values_list("pk", flat=True)[offset : offset + limit])
    if not ids:
        return []
    rows = Dossier.objects.select_related(*LIST_RELATED).in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def _lookup(code: str) -> Q | None:
    value = (code or "").strip()
    if not value or len(value) > 60 or "\x00" in value:
        return None  # no dossier has such a code; the database must not see it
    if value.isdigit():
        return Q(pk=int(value)) if len(value) <= 18 else None
    return Q(code=value)


def dossier_get_for_user(user: Any, code: str, *, with_history: bool = False) -> Dossier:
    """Return the dossier ``code`` if ``user`` may see it, else raise :class:`NotFoundError`.

    ``code`` is the dossier code, or the numeric id of a dossier without a
    code (one refused at the counter). With ``with_history`` the steps (the
    control slip), checklist documents, pauses, events, the apology and its
    draft come prefetched: six queries in all, scope included; otherwise two.
    """
    lookup = _lookup(code)
    dossiers = Dossier.objects.filter(lookup if lookup is not None else Q(pk__in=[]))
    dossiers = dossiers.filter(dossier_scope_q(user))
    dossiers = dossiers.select_related(*LIST_RELATED, "created_by")
    if with_history:
        dossiers = dossiers.select_related(
            "apology__issued_by", "apology__drafted_by", "apology_draft__drafted_by"
        ).prefetch_related(
            Prefetch(
                "steps",
                queryset=DossierStep.objects.select_related(
                    "role", "unit", "handler", "giver"
                ).order_by("order"),
            ),
            "documents",
            Prefetch(
                "pauses",
                queryset=Pause.objects.select_related("requested_by").order_by("started_at", "id"),
            ),
            Prefetch(
                "events",
                queryset=DossierEvent.objects.select_related("actor", "step").order_by("at", "id"),
            ),
        )
    dossier = dossiers.first()
    if dossier is None:
        raise NotFoundError(
            gettext("There is no dossier %(code)s among the dossiers you handle.")
            % {"code": code[:60].replace("\x00", "")}
        )
    return dossier


def dossier_log_view(*, actor: Actor, dossier: Dossier, via: str) -> None:
    """Record that ``actor`` was shown the dossier's personal data (``dossiers.view``).

    ``via`` names the screen or ``"api"``. Call it once per read that shows
    the applicant's ID number, phone or address; lists that show only names
    and codes need not.
    """
    audit_record(
        actor=actor,
        action="dossiers.view",
        obj=dossier,
        data={"code": dossier.code, "via": via},
    )
