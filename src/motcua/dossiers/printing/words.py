"""Vietnamese wording shared by the printed forms: dates, times, money, names.

Dates follow NĐ 30/2020/NĐ-CP (Phụ lục I): a day below 10 and the months
1 and 2 take a leading zero, other months do not ("ngày 02 tháng 3 năm
2026", "ngày 05 tháng 02 năm 2026"). The same rule gives the short form
"05/3/2026" and the time "17 giờ 00 phút, ngày 05/3/2026" used for intake
and appointment times. Everything returned here is NFC.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from motcua.core.people import full_name
from motcua.core.text import nfc

BLANK = "…………"
"""Printed where a value is not known yet, for the officer to fill by hand."""

TIME_LIMIT_UNITS = {
    "working_days": "ngày làm việc",
    "working_hours": "giờ làm việc",
    "calendar_days": "ngày",
}

DOCUMENT_FORMS = {
    "original": "Bản chính",
    "certified_copy": "Bản sao chứng thực",
    "copy": "Bản sao",
    "shown": "Xuất trình",
}

TIMELINESS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}

RETURN_METHODS = {
    "counter": "Trực tiếp tại Bộ phận Một cửa",
    "post": "Qua dịch vụ bưu chính công ích",
    "electronic": "Trực tuyến (bản điện tử)",
}

STAGES = {
    "awaiting_intake": "Chờ tiếp nhận",
    "received": "Đã tiếp nhận, chưa chuyển xử lý",
    "in_progress": "Đang giải quyết",
    "awaiting_supplement": "Chờ bổ sung, hoàn thiện hồ sơ",
    "awaiting_coordination": "Chờ cơ quan phối hợp",
    "awaiting_payment": "Chờ thực hiện nghĩa vụ tài chính",
    "awaiting_signature": "Chờ ký duyệt",
    "result_ready": "Đã có kết quả, chờ trả",
}


def local(value: datetime) -> datetime:
    """Return ``value`` in the project's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.localtime(value)


def _day(value: int) -> str:
    return f"{value:02d}"


def _month(value: int) -> str:
    return f"{value:02d}" if value < 3 else str(value)


def short_date(value: date | datetime | None) -> str:
    """Return "05/3/2026" (a datetime is taken in local time), or a blank."""
    if value is None:
        return BLANK
    if isinstance(value, datetime):
        value = local(value).date()
    return f"{_day(value.day)}/{_month(value.month)}/{value.year}"


def date_words(value: date | datetime) -> str:
    """Return "ngày 02 tháng 3 năm 2026"."""
    if isinstance(value, datetime):
        value = local(value).date()
    return f"ngày {_day(value.day)} tháng {_month(value.month)} năm {value.year}"


def place_and_date(place: str, value: date | datetime) -> str:
    """Return "Cần Thơ, ngày 02 tháng 3 năm 2026"."""
    words = date_words(value)
    return nfc(f"{place}, {words}" if place else words[0].upper() + words[1:])


def time_text(value: datetime | None) -> str:
    """Return "17 giờ 00 phút, ngày 05/3/2026" in local time, or a blank."""
    if value is None:
        return f"{BLANK} giờ {BLANK} phút, ngày {BLANK}"
    moment = local(value)
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút, ngày {short_date(moment)}"


def money(amount: int) -> str:
    """Return "50.000 đồng" (dots group the thousands)."""
    return f"{amount:,}".replace(",", ".") + " đồng"


def time_limit(amount: int, unit: str) -> str:
    """Return the legal time limit as printed: "03 ngày làm việc", "trong ngày"."""
    if unit == "same_day":
        return "Trong ngày"
    return f"{amount:02d} {TIME_LIMIT_UNITS.get(unit, unit)}"


def person_name(user: Any) -> str:
    """Return an officer's full name in Vietnamese order (core.people), NFC."""
    return nfc(full_name(user))


def agency_name(unit: Any) -> str:
    """Return the issuing body's name: "Ủy ban nhân dân phường X" for an administrative unit.

    ``unit.kind`` is read, so select it with the unit.
    """
    if unit.kind.is_administrative:
        return f"Ủy ban nhân dân {lower_first(unit.name)}"
    return str(unit.name)


def lower_first(value: str) -> str:
    """Return ``value`` with its first letter in lower case ("Phường X" → "phường X")."""
    return value[:1].lower() + value[1:]


def upper(value: str) -> str:
    """Return ``value`` in upper case, NFC (Vietnamese letters keep their marks)."""
    return nfc(value.upper())
