"""The shipped 2024–2026 calendar, cross-checked against the ``holidays`` package."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta

import holidays
import pytest

from motcua.workdays.core import VN_TZ, DayKind, WorkCalendar
from motcua.workdays.data import (
    CONFIRMED_YEARS,
    VN_PUBLIC_SECTOR_ENTRIES,
    vn_public_sector_calendar,
)

CAL = vn_public_sector_calendar()
PKG = holidays.country_holidays("VN", years=CONFIRMED_YEARS, language="vi")

# Known, deliberate differences from the package.
# 24/11/2026 "Ngày Văn hóa Việt Nam": listed by the package; its legal basis as a paid day off
# for the public sector is not verified, so it is not in the confirmed calendar.
PACKAGE_ONLY_DAYS_OFF = {date(2026, 11, 24)}
# The New Year 2026 swap approved on 25/12/2025 (Friday 2/1 off, made up on Saturday 10/1),
# after the package's release: the confirmed table decides.
OURS_ONLY_DAYS_OFF = {date(2026, 1, 2)}
OURS_ONLY_MAKEUP_DAYS = {date(2026, 1, 10)}
# Naming: the package calls the compensatory Monday 27/1/2025 "29 Tết" and 13–14/2/2024
# "Mùng bốn/năm Tết Nguyên Đán" (we record them as nghỉ bù); substituted days are "Ngày nghỉ
# (thay cho ngày …)" and Quốc khánh's adjacent day is just "Quốc khánh". Our names say what the
# day is for. Only dates and whether they are worked are compared, plus the three kinds below.
NAMING_DIFFERENCES = {
    date(2024, 2, 13): "Mùng bốn Tết Nguyên Đán",
    date(2024, 2, 14): "Mùng năm Tết Nguyên Đán",
    date(2025, 1, 27): "29 Tết",
}


def _weekdays(year: int) -> list[date]:
    d, out = date(year, 1, 1), []
    while d.year == year:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


@pytest.mark.parametrize("year", CONFIRMED_YEARS)
def test_weekdays_off_agree_with_the_holidays_package(year: int) -> None:
    ours = {d for d in _weekdays(year) if not CAL.is_working_day(d)}
    theirs = {d for d in PKG if d.year == year and d.weekday() < 5}
    assert ours == (theirs - PACKAGE_ONLY_DAYS_OFF) | {
        d for d in OURS_ONLY_DAYS_OFF if d.year == year
    }


@pytest.mark.parametrize("year", CONFIRMED_YEARS)
def test_worked_saturdays_agree_with_the_holidays_package(year: int) -> None:
    ours = {e.day for e in VN_PUBLIC_SECTOR_ENTRIES if e.kind is DayKind.MAKEUP_WORKING_DAY}
    theirs = {d for d in PKG.weekend_workdays if d.year == year}
    assert {d for d in ours if d.year == year} == theirs | {
        d for d in OURS_ONLY_MAKEUP_DAYS if d.year == year
    }
    assert all(d.weekday() == 5 for d in theirs)


def test_weekend_holidays_are_recorded_like_the_package() -> None:
    ours = {e.day for e in VN_PUBLIC_SECTOR_ENTRIES if e.day.weekday() >= 5 and e.kind.is_day_off}
    theirs = {d for d in PKG if d.weekday() >= 5}
    assert (
        ours
        == theirs
        == {
            date(2024, 2, 10),
            date(2024, 2, 11),
            date(2025, 2, 1),
            date(2026, 4, 26),
        }
    )


def test_known_differences_are_still_differences() -> None:
    """Fail when the package changes, so the comments above get revisited."""
    for d in PACKAGE_ONLY_DAYS_OFF:
        assert d in PKG and CAL.is_working_day(d)
    for d in OURS_ONLY_DAYS_OFF:
        assert d not in PKG and not CAL.is_working_day(d)
    for d in OURS_ONLY_MAKEUP_DAYS:
        assert d not in PKG.weekend_workdays and CAL.is_working_day(d)
    for d, name in NAMING_DIFFERENCES.items():
        assert PKG.get(d) == name
        ours = CAL.entry(d)
        assert ours is not None and ours.kind is DayKind.COMPENSATORY_DAY_OFF


def test_no_makeup_saturday_on_15_february_2025() -> None:
    assert not CAL.is_working_day(date(2025, 2, 15))
    assert date(2025, 2, 15) not in PKG.weekend_workdays


def test_working_day_counts_per_year() -> None:
    # 2024: 262 weekdays - 12 weekdays off + make-up Sat 4/5 = 251
    # 2025: 261 - 12 + Sat 26/4 = 250
    # 2026: 261 - 13 (with Fri 2/1) + Sat 10/1 and Sat 22/8 = 250
    for year, expected in ((2024, 251), (2025, 250), (2026, 250)):
        d, count = date(year, 1, 1), 0
        while d.year == year:
            count += CAL.is_working_day(d)
            d += timedelta(days=1)
        assert count == expected, year


def test_entries_are_well_formed() -> None:
    days = [e.day for e in VN_PUBLIC_SECTOR_ENTRIES]
    assert days == sorted(days) and len(set(days)) == len(days)
    assert {d.year for d in days} == set(CONFIRMED_YEARS)
    for e in VN_PUBLIC_SECTOR_ENTRIES:
        assert e.name and e.legal_basis, e
        for text in (e.name, e.legal_basis):
            assert unicodedata.is_normalized("NFC", text), text
        if e.kind is DayKind.MAKEUP_WORKING_DAY:
            assert e.day.weekday() == 5, e
        elif e.kind is not DayKind.HOLIDAY:
            assert e.day.weekday() < 5, e
    # every swapped day off has its make-up Saturday in the same year
    swaps = [e for e in VN_PUBLIC_SECTOR_ENTRIES if e.kind is DayKind.SWAPPED_DAY_OFF]
    makeups = [e for e in VN_PUBLIC_SECTOR_ENTRIES if e.kind is DayKind.MAKEUP_WORKING_DAY]
    assert sorted(e.day.year for e in swaps) == sorted(e.day.year for e in makeups)


def test_legal_bases_name_the_2025_and_2026_documents() -> None:
    def basis(d: date) -> str:
        entry = CAL.entry(d)
        assert entry is not None
        return entry.legal_basis

    assert "6150/TB-BLĐTBXH" in basis(date(2025, 1, 28))
    assert "8726/VPCP-KGVX" in basis(date(2025, 1, 27))
    assert "9441/TB-BNV" in basis(date(2026, 2, 16))
    assert "9859/VPCP-KGVX" in basis(date(2026, 8, 22))
    assert "2450/VPCP-KGVX" in basis(date(2024, 5, 4))
    assert "Bộ Nội vụ ngày 25/12/2025" in basis(date(2026, 1, 2))
    assert basis(date(2026, 1, 10)) == basis(date(2026, 1, 2))
    assert "chưa đối chiếu" in basis(date(2024, 2, 8))


def test_calendar_factory() -> None:
    assert isinstance(CAL, WorkCalendar)
    assert CAL.years == CONFIRMED_YEARS == (2024, 2025, 2026)
    assert CAL.tz is VN_TZ
    due = CAL.due_working_days(datetime(2026, 2, 13, 9, tzinfo=VN_TZ), 3)
    assert due.isoformat() == "2026-02-25T17:00:00+07:00"


def test_new_year_2026_swap() -> None:
    """Friday 2/1/2026 is off and Saturday 10/1/2026 is worked (approved 25/12/2025)."""
    assert not CAL.is_working_day(date(2026, 1, 2))
    assert CAL.is_working_day(date(2026, 1, 10))
    assert CAL.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 5)
    assert CAL.add_working_days(date(2026, 1, 9), 1) == date(2026, 1, 10)
    # as due instants: received on those days before the cut-off, one working day
    assert CAL.due_working_days(datetime(2025, 12, 31, 9, tzinfo=VN_TZ), 1) == datetime(
        2026, 1, 5, 17, tzinfo=VN_TZ
    )
    assert CAL.due_working_days(datetime(2026, 1, 9, 9, tzinfo=VN_TZ), 1) == datetime(
        2026, 1, 10, 17, tzinfo=VN_TZ
    )
