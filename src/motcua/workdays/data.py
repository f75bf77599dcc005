"""Ship the confirmed Vietnamese public-sector working calendar for 2024–2026.

Each :class:`~motcua.workdays.core.DayEntry` carries its Vietnamese name and its legal basis.
Statutory holidays that fall on a weekend are listed too (kind ``HOLIDAY``) so the table is a
faithful record of the year, although only weekday days off and make-up Saturdays change the
arithmetic. Where a document number was not checked against the text it says so.

The table was cross-checked against the ``holidays`` package (country VN); the known
differences are written next to the entries concerned and pinned in ``tests/test_data.py``.
"""

from __future__ import annotations

from datetime import date

from motcua.workdays.core import DEFAULT_SCHEDULE, VN_TZ, DayEntry, DayKind, Schedule, WorkCalendar

__all__ = ["CONFIRMED_YEARS", "VN_PUBLIC_SECTOR_ENTRIES", "vn_public_sector_calendar"]

CONFIRMED_YEARS: tuple[int, ...] = (2024, 2025, 2026)

_H = DayKind.HOLIDAY
_C = DayKind.COMPENSATORY_DAY_OFF
_S = DayKind.SWAPPED_DAY_OFF
_M = DayKind.MAKEUP_WORKING_DAY

_BLLD = "Bộ luật Lao động 2019, Điều 112"

# 2024 -----------------------------------------------------------------------------------
_TET_2024 = f"{_BLLD}; Thông báo nghỉ Tết Âm lịch 2024 của Bộ LĐTBXH (số hiệu chưa đối chiếu)"
_SWAP_2024 = "Công văn 2450/VPCP-KGVX năm 2024"
_QK_2024 = f"{_BLLD} (ngày liền kề do Thủ tướng quyết định; văn bản năm 2024 chưa đối chiếu)"

# 2025 -----------------------------------------------------------------------------------
_TET_2025 = f"{_BLLD}; Thông báo 6150/TB-BLĐTBXH năm 2024; Công văn 8726/VPCP-KGVX ngày 26/11/2024"
_QK_2025 = f"{_BLLD}; Thông báo 6150/TB-BLĐTBXH năm 2024"
_SWAP_2025 = (
    "Hoán đổi ngày làm việc dịp 30/4–1/5/2025 (văn bản chưa đối chiếu; "
    "gói holidays dẫn Thông báo 6150/TB-BLĐTBXH năm 2024)"
)

# 2026 -----------------------------------------------------------------------------------
_Y2026 = "Thông báo 9441/TB-BNV ngày 16/10/2025; Công văn 9859/VPCP-KGVX ngày 13/10/2025"
_LAW_2026 = f"{_BLLD}; {_Y2026}"
# Approved by the Government on 25/12/2025, after the year's notice: the number of the
# ministry's notice was not checked against its text.
_NEW_YEAR_SWAP_2026 = (
    "Thông báo của Bộ Nội vụ ngày 25/12/2025 về hoán đổi ngày làm việc dịp Tết Dương lịch 2026 "
    "(số hiệu chưa đối chiếu), theo ý kiến Phó Thủ tướng Chính phủ do Văn phòng Chính phủ "
    "truyền đạt ngày 25/12/2025"
)

VN_PUBLIC_SECTOR_ENTRIES: tuple[DayEntry, ...] = (
    # ---- 2024 ----
    DayEntry(date(2024, 1, 1), _H, "Tết Dương lịch", _BLLD),
    # Tết Giáp Thìn: 7 days off 8/2–14/2. Our reading of the notice: five Tết days 29 Chạp –
    # mùng 3 (two on the weekend, 10–11/2) and two compensatory days 13–14/2. The split
    # between HOLIDAY and COMPENSATORY_DAY_OFF does not change the arithmetic.
    DayEntry(date(2024, 2, 8), _H, "Tết Nguyên đán (29 tháng Chạp)", _TET_2024),
    DayEntry(date(2024, 2, 9), _H, "Tết Nguyên đán (30 tháng Chạp, Giao thừa)", _TET_2024),
    DayEntry(date(2024, 2, 10), _H, "Tết Nguyên đán (mùng 1 tháng Giêng)", _TET_2024),
    DayEntry(date(2024, 2, 11), _H, "Tết Nguyên đán (mùng 2 tháng Giêng)", _TET_2024),
    DayEntry(date(2024, 2, 12), _H, "Tết Nguyên đán (mùng 3 tháng Giêng)", _TET_2024),
    DayEntry(date(2024, 2, 13), _C, "Nghỉ bù Tết Nguyên đán (mùng 4 tháng Giêng)", _TET_2024),
    DayEntry(date(2024, 2, 14), _C, "Nghỉ bù Tết Nguyên đán (mùng 5 tháng Giêng)", _TET_2024),
    DayEntry(date(2024, 4, 18), _H, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", _BLLD),
    DayEntry(date(2024, 4, 29), _S, "Nghỉ hoán đổi (làm bù thứ Bảy 04/5/2024)", _SWAP_2024),
    DayEntry(date(2024, 4, 30), _H, "Ngày Chiến thắng (30/4)", _BLLD),
    DayEntry(date(2024, 5, 1), _H, "Ngày Quốc tế Lao động (1/5)", _BLLD),
    DayEntry(date(2024, 5, 4), _M, "Làm bù cho ngày nghỉ thứ Hai 29/4/2024", _SWAP_2024),
    DayEntry(date(2024, 9, 2), _H, "Quốc khánh (2/9)", _BLLD),
    DayEntry(date(2024, 9, 3), _H, "Quốc khánh (ngày liền kề sau 2/9)", _QK_2024),
    # ---- 2025 ----
    DayEntry(date(2025, 1, 1), _H, "Tết Dương lịch", _BLLD),
    # Tết Ất Tỵ: nine days 25/1–2/2 = five Tết days 28/1–1/2 (1/2 is a Saturday) plus the
    # compensatory Monday 27/1. NOTE: a domain note claimed a make-up Saturday on 15/2/2025;
    # the ``holidays`` package, which cites 6150/TB-BLĐTBXH, has none, and neither has this
    # table. The package names 27/1 "29 Tết"; here it is the compensatory day it stands for.
    DayEntry(date(2025, 1, 27), _C, "Nghỉ bù Tết Nguyên đán (bù thứ Bảy 01/02/2025)", _TET_2025),
    DayEntry(date(2025, 1, 28), _H, "Tết Nguyên đán (29 tháng Chạp, Giao thừa)", _TET_2025),
    DayEntry(date(2025, 1, 29), _H, "Tết Nguyên đán (mùng 1 tháng Giêng)", _TET_2025),
    DayEntry(date(2025, 1, 30), _H, "Tết Nguyên đán (mùng 2 tháng Giêng)", _TET_2025),
    DayEntry(date(2025, 1, 31), _H, "Tết Nguyên đán (mùng 3 tháng Giêng)", _TET_2025),
    DayEntry(date(2025, 2, 1), _H, "Tết Nguyên đán (mùng 4 tháng Giêng)", _TET_2025),
    DayEntry(date(2025, 4, 7), _H, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", _BLLD),
    DayEntry(date(2025, 4, 26), _M, "Làm bù cho ngày nghỉ thứ Sáu 02/5/2025", _SWAP_2025),
    DayEntry(date(2025, 4, 30), _H, "Ngày Chiến thắng (30/4)", _BLLD),
    DayEntry(date(2025, 5, 1), _H, "Ngày Quốc tế Lao động (1/5)", _BLLD),
    DayEntry(date(2025, 5, 2), _S, "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)", _SWAP_2025),
    DayEntry(date(2025, 9, 1), _H, "Quốc khánh (ngày liền kề trước 2/9)", _QK_2025),
    DayEntry(date(2025, 9, 2), _H, "Quốc khánh (2/9)", _QK_2025),
    # ---- 2026 ----
    # 1/1/2026 (Thursday) and a swap approved on 25/12/2025: Friday 2/1 off, made up on
    # Saturday 10/1, so the public sector is off 1–4/1 (corrected: an earlier version of this
    # table said "no swap"). The ``holidays`` package (0.109) does not have this swap.
    DayEntry(date(2026, 1, 1), _H, "Tết Dương lịch", _BLLD),
    DayEntry(
        date(2026, 1, 2),
        _S,
        "Nghỉ hoán đổi Tết Dương lịch (làm bù thứ Bảy 10/01/2026)",
        _NEW_YEAR_SWAP_2026,
    ),
    DayEntry(date(2026, 1, 10), _M, "Làm bù cho ngày nghỉ thứ Sáu 02/01/2026", _NEW_YEAR_SWAP_2026),
    DayEntry(date(2026, 2, 16), _H, "Tết Nguyên đán (29 tháng Chạp, Giao thừa)", _LAW_2026),
    DayEntry(date(2026, 2, 17), _H, "Tết Nguyên đán (mùng 1 tháng Giêng)", _LAW_2026),
    DayEntry(date(2026, 2, 18), _H, "Tết Nguyên đán (mùng 2 tháng Giêng)", _LAW_2026),
    DayEntry(date(2026, 2, 19), _H, "Tết Nguyên đán (mùng 3 tháng Giêng)", _LAW_2026),
    DayEntry(date(2026, 2, 20), _H, "Tết Nguyên đán (mùng 4 tháng Giêng)", _LAW_2026),
    DayEntry(date(2026, 4, 26), _H, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", _BLLD),
    DayEntry(date(2026, 4, 27), _C, "Nghỉ bù Giỗ Tổ Hùng Vương (bù Chủ nhật 26/4/2026)", _LAW_2026),
    DayEntry(date(2026, 4, 30), _H, "Ngày Chiến thắng (30/4)", _BLLD),
    DayEntry(date(2026, 5, 1), _H, "Ngày Quốc tế Lao động (1/5)", _BLLD),
    DayEntry(date(2026, 8, 22), _M, "Làm bù cho ngày nghỉ thứ Hai 31/8/2026", _Y2026),
    DayEntry(date(2026, 8, 31), _S, "Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)", _Y2026),
    DayEntry(date(2026, 9, 1), _H, "Quốc khánh (ngày liền kề trước 2/9)", _LAW_2026),
    DayEntry(date(2026, 9, 2), _H, "Quốc khánh (2/9)", _LAW_2026),
    # NOT included: 24/11/2026 "Ngày Văn hóa Việt Nam", listed by the ``holidays`` package
    # (Nghị quyết 80-NQ/TW). Its legal basis as a paid day off for the public sector is not
    # verified here, so it is not part of the confirmed 2026 calendar; an administrator adds
    # it once the implementing document is checked.
)


def vn_public_sector_calendar(schedule: Schedule = DEFAULT_SCHEDULE) -> WorkCalendar:
    """Return the confirmed 2024–2026 public-sector calendar in Asia/Ho_Chi_Minh."""
    return WorkCalendar(CONFIRMED_YEARS, VN_PUBLIC_SECTOR_ENTRIES, schedule=schedule, tz=VN_TZ)
