"""Due dates of activities: the last day of their month, quarter or year (pure)."""

from __future__ import annotations

import calendar
from datetime import date

from motcua.outreach.constants import PeriodKind


def period_end(year: int, kind: str, period: int) -> date:
    """Return the last day of month ``period``, quarter ``period`` or the whole ``year``.

    Raise ``ValueError`` for a month outside 1–12 or a quarter outside 1–4.
    """
    if kind == PeriodKind.MONTH:
        if not 1 <= period <= 12:
            raise ValueError("month")
        month = period
    elif kind == PeriodKind.QUARTER:
        if not 1 <= period <= 4:
            raise ValueError("quarter")
        month = period * 3
    elif kind == PeriodKind.YEAR:
        month = 12
    else:
        raise ValueError("kind")
    return date(year, month, calendar.monthrange(year, month)[1])


def period_label(kind: str, period: int) -> str:
    """Return "tháng 3", "quý II" or "cả năm" (the words of Vietnamese plans)."""
    if kind == PeriodKind.MONTH:
        return f"tháng {period}"
    if kind == PeriodKind.QUARTER:
        return "quý " + ("I", "II", "III", "IV")[period - 1]
    return "cả năm"


def months_of(key: str) -> tuple[int, int, int] | None:
    """Parse a report period: ``2026-03`` (a month) or ``2026-Q1`` (a quarter).

    Return ``(year, first month, last month)``, or None when it is not one.
    """
    text = (key or "").strip().upper()
    try:
        if len(text) == 7 and text[4] == "-" and text[5] == "Q":
            year, quarter = int(text[:4]), int(text[6])
            if 1 <= quarter <= 4:
                return year, quarter * 3 - 2, quarter * 3
        elif len(text) == 7 and text[4] == "-":
            year, month = int(text[:4]), int(text[5:])
            if 1 <= month <= 12:
                return year, month, month
    except ValueError:
        return None
    return None
