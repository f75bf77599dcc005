"""Working-calendar administration and deadline computation for the app.

The arithmetic lives in :mod:`motcua.workdays.core`; this module loads the
confirmed calendars (:mod:`motcua.workdays.loader`), turns the core's
errors into messages for users, and is the only writer of calendar rows.
A draft year is edited entry by entry; a confirmed year only by an
amendment (:func:`calendar_amendment_apply`), which moves the stored
dues that depend on it (:mod:`motcua.workdays.amendments`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any

import holidays
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError, NotFoundError
from motcua.core.text import nfc
from motcua.workdays.amendments import DueMove, EntryChange, due_sources
from motcua.workdays.core import (
    CalendarMissingError,
    DayEntry,
    DayKind,
    LimitUnit,
    Schedule,
    WorkCalendar,
)
from motcua.workdays.data import CONFIRMED_YEARS, VN_PUBLIC_SECTOR_ENTRIES
from motcua.workdays.loader import (
    calendar_builder,
    calendar_cache_clear,
    calendar_for_unit,
    national_calendar,
)
from motcua.workdays.models import CalendarEntry, CalendarStatus, CalendarYear, WorkSchedule

STATUTORY_BASIS = "Bộ luật Lao động 2019, Điều 111 và 112"


def missing_calendar_message(year: int) -> str:
    """Return the user-facing message for a year without a confirmed calendar."""
    return _(
        "There is no confirmed working calendar for %(year)s. An administrator must enter and "
        "confirm that year's holidays, days off and make-up working days first."
    ) % {"year": year}


def unit_for_code(code: str) -> Any:
    """Return the unit valid today whose administrative or identifier code is ``code``."""
    from motcua.org.models import Unit

    today = clock.localdate()
    unit = (
        Unit.objects.filter(Q(agency_code=code) | Q(admin_code=code))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today))
        .order_by("depth")
        .first()
    )
    if unit is None:
        raise NotFoundError(_("No unit valid today has the code %(code)s.") % {"code": code})
    return unit


@dataclass(frozen=True)
class Deadline:
    received: datetime
    amount: int
    unit: LimitUnit
    d0: date
    due: datetime
    unit_code: str | None
    calendar_source: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received.isoformat(),
            "amount": self.amount,
            "unit": self.unit.value,
            "d0": self.d0.isoformat(),
            "due": self.due.isoformat(),
            "unit_code": self.unit_code,
            "calendar_source": self.calendar_source,
        }


def parse_instant(text: str, calendar: WorkCalendar | None = None) -> datetime:
    """Parse an ISO 8601 instant; a naive one is read in the project's time zone."""
    try:
        value = parse_datetime(text.strip())
    except ValueError:
        value = None
    if value is None:
        raise ApplicationError(
            _("%(value)s is not a date and time; write it like 2026-02-13T09:00.")
            % {"value": text},
            code="invalid_datetime",
        )
    if timezone.is_naive(value):
        value = value.replace(tzinfo=calendar.tz if calendar else timezone.get_current_timezone())
    return value


def deadline_compute(
    *, received: datetime | str, amount: int, unit: LimitUnit | str, unit_code: str | None = None
) -> Deadline:
    """Return D0 and the due instant of a time limit, by the deadline convention."""
    try:
        limit_unit = LimitUnit(unit)
    except ValueError:
        raise ApplicationError(
            _(
                "Unknown time-limit unit %(unit)s; use working_days, working_hours, calendar_days or same_day."
            )
            % {"unit": unit},
            code="invalid_unit",
        ) from None
    if amount < 0:
        raise ApplicationError(_("The time limit cannot be negative."), code="invalid_amount")
    if limit_unit is LimitUnit.SAME_DAY and amount:
        raise ApplicationError(_("A same-day limit has no amount; use 0."), code="invalid_amount")
    org_unit = unit_for_code(unit_code) if unit_code else None
    try:
        calendar = calendar_for_unit(org_unit)
        instant = parse_instant(received, calendar) if isinstance(received, str) else received
        due = calendar.due(instant, amount, limit_unit)
        d0 = calendar.d0(instant)
    except CalendarMissingError as exc:
        raise ApplicationError(missing_calendar_message(exc.year), code="calendar_missing") from exc
    return Deadline(
        received=instant.astimezone(calendar.tz),
        amount=amount,
        unit=limit_unit,
        d0=d0,
        due=due,
        unit_code=unit_code,
        calendar_source=national_calendar().source,
    )


# --- Calendar administration -------------------------------------------------------------


def _statutory_proposal(year: int) -> list[DayEntry]:
    """Return the days the ``holidays`` package derives for ``year`` (lunar dates included)."""
    package = holidays.country_holidays("VN", years=year, language="vi")
    proposal: dict[date, DayEntry] = {}
    for day, name in sorted(package.items()):
        lowered = name.lower()
        if "thay cho" in lowered:
            kind = DayKind.SWAPPED_DAY_OFF
        elif "nghỉ bù" in lowered:
            kind = DayKind.COMPENSATORY_DAY_OFF
        else:
            kind = DayKind.HOLIDAY
        proposal[day] = DayEntry(
            day, kind, name, f"{STATUTORY_BASIS} (đề xuất tự động, cần đối chiếu)"
        )
    for day in sorted(getattr(package, "weekend_workdays", ())):
        if day.year == year:
            proposal[day] = DayEntry(
                day,
                DayKind.MAKEUP_WORKING_DAY,
                "Làm bù",
                f"{STATUTORY_BASIS} (đề xuất tự động, cần đối chiếu)",
            )
    return [proposal[d] for d in sorted(proposal)]


def _check_new_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ApplicationError(_("The year must be between 2000 and 2100."), code="invalid_year")
    if CalendarYear.objects.filter(year=year).exists():
        raise ApplicationError(
            _("A calendar for %(year)s already exists; edit it instead.") % {"year": year},
            code="exists",
        )


@transaction.atomic
def calendar_year_seed(*, year: int, actor: Any) -> CalendarYear:
    """Create a draft calendar for ``year`` from the statutory rules.

    The draft is not used for deadlines until an administrator checks it
    against the year's notice (Tết days, swaps, make-up Saturdays are
    decided each year) and confirms it.
    """
    _check_new_year(year)
    calendar = CalendarYear.objects.create(
        year=year,
        status=CalendarStatus.DRAFT,
        legal_basis=STATUTORY_BASIS,
        note=_("Proposed from the statutory rules; check the year's notice before confirming."),
    )
    proposal = _statutory_proposal(year)
    CalendarEntry.objects.bulk_create(
        CalendarEntry(
            calendar=calendar, day=e.day, kind=e.kind.value, name=e.name, legal_basis=e.legal_basis
        )
        for e in proposal
    )
    audit_record(
        actor=actor, action="workdays.calendar.seed", obj=calendar, data={"entries": len(proposal)}
    )
    return calendar


@transaction.atomic
def calendar_year_confirm(*, calendar_year: CalendarYear, actor: Any) -> CalendarYear:
    """Confirm a draft year so deadlines may use it."""
    locked = CalendarYear.objects.select_for_update().get(pk=calendar_year.pk)
    if locked.status == CalendarStatus.CONFIRMED:
        raise ApplicationError(
            _("The calendar for %(year)s is already confirmed.") % {"year": locked.year}
        )
    entries = list(locked.entries.filter(unit__isnull=True).values_list("day", "kind", "name"))
    try:
        WorkCalendar([locked.year], [DayEntry(d, DayKind(k), n) for d, k, n in entries])
    except ValueError as exc:
        raise ApplicationError(
            _("The calendar for %(year)s cannot be confirmed: %(problem)s")
            % {"year": locked.year, "problem": exc}
        ) from exc
    locked.status = CalendarStatus.CONFIRMED
    locked.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.confirmed_at = clock.now()
    locked.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
    audit_record(
        actor=actor, action="workdays.calendar.confirm", obj=locked, data={"entries": len(entries)}
    )
    return locked


def _require_draft(calendar: CalendarYear) -> None:
    """Refuse a direct edit of a confirmed year: it is amended (dues move with it)."""
    if calendar.status == CalendarStatus.CONFIRMED:
        raise ApplicationError(
            _(
                "The calendar for %(year)s is confirmed: change it with an amendment, which "
                "shows first which dossiers' due dates would move and records its legal basis."
            )
            % {"year": calendar.year},
            code="confirmed",
        )


@transaction.atomic
def calendar_entry_save(
    *, calendar_year: CalendarYear, actor: Any, entry: CalendarEntry | None = None, **fields: Any
) -> CalendarEntry:
    """Create or change one entry of a draft year; the day must be in the entry's year."""
    locked = CalendarYear.objects.select_for_update().get(pk=calendar_year.pk)
    _require_draft(locked)
    target = entry or CalendarEntry(calendar=locked)
    before = (
        {f: getattr(target, f, None) for f in ("day", "kind", "name", "legal_basis")}
        if entry
        else {}
    )
    for name, value in fields.items():
        setattr(target, name, value)
    if target.day.year != locked.year:
        raise ApplicationError(
            _("%(day)s is not in %(year)s.")
            % {"day": target.day.strftime("%d/%m/%Y"), "year": locked.year},
            code="wrong_year",
        )
    duplicate = CalendarEntry.objects.filter(day=target.day, unit=target.unit).exclude(pk=target.pk)
    if duplicate.exists():
        raise ApplicationError(
            _("%(day)s already has an entry.") % {"day": target.day.strftime("%d/%m/%Y")},
            code="duplicate",
        )
    target.save()
    audit_record(
        actor=actor,
        action="workdays.entry.change" if entry else "workdays.entry.create",
        obj=locked,
        data={
            "entry": target.pk,
            "before": before,
            "after": {f: getattr(target, f) for f in fields},
        },
    )
    return target


@transaction.atomic
def calendar_entry_delete(*, entry: CalendarEntry, actor: Any) -> None:
    """Remove one entry of a draft year (audited on its year's chain)."""
    locked = CalendarYear.objects.select_for_update().get(pk=entry.calendar_id)
    _require_draft(locked)
    before = {"day": entry.day, "kind": entry.kind, "name": entry.name, "unit": entry.unit_id}
    CalendarEntry.objects.filter(pk=entry.pk).delete()
    audit_record(
        actor=actor,
        action="workdays.entry.delete",
        obj=locked,
        data={"entry": entry.pk, "before": before},
    )


@transaction.atomic
def calendar_year_save(
    *, actor: Any, year: int, legal_basis: str = "", note: str = "", calendar_year: Any = None
) -> CalendarYear:
    """Create an empty draft year, or change the legal basis and note of one (audited).

    The year of an existing calendar never changes: its entries belong to it.
    """
    if calendar_year is None:
        _check_new_year(year)
        created = CalendarYear.objects.create(
            year=year, status=CalendarStatus.DRAFT, legal_basis=nfc(legal_basis), note=nfc(note)
        )
        audit_record(
            actor=actor,
            action="workdays.calendar.create",
            obj=created,
            data={"legal_basis": created.legal_basis, "note": created.note},
        )
        return created
    locked = CalendarYear.objects.select_for_update().get(pk=calendar_year.pk)
    if year != locked.year:
        raise ApplicationError(
            _("The year of a calendar cannot change; create a calendar for %(year)s instead.")
            % {"year": year},
            code="year_fixed",
        )
    before = {"legal_basis": locked.legal_basis, "note": locked.note}
    locked.legal_basis, locked.note = nfc(legal_basis), nfc(note)
    after = {"legal_basis": locked.legal_basis, "note": locked.note}
    if after != before:
        locked.save(update_fields=["legal_basis", "note", "updated_at"])
        audit_record(
            actor=actor,
            action="workdays.calendar.change",
            obj=locked,
            data={"before": before, "after": after},
        )
    return locked


@transaction.atomic
def calendar_year_delete(*, calendar_year: CalendarYear, actor: Any) -> None:
    """Delete a draft year with its entries; a confirmed year stays (deadlines used it)."""
    locked = CalendarYear.objects.select_for_update().get(pk=calendar_year.pk)
    if locked.status == CalendarStatus.CONFIRMED:
        raise ApplicationError(
            _(
                "The calendar for %(year)s is confirmed and deadlines were counted with it: it "
                "cannot be deleted. Correct its entries instead."
            )
            % {"year": locked.year},
            code="confirmed",
        )
    entries = locked.entries.count()
    audit_record(
        actor=actor,
        action="workdays.calendar.delete",
        obj=locked,
        data={"year": locked.year, "entries": entries},
    )
    locked.delete()


def work_schedule_check(sessions: str, cutoff: time) -> None:
    """Raise ApplicationError unless ``sessions`` and ``cutoff`` make a valid schedule."""
    try:
        Schedule.parse(sessions, cutoff.strftime("%H:%M"))
    except ValueError:
        raise ApplicationError(
            _(
                "Write the sessions as 07:00-11:30,13:30-17:00, in order and not overlapping, "
                "with the cut-off no later than the end of the last session."
            ),
            code="invalid_schedule",
        ) from None


@transaction.atomic
def work_schedule_save(
    *, actor: Any, unit: Any, sessions: str, cutoff: time, schedule: Any = None
) -> WorkSchedule:
    """Set the working sessions and intake cut-off of ``unit`` and the units below it (audited)."""
    work_schedule_check(sessions, cutoff)
    target: WorkSchedule | None
    if schedule is not None:
        target = WorkSchedule.objects.select_for_update().get(pk=schedule.pk)
    else:
        target = WorkSchedule.objects.select_for_update().filter(unit=unit).first()
    before = (
        {"unit": target.unit_id, "sessions": target.sessions, "cutoff": f"{target.cutoff:%H:%M}"}
        if target is not None
        else {}
    )
    if target is None:
        target = WorkSchedule(unit=unit)
    elif schedule is None:
        raise ApplicationError(
            _("%(unit)s already has a work schedule; change that one.") % {"unit": unit},
            code="exists",
        )
    target.unit, target.sessions, target.cutoff = unit, sessions.strip(), cutoff
    target.save()
    audit_record(
        actor=actor,
        action="workdays.schedule.change" if before else "workdays.schedule.create",
        obj=target,
        data={
            "before": before,
            "after": {
                "unit": target.unit_id,
                "sessions": target.sessions,
                "cutoff": f"{cutoff:%H:%M}",
            },
        },
    )
    return target


@transaction.atomic
def work_schedule_delete(*, schedule: WorkSchedule, actor: Any) -> None:
    """Remove a unit's own schedule: it follows the unit above, or the deployment default."""
    locked = WorkSchedule.objects.select_for_update().get(pk=schedule.pk)
    audit_record(
        actor=actor,
        action="workdays.schedule.delete",
        obj=locked,
        data={
            "unit": locked.unit_id,
            "sessions": locked.sessions,
            "cutoff": f"{locked.cutoff:%H:%M}",
        },
    )
    locked.delete()


@dataclass(frozen=True)
class CalendarDifference:
    day: date
    in_calendar: str
    in_package: str


def calendar_year_check(*, year: int) -> list[CalendarDifference]:
    """Compare a stored year with the statutory proposal; return the days that differ."""
    try:
        calendar = CalendarYear.objects.get(year=year)
    except CalendarYear.DoesNotExist:
        raise NotFoundError(_("There is no calendar for %(year)s.") % {"year": year}) from None
    stored = {
        d: (k, n)
        for d, k, n in calendar.entries.filter(unit__isnull=True).values_list("day", "kind", "name")
    }
    proposed = {e.day: (e.kind.value, e.name) for e in _statutory_proposal(year)}
    differences: list[CalendarDifference] = []
    for day in sorted(set(stored) | set(proposed)):
        mine, theirs = stored.get(day), proposed.get(day)
        if _effect(day, mine) != _effect(day, theirs):
            differences.append(
                CalendarDifference(
                    day,
                    f"{mine[1]} ({mine[0]})" if mine else "",
                    f"{theirs[1]} ({theirs[0]})" if theirs else "",
                )
            )
    return differences


def _effect(day: date, entry: tuple[str, str] | None) -> str:
    """Return what an entry does to the Monday–Friday week: "off", "work" or ""."""
    if entry is None:
        return ""
    weekend = day.weekday() >= 5
    if entry[0] == DayKind.MAKEUP_WORKING_DAY:
        return "work" if weekend else ""
    return "" if weekend else "off"


# --- Amending a confirmed year -----------------------------------------------------------


@dataclass(frozen=True)
class Amendment:
    """A checked amendment of a confirmed year and the dues it moves."""

    year: int
    legal_basis: str
    changes: tuple[EntryChange, ...]
    moves: tuple[DueMove, ...]

    @property
    def problems(self) -> list[DueMove]:
        return [move for move in self.moves if move.problem]


def _entry_dict(kind: str, name: str, basis: str) -> dict[str, str]:
    return {"kind": kind, "name": name, "legal_basis": basis}


def _checked_amendment(
    calendar: CalendarYear, changes: Sequence[EntryChange], legal_basis: str
) -> tuple[str, tuple[EntryChange, ...]]:
    """Return the NFC legal basis and the changes, checked against the stored year."""
    if calendar.status != CalendarStatus.CONFIRMED:
        raise ApplicationError(
            _(
                "The calendar for %(year)s is still a draft: correct its entries directly and "
                "confirm it; only a confirmed year is amended."
            )
            % {"year": calendar.year},
            code="draft",
        )
    basis = nfc(legal_basis or "").strip()
    if not basis:
        raise ApplicationError(
            _(
                "Write the legal basis of the amendment: the document that changes the calendar "
                "(number, date and issuing body)."
            ),
            code="legal_basis_required",
        )
    if not changes:
        raise ApplicationError(
            _("The amendment changes no day: add at least one day."), code="no_change"
        )
    stored = {
        (unit_id, day): kind
        for unit_id, day, kind in calendar.entries.values_list("unit_id", "day", "kind")
    }
    seen: set[tuple[int | None, date]] = set()
    checked: list[EntryChange] = []
    for change in changes:
        day = change.day
        shown = day.strftime("%d/%m/%Y")
        if day.year != calendar.year:
            raise ApplicationError(
                _("%(day)s is not in %(year)s.") % {"day": shown, "year": calendar.year},
                code="wrong_year",
            )
        key = (change.unit_id, day)
        if key in seen:
            raise ApplicationError(
                _("%(day)s appears twice in the amendment.") % {"day": shown}, code="duplicate"
            )
        seen.add(key)
        if change.kind is None:
            if key not in stored:
                raise ApplicationError(
                    _("%(day)s has no entry to remove.") % {"day": shown}, code="nothing_to_remove"
                )
            checked.append(replace(change, name="", legal_basis=""))
            continue
        try:
            kind = DayKind(change.kind)
        except ValueError:
            raise ApplicationError(
                _("Unknown kind of day: %(kind)s.") % {"kind": change.kind}, code="invalid_kind"
            ) from None
        name = nfc(change.name or "").strip()
        if not name:
            raise ApplicationError(
                _("Give the entry of %(day)s a name (e.g. Ngày Văn hóa Việt Nam).")
                % {"day": shown},
                code="name_required",
            )
        entry_basis = nfc(change.legal_basis or "").strip() or basis
        if len(name) > 200 or len(entry_basis) > 300:
            raise ApplicationError(
                _(
                    "The entry of %(day)s is too long: at most 200 characters for the name and "
                    "300 for its legal basis."
                )
                % {"day": shown},
                code="too_long",
            )
        checked.append(replace(change, kind=kind.value, name=name, legal_basis=entry_basis))
    return basis, tuple(sorted(checked, key=lambda c: (c.day, c.unit_id or 0)))


def _window(changes: Sequence[EntryChange]) -> tuple[date, date]:
    days = [change.day for change in changes]
    return min(days), max(days)


def calendar_amendment_preview(
    *, calendar_year: CalendarYear, changes: Sequence[EntryChange], legal_basis: str
) -> Amendment:
    """Check an amendment of a confirmed year and return the dues it would move; save nothing."""
    basis, checked = _checked_amendment(calendar_year, changes, legal_basis)
    calendar_for = calendar_builder(checked)
    window = _window(checked)
    moves = [
        move
        for source in due_sources()
        for move in source.moves(window=window, calendar_for=calendar_for)
    ]
    return Amendment(calendar_year.year, basis, checked, tuple(moves))


def _refuse_problems(moves: Sequence[DueMove]) -> None:
    problems = [move for move in moves if move.problem]
    if problems:
        first = problems[0]
        raise ApplicationError(
            _("Nothing was saved: %(count)s due dates cannot be computed (%(ref)s: %(problem)s).")
            % {"count": len(problems), "ref": first.reference, "problem": first.problem},
            code="dues_not_computable",
        )


@transaction.atomic
def calendar_amendment_apply(
    *, calendar_year: CalendarYear, changes: Sequence[EntryChange], legal_basis: str, actor: Any
) -> Amendment:
    """Amend a confirmed year, with its legal basis, and move the dues it changes.

    In one transaction: the entries are written, the amendment is audited on the year's
    chain with each day's entry before and after, and every registered due source moves
    its dues (dossiers: history row, audit record and notice per dossier). If a due cannot
    be computed under the amended calendar (a year it reaches is not confirmed), nothing
    is saved.
    """
    locked = CalendarYear.objects.select_for_update().get(pk=calendar_year.pk)
    basis, checked = _checked_amendment(locked, changes, legal_basis)
    stored = {
        (entry.unit_id, entry.day): entry
        for entry in locked.entries.filter(day__in=[c.day for c in checked])
    }
    recorded = []
    for change in checked:
        old = stored.get((change.unit_id, change.day))
        if old is not None:
            old.delete()
        if change.kind is not None:
            CalendarEntry.objects.create(
                calendar=locked,
                day=change.day,
                kind=change.kind,
                name=change.name,
                legal_basis=change.legal_basis,
                unit=change.unit,
            )
        recorded.append(
            {
                "day": change.day,
                "unit": change.unit_id,
                "before": _entry_dict(old.kind, old.name, old.legal_basis) if old else None,
                "after": (
                    _entry_dict(change.kind, change.name, change.legal_basis)
                    if change.kind is not None
                    else None
                ),
            }
        )
    # Read back from this transaction's rows, not from the process cache.
    calendar_for = calendar_builder()
    window = _window(checked)
    moves = [
        move
        for source in due_sources()
        for move in source.apply(
            window=window, calendar_for=calendar_for, actor=actor, reason=basis
        )
    ]
    _refuse_problems(moves)
    audit_record(
        actor=actor,
        action="workdays.calendar.amend",
        obj=locked,
        data={
            "legal_basis": basis,
            "changes": recorded,
            "moved": [
                {
                    "reference": move.reference,
                    "what": move.what,
                    "before": move.before,
                    "after": move.after,
                }
                for move in moves
            ],
        },
    )
    transaction.on_commit(calendar_cache_clear)
    return Amendment(locked.year, basis, checked, tuple(moves))


def shipped_changes(year: int) -> list[EntryChange]:
    """Return what it takes to bring a stored year to the calendar the project ships.

    Only days whose effect differs are returned: a shipped entry missing from the stored
    year, or stored with another kind. Entries an administrator added are kept, and a name
    changed in the admin is not reverted.
    """
    if year not in CONFIRMED_YEARS:
        return []
    stored = dict(
        CalendarEntry.objects.filter(calendar__year=year, unit__isnull=True).values_list(
            "day", "kind"
        )
    )
    return [
        EntryChange(entry.day, entry.kind.value, entry.name, entry.legal_basis)
        for entry in VN_PUBLIC_SECTOR_ENTRIES
        if entry.day.year == year and stored.get(entry.day) != entry.kind.value
    ]
