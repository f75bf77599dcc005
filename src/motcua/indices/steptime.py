"""Working days of many finished steps at once, for the rollup rebuild (numpy).

:func:`working_thousandths` is the vectorised twin of
:func:`motcua.indices.rollups.working_days` (which calls
:meth:`motcua.workdays.core.WorkCalendar.working_time_between` once per step):
the same working time inside the sessions of working days, the same
``None`` when a year of the interval is not confirmed, the same rounding
to 0.001 working day (half to even, as ``Decimal.quantize``). It reads the
calendar's precomputed tables (``WorkCalendar.tables``), so it needs a time
zone with a constant UTC offset, as the vectorised deadlines do. A test
checks it against the per-step function on random instants.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

from motcua.workdays.core import WorkCalendar

__all__ = ["working_thousandths"]

_US = 1_000_000
_DAY_US = 86_400 * _US
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]


def _position(calendar: WorkCalendar, utc_us: Ints) -> tuple[Flags, Ints, Ints]:
    """Return (known, rank, working microseconds into that day) of UTC instants in µs."""
    t = calendar.tables()
    rank_ceil = np.asarray(t.rank_ceil, dtype=np.int64)
    working = np.frombuffer(t.is_working, dtype=np.uint8).astype(bool)
    missing = np.frombuffer(t.missing, dtype=np.uint8).astype(bool)
    local = utc_us + t.utc_offset_seconds * _US
    days = np.floor_divide(local, _DAY_US)
    tod = local - days * _DAY_US
    idx = days + (_EPOCH_ORDINAL - t.base_ordinal)
    known = (idx >= 0) & (idx < len(rank_ceil))
    safe = np.where(known, idx, 0)
    known &= ~missing[safe]
    offset = np.zeros_like(tod)
    for start, end in calendar.schedule.sessions:
        s_us = (start.hour * 3600 + start.minute * 60 + start.second) * _US
        e_us = (end.hour * 3600 + end.minute * 60 + end.second) * _US
        offset += np.clip(tod - s_us, 0, e_us - s_us)
    return known, rank_ceil[safe], np.where(working[safe], offset, 0)


def working_thousandths(
    calendar: WorkCalendar, started_us: Ints, finished_us: Ints
) -> tuple[Ints, Flags]:
    """Return thousandths of a working day from each start to each end, and which are known.

    ``started_us`` and ``finished_us`` are UTC instants in microseconds since
    the epoch. An element is unknown (``False``) where the per-step function
    returns ``None``: a day of the interval's ends in an unconfirmed year, or
    an unconfirmed year between them.
    """
    started_us = np.asarray(started_us, dtype=np.int64)
    finished_us = np.asarray(finished_us, dtype=np.int64)
    known_a, rank_a, off_a = _position(calendar, started_us)
    known_b, rank_b, off_b = _position(calendar, finished_us)
    seg_end = np.asarray(calendar.tables().seg_end, dtype=np.int64)
    day_us = calendar.schedule.day_seconds * _US
    forward = finished_us > started_us
    known = known_a & known_b & (~forward | (seg_end[rank_a] + 1 >= rank_b))
    spent = np.where(forward & known, (rank_b - rank_a) * day_us + off_b - off_a, 0)
    seconds = spent // _US
    day_seconds = calendar.schedule.day_seconds
    quotient, rest = np.divmod(seconds * 1000, day_seconds)
    half_up = (2 * rest > day_seconds) | ((2 * rest == day_seconds) & (quotient % 2 == 1))
    return quotient + half_up, known
