"""Compute day-based due instants for whole arrays with numpy.

:func:`due_working_days_array` is the vectorised twin of
:meth:`motcua.workdays.core.WorkCalendar.due_working_days`: same D0 and cut-off rule, same
make-up working days, same :class:`~motcua.workdays.core.CalendarMissingError` when an element
needs an unconfirmed year (the cut-off moves a same-day limit, and a longer one only with
``Schedule.cutoff_day_limits``). It gathers from the calendar's precomputed rank tables (rank of D0
plus n gives the due day) instead of calling ``numpy.busday_offset``, which cannot express
make-up Saturdays. It needs a time zone with a constant UTC offset over the covered years
(true for Asia/Ho_Chi_Minh); :meth:`WorkCalendar.tables` checks that.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import numpy.typing as npt

from motcua.workdays.core import WorkCalendar

__all__ = ["due_working_days_array"]

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class _Prepared:
    """Numpy lookup tables derived once per calendar."""

    first_local_second: int  # epoch second (local wall clock) of the first covered day
    ndays: int
    cutoff_seconds: int
    cutoff_day_limits: bool
    d0_rank: npt.NDArray[np.int64]  # per (day, at/after cut-off): rank of D0
    room: npt.NDArray[np.int64]  # per (day, at/after cut-off): largest n without a gap
    due_epoch: npt.NDArray[np.int64]  # per rank: UTC epoch second of the end of that day


_CACHE: weakref.WeakKeyDictionary[WorkCalendar, _Prepared] = weakref.WeakKeyDictionary()


def _prepare(cal: WorkCalendar) -> _Prepared:
    prepared = _CACHE.get(cal)
    if prepared is not None:
        return prepared
    t = cal.tables()
    rank_ceil = np.asarray(t.rank_ceil, dtype=np.int64)
    working = np.frombuffer(t.is_working, dtype=np.uint8).astype(np.int64)
    seg_end = np.asarray(t.seg_end, dtype=np.int64)
    ordinals = np.asarray(t.working_ordinals, dtype=np.int64)
    # Key 0 ("on time"): a working day is its own D0, any other day the next working day.
    # Key 1 ("late": at or after the cut-off, for a same-day limit or with cutoff_day_limits):
    # the first working day strictly after. rank_ceil + working is that rank, because a
    # working day's successor rank is its own rank + 1.
    d0_rank = np.empty(2 * len(rank_ceil), dtype=np.int64)
    d0_rank[0::2] = rank_ceil
    d0_rank[1::2] = rank_ceil + working
    # Days of a missing year point at their year's barrier whose seg_end is rank - 1, so
    # their room is negative and every n >= 0 is rejected.
    room = seg_end[d0_rank] - d0_rank
    due_epoch = (ordinals - _EPOCH_ORDINAL) * _SECONDS_PER_DAY + (
        t.day_end_seconds - t.utc_offset_seconds
    )
    prepared = _Prepared(
        first_local_second=(t.base_ordinal - _EPOCH_ORDINAL) * _SECONDS_PER_DAY,
        ndays=len(rank_ceil),
        cutoff_seconds=t.cutoff_seconds,
        cutoff_day_limits=t.cutoff_day_limits,
        d0_rank=d0_rank,
        room=room,
        due_epoch=due_epoch.astype(np.int64),
    )
    _CACHE[cal] = prepared
    return prepared


def _epoch_seconds(received: npt.ArrayLike) -> npt.NDArray[np.int64]:
    arr = np.asarray(received)
    if np.issubdtype(arr.dtype, np.datetime64):
        if np.isnat(arr).any():
            raise ValueError("received contains NaT")
        return arr.astype("datetime64[s]").view(np.int64)
    if np.issubdtype(arr.dtype, np.integer) and arr.dtype != np.bool_:
        return arr.astype(np.int64, copy=False)
    raise TypeError(
        "received must be datetime64 (UTC) or int64 epoch seconds, "
        f"got an array of dtype {arr.dtype}"
    )


def _raise_for(
    cal: WorkCalendar,
    seconds: npt.NDArray[np.int64],
    amounts: npt.NDArray[np.int64],
    bad: npt.NDArray[np.bool_],
) -> None:
    """Raise the scalar function's error for the first offending element."""
    i = int(np.argmax(bad))
    when = datetime.fromtimestamp(int(seconds[i]), tz=UTC)
    cal.due_working_days(when, int(amounts[i]))
    raise AssertionError(f"element {i} was flagged but the scalar function accepted it")


def due_working_days_array(
    cal: WorkCalendar, received: npt.ArrayLike, amounts: npt.ArrayLike
) -> npt.NDArray[np.datetime64]:
    """Return the due instants (``datetime64[s]``, UTC) of ``amounts`` working days.

    ``received`` holds UTC intake instants as ``datetime64`` or int64 epoch seconds;
    ``amounts`` holds non-negative integers and broadcasts against ``received``. Raise
    :class:`~motcua.workdays.core.CalendarMissingError` for the first element that leaves the
    confirmed years, exactly as the scalar function would.
    """
    p = _prepare(cal)
    seconds = _epoch_seconds(received)
    amt = np.asarray(amounts)
    if not np.issubdtype(amt.dtype, np.integer) or amt.dtype == np.bool_:
        raise TypeError(f"amounts must be integers, got an array of dtype {amt.dtype}")
    seconds, amt = np.broadcast_arrays(seconds, amt.astype(np.int64, copy=False))
    shape = seconds.shape
    seconds = seconds.ravel()
    amt = amt.ravel()
    if amt.size == 0:
        return np.empty(shape, dtype="datetime64[s]")
    if int(amt.min()) < 0:
        raise ValueError("The number of working days must not be negative")

    t = cal.tables()
    local = seconds + (t.utc_offset_seconds - p.first_local_second)
    idx, sod = np.divmod(local, _SECONDS_PER_DAY)
    outside: npt.NDArray[np.bool_] | None = None
    if int(idx.min()) < 0 or int(idx.max()) >= p.ndays:
        outside = (idx < 0) | (idx >= p.ndays)
        idx = np.clip(idx, 0, p.ndays - 1)
    key = idx * 2
    late = sod >= p.cutoff_seconds
    if not p.cutoff_day_limits:
        late &= amt == 0
    key += late
    bad = amt > p.room[key]
    if outside is not None:
        bad |= outside
    if bad.any():
        _raise_for(cal, seconds, amt, bad)
    rank = p.d0_rank[key]
    rank += amt
    due: npt.NDArray[np.datetime64] = p.due_epoch[rank].view("datetime64[s]")
    return due.reshape(shape)
