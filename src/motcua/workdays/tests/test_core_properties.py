"""Property tests of the deadline core, and numpy.busday_offset as an independent oracle."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from motcua.workdays.core import VN_TZ, DayKind, LimitUnit
from motcua.workdays.data import VN_PUBLIC_SECTOR_ENTRIES, vn_public_sector_calendar

CAL = vn_public_sector_calendar()
FIRST = date(2024, 1, 1)
LAST_INTAKE = date(2026, 9, 30)  # + 60 working days stays inside 2026
SESSIONS = CAL.schedule.sessions

PROPS = settings(max_examples=300, deadline=None)


def _as_date(ordinal: int) -> date:
    return date.fromordinal(ordinal)


dates = st.integers(FIRST.toordinal(), LAST_INTAKE.toordinal()).map(_as_date)
working_dates = dates.filter(CAL.is_working_day)


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    """Return any instant of the intake range, in local time or in UTC."""
    d = draw(dates)
    seconds = draw(st.integers(0, 86_399))
    micro = draw(st.sampled_from([0, 0, 0, 1, 999_999]))
    local = datetime.combine(d, time(), tzinfo=VN_TZ) + timedelta(
        seconds=seconds, microseconds=micro
    )
    return local.astimezone(UTC) if draw(st.booleans()) else local


@st.composite
def in_session(draw: st.DrawFn, *, include_start: bool = True) -> datetime:
    """Return an instant inside a session of a working day."""
    d = draw(working_dates)
    start, end = draw(st.sampled_from(SESSIONS))
    s0 = (start.hour * 60 + start.minute) * 60
    s1 = (end.hour * 60 + end.minute) * 60
    if include_start:
        offset = draw(st.integers(0, (s1 - s0) * 1_000_000 - 1))
    else:
        offset = draw(st.integers(1, (s1 - s0) * 1_000_000))
    return datetime.combine(d, start, tzinfo=VN_TZ) + timedelta(microseconds=offset)


amounts = st.integers(0, 60)
hour_amounts = st.integers(0, 400 * 3600).map(lambda s: timedelta(seconds=s))


@PROPS
@given(instants(), amounts, amounts)
def test_due_is_monotonic_in_the_amount(received: datetime, a: int, b: int) -> None:
    a, b = min(a, b), max(a, b)
    da, db = CAL.due_working_days(received, a), CAL.due_working_days(received, b)
    assert da <= db
    if a < b:
        assert da < db
    assert CAL.due_calendar_days(received, a) <= CAL.due_calendar_days(received, b)
    ha = CAL.due_working_hours(received, timedelta(hours=a))
    hb = CAL.due_working_hours(received, timedelta(hours=b))
    assert ha <= hb


@PROPS
@given(instants(), instants(), amounts)
def test_due_is_monotonic_in_the_intake(r1: datetime, r2: datetime, n: int) -> None:
    r1, r2 = min(r1, r2), max(r1, r2)
    assert CAL.due_working_days(r1, n) <= CAL.due_working_days(r2, n)
    assert CAL.due_working_hours(r1, n) <= CAL.due_working_hours(r2, n)


@PROPS
@given(dates, st.integers(1, 30), st.integers(1, 30))
def test_adding_a_then_b_working_days_is_adding_a_plus_b(d: date, a: int, b: int) -> None:
    assert CAL.add_working_days(CAL.add_working_days(d, a), b) == CAL.add_working_days(d, a + b)
    assert CAL.working_days_between(d, CAL.add_working_days(d, a)) == a


@PROPS
@given(instants(), amounts)
def test_day_based_due_is_end_of_d0_plus_n(received: datetime, n: int) -> None:
    due = CAL.due_working_days(received, n)
    local = received.astimezone(VN_TZ)
    d0 = CAL.d0(received)
    # The cut-off moves only a same-day limit received on a working day at or after 15:00.
    late_same_day = (
        n == 0 and CAL.is_working_day(local.date()) and local.time() >= CAL.schedule.cutoff
    )
    assert due.date() == CAL.add_working_days(d0, 1 if late_same_day else n)
    assert due.timetz() == time(17, tzinfo=VN_TZ)
    assert d0 == CAL.add_working_days(local.date(), 0)  # D0 ignores the cut-off by default


@PROPS
@given(instants(), amounts, hour_amounts)
def test_a_due_never_falls_on_a_non_working_day(
    received: datetime, n: int, hours: timedelta
) -> None:
    for unit, amount in (
        (LimitUnit.WORKING_DAYS, n),
        (LimitUnit.CALENDAR_DAYS, n),
        (LimitUnit.SAME_DAY, None),
        (LimitUnit.WORKING_HOURS, hours),
    ):
        due = CAL.due(received, amount, unit)
        assert CAL.is_working_day(due.date()), (unit, due)
        assert due.tzinfo is VN_TZ
    # an hour-based due is inside a session, or exactly at its end
    due = CAL.due_working_hours(received, hours)
    t = due.time()
    assert any(start <= t <= end for start, end in SESSIONS), due


@PROPS
@given(in_session(), hour_amounts, st.integers(0, 999_999))
def test_working_time_round_trip(start: datetime, delta: timedelta, micro: int) -> None:
    delta += timedelta(microseconds=micro)
    assert CAL.working_time_between(start, CAL.add_working_time(start, delta)) == delta


@PROPS
@given(in_session(), in_session(include_start=False))
def test_add_working_time_inverts_working_time_between(a: datetime, b: datetime) -> None:
    assume(a < b)  # b is never a session start: a due lands on a session end instead
    assert CAL.add_working_time(a, CAL.working_time_between(a, b)) == b


@st.composite
def pause_before_cutoff(draw: st.DrawFn) -> datetime:
    d = draw(working_dates)
    seconds = draw(st.integers(0, 15 * 3600 - 1))
    return datetime.combine(d, time(), tzinfo=VN_TZ) + timedelta(seconds=seconds)


@PROPS
@given(instants(), amounts, pause_before_cutoff())
def test_pause_then_immediate_resume_keeps_a_day_based_due(
    received: datetime, n: int, paused: datetime
) -> None:
    due = CAL.due_working_days(received, n)
    rem = CAL.remaining(due, LimitUnit.WORKING_DAYS, paused)
    if paused >= due:
        assert rem.overdue
        assert CAL.resume(rem, paused, due) == due
        return
    assert not rem.overdue
    assert CAL.resume(rem, paused, due) == due


@PROPS
@given(instants(), hour_amounts.filter(bool), instants())
def test_pause_then_immediate_resume_keeps_an_hour_based_due(
    received: datetime, hours: timedelta, paused: datetime
) -> None:
    due = CAL.due_working_hours(received, hours)
    rem = CAL.remaining(due, LimitUnit.WORKING_HOURS, paused)
    assert CAL.resume(rem, paused, due) == due


@PROPS
@given(dates, dates)
def test_working_days_between_is_antisymmetric(a: date, b: date) -> None:
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)


# ---------------------------------------------------------------------------- numpy oracle

MAKEUP_DAYS = sorted(
    e.day for e in VN_PUBLIC_SECTOR_ENTRIES if e.kind is DayKind.MAKEUP_WORKING_DAY
)
WEEKDAYS_OFF = np.array(
    sorted(e.day for e in VN_PUBLIC_SECTOR_ENTRIES if e.kind.is_day_off and e.day.weekday() < 5),
    dtype="datetime64[D]",
)
BUSDAYCAL = np.busdaycalendar(weekmask="1111100", holidays=WEEKDAYS_OFF)


def _oracle_add(d: date, n: int) -> date:
    """Return add_working_days(d, n) computed by numpy (valid without make-up days)."""
    if n == 0:
        out = np.busday_offset(np.datetime64(d), 0, roll="forward", busdaycal=BUSDAYCAL)
    else:
        nxt = np.datetime64(d + timedelta(days=1))
        out = np.busday_offset(nxt, n - 1, roll="forward", busdaycal=BUSDAYCAL)
    result: date = out.astype(object)
    return result


@pytest.mark.parametrize(
    ("lo", "hi"),
    [
        (date(2024, 1, 1), date(2024, 5, 3)),
        (date(2024, 5, 5), date(2025, 4, 25)),
        (date(2025, 4, 27), date(2026, 1, 9)),  # to the make-up Sat 10/1/2026
        (date(2026, 1, 11), date(2026, 8, 21)),  # 2026 between the make-up Saturdays
        (date(2026, 8, 23), date(2026, 12, 31)),  # and after the second one
    ],
)
def test_add_working_days_agrees_with_busday_offset(lo: date, hi: date) -> None:
    """Compare on many random (date, n) whose whole span avoids a make-up day."""
    rng = np.random.default_rng(lo.toordinal())
    checked = 0
    for _ in range(4000):
        d = date.fromordinal(int(rng.integers(lo.toordinal(), hi.toordinal() + 1)))
        n = int(rng.integers(0, 120))
        expected = _oracle_add(d, n)
        if expected > hi:
            continue
        assert CAL.add_working_days(d, n) == expected, (d, n)
        b = d + timedelta(days=int(rng.integers(0, 200)))
        if b <= hi:
            count = np.busday_count(
                np.datetime64(d + timedelta(days=1)),
                np.datetime64(b + timedelta(days=1)),
                busdaycal=BUSDAYCAL,
            )
            assert CAL.working_days_between(d, b) == int(count), (d, b)
        checked += 1
    assert checked > 1000


def test_the_oracle_disagrees_across_a_makeup_day() -> None:
    """Show that the oracle cannot express make-up Saturdays (and that the test can fail)."""
    d = date(2026, 8, 21)
    assert _oracle_add(d, 1) == date(2026, 8, 24)
    assert CAL.add_working_days(d, 1) == date(2026, 8, 22)
    assert date(2026, 8, 22) in MAKEUP_DAYS
