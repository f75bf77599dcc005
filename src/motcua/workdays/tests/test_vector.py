"""The vectorised due date must equal the scalar one, errors included."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from motcua.workdays.core import VN_TZ, CalendarMissingError, Schedule, WorkCalendar
from motcua.workdays.data import VN_PUBLIC_SECTOR_ENTRIES, vn_public_sector_calendar
from motcua.workdays.vector import due_working_days_array

CAL = vn_public_sector_calendar()


def epoch(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> int:
    return int(datetime(y, m, d, h, mi, s, tzinfo=VN_TZ).timestamp())


def scalar_epochs(cal: WorkCalendar, seconds: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    out = np.empty(len(seconds), dtype=np.int64)
    f = cal.due_working_days
    for i, (s, n) in enumerate(zip(seconds.tolist(), amounts.tolist(), strict=True)):
        out[i] = int(f(datetime.fromtimestamp(s, tz=UTC), n).timestamp())
    return out


def random_inputs(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return intakes over 2024-01-01..2026-10-31 with the cut-off and make-up days stressed."""
    rng = np.random.default_rng(seed)
    lo, hi = epoch(2024, 1, 1), epoch(2026, 10, 31)
    seconds = rng.integers(lo, hi, n)
    # a quarter of them exactly at, or one second either side of, 15:00 local
    cut = rng.random(n) < 0.25
    day_start = seconds - (seconds + 7 * 3600) % 86_400
    seconds[cut] = day_start[cut] + 15 * 3600 + rng.integers(-1, 2, int(cut.sum()))
    # and some on the make-up Saturdays themselves
    makeups = np.array([epoch(2024, 5, 4), epoch(2025, 4, 26), epoch(2026, 8, 22)])
    on_makeup = rng.random(n) < 0.02
    seconds[on_makeup] = rng.choice(makeups, int(on_makeup.sum())) + rng.integers(
        0, 86_400, int(on_makeup.sum())
    )
    amounts = rng.integers(0, 41, n)
    return seconds, amounts


def test_equals_the_scalar_function_on_100k_random_inputs() -> None:
    seconds, amounts = random_inputs(100_000, seed=7)
    got = due_working_days_array(CAL, seconds, amounts)
    assert got.dtype == np.dtype("datetime64[s]")
    expected = scalar_epochs(CAL, seconds, amounts)
    mismatches = np.flatnonzero(got.view(np.int64) != expected)
    assert mismatches.size == 0, [
        (datetime.fromtimestamp(int(seconds[i]), tz=VN_TZ), int(amounts[i])) for i in mismatches[:5]
    ]
    # datetime64 input gives the same answer as epoch seconds
    again = due_working_days_array(CAL, seconds.astype("datetime64[s]"), amounts)
    assert np.array_equal(again, got)


def test_equals_the_scalar_function_with_the_cutoff_on_day_limits() -> None:
    cal = vn_public_sector_calendar(Schedule(cutoff_day_limits=True))
    seconds, amounts = random_inputs(30_000, seed=11)
    got = due_working_days_array(cal, seconds, amounts)
    assert np.array_equal(got.view(np.int64), scalar_epochs(cal, seconds, amounts))
    # and the setting changes the answer for the same inputs (limits of a day or more after
    # the cut-off), so the two calendars are really different
    assert not np.array_equal(got, due_working_days_array(CAL, seconds, amounts))


def test_the_cutoff_moves_only_same_day_limits_by_default() -> None:
    at_cut = np.array([epoch(2026, 3, 2, 15)] * 2)  # Mon 2/3 15:00 local
    by_default = due_working_days_array(CAL, at_cut, np.array([0, 1]))
    assert by_default.tolist() == [datetime(2026, 3, 3, 10), datetime(2026, 3, 3, 10)]
    cal = vn_public_sector_calendar(Schedule(cutoff_day_limits=True))
    switched_on = due_working_days_array(cal, at_cut, np.array([0, 1]))
    assert switched_on.tolist() == [datetime(2026, 3, 3, 10), datetime(2026, 3, 4, 10)]


def test_contract_example_and_cutoff() -> None:
    received = np.array(
        [
            np.datetime64("2026-02-13T02:00:00"),  # 09:00 local Fri, 3 wd -> Wed 25/2
            np.datetime64("2026-02-13T07:59:59"),  # 14:59:59 local, 0 -> same day
            np.datetime64("2026-02-13T08:00:00"),  # 15:00 local, 0 -> Mon 23/2
            np.datetime64("2026-08-21T03:00:00"),  # Fri 10:00 local, 1 -> make-up Sat 22/8
        ]
    )
    got = due_working_days_array(CAL, received, np.array([3, 0, 0, 1]))
    assert got.tolist() == [
        datetime(2026, 2, 25, 10),  # 17:00 +07:00 in UTC
        datetime(2026, 2, 13, 10),
        datetime(2026, 2, 23, 10),
        datetime(2026, 8, 22, 10),
    ]


def test_shapes_units_and_broadcasting() -> None:
    received = np.array(
        [["2026-03-02T01:00", "2026-03-02T09:00"], ["2026-03-06T01:00", "2026-03-07T01:00"]],
        dtype="datetime64[m]",
    )
    got = due_working_days_array(CAL, received, np.int64(1))
    assert got.shape == (2, 2)
    assert got[0, 0] == np.datetime64("2026-03-03T10:00:00")  # Mon 08:00 local -> Tue
    assert got[0, 1] == np.datetime64("2026-03-03T10:00:00")  # Mon 16:00 local -> Tue
    assert got[1, 1] == np.datetime64("2026-03-10T10:00:00")  # Sat -> D0 Mon 9/3 -> Tue
    empty = due_working_days_array(CAL, np.array([], dtype=np.int64), np.array([], dtype=int))
    assert empty.shape == (0,) and empty.dtype == np.dtype("datetime64[s]")


@pytest.mark.parametrize(
    ("seconds", "amounts", "year"),
    [
        ([epoch(2023, 12, 29, 9)], [0], 2023),
        ([epoch(2027, 1, 4, 9)], [0], 2027),
        ([epoch(2026, 12, 31, 9)], [1], 2027),  # the due runs into 2027
        ([epoch(2026, 12, 31, 16)], [0], 2027),  # after the cut-off on the last day
        ([epoch(2026, 3, 2, 9), epoch(2026, 12, 30, 9), epoch(2023, 6, 1)], [1, 5, 0], 2027),
        ([epoch(2026, 3, 2, 9), epoch(2023, 6, 1), epoch(2026, 12, 30, 9)], [1, 0, 5], 2023),
    ],
)
def test_missing_years_raise_like_the_scalar(
    seconds: list[int], amounts: list[int], year: int
) -> None:
    with pytest.raises(CalendarMissingError) as info:
        due_working_days_array(CAL, np.array(seconds), np.array(amounts))
    assert info.value.year == year
    first_bad = next(
        i for i, (s, n) in enumerate(zip(seconds, amounts, strict=True)) if _scalar_raises(s, n)
    )
    with pytest.raises(CalendarMissingError) as scalar:
        CAL.due_working_days(datetime.fromtimestamp(seconds[first_bad], tz=UTC), amounts[first_bad])
    assert scalar.value.year == year


def _scalar_raises(s: int, n: int) -> bool:
    try:
        CAL.due_working_days(datetime.fromtimestamp(s, tz=UTC), n)
    except CalendarMissingError:
        return True
    return False


def test_gap_years() -> None:
    gap = WorkCalendar(
        [2024, 2026], [e for e in VN_PUBLIC_SECTOR_ENTRIES if e.day.year in (2024, 2026)]
    )
    seconds, amounts = random_inputs(20_000, seed=3)
    keep = np.array([not _raises(gap, s, n) for s, n in zip(seconds, amounts, strict=True)])
    assert 0 < keep.sum() < len(keep)
    got = due_working_days_array(gap, seconds[keep], amounts[keep])
    assert np.array_equal(got.view(np.int64), scalar_epochs(gap, seconds[keep], amounts[keep]))
    for s, n in zip(seconds[~keep][:50], amounts[~keep][:50], strict=True):
        with pytest.raises(CalendarMissingError) as info:
            due_working_days_array(gap, np.array([s]), np.array([n]))
        assert info.value.year == 2025


def _raises(cal: WorkCalendar, s: int, n: int) -> bool:
    try:
        cal.due_working_days(datetime.fromtimestamp(int(s), tz=UTC), int(n))
    except CalendarMissingError:
        return True
    return False


def test_bad_input() -> None:
    s = np.array([epoch(2026, 3, 2, 9)])
    with pytest.raises(ValueError, match="negative"):
        due_working_days_array(CAL, s, np.array([-1]))
    with pytest.raises(TypeError, match="integers"):
        due_working_days_array(CAL, s, np.array([1.5]))
    with pytest.raises(TypeError, match="datetime64"):
        due_working_days_array(CAL, s.astype(float), np.array([1]))
    with pytest.raises(ValueError, match="NaT"):
        due_working_days_array(CAL, np.array(["NaT"], dtype="datetime64[s]"), np.array([1]))
    with pytest.raises(ValueError, match="constant UTC offset"):
        due_working_days_array(WorkCalendar([2026], [], tz=ZoneInfo("Europe/Paris")), s, [1])
