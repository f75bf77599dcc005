"""Reporting periods: a year (``2026``), a quarter (``2026-Q3``) or a month (``2026-07``)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.core.errors import ApplicationError

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")
PERIOD_PATTERN = r"^\d{4}(-(Q[1-4]|0[1-9]|1[0-2]))?$"


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date
    """The last day, included."""

    @property
    def kind(self) -> str:
        if "Q" in self.key:
            return "quarter"
        return "month" if "-" in self.key else "year"

    def label(self) -> str:
        if self.kind == "year":
            return _("Year %(year)s") % {"year": self.start.year}
        if self.kind == "quarter":
            return _("Quarter %(quarter)s/%(year)s") % {
                "quarter": self.key[-1],
                "year": self.start.year,
            }
        return _("Month %(month)s/%(year)s") % {
            "month": f"{self.start.month:02d}",
            "year": self.start.year,
        }


def period_parse(key: str) -> Period:
    """Return the period ``key`` names, or raise a 400 ``invalid_period``."""
    match = _PATTERN.match(key.strip())
    if not match or not 2000 <= int(match["year"]) <= 2100:
        raise ApplicationError(
            _(
                "The period “%(key)s” is not valid: write a year (2026), a quarter (2026-Q3) "
                "or a month (2026-07)."
            )
            % {"key": key},
            code="invalid_period",
        )
    year = int(match["year"])
    if match["quarter"]:
        first = (int(match["quarter"]) - 1) * 3 + 1
        last = first + 2
    elif match["month"]:
        first = last = int(match["month"])
    else:
        first, last = 1, 12
    end = date(year, last, calendar.monthrange(year, last)[1])
    return Period(key=key.strip(), start=date(year, first, 1), end=end)


def months_q(first: date, last: date) -> Q:
    """Return a filter on ``year``/``month`` columns for the months from ``first`` to ``last``."""
    if first.year == last.year:
        return Q(year=first.year, month__gte=first.month, month__lte=last.month)
    return (
        Q(year=first.year, month__gte=first.month)
        | Q(year__gt=first.year, year__lt=last.year)
        | Q(year=last.year, month__lte=last.month)
    )


def month_keys(end: date, count: int) -> list[Period]:
    """Return the ``count`` months up to and including the one of ``end``, oldest first."""
    year, month = end.year, end.month
    keys = []
    for _i in range(count):
        keys.append(period_parse(f"{year}-{month:02d}"))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(keys))
