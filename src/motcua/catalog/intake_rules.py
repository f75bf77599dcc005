"""Where a procedure is received and how long a desk has to decide online.

Two rules of intake kept as catalogue data:

- **Receiving desks** (:class:`~motcua.catalog.models.ProcedureDesk`): a
  procedure may be restricted to listed desks; with none listed, any desk
  receives it. :func:`procedure_desk_check` refuses the others with a
  message that names the desks to go to.
- **Online-intake limits** (:class:`~motcua.catalog.models.OnlineIntakeLimit`,
  DOMAIN.md §1.3): an online submission must be accepted, sent back for a
  supplement or refused within a number of *working* hours, counted in the
  desk's working calendar (sessions of working days, ``motcua.workdays``),
  never in wall-clock hours. The most specific row wins: procedure at the
  desk, then the procedure, then the desk, then the settings' default
  (:mod:`motcua.catalog.conf`: 8 hours, warning 2 hours before).

Both are read on every intake and queue page, so they are cached per
process like the other reference data (any catalogue save drops them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog import conf
from motcua.catalog.models import OnlineIntakeLimit, ProcedureDesk
from motcua.core.actors import Actor
from motcua.core.cache import ProcessCache
from motcua.core.errors import ApplicationError

_desks: ProcessCache[frozenset[int]] = ProcessCache("catalog.procedure_desks")
_limits: ProcessCache[dict[tuple[int | None, int | None], tuple[Decimal, Decimal]]] = ProcessCache(
    "catalog.online_intake_limits", max_entries=1
)


# --- receiving desks -----------------------------------------------------------------------------


def procedure_desk_ids(procedure_id: int) -> frozenset[int]:
    """Return the ids of the desks listed for the procedure (empty: any desk)."""
    return _desks.get_or_set(
        procedure_id,
        lambda: frozenset(
            ProcedureDesk.objects.filter(procedure_id=procedure_id)
            .order_by()
            .values_list("desk_id", flat=True)
        ),
    )


def procedure_desk_allowed(procedure_id: int, desk_id: int) -> bool:
    """Whether the desk may receive the procedure."""
    listed = procedure_desk_ids(procedure_id)
    return not listed or desk_id in listed


def procedure_desk_check(*, procedure: Any, procedure_name: str, desk: Any) -> None:
    """Refuse a dossier of ``procedure`` at a desk that is not one of its listed desks."""
    if procedure_desk_allowed(procedure.pk, desk.pk):
        return
    from motcua.org.models import Unit

    names = list(
        Unit.objects.filter(pk__in=procedure_desk_ids(procedure.pk))
        .order_by("name")
        .values_list("name", flat=True)
    )
    raise ApplicationError(
        _("“%(procedure)s” is not received at %(desk)s. Submit it at: %(desks)s.")
        % {"procedure": procedure_name, "desk": desk.name, "desks": "; ".join(names)},
        code="desk_not_listed",
        extra={
            "errors": [
                {
                    "field": "receiving_unit",
                    "message": _("This desk does not receive this procedure; choose: %(desks)s.")
                    % {"desks": "; ".join(names)},
                }
            ],
            "desks": names,
        },
    )


# --- online-intake limits ------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeLimit:
    """The time a desk has to decide on an online submission, and when to warn."""

    decide_within: timedelta
    warn_before: timedelta


def _hours(value: Decimal) -> timedelta:
    return timedelta(seconds=int(value * 3600))


def _limit_rows() -> dict[tuple[int | None, int | None], tuple[Decimal, Decimal]]:
    return _limits.get_or_set(
        "all",
        lambda: {
            (row.procedure_id, row.desk_id): (row.decide_within_hours, row.warn_before_hours)
            for row in OnlineIntakeLimit.objects.all()
        },
    )


def online_intake_limit(procedure_id: int | None, desk_id: int | None) -> IntakeLimit:
    """Return the limit for the procedure at the desk: the most specific row, else the setting."""
    rows = _limit_rows()
    for key in ((procedure_id, desk_id), (procedure_id, None), (None, desk_id)):
        found = rows.get(key)
        if found is not None:
            return IntakeLimit(_hours(found[0]), _hours(found[1]))
    return IntakeLimit(
        _hours(conf.online_intake_decide_hours()), _hours(conf.online_intake_warn_hours())
    )


class IntakeState:
    OK = "ok"
    NEAR = "near"
    PASSED = "passed"


@dataclass(frozen=True)
class IntakeClock:
    """Where an online submission stands against its intake limit, in working time."""

    limit: IntakeLimit
    deadline: datetime
    warn_at: datetime
    left: timedelta
    """Working time left before the deadline; negative once it has passed."""
    state: str

    @property
    def text(self) -> str:
        """Say it as the queue shows it: "còn 5 giờ 30 phút làm việc để quyết định"."""
        if self.state == IntakeState.PASSED:
            return _("decision overdue by %(time)s of working time") % {
                "time": duration_text(-self.left)
            }
        return _("%(time)s of working time left to decide") % {"time": duration_text(self.left)}

    @property
    def level(self) -> str:
        """The queue's styling level: "", "due_soon" or "overdue"."""
        return {IntakeState.NEAR: "due_soon", IntakeState.PASSED: "overdue"}.get(self.state, "")


def duration_text(value: timedelta) -> str:
    """Return "2 giờ 05 phút" for working time (minutes rounded up, never "0 phút" left)."""
    minutes = max(0, -(-int(value.total_seconds()) // 60))
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return _("%(minutes)s min") % {"minutes": minutes}
    return _("%(hours)s h %(minutes)02d min") % {"hours": hours, "minutes": minutes}


def online_intake_clock(
    *, calendar: Any, limit: IntakeLimit, submitted_at: datetime, now: datetime
) -> IntakeClock:
    """Return the clock of a submission made at ``submitted_at`` in the desk's ``calendar``.

    ``calendar`` is the desk's :class:`motcua.workdays.core.WorkCalendar`:
    working time runs only inside its sessions (a submission at night
    starts counting at the next session). Raises ``CalendarMissingError``
    when a year on the way has no confirmed calendar.
    """
    deadline = calendar.add_working_time(submitted_at, limit.decide_within)
    warn_at = calendar.add_working_time(submitted_at, limit.decide_within - limit.warn_before)
    if now < deadline:
        left = calendar.working_time_between(now, deadline)
    else:
        left = -calendar.working_time_between(deadline, now)
    if now >= deadline:
        state = IntakeState.PASSED
    elif now >= warn_at:
        state = IntakeState.NEAR
    else:
        state = IntakeState.OK
    return IntakeClock(limit=limit, deadline=deadline, warn_at=warn_at, left=left, state=state)


# --- writes (the admin calls these) --------------------------------------------------------------


def procedure_desks_set(*, actor: Actor, procedure: Any, desks: list[Any]) -> list[ProcedureDesk]:
    """Make ``desks`` the procedure's receiving desks (none: any desk); audited on the procedure."""
    from django.db import transaction

    from motcua.catalog.models import Procedure
    from motcua.core.audit import audit_record

    wanted = {desk.pk: desk for desk in desks}
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
        before = set(
            ProcedureDesk.objects.filter(procedure=locked).values_list("desk_id", flat=True)
        )
        for row in ProcedureDesk.objects.filter(procedure=locked).exclude(desk_id__in=wanted):
            row.delete()  # one by one: the delete signal clears the reference caches
        for pk in sorted(set(wanted) - before):
            ProcedureDesk.objects.create(procedure=locked, desk=wanted[pk])
        if before != set(wanted):
            audit_record(
                actor=actor,
                action="catalog.procedure_desks",
                obj=locked,
                data={"before": sorted(before), "after": sorted(wanted)},
            )
        return list(ProcedureDesk.objects.filter(procedure=locked).select_related("desk"))


def online_intake_limit_save(
    *,
    actor: Actor,
    procedure: Any = None,
    desk: Any = None,
    decide_within_hours: Decimal,
    warn_before_hours: Decimal,
    basis: str = "",
) -> OnlineIntakeLimit:
    """Set the online-intake limit of a procedure, a desk or a procedure at a desk."""
    from django.db import transaction

    from motcua.core.audit import audit_record
    from motcua.core.text import nfc

    if procedure is None and desk is None:
        raise ApplicationError(
            _("Choose a procedure, a desk or both; the default for all is a setting."),
            code="limit_scope",
        )
    decide = Decimal(decide_within_hours)
    warn = Decimal(warn_before_hours)
    if decide <= 0 or decide > 999 or warn < 0 or warn >= decide:
        raise ApplicationError(
            _("The limit must be more than 0 hours and the warning shorter than the limit."),
            code="limit_hours",
        )
    with transaction.atomic():
        row, created = OnlineIntakeLimit.objects.select_for_update().get_or_create(
            procedure=procedure,
            desk=desk,
            defaults={
                "decide_within_hours": decide,
                "warn_before_hours": warn,
                "basis": nfc(basis),
            },
        )
        before = None if created else [str(row.decide_within_hours), str(row.warn_before_hours)]
        row.decide_within_hours, row.warn_before_hours, row.basis = decide, warn, nfc(basis)
        row.save()
        audit_record(
            actor=actor,
            action="catalog.online_intake_limit",
            obj=row,
            data={"before": before, "after": [str(decide), str(warn)], "basis": row.basis},
        )
    return row
