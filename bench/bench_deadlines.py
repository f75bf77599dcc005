"""Benchmark day-based deadlines: scalar core, numpy vector version, numpy.busday_offset.

Inputs: ``n`` intake instants uniform over 2024-01-01..2026-09-30 local time (any minute of
the day, so the 15:00 cut-off and weekends matter) and amounts uniform over 0..60 working
days, on the shipped 2024–2026 public-sector calendar. Each measurement is the best of three
timed runs after one warm-up, in this process.

``numpy.busday_offset`` is only a speed reference: it gets the intake *dates* (no cut-off),
``roll="forward"``, a Monday–Friday weekmask and the non-working weekdays as holidays. It
cannot express make-up Saturdays (a weekend day that is worked), so its answers differ from
ours on purpose; only its throughput is compared.

Targets: scalar ``due_working_days`` >= 500,000 calls/s; the vector version at least as fast
as ``busday_offset`` on the same inputs; vector and scalar agree on every element.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np

from motcua.workdays.core import VN_TZ, DayKind
from motcua.workdays.data import VN_PUBLIC_SECTOR_ENTRIES, vn_public_sector_calendar
from motcua.workdays.vector import due_working_days_array

SCALAR_TARGET_PER_S = 500_000


def _best_of_3(fn: Callable[[], object]) -> float:
    fn()  # warm-up
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _inputs(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lo = int(datetime(2024, 1, 1, tzinfo=VN_TZ).timestamp())
    hi = int(datetime(2026, 10, 1, tzinfo=VN_TZ).timestamp())  # end of 30/9 local
    seconds = lo + rng.integers(0, (hi - lo) // 60, n, dtype=np.int64) * 60
    amounts = rng.integers(0, 61, n, dtype=np.int64)
    return seconds, amounts


def run(n: int = 1_000_000, seed: int = 1) -> dict[str, Any]:
    """Run the benchmark and return its figures."""
    cal = vn_public_sector_calendar()
    seconds, amounts = _inputs(n, seed)
    amount_list = amounts.tolist()
    local_instants = [datetime.fromtimestamp(s, tz=VN_TZ) for s in seconds.tolist()]
    utc_instants = [datetime.fromtimestamp(s, tz=UTC) for s in seconds.tolist()]
    due = cal.due_working_days

    def scalar_local() -> list[datetime]:
        return [due(r, a) for r, a in zip(local_instants, amount_list, strict=True)]

    def scalar_loop() -> None:
        for r, a in zip(local_instants, amount_list, strict=True):
            due(r, a)

    def scalar_utc_loop() -> None:
        for r, a in zip(utc_instants, amount_list, strict=True):
            due(r, a)

    def vector() -> np.ndarray:
        return due_working_days_array(cal, seconds, amounts)

    weekdays_off = np.array(
        sorted(
            e.day for e in VN_PUBLIC_SECTOR_ENTRIES if e.kind.is_day_off and e.day.weekday() < 5
        ),
        dtype="datetime64[D]",
    )
    busdaycal = np.busdaycalendar(weekmask="1111100", holidays=weekdays_off)
    local_dates = ((seconds + cal.tables().utc_offset_seconds) // 86_400).astype("datetime64[D]")

    def busday() -> np.ndarray:
        out: np.ndarray = np.busday_offset(
            local_dates, amounts, roll="forward", busdaycal=busdaycal
        )
        return out

    t_scalar = _best_of_3(scalar_loop)
    t_scalar_utc = _best_of_3(scalar_utc_loop)
    t_vector = _best_of_3(vector)
    t_busday = _best_of_3(busday)

    scalar_epochs = np.fromiter(
        (int(d.timestamp()) for d in scalar_local()), dtype=np.int64, count=n
    )
    agreement = float(np.mean(vector().view(np.int64) == scalar_epochs)) if n else 1.0
    makeup_days = [e.day for e in VN_PUBLIC_SECTOR_ENTRIES if e.kind is DayKind.MAKEUP_WORKING_DAY]

    scalar_rate = n / t_scalar
    vector_rate = n / t_vector
    busday_rate = n / t_busday
    return {
        "name": "deadlines",
        "n": n,
        "results": [
            {"metric": "scalar_due_working_days", "value": round(scalar_rate), "unit": "per_s"},
            {
                "metric": "scalar_due_working_days_utc_input",
                "value": round(n / t_scalar_utc),
                "unit": "per_s",
            },
            {
                "metric": "vector_due_working_days_array",
                "value": round(vector_rate),
                "unit": "per_s",
            },
            {"metric": "numpy_busday_offset", "value": round(busday_rate), "unit": "per_s"},
        ],
        "ratios": {
            "vector_over_busday": round(vector_rate / busday_rate, 2),
            "scalar_target_met": scalar_rate >= SCALAR_TARGET_PER_S,
            "vector_target_met": vector_rate >= busday_rate,
        },
        "agreement": agreement,
        "notes": (
            "busday_offset gets local dates only (no 15:00 cut-off) and cannot express the "
            f"make-up Saturdays {', '.join(d.isoformat() for d in makeup_days)}; "
            "its results are not comparable, only its speed"
        ),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
