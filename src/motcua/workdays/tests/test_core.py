"""Hand-worked deadline cases over the 2024–2026 public-sector calendar, and the core API."""

from __future__ import annotations

import pickle
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from motcua.workdays.core import (
    VN_TZ,
    CalendarMissingError,
    DayEntry,
    DayKind,
    LimitUnit,
    Remaining,
    Schedule,
    WorkCalendar,
)
from motcua.workdays.data import VN_PUBLIC_SECTOR_ENTRIES, vn_public_sector_calendar

CAL = vn_public_sector_calendar()


def vn(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, s, tzinfo=VN_TZ)


def end_of(y: int, m: int, d: int) -> datetime:
    return vn(y, m, d, 17)


# ---------------------------------------------------------------------------- working days


def at(text: str) -> datetime:
    """Parse an ISO instant; without an offset it is Asia/Ho_Chi_Minh local time."""
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=VN_TZ)


# (received, n working days, due day at 17:00 local) with the reasoning above each row
WORKING_DAY_CASES = [
    # D0 Wed 7/2; 8–12/2 Tết (10–11 weekend), 13–14 nghỉ bù -> 1st = Thu 15/2
    ("2024-02-07 10:00", 1, "2024-02-15"),
    # exactly 15:00 is not before the cut-off -> D0 = next working day Thu 15/2
    ("2024-02-07 15:00", 0, "2024-02-15"),
    # 14:59 on a working day -> a same-day limit ends that day
    ("2024-02-07 14:59", 0, "2024-02-07"),
    # after the cut-off on Fri: D0 is still Fri 26/4 (the cut-off does not lengthen a limit
    # of one day or more); 27–28 weekend, Mon 29/4 swapped, 30/4, 1/5 -> +1 Thu 2/5, +2 Fri 3/5
    ("2024-04-26 16:00", 2, "2024-05-03"),
    # intake on the make-up Sat 4/5 before the cut-off -> D0 = 4/5; +1 Mon 6/5
    ("2024-05-04 09:00", 1, "2024-05-06"),
    # make-up Saturday after the cut-off -> D0 Mon 6/5
    ("2024-05-04 16:00", 0, "2024-05-06"),
    # Sunday intake; Mon 2/9, Tue 3/9 Quốc khánh -> D0 Wed 4/9; +1 Thu 5/9
    ("2024-09-01 10:00", 1, "2024-09-05"),
    # intake on Giỗ Tổ Thu 18/4 -> D0 Fri 19/4; Mon 22, Tue 23, Wed 24
    ("2024-04-18 09:00", 3, "2024-04-24"),
    # D0 Fri 24/1; 25–26 weekend, Mon 27 nghỉ bù, 28/1–1/2 Tết, Sun 2/2 -> Mon 3/2
    ("2025-01-24 14:00", 1, "2025-02-03"),
    # after the cut-off, D0 Fri 24/1 -> Mon 3/2, Tue 4 … Fri 7/2
    ("2025-01-24 15:30", 5, "2025-02-07"),
    # no make-up Saturday 15/2/2025 (holidays package, 6150/TB-BLĐTBXH) -> Mon 17/2
    ("2025-02-14 10:00", 1, "2025-02-17"),
    # D0 Thu 24/4; +1 Fri 25, +2 make-up Sat 26/4
    ("2025-04-24 10:00", 2, "2025-04-26"),
    # D0 Tue 29/4; 30/4, 1/5 holidays, Fri 2/5 swapped, weekend -> Mon 5/5
    ("2025-04-29 10:00", 1, "2025-05-05"),
    # make-up Saturday at the cut-off -> D0 Mon 28/4
    ("2025-04-26 15:00", 0, "2025-04-28"),
    # after the cut-off on Fri, D0 Fri 29/8; 30–31 weekend, 1–2/9 Quốc khánh -> Wed 3/9
    ("2025-08-29 16:00", 1, "2025-09-03"),
    # same day after the cut-off on 31/12; Thu 1/1/2026 holiday, Fri 2/1 swapped (made up on
    # Sat 10/1), weekend -> Mon 5/1/2026
    ("2025-12-31 16:00", 0, "2026-01-05"),
    # the New Year swap: 31/12/2025 + 1 working day -> Mon 5/1/2026
    ("2025-12-31 10:00", 1, "2026-01-05"),
    # Fri 9/1/2026 + 1 working day -> the make-up Saturday 10/1/2026
    ("2026-01-09 10:00", 1, "2026-01-10"),
    # the contract: D0 Fri 13/2; 16–20 Tết, weekend; Mon 23, Tue 24, Wed 25
    ("2026-02-13 09:00", 3, "2026-02-25"),
    # exactly at the cut-off, 3 working days: no change, D0 Fri 13/2 -> Wed 25/2
    ("2026-02-13 15:00", 3, "2026-02-25"),
    # exactly at the cut-off, same day -> the next working day, Mon 23/2 after Tết
    ("2026-02-13 15:00", 0, "2026-02-23"),
    # same day on a Saturday evening (not a working day): D0 Mon 2/3, the cut-off of a day
    # that is not a working day does not push it further
    ("2026-02-28 16:00", 0, "2026-03-02"),
    # 1 working day received Sunday evening: D0 Mon 2/3 -> Tue 3/3
    ("2026-03-01 20:00", 1, "2026-03-03"),
    # D0 Fri 24/4; weekend (Sun 26/4 Giỗ Tổ), Mon 27/4 nghỉ bù -> Tue 28, Wed 29
    ("2026-04-24 10:00", 2, "2026-04-29"),
    # D0 Wed 29/4; 30/4, 1/5 holidays, weekend -> Mon 4/5
    ("2026-04-29 10:00", 1, "2026-05-04"),
    # D0 Fri 21/8; +1 = make-up Sat 22/8
    ("2026-08-21 10:00", 1, "2026-08-22"),
    # same-day limit on the make-up Saturday
    ("2026-08-22 10:00", 0, "2026-08-22"),
    # D0 Fri 28/8; weekend, Mon 31/8 swapped, 1–2/9 Quốc khánh -> Thu 3/9
    ("2026-08-28 14:00", 1, "2026-09-03"),
    # UTC input: 07:59Z = 14:59 local, before the cut-off
    ("2026-02-13 07:59+00:00", 0, "2026-02-13"),
    # UTC input: 08:00Z = 15:00 local -> D0 after Tết, Mon 23/2
    ("2026-02-13 08:00+00:00", 0, "2026-02-23"),
    # UTC-5 evening of 31/12/2024 = Wed 1/1/2025 08:00 local (holiday) -> D0 Thu 2/1
    ("2024-12-31 20:00-05:00", 0, "2025-01-02"),
]


@pytest.mark.parametrize(("received", "n", "due_day"), WORKING_DAY_CASES)
def test_due_working_days(received: str, n: int, due_day: str) -> None:
    expected = datetime.combine(date.fromisoformat(due_day), time(17), tzinfo=VN_TZ)
    due = CAL.due_working_days(at(received), n)
    assert due == expected
    assert due.tzinfo is VN_TZ
    assert due.isoformat() == expected.isoformat()
    assert CAL.due(at(received), n, LimitUnit.WORKING_DAYS) == expected


# The same instants with the cut-off switched on for limits of one working day or more
# (Schedule.cutoff_day_limits, the setting MOTCUA_CUTOFF_DAY_LIMITS): D0 moves.
CAL_CUTOFF_DAYS = vn_public_sector_calendar(Schedule(cutoff_day_limits=True))
CUTOFF_DAY_LIMIT_CASES = [
    # after the cut-off on Fri -> D0 Thu 2/5; +1 Fri 3/5, +2 make-up Sat 4/5
    ("2024-04-26 16:00", 2, "2024-05-04"),
    # after the cut-off -> D0 Mon 3/2; Tue 4 … Fri 7, Mon 10/2
    ("2025-01-24 15:30", 5, "2025-02-10"),
    # after the cut-off on Fri -> D0 Wed 3/9; +1 Thu 4/9
    ("2025-08-29 16:00", 1, "2025-09-04"),
    # exactly at the cut-off -> D0 Mon 23/2; Tue 24, Wed 25, Thu 26
    ("2026-02-13 15:00", 3, "2026-02-26"),
    # one second before the cut-off -> D0 Fri 13/2 as without the setting
    ("2026-02-13 14:59:59", 3, "2026-02-25"),
    # same day: as without the setting
    ("2026-02-13 15:00", 0, "2026-02-23"),
    ("2026-02-13 14:00", 0, "2026-02-13"),
    # on a non-working day the cut-off changes nothing: Sat evening -> D0 Mon 2/3 -> Tue 3/3
    ("2026-02-28 16:00", 1, "2026-03-03"),
]


@pytest.mark.parametrize(("received", "n", "due_day"), CUTOFF_DAY_LIMIT_CASES)
def test_due_working_days_with_the_cutoff_on_day_limits(
    received: str, n: int, due_day: str
) -> None:
    expected = datetime.combine(date.fromisoformat(due_day), time(17), tzinfo=VN_TZ)
    assert CAL_CUTOFF_DAYS.due_working_days(at(received), n) == expected
    assert CAL_CUTOFF_DAYS.due(at(received), n, LimitUnit.WORKING_DAYS) == expected


def test_the_cutoff_setting_changes_only_limits_of_a_day_or_more() -> None:
    """Without the setting a 3-day limit is the same at 14:59 and 15:00; with it, one day later."""
    before, at_cut = vn(2026, 3, 2, 14, 59), vn(2026, 3, 2, 15)
    assert CAL.due(before, 3, "working_days") == CAL.due(at_cut, 3, "working_days")
    assert CAL.due(at_cut, 3, "working_days") == end_of(2026, 3, 5)
    assert CAL_CUTOFF_DAYS.due(at_cut, 3, "working_days") == end_of(2026, 3, 6)
    for cal in (CAL, CAL_CUTOFF_DAYS):
        assert cal.due(before, None, "same_day") == end_of(2026, 3, 2)
        assert cal.due(at_cut, None, "same_day") == end_of(2026, 3, 3)
    assert CAL.d0(at_cut) == date(2026, 3, 2)
    assert CAL_CUTOFF_DAYS.d0(at_cut) == date(2026, 3, 3)
    # hour and calendar-day limits ignore the cut-off either way
    for cal in (CAL, CAL_CUTOFF_DAYS):
        assert cal.due(at_cut, 1, "working_hours") == vn(2026, 3, 2, 16)
        assert cal.due(at_cut, 1, "calendar_days") == end_of(2026, 3, 3)


def test_contract_example_isoformat() -> None:
    assert CAL.due(vn(2026, 2, 13, 9), 3, "working_days").isoformat() == (
        "2026-02-25T17:00:00+07:00"
    )


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (vn(2026, 2, 13, 9), date(2026, 2, 13)),
        (vn(2026, 2, 13, 15), date(2026, 2, 13)),  # the cut-off does not move D0
        (vn(2026, 2, 14, 9), date(2026, 2, 23)),  # Saturday in the Tết break
        (vn(2026, 8, 22, 9), date(2026, 8, 22)),  # make-up Saturday
        (vn(2026, 8, 22, 0, 0), date(2026, 8, 22)),  # midnight counts as before the cut-off
    ],
)
def test_d0(received: datetime, expected: date) -> None:
    assert CAL.d0(received) == expected


def test_same_day_unit() -> None:
    r = vn(2026, 8, 21, 14, 30)
    assert CAL.due(r, None, LimitUnit.SAME_DAY) == end_of(2026, 8, 21)
    assert CAL.due(r, 0, "same_day") == end_of(2026, 8, 21)
    # after the cut-off a same-day limit ends with the next working day (make-up Saturday)
    assert CAL.due(vn(2026, 8, 21, 15, 1), None, "same_day") == end_of(2026, 8, 22)
    with pytest.raises(ValueError, match="same-day"):
        CAL.due(r, 1, LimitUnit.SAME_DAY)


# ---------------------------------------------------------------------------- working hours

# (received, hours, expected due instant)
HOUR_CASES: list[tuple[str, int | float | Decimal | timedelta, str]] = [
    # 1.5 h to 11:30, lunch, 0.5 h from 13:30
    ("2024-06-03 10:00", 2, "2024-06-03 14:00"),
    # lands exactly on the day end: stays at 17:00, not the next morning
    ("2026-02-13 16:00", 1, "2026-02-13 17:00"),
    # 1 h to 17:00, Tết + weekend, then 1 h from Mon 23/2 07:00
    ("2026-02-13 16:00", 2, "2026-02-23 08:00"),
    # intake at lunch starts at 13:30
    ("2024-06-03 12:00", 1, "2024-06-03 14:30"),
    # early intake starts at 07:00; exactly one morning session ends on 11:30
    ("2024-06-03 06:00", 4.5, "2024-06-03 11:30"),
    # Saturday intake starts Mon 07:00
    ("2024-06-01 10:00", 1, "2024-06-03 08:00"),
    # make-up Sat 26/4/2025: 0.5 h to 17:00, then Mon 28/4 from 07:00
    ("2025-04-26 16:30", 1, "2025-04-28 07:30"),
    # 2 h on 29/4 (no cut-off), 30/4–4/5 off, 4.5 h morning + 1.5 h -> 15:00 Mon 5/5
    ("2025-04-29 15:00", 8, "2025-05-05 15:00"),
    # Decimal and timedelta amounts: 0.5 h to 11:30, 1 h from 13:30
    ("2024-06-03 11:00", Decimal("1.5"), "2024-06-03 14:30"),
    ("2024-06-03 11:00", timedelta(minutes=90), "2024-06-03 14:30"),
    # zero from after hours -> the next session start; zero inside a session -> unchanged
    ("2024-05-31 17:30", 0, "2024-06-03 07:00"),
    ("2024-06-03 09:15", 0, "2024-06-03 09:15"),
    # five 8-hour days from Monday 07:00 end on Friday 17:00
    ("2024-06-03 07:00", 40, "2024-06-07 17:00"),
    # UTC input 03:00Z = 10:00 local
    ("2024-06-03 03:00+00:00", 2, "2024-06-03 14:00"),
]


@pytest.mark.parametrize(("received", "hours", "expected"), HOUR_CASES)
def test_due_working_hours(
    received: str, hours: int | float | Decimal | timedelta, expected: str
) -> None:
    due = CAL.due_working_hours(at(received), hours)
    assert due == at(expected)
    assert due.tzinfo is VN_TZ
    if not isinstance(hours, timedelta):
        assert CAL.due(at(received), hours, "working_hours") == at(expected)


def test_working_time_between_examples() -> None:
    assert CAL.working_time_between(vn(2024, 6, 3, 10), vn(2024, 6, 3, 14)) == timedelta(hours=2)
    # Fri 16:00 -> Mon 23/2/2026 08:00 across Tết: 1 h + 1 h
    assert CAL.working_time_between(vn(2026, 2, 13, 16), vn(2026, 2, 23, 8)) == timedelta(hours=2)
    # whole Tết week: nothing
    assert CAL.working_time_between(vn(2026, 2, 14), vn(2026, 2, 22, 23)) == timedelta(0)
    # reversed gives zero
    assert CAL.working_time_between(vn(2024, 6, 3, 14), vn(2024, 6, 3, 10)) == timedelta(0)
    # make-up Saturday 22/8/2026 counts a full day
    assert CAL.working_time_between(vn(2026, 8, 22), vn(2026, 8, 23)) == timedelta(hours=8)


# ---------------------------------------------------------------------------- calendar days

# (received, n calendar days, due day at 17:00 local)
CALENDAR_DAY_CASES = [
    # Fri 24/4/2026 + 3 = Mon 27/4, nghỉ bù Giỗ Tổ -> Tue 28/4
    ("2026-04-24 10:00", 3, "2026-04-28"),
    # Mon 9/2/2026 + 10 = Thu 19/2, Tết -> Mon 23/2
    ("2026-02-09 10:00", 10, "2026-02-23"),
    # Sat 15/2/2025 + 0 is not worked -> Mon 17/2
    ("2025-02-15 10:00", 0, "2025-02-17"),
    # Mon 21/4/2025 + 5 lands on the make-up Sat 26/4: it stays
    ("2025-04-21 10:00", 5, "2025-04-26"),
    # intake on a holiday evening (no cut-off for calendar days): 1/5 + 1 = Thu 2/5
    ("2024-05-01 20:00", 1, "2024-05-02"),
    # Fri 30/8/2024 + 3 = Mon 2/9 Quốc khánh, Tue 3/9 too -> Wed 4/9
    ("2024-08-30 10:00", 3, "2024-09-04"),
]


@pytest.mark.parametrize(("received", "n", "due_day"), CALENDAR_DAY_CASES)
def test_due_calendar_days(received: str, n: int, due_day: str) -> None:
    expected = datetime.combine(date.fromisoformat(due_day), time(17), tzinfo=VN_TZ)
    assert CAL.due_calendar_days(at(received), n) == expected
    assert CAL.due(at(received), n, LimitUnit.CALENDAR_DAYS) == expected


# ---------------------------------------------------------------------------- day helpers


def test_is_working_day() -> None:
    assert not CAL.is_working_day(date(2026, 2, 16))  # Tết
    assert not CAL.is_working_day(date(2026, 4, 27))  # nghỉ bù
    assert not CAL.is_working_day(date(2026, 8, 31))  # swapped
    assert CAL.is_working_day(date(2026, 8, 22))  # make-up Saturday
    assert not CAL.is_working_day(date(2026, 8, 29))  # ordinary Saturday
    assert CAL.is_working_day(date(2026, 11, 24))  # Ngày Văn hóa: not confirmed here


def test_add_working_days_and_between() -> None:
    assert CAL.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert CAL.add_working_days(date(2026, 2, 14), 0) == date(2026, 2, 23)
    assert CAL.add_working_days(date(2026, 2, 13), 0) == date(2026, 2, 13)
    assert CAL.add_working_days(date(2024, 5, 3), 1) == date(2024, 5, 4)
    assert CAL.working_days_between(date(2026, 2, 13), date(2026, 2, 25)) == 3
    assert CAL.working_days_between(date(2026, 2, 25), date(2026, 2, 13)) == -3
    assert CAL.working_days_between(date(2026, 2, 14), date(2026, 2, 22)) == 0
    assert CAL.working_days_between(date(2026, 8, 21), date(2026, 8, 24)) == 2  # 22/8, 24/8
    with pytest.raises(ValueError, match="negative"):
        CAL.add_working_days(date(2026, 2, 13), -1)
    with pytest.raises(TypeError):
        CAL.add_working_days(vn(2026, 2, 13), 1)  # a datetime, not a date


# ---------------------------------------------------------------------------- pause / resume


def test_pause_and_resume_working_days() -> None:
    due = CAL.due_working_days(vn(2026, 2, 13, 9), 3)  # Wed 25/2 17:00
    rem = CAL.remaining(due, LimitUnit.WORKING_DAYS, vn(2026, 2, 23, 10))
    # the pause day (Mon 23/2) counts as used: left are Tue 24 and Wed 25
    assert rem == Remaining(unit=LimitUnit.WORKING_DAYS, working_days=2)
    # resumed Wed 4/3 09:00 before the cut-off: D0 = 4/3, +2 -> Fri 6/3
    assert CAL.resume(rem, vn(2026, 3, 4, 9), due) == end_of(2026, 3, 6)
    # resumed after the cut-off: the same (2 working days left, the cut-off does not lengthen)
    assert CAL.resume(rem, vn(2026, 3, 4, 16), due) == end_of(2026, 3, 6)
    # with the cut-off on day limits: D0 Thu 5/3, +2 -> Mon 9/3
    assert CAL_CUTOFF_DAYS.resume(rem, vn(2026, 3, 4, 16), due) == end_of(2026, 3, 9)
    # restart policy: the full limit again from the complete dossier
    assert CAL.due(vn(2026, 3, 4, 9), 3, "working_days") == end_of(2026, 3, 9)


def test_pause_overdue_keeps_due() -> None:
    due = end_of(2026, 2, 25)
    rem = CAL.remaining(due, "working_days", vn(2026, 2, 26, 8))
    assert rem.overdue and rem.working_days == 0
    assert CAL.resume(rem, vn(2026, 3, 10, 9), due) == due
    assert CAL.remaining(due, "working_days", due).overdue  # paused at the due instant


def test_pause_and_resume_hours() -> None:
    due = CAL.add_working_time(vn(2026, 2, 13, 16), timedelta(hours=2))  # Mon 23/2 08:00
    rem = CAL.remaining(due, LimitUnit.WORKING_HOURS, vn(2026, 2, 13, 16, 30))
    assert rem.working_time == timedelta(hours=1, minutes=30)
    # Tue 24/2 16:00: 1 h to 17:00, then 0.5 h -> Wed 25/2 07:30
    assert CAL.resume(rem, vn(2026, 2, 24, 16), due) == vn(2026, 2, 25, 7, 30)


def test_pause_and_resume_calendar_days() -> None:
    due = CAL.due_calendar_days(vn(2026, 2, 9, 10), 10)  # Mon 23/2 17:00
    rem = CAL.remaining(due, LimitUnit.CALENDAR_DAYS, vn(2026, 2, 12, 10))
    assert rem.calendar_days == 11
    assert CAL.resume(rem, vn(2026, 3, 2, 10), due) == end_of(2026, 3, 13)


def test_pause_same_day_limit() -> None:
    due = CAL.due(vn(2026, 3, 2, 9), None, "same_day")
    rem = CAL.remaining(due, "same_day", vn(2026, 3, 2, 10))
    assert rem.working_days == 0 and not rem.overdue
    assert CAL.resume(rem, vn(2026, 3, 3, 16), due) == end_of(2026, 3, 4)


# ---------------------------------------------------------------------------- missing years


@pytest.mark.parametrize(
    ("call", "year"),
    [
        (lambda: CAL.due_working_days(vn(2023, 12, 29, 9), 0), 2023),
        (lambda: CAL.due_working_days(vn(2027, 1, 4, 9), 0), 2027),
        (lambda: CAL.due_working_days(vn(2026, 12, 31, 9), 1), 2027),
        (lambda: CAL.due_working_days(vn(2026, 12, 31, 16), 0), 2027),
        (lambda: CAL.due_working_days(vn(2026, 12, 1, 9), 10_000), 2027),
        # 16:59:59Z is 23:59:59 local on 31/12/2023; one second later it is 2024
        (lambda: CAL.due_working_days(datetime(2023, 12, 31, 16, 59, 59, tzinfo=UTC), 0), 2023),
        (lambda: CAL.due_working_hours(vn(2026, 12, 31, 16), 2), 2027),
        (lambda: CAL.due_calendar_days(vn(2026, 12, 20, 9), 30), 2027),
        (lambda: CAL.due_calendar_days(vn(2023, 5, 1, 9), 0), 2023),
        (lambda: CAL.add_working_days(date(2026, 12, 30), 5), 2027),
        (lambda: CAL.working_days_between(date(2026, 12, 30), date(2027, 1, 5)), 2027),
        (lambda: CAL.is_working_day(date(2023, 12, 31)), 2023),
        (lambda: CAL_CUTOFF_DAYS.d0(vn(2026, 12, 31, 15)), 2027),
        (lambda: CAL.working_time_between(vn(2023, 12, 31), vn(2024, 1, 2)), 2023),
    ],
)
def test_missing_years_raise(call: object, year: int) -> None:
    with pytest.raises(CalendarMissingError) as info:
        call()  # type: ignore[operator]
    assert info.value.year == year
    assert str(info.value) == f"No confirmed working calendar for year {year}"


def test_calendar_missing_error_is_lookup_error_and_pickles() -> None:
    err = CalendarMissingError(2027)
    assert isinstance(err, LookupError)
    again = pickle.loads(pickle.dumps(err))
    assert again.year == 2027 and str(again) == str(err)


GAP = WorkCalendar(
    [2024, 2026], [e for e in VN_PUBLIC_SECTOR_ENTRIES if e.day.year in (2024, 2026)]
)


def test_gap_year_raises_everywhere() -> None:
    # Tue 31/12/2024 is a working day of a confirmed year: fine the same day
    assert GAP.due_working_days(vn(2024, 12, 31, 9), 0) == end_of(2024, 12, 31)
    # Sun 1/12 excluded; Mon 2/12 … Tue 31/12: four full weeks + Mon 30, Tue 31 = 22
    assert GAP.working_days_between(date(2024, 12, 1), date(2024, 12, 31)) == 22
    assert GAP.working_time_between(vn(2024, 12, 31, 16), vn(2024, 12, 31, 23)) == (
        timedelta(hours=1)
    )
    cases = [
        lambda: GAP.due_working_days(vn(2024, 12, 31, 9), 1),
        lambda: GAP.due_working_days(vn(2024, 12, 31, 16), 0),
        lambda: GAP.due_working_days(vn(2025, 6, 2, 9), 0),
        lambda: GAP.due_working_days(vn(2024, 12, 2, 9), 300),
        lambda: GAP.d0(vn(2025, 6, 2, 9)),
        lambda: GAP.add_working_days(date(2024, 12, 30), 3),
        lambda: GAP.add_working_days(date(2025, 3, 3), 0),
        lambda: GAP.working_days_between(date(2024, 12, 30), date(2026, 1, 5)),
        lambda: GAP.working_time_between(vn(2024, 12, 31, 9), vn(2026, 1, 2, 9)),
        lambda: GAP.add_working_time(vn(2024, 12, 31, 16), timedelta(hours=2)),
        lambda: GAP.due_calendar_days(vn(2024, 12, 31, 9), 1),
        lambda: GAP.is_working_day(date(2025, 7, 1)),
    ]
    for call in cases:
        with pytest.raises(CalendarMissingError) as info:
            call()
        assert info.value.year == 2025
    # and 2026 works again after the gap
    assert GAP.due_working_days(vn(2026, 2, 13, 9), 3) == end_of(2026, 2, 25)


# ---------------------------------------------------------------------------- bad input


def test_naive_datetime_is_value_error() -> None:
    naive = datetime(2026, 2, 13, 9)
    for call in (
        lambda: CAL.due_working_days(naive, 1),
        lambda: CAL.due_working_hours(naive, 1),
        lambda: CAL.due_calendar_days(naive, 1),
        lambda: CAL.d0(naive),
        lambda: CAL.working_time_between(naive, vn(2026, 2, 13, 10)),
        lambda: CAL.remaining(vn(2026, 2, 25, 17), "working_days", naive),
    ):
        with pytest.raises(ValueError, match="timezone-aware"):
            call()


def test_bad_amounts_and_units() -> None:
    r = vn(2026, 3, 2, 9)
    with pytest.raises(ValueError, match="negative"):
        CAL.due_working_days(r, -1)
    with pytest.raises(ValueError, match="negative"):
        CAL.due_working_hours(r, -0.5)
    with pytest.raises(ValueError, match="negative"):
        CAL.due_calendar_days(r, -1)
    with pytest.raises(ValueError, match="whole number"):
        CAL.due(r, 1.5, "working_days")
    with pytest.raises(ValueError, match="Unknown time-limit unit"):
        CAL.due(r, 1, "fortnights")
    with pytest.raises(ValueError, match="finite"):
        CAL.due_working_hours(r, float("nan"))
    with pytest.raises(TypeError):
        CAL.due_working_days(date(2026, 3, 2), 1)  # type: ignore[arg-type]
    assert CAL.due(r, Decimal(2), "working_days") == end_of(2026, 3, 4)


def test_calendar_validation() -> None:
    e = DayEntry(date(2026, 2, 16), DayKind.HOLIDAY, "Tết")
    with pytest.raises(ValueError, match="outside the confirmed years"):
        WorkCalendar([2025], [e])
    with pytest.raises(ValueError, match="Two calendar entries"):
        WorkCalendar([2026], [e, DayEntry(date(2026, 2, 16), DayKind.SWAPPED_DAY_OFF)])
    with pytest.raises(ValueError, match="at least one"):
        WorkCalendar([], [])
    with pytest.raises(ValueError, match="weekmask"):
        WorkCalendar([2026], [], weekmask=(True,) * 5)
    with pytest.raises(ValueError, match="Unknown day kind"):
        DayEntry(date(2026, 1, 1), "party")  # type: ignore[arg-type]
    assert DayEntry(date(2026, 1, 1), "holiday").kind is DayKind.HOLIDAY  # type: ignore[arg-type]


def test_entries_on_the_other_kind_of_day_change_nothing() -> None:
    cal = WorkCalendar(
        [2026],
        [
            DayEntry(date(2026, 4, 26), DayKind.HOLIDAY, "Giỗ Tổ (Sunday)"),
            DayEntry(date(2026, 3, 4), DayKind.MAKEUP_WORKING_DAY, "already a weekday"),
        ],
    )
    assert not cal.is_working_day(date(2026, 4, 26))
    assert cal.is_working_day(date(2026, 3, 4))
    assert cal.entry(date(2026, 4, 26)) is not None


def test_six_day_weekmask() -> None:
    cal = WorkCalendar([2026], [], weekmask=(True,) * 6 + (False,))
    assert cal.due_working_days(vn(2026, 3, 6, 9), 1) == end_of(2026, 3, 7)  # Fri -> Sat


# ---------------------------------------------------------------------------- schedule


def test_schedule_defaults_and_parse() -> None:
    s = Schedule()
    assert s.day_end == time(17) and s.day_seconds == 8 * 3600 and s.cutoff == time(15)
    assert Schedule.parse("07:00-11:30,13:30-17:00", "15:00") == s
    assert s.cutoff_day_limits is False
    assert Schedule.parse("07:00-17:00", "15:00", cutoff_day_limits=True).cutoff_day_limits
    with pytest.raises(ValueError, match="cutoff_day_limits must be True or False"):
        Schedule(cutoff_day_limits="yes")  # type: ignore[arg-type]
    p = Schedule.parse(" 07:30 - 11:30 , 13:00-16:30 ", "16:00")
    assert p.sessions == ((time(7, 30), time(11, 30)), (time(13), time(16, 30)))
    assert p.day_seconds == 7 * 3600 + 30 * 60


@pytest.mark.parametrize(
    ("sessions", "cutoff", "message"),
    [
        ("", "15:00", "at least one session"),
        ("11:00-07:00", "10:00", "must start before it ends"),
        ("13:30-17:00,07:00-11:30", "15:00", "sorted and must not overlap"),
        ("07:00-12:00,11:30-17:00", "15:00", "sorted and must not overlap"),
        ("07:00-11:30,13:30-17:00", "17:30", "must not be after the end"),
        ("07:00-11:30-13:00", "15:00", "HH:MM-HH:MM"),
        ("7h-11h", "15:00", "not a time of day"),
    ],
)
def test_schedule_validation(sessions: str, cutoff: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Schedule.parse(sessions, cutoff)


def test_custom_schedule_changes_day_end_and_cutoff() -> None:
    cal = vn_public_sector_calendar(Schedule.parse("07:30-11:30,13:00-16:30", "16:00"))
    assert cal.due_working_days(vn(2026, 3, 2, 15, 30), 0) == vn(2026, 3, 2, 16, 30)
    assert cal.due_working_days(vn(2026, 3, 2, 16), 0) == vn(2026, 3, 3, 16, 30)
    assert cal.due_working_hours(vn(2026, 3, 2, 11), 1) == vn(2026, 3, 2, 13, 30)


# ---------------------------------------------------------------------------- tables


def test_tables() -> None:
    t = CAL.tables()
    assert t.base_ordinal == date(2024, 1, 1).toordinal() and t.first_year == 2024
    assert t.utc_offset_seconds == 7 * 3600
    assert t.cutoff_seconds == 15 * 3600 and t.day_end_seconds == 17 * 3600
    assert t.cutoff_day_limits is False and CAL_CUTOFF_DAYS.tables().cutoff_day_limits is True
    assert len(t.rank_ceil) == len(t.is_working) == len(t.missing) == 366 + 365 + 365
    assert sum(t.is_working) == 251 + 250 + 250
    assert list(t.rank_missing_year).count(0) == 751 and t.rank_missing_year[-1] == 2027


def test_tables_refuse_a_zone_with_dst() -> None:
    cal = WorkCalendar([2026], [], tz=ZoneInfo("Europe/Paris"))
    assert cal.due_working_days(datetime(2026, 7, 1, 9, tzinfo=cal.tz), 0).hour == 17
    with pytest.raises(ValueError, match="constant UTC offset"):
        cal.tables()


def test_core_imports_neither_numpy_nor_django() -> None:
    code = (
        "import sys, motcua.workdays.core, motcua.workdays.data;"
        "bad = [m for m in ('numpy', 'django') if m in sys.modules];"
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
