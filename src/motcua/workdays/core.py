"""Compute working days and due instants of administrative time limits.

What is modelled
    A working calendar (:class:`WorkCalendar`) for a set of *confirmed* years: a weekly
    pattern (Monday–Friday by default) changed by dated entries (:class:`DayEntry`) —
    public holidays, compensatory days off (nghỉ bù), swapped days off (hoán đổi) and
    make-up working days (làm bù, usually a Saturday) — plus the unit's daily working
    sessions and intake cut-off (:class:`Schedule`) in one time zone.

What is supported
    The project's deadline convention (DESIGN.md, "Deadline convention"): day-based limits
    counted from D0, same-day limits with the 15:00 cut-off (which moves a same-day result
    received at or after it to the next working day; it lengthens limits of one working day
    or more only when :attr:`Schedule.cutoff_day_limits` says so), hour-based limits counted inside
    the sessions, calendar-day limits rolled forward to a working day, working-day and
    working-time differences, and pausing / resuming the dossier clock (:class:`Remaining`).
    Every table is precomputed when the calendar is built, so the day-based due date is a
    few list look-ups (the hot path used by lists and dashboards); :meth:`WorkCalendar.tables`
    exports the same tables to the vectorised version in :mod:`motcua.workdays.vector`.

What is deliberately left out
    * Guessing: a computation that needs a day of a year that is not confirmed raises
      :class:`CalendarMissingError`; holidays are never derived from rules here.
    * Per-day sessions (every working day has the same sessions, make-up days included) and
      sessions crossing midnight.
    * Daylight-saving time: wall-clock arithmetic is done in the calendar's zone, and
      :meth:`WorkCalendar.tables` refuses a zone whose UTC offset changes over the covered
      range (Viet Nam has had none since 1975).
    * Sub-second session bounds (sessions and cut-off are whole seconds).
    * Django: this module is pure standard library; the Django side loads confirmed years
      from the database and builds a :class:`WorkCalendar`.
"""

from __future__ import annotations

import enum
import math
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_SCHEDULE",
    "VN_TZ",
    "CalendarMissingError",
    "CalendarTables",
    "DayEntry",
    "DayKind",
    "LimitUnit",
    "Remaining",
    "Schedule",
    "WorkCalendar",
]

VN_TZ: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
_US = 1_000_000
_WEEKDAYS_ONLY: tuple[bool, ...] = (True,) * 5 + (False,) * 2


class CalendarMissingError(LookupError):
    """Signal that a computation needs a year whose calendar is not confirmed."""

    year: int

    def __init__(self, year: int) -> None:
        """Record the missing ``year``."""
        self.year = year
        super().__init__(f"No confirmed working calendar for year {year}")

    def __reduce__(self) -> tuple[type[CalendarMissingError], tuple[int]]:
        """Pickle by year so the error crosses process boundaries intact."""
        return (type(self), (self.year,))


class DayKind(enum.StrEnum):
    """Kind of a dated calendar entry."""

    HOLIDAY = "holiday"
    COMPENSATORY_DAY_OFF = "compensatory_day_off"  # nghỉ bù
    SWAPPED_DAY_OFF = "swapped_day_off"  # hoán đổi: a weekday off
    MAKEUP_WORKING_DAY = "makeup_working_day"  # làm bù, usually a Saturday

    @property
    def is_day_off(self) -> bool:
        """Return True when the entry makes its day a non-working day."""
        return self is not DayKind.MAKEUP_WORKING_DAY


@dataclass(frozen=True)
class DayEntry:
    """One dated exception to the weekly pattern, with its name and legal basis."""

    day: date
    kind: DayKind
    name: str = ""
    legal_basis: str = ""

    def __post_init__(self) -> None:
        """Check the day and coerce a kind given as a string."""
        if isinstance(self.day, datetime) or not isinstance(self.day, date):
            raise TypeError(f"DayEntry.day must be a date, got {self.day!r}")
        if not isinstance(self.kind, DayKind):
            try:
                object.__setattr__(self, "kind", DayKind(self.kind))
            except ValueError:
                raise ValueError(
                    f"Unknown day kind {self.kind!r}; expected one of "
                    + ", ".join(k.value for k in DayKind)
                ) from None


class LimitUnit(enum.StrEnum):
    """Unit in which a procedure's time limit is expressed."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"
    SAME_DAY = "same_day"


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _check_time(t: object, what: str) -> time:
    if not isinstance(t, time):
        raise ValueError(f"{what} must be a datetime.time, got {t!r}")
    if t.tzinfo is not None:
        raise ValueError(f"{what} must be a wall-clock time without tzinfo, got {t!r}")
    if t.microsecond:
        raise ValueError(f"{what} must be a whole second, got {t.isoformat()}")
    return t


@dataclass(frozen=True)
class Schedule:
    """Daily working sessions and the intake cut-off of a unit (local wall-clock times).

    The cut-off always applies to same-day limits (a result due "the same day" received at
    or after it is due the next working day). ``cutoff_day_limits`` applies it to limits of
    one working day or more too (D0 becomes the next working day), for provinces whose rules
    say so; off by default, because the law's 15:00 rule governs when a paper dossier moves
    to the handling agency, not the length of a time limit.
    """

    sessions: tuple[tuple[time, time], ...] = (
        (time(7, 0), time(11, 30)),
        (time(13, 30), time(17, 0)),
    )
    cutoff: time = time(15, 0)
    cutoff_day_limits: bool = False

    def __post_init__(self) -> None:
        """Validate: non-empty, each start before its end, sorted, not overlapping."""
        try:
            sessions = tuple((start, end) for start, end in self.sessions)
        except (TypeError, ValueError):
            raise ValueError(
                f"Schedule.sessions must be (start, end) pairs, got {self.sessions!r}"
            ) from None
        if not sessions:
            raise ValueError("Schedule.sessions must contain at least one session")
        previous_end: time | None = None
        for i, (start, end) in enumerate(sessions, start=1):
            _check_time(start, f"Start of session {i}")
            _check_time(end, f"End of session {i}")
            if not start < end:
                raise ValueError(
                    f"Session {i} must start before it ends: {start:%H:%M}-{end:%H:%M}"
                )
            if previous_end is not None and start < previous_end:
                raise ValueError(
                    f"Sessions must be sorted and must not overlap: session {i} starts at "
                    f"{start:%H:%M}, before the previous session ends at {previous_end:%H:%M}"
                )
            previous_end = end
        object.__setattr__(self, "sessions", sessions)
        _check_time(self.cutoff, "Cut-off")
        if not isinstance(self.cutoff_day_limits, bool):
            raise ValueError(
                f"Schedule.cutoff_day_limits must be True or False, got {self.cutoff_day_limits!r}"
            )
        if self.cutoff > sessions[-1][1]:
            raise ValueError(
                f"Cut-off {self.cutoff:%H:%M} must not be after the end of the working day "
                f"{sessions[-1][1]:%H:%M}"
            )

    @property
    def day_end(self) -> time:
        """Return the end of the last session."""
        return self.sessions[-1][1]

    @property
    def day_seconds(self) -> int:
        """Return the working seconds of one working day."""
        return sum(_seconds(end) - _seconds(start) for start, end in self.sessions)

    @classmethod
    def parse(cls, sessions: str, cutoff: str, *, cutoff_day_limits: bool = False) -> Schedule:
        """Build a schedule from text such as ``"07:00-11:30,13:30-17:00"`` and ``"15:00"``."""
        pairs: list[tuple[time, time]] = []
        for part in sessions.split(","):
            part = part.strip()
            if not part:
                continue
            bounds = part.split("-")
            if len(bounds) != 2:
                raise ValueError(f"Session {part!r} must look like HH:MM-HH:MM")
            pairs.append((_parse_time(bounds[0]), _parse_time(bounds[1])))
        return cls(
            sessions=tuple(pairs),
            cutoff=_parse_time(cutoff),
            cutoff_day_limits=cutoff_day_limits,
        )


def _parse_time(text: str) -> time:
    text = text.strip()
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a time of day such as 07:30") from None


DEFAULT_SCHEDULE = Schedule()


@dataclass(frozen=True)
class Remaining:
    """What is left of a time limit when the dossier clock is paused."""

    unit: LimitUnit
    working_days: int = 0
    working_time: timedelta = field(default_factory=timedelta)
    calendar_days: int = 0
    overdue: bool = False


@dataclass(frozen=True)
class CalendarTables:
    """Precomputed tables of a :class:`WorkCalendar`, for vectorised code.

    Day-indexed arrays have one element per calendar day from ``base_ordinal`` (1 January of
    ``first_year``) to 31 December of the last covered year. Rank-indexed arrays have one
    element per working day, in order, plus one *barrier* rank per missing year (each year in
    a gap between covered years, and the year after the last one); a barrier has
    ``rank_missing_year`` set to that year and ``working_ordinals`` set to its 1 January.
    """

    base_ordinal: int
    first_year: int
    last_year: int
    rank_ceil: array[int]  # per day: rank of the first working day on or after it
    is_working: bytes  # per day: 1 for a working day
    missing: bytes  # per day: 1 when the day's year is not confirmed
    working_ordinals: array[int]  # per rank: date ordinal of the working day
    seg_end: array[int]  # per rank: last usable rank before the next barrier
    rank_missing_year: array[int]  # per rank: 0, or the missing year of a barrier
    cutoff_seconds: int
    cutoff_day_limits: bool  # the cut-off also moves D0 of limits of one day or more
    day_end_seconds: int
    utc_offset_seconds: int


def _to_microseconds(amount: int | float | Decimal | timedelta) -> int:
    if isinstance(amount, timedelta):
        us = (amount.days * 86_400 + amount.seconds) * _US + amount.microseconds
    elif isinstance(amount, bool):
        raise TypeError("A working-time amount must be a number of hours or a timedelta")
    elif isinstance(amount, int):
        us = amount * 3600 * _US
    elif isinstance(amount, float):
        if not math.isfinite(amount):
            raise ValueError(f"A working-time amount must be finite, got {amount!r}")
        us = round(amount * 3600 * _US)
    elif isinstance(amount, Decimal):
        if not amount.is_finite():
            raise ValueError(f"A working-time amount must be finite, got {amount!r}")
        us = int((amount * 3600 * _US).to_integral_value())
    else:
        raise TypeError(f"A working-time amount must be hours or a timedelta, got {amount!r}")
    if us < 0:
        raise ValueError(f"A working-time amount must not be negative, got {amount!r}")
    return us


def _as_count(amount: object, what: str) -> int:
    if isinstance(amount, bool):
        raise TypeError(f"{what} must be a whole number, got {amount!r}")
    if isinstance(amount, int):
        value = amount
    elif isinstance(amount, (float, Decimal)) and amount == amount and amount % 1 == 0:
        value = int(amount)
    else:
        raise ValueError(f"{what} must be a whole number, got {amount!r}")
    if value < 0:
        raise ValueError(f"{what} must not be negative, got {value}")
    return value


class WorkCalendar:
    """Working-day calendar of the confirmed ``years`` with one schedule and time zone.

    ``entries`` change the weekly pattern ``weekmask`` (Monday first): a day-off kind on a
    weekly rest day and a make-up working day on a weekday change nothing (they are kept as
    the record of the year). Entries outside ``years`` and two entries for one day are a
    ValueError. All tables are built here; the methods only look them up.
    """

    def __init__(
        self,
        years: Iterable[int],
        entries: Iterable[DayEntry],
        schedule: Schedule = DEFAULT_SCHEDULE,
        tz: tzinfo = VN_TZ,
        weekmask: tuple[bool, ...] = _WEEKDAYS_ONLY,
    ) -> None:
        """Validate the inputs and precompute every lookup table."""
        year_set = frozenset(years)
        if not year_set:
            raise ValueError("A working calendar needs at least one confirmed year")
        for y in year_set:
            if isinstance(y, bool) or not isinstance(y, int) or not 1 <= y < 9999:
                raise ValueError(f"Calendar years must be integers in 1..9998, got {y!r}")
        if not isinstance(schedule, Schedule):
            raise TypeError(f"schedule must be a Schedule, got {schedule!r}")
        if not isinstance(tz, tzinfo):
            raise TypeError(f"tz must be a tzinfo, got {tz!r}")
        mask = tuple(bool(x) for x in weekmask)
        if len(mask) != 7:
            raise ValueError(f"weekmask must have 7 flags (Monday first), got {len(mask)}")
        by_day: dict[date, DayEntry] = {}
        for entry in entries:
            if not isinstance(entry, DayEntry):
                raise TypeError(f"Calendar entries must be DayEntry, got {entry!r}")
            if entry.day.year not in year_set:
                raise ValueError(
                    f"Entry {entry.day.isoformat()} ({entry.name or entry.kind}) is outside "
                    f"the confirmed years {sorted(year_set)}"
                )
            if entry.day in by_day:
                raise ValueError(f"Two calendar entries for {entry.day.isoformat()}")
            by_day[entry.day] = entry

        self.years: tuple[int, ...] = tuple(sorted(year_set))
        self.entries: tuple[DayEntry, ...] = tuple(by_day[d] for d in sorted(by_day))
        self.schedule: Schedule = schedule
        self.tz: tzinfo = tz
        self.weekmask: tuple[bool, ...] = mask
        self._by_day = by_day
        self._first_year = self.years[0]
        self._last_year = self.years[-1]
        self._tables: CalendarTables | None = None
        self._build()

    # ------------------------------------------------------------------ construction

    def _build(self) -> None:
        tz = self.tz
        sched = self.schedule
        day_end = sched.day_end
        cutoff = sched.cutoff
        years = frozenset(self.years)
        base = date(self._first_year, 1, 1).toordinal()
        stop = date(self._last_year, 12, 31).toordinal() + 1
        ndays = stop - base

        working = bytearray(ndays)
        missing = bytearray(ndays)
        rank_of_day = [-1] * ndays
        wd_ords: list[int] = []
        missing_year: list[int] = []  # per rank: 0 or the year of a barrier
        mask = self.weekmask
        by_day = self._by_day

        def add_barrier(year: int) -> None:
            wd_ords.append(date(year, 1, 1).toordinal())
            missing_year.append(year)

        for idx in range(ndays):
            d = date.fromordinal(base + idx)
            if d.year not in years:
                missing[idx] = 1
                if d.month == 1 and d.day == 1:
                    add_barrier(d.year)
                continue
            entry = by_day.get(d)
            is_work = mask[d.weekday()]
            if entry is not None:
                is_work = not entry.kind.is_day_off
            if is_work:
                working[idx] = 1
                rank_of_day[idx] = len(wd_ords)
                wd_ords.append(base + idx)
                missing_year.append(0)
        add_barrier(self._last_year + 1)
        nranks = len(wd_ords)

        # Rank of the first working day (or barrier) on or after each day, and strictly after.
        rank_on = [0] * ndays
        rank_after = [0] * ndays
        nxt = nranks - 1  # the final barrier
        barrier_rank = {missing_year[r]: r for r in range(nranks) if missing_year[r]}
        for idx in range(ndays - 1, -1, -1):
            rank_after[idx] = nxt
            if missing[idx]:
                nxt = barrier_rank[date.fromordinal(base + idx).year]
                rank_after[idx] = nxt
            elif working[idx]:
                nxt = rank_of_day[idx]
            rank_on[idx] = nxt

        # Last usable rank before the next barrier at or after each rank.
        seg_end = [0] * nranks
        last = -1
        for r in range(nranks - 1, -1, -1):
            if missing_year[r]:
                last = r - 1
                seg_end[r] = r - 1
            else:
                seg_end[r] = last

        # Aware instants: end of day per rank; cut-off per day (only compared on working days).
        ends: list[datetime] = []
        for r in range(nranks):
            d = date.fromordinal(wd_ords[r])
            ends.append(datetime.combine(d, day_end, tzinfo=tz))
        cuts: list[datetime] = []
        for idx in range(ndays):
            d = date.fromordinal(base + idx)
            cuts.append(datetime.combine(d, cutoff, tzinfo=tz))

        self._base = base
        self._ndays = ndays
        self._working = bytes(working)
        self._missing = bytes(missing)
        self._rank_on = rank_on
        self._rank_after = rank_after
        self._wd_ords = wd_ords
        self._missing_year = missing_year
        self._seg_end = seg_end
        self._ends = ends
        self._cuts = cuts
        self._cutoff_days = sched.cutoff_day_limits
        # Working time: (start, end, working microseconds before the session) per session.
        sess: list[tuple[int, int, int]] = []
        cum = 0
        for start, end in sched.sessions:
            s_us, e_us = _seconds(start) * _US, _seconds(end) * _US
            sess.append((s_us, e_us, cum))
            cum += e_us - s_us
        self._sessions_us = tuple(sess)
        self._day_us = cum

    # ------------------------------------------------------------------ helpers

    def _local(self, dt: datetime, what: str = "received") -> datetime:
        """Return ``dt`` in the calendar's zone; reject naive datetimes."""
        if not isinstance(dt, datetime):
            raise TypeError(f"{what} must be a timezone-aware datetime, got {dt!r}")
        tz = dt.tzinfo
        if tz is self.tz:
            return dt
        if tz is None or tz.utcoffset(dt) is None:
            raise ValueError(
                f"{what} must be a timezone-aware datetime, got naive {dt.isoformat()}"
            )
        return dt.astimezone(self.tz)

    def _day_index(self, d: date) -> int:
        """Return the table index of ``d``; raise when its year is not confirmed."""
        idx = d.toordinal() - self._base
        if not 0 <= idx < self._ndays or self._missing[idx]:
            raise CalendarMissingError(d.year)
        return idx

    def _missing_after(self, rank: int) -> CalendarMissingError:
        """Return the error for the first barrier at or after ``rank``."""
        return CalendarMissingError(self._missing_year[self._seg_end[rank] + 1])

    def _check_rank(self, start_rank: int, rank: int) -> int:
        """Return ``rank`` if it is reachable from ``start_rank`` without a missing year."""
        if rank > self._seg_end[start_rank]:
            raise self._missing_after(start_rank)
        return rank

    def _date_of_rank(self, rank: int) -> date:
        return date.fromordinal(self._wd_ords[rank])

    # ------------------------------------------------------------------ days

    def is_working_day(self, d: date) -> bool:
        """Return True when ``d`` is a working day; raise for an unconfirmed year."""
        if isinstance(d, datetime):
            raise TypeError("is_working_day takes a date; convert an instant with d0()")
        return bool(self._working[self._day_index(d)])

    def entry(self, d: date) -> DayEntry | None:
        """Return the calendar entry for ``d``, if any."""
        return self._by_day.get(d)

    def add_working_days(self, d: date, n: int) -> date:
        """Return the ``n``-th working day after ``d`` (``n = 0``: ``d`` rolled forward)."""
        if isinstance(d, datetime):
            raise TypeError("add_working_days takes a date, not a datetime")
        n = _as_count(n, "The number of working days")
        idx = self._day_index(d)
        if n == 0:
            start = self._rank_on[idx]
            return self._date_of_rank(self._check_rank(start, start))
        start = self._rank_after[idx]
        return self._date_of_rank(self._check_rank(start, start + n - 1))

    def working_days_between(self, a: date, b: date) -> int:
        """Return the number of working days ``d`` with ``a < d <= b`` (negated if b < a)."""
        if isinstance(a, datetime) or isinstance(b, datetime):
            raise TypeError("working_days_between takes dates, not datetimes")
        sign = 1
        if b < a:
            a, b, sign = b, a, -1
        ra = self._rank_after[self._day_index(a)]
        rb = self._rank_after[self._day_index(b)]
        if self._seg_end[ra] + 1 < rb:
            raise self._missing_after(ra)
        return sign * (rb - ra)

    def d0(self, received: datetime) -> date:
        """Return D0: the intake date if a working day, else the next working day.

        With :attr:`Schedule.cutoff_day_limits`, an intake at or after the cut-off also moves
        D0 to the next working day. (A same-day limit received at or after the cut-off keeps
        D0 and is due the end of the next working day: see :meth:`due_working_days`.)
        """
        loc = self._local(received)
        idx = self._day_index(loc)
        late = self._cutoff_days and loc >= self._cuts[idx]
        rank = self._rank_after[idx] if late else self._rank_on[idx]
        return self._date_of_rank(self._check_rank(rank, rank))

    # ------------------------------------------------------------------ due instants

    def due_working_days(self, received: datetime, n: int) -> datetime:
        """Return the end of the ``n``-th working day after D0 (``n = 0``: end of D0).

        The cut-off: with ``n = 0`` (same day), received on a working day at or after the
        cut-off gives the end of the next working day. With ``n >= 1`` the cut-off changes
        nothing unless :attr:`Schedule.cutoff_day_limits` is set (then D0 moves, as in
        :meth:`d0`). On a day that is not a working day D0 is already the next working day.
        """
        try:
            if received.tzinfo is not self.tz:
                received = self._local(received)
        except AttributeError:
            raise TypeError(
                f"received must be a timezone-aware datetime, got {received!r}"
            ) from None
        idx = received.toordinal() - self._base
        if 0 <= idx < self._ndays:
            if received >= self._cuts[idx] and (n == 0 or self._cutoff_days):
                r = self._rank_after[idx]
            else:
                r = self._rank_on[idx]
            k = r + n
            if n >= 0 and k <= self._seg_end[r]:
                return self._ends[k]
            n = _as_count(n, "The number of working days")
            raise self._missing_after(r)
        _as_count(n, "The number of working days")
        raise CalendarMissingError(received.year)

    def due_working_hours(
        self, received: datetime, hours: int | float | Decimal | timedelta
    ) -> datetime:
        """Return the instant when ``hours`` of working time have passed since ``received``.

        Working time runs only inside the sessions of working days and the cut-off does not
        apply. Intake outside a session starts at the next session start; a due landing
        exactly on the end of a session stays there (16:00 + 1 h is 17:00 the same day).
        """
        return self.add_working_time(received, hours)

    def due_calendar_days(self, received: datetime, n: int) -> datetime:
        """Return the end of intake date + ``n`` days, rolled forward to a working day."""
        n = _as_count(n, "The number of calendar days")
        loc = self._local(received)
        target = loc.toordinal() + n
        if target > date.max.toordinal():
            raise CalendarMissingError(date.max.year)
        idx = self._day_index(date.fromordinal(target))
        rank = self._rank_on[idx]
        return self._ends[self._check_rank(rank, rank)]

    def due(
        self,
        received: datetime,
        amount: int | float | Decimal | timedelta | None,
        unit: LimitUnit | str,
    ) -> datetime:
        """Return the due instant of a limit of ``amount`` ``unit`` for ``received``.

        ``SAME_DAY`` is the end of D0, or of the next working day when received at or after
        the cut-off (``amount`` must be 0 or None). The "restart" supplement
        policy is simply ``due(resumed_at, full_amount, unit)``: the full limit counts again
        from the complete dossier, with the same cut-off rule as an intake.
        """
        unit = _as_unit(unit)
        if unit is LimitUnit.WORKING_DAYS:
            if isinstance(amount, timedelta) or amount is None:
                raise ValueError("A working-day limit needs a whole number of days")
            return self.due_working_days(received, _as_count(amount, "A working-day limit"))
        if unit is LimitUnit.SAME_DAY:
            if amount is not None and (isinstance(amount, timedelta) or amount != 0):
                raise ValueError(f"A same-day limit takes no amount (0 or None), got {amount!r}")
            return self.due_working_days(received, 0)
        if unit is LimitUnit.WORKING_HOURS:
            if amount is None:
                raise ValueError("A working-hour limit needs an amount of hours")
            return self.add_working_time(received, amount)
        if isinstance(amount, timedelta) or amount is None:
            raise ValueError("A calendar-day limit needs a whole number of days")
        return self.due_calendar_days(received, _as_count(amount, "A calendar-day limit"))

    # ------------------------------------------------------------------ working time

    def _offset_in_day(self, tod_us: int) -> int:
        off = 0
        for start, end, _cum in self._sessions_us:
            if tod_us <= start:
                break
            off += min(tod_us, end) - start
        return off

    def _position(self, dt: datetime, what: str) -> tuple[int, int]:
        """Return (rank, working microseconds into that day) of an instant."""
        loc = self._local(dt, what)
        idx = self._day_index(loc)
        rank = self._rank_on[idx]
        if not self._working[idx]:
            return rank, 0
        tod = ((loc.hour * 60 + loc.minute) * 60 + loc.second) * _US + loc.microsecond
        return rank, self._offset_in_day(tod)

    def _instant(self, rank: int, offset: int, *, left: bool) -> datetime:
        """Return the instant ``offset`` working microseconds into working day ``rank``."""
        tod = 0
        for start, end, cum in self._sessions_us:
            length = end - start
            if offset < cum + length or (left and offset == cum + length):
                tod = start + offset - cum
                break
        else:  # pragma: no cover - offset is always within the day
            raise AssertionError(offset)
        seconds, micro = divmod(tod, _US)
        hour, rest = divmod(seconds, 3600)
        minute, second = divmod(rest, 60)
        return datetime.combine(
            self._date_of_rank(rank), time(hour, minute, second, micro), tzinfo=self.tz
        )

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Return the working time inside sessions of working days from ``start`` to ``end``."""
        ra, fa = self._position(start, "start")
        rb, fb = self._position(end, "end")
        if end <= start:
            return timedelta(0)
        if self._seg_end[ra] + 1 < rb:
            raise self._missing_after(ra)
        return timedelta(microseconds=(rb - ra) * self._day_us + fb - fa)

    def add_working_time(
        self, start: datetime, delta: int | float | Decimal | timedelta
    ) -> datetime:
        """Return ``start`` plus ``delta`` of working time (hours when a number).

        Same semantics as :meth:`due_working_hours`. A zero ``delta`` returns ``start`` when
        it is inside a session, else the next session start.
        """
        us = _to_microseconds(delta)
        r0, f0 = self._position(start, "start")
        day = self._day_us
        pos = r0 * day + f0 + us
        if us == 0:
            rank, offset = divmod(pos, day)
            left = False
        else:
            rank = (pos - 1) // day
            offset = pos - rank * day
            left = True
        return self._instant(self._check_rank(r0, rank), offset, left=left)

    # ------------------------------------------------------------------ pauses

    def remaining(self, due: datetime, unit: LimitUnit | str, paused_at: datetime) -> Remaining:
        """Return what is left of a limit when the clock is paused at ``paused_at``.

        Day-based limits (working days, same day) count the working days after the pause
        date up to the due date: the day the pause starts counts as used. Hour limits keep
        the working time left; calendar-day limits the days between the two local dates.
        Paused at or after the due instant gives ``overdue=True`` and zero counts.
        """
        unit = _as_unit(unit)
        due_loc = self._local(due, "due")
        paused = self._local(paused_at, "paused_at")
        if paused >= due_loc:
            return Remaining(unit=unit, overdue=True)
        if unit in (LimitUnit.WORKING_DAYS, LimitUnit.SAME_DAY):
            days = self.working_days_between(paused.date(), due_loc.date())
            return Remaining(unit=unit, working_days=days)
        if unit is LimitUnit.WORKING_HOURS:
            return Remaining(unit=unit, working_time=self.working_time_between(paused, due_loc))
        return Remaining(unit=unit, calendar_days=(due_loc.date() - paused.date()).days)

    def resume(self, remaining: Remaining, resumed_at: datetime, current_due: datetime) -> datetime:
        """Return the new due instant when the clock restarts at ``resumed_at``.

        An overdue dossier keeps ``current_due``. Day-based limits count the remaining
        working days from the next working day (the cut-off rule of an intake applies: it
        moves the due only when no working day is left, or with ``cutoff_day_limits``); hour
        limits add the remaining working time; calendar-day limits add the remaining days.
        The "restart" policy does not use this: it is ``due(resumed_at, full_amount, unit)``.
        """
        if remaining.overdue:
            return current_due
        unit = _as_unit(remaining.unit)
        if unit in (LimitUnit.WORKING_DAYS, LimitUnit.SAME_DAY):
            return self.due_working_days(resumed_at, remaining.working_days)
        if unit is LimitUnit.WORKING_HOURS:
            return self.add_working_time(resumed_at, remaining.working_time)
        return self.due_calendar_days(resumed_at, remaining.calendar_days)

    # ------------------------------------------------------------------ export

    def tables(self) -> CalendarTables:
        """Return the precomputed tables; raise ValueError if the UTC offset is not constant."""
        if self._tables is None:
            offsets = {
                self.tz.utcoffset(datetime.combine(date.fromordinal(self._base + i), t))
                for i in range(self._ndays)
                for t in (time(0), time(12))
            }
            if len(offsets) != 1 or None in offsets:
                raise ValueError(
                    f"The time zone {self.tz} has no constant UTC offset over "
                    f"{self._first_year}-{self._last_year}; vectorised deadlines need one"
                )
            (offset,) = offsets
            assert offset is not None
            self._tables = CalendarTables(
                base_ordinal=self._base,
                first_year=self._first_year,
                last_year=self._last_year,
                rank_ceil=array("l", self._rank_on),
                is_working=self._working,
                missing=self._missing,
                working_ordinals=array("l", self._wd_ords),
                seg_end=array("l", self._seg_end),
                rank_missing_year=array("l", self._missing_year),
                cutoff_seconds=_seconds(self.schedule.cutoff),
                cutoff_day_limits=self.schedule.cutoff_day_limits,
                day_end_seconds=_seconds(self.schedule.day_end),
                utc_offset_seconds=int(offset.total_seconds()),
            )
        return self._tables

    def __repr__(self) -> str:
        """Show the covered years and the number of entries."""
        return f"<WorkCalendar years={list(self.years)} entries={len(self.entries)} tz={self.tz}>"


def _as_unit(unit: LimitUnit | str) -> LimitUnit:
    try:
        return LimitUnit(unit)
    except ValueError:
        raise ValueError(
            f"Unknown time-limit unit {unit!r}; expected one of "
            + ", ".join(u.value for u in LimitUnit)
        ) from None
