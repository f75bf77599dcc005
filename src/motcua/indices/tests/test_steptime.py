"""The vectorised working days of the rebuild equal the per-step function, instant by instant."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import numpy as np
from django.test import SimpleTestCase

from motcua.indices.rollups import working_days
from motcua.indices.steptime import working_thousandths
from motcua.workdays.core import DayEntry, DayKind, Schedule, WorkCalendar

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _us(moment: datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


class WorkingThousandthsTests(SimpleTestCase):
    def test_equals_the_per_step_function(self):
        """Random starts and ends over 2024–2029, with 2025, 2026 and 2028 confirmed.

        Covers weekends, a holiday, a make-up Saturday, instants inside and outside
        the sessions, ends before starts, the unconfirmed 2024, 2027 (a gap) and 2029.
        """
        entries = [
            DayEntry(date(2026, 4, 30), DayKind.HOLIDAY, "Ngày Giải phóng", ""),
            DayEntry(date(2026, 5, 9), DayKind.MAKEUP_WORKING_DAY, "Làm bù", ""),
        ]
        schedules = [Schedule.parse("07:00-11:30,13:30-17:00", "15:00")]
        schedules.append(Schedule.parse("07:30-11:30,13:00-16:30", "15:00"))
        rng = random.Random(7)
        first = datetime(2024, 6, 1, tzinfo=UTC)
        for schedule in schedules:
            calendar = WorkCalendar([2025, 2026, 2028], entries, schedule)
            starts, ends = [], []
            for _i in range(3000):
                start = first + timedelta(seconds=rng.randrange(0, 5 * 365 * 86400))
                if rng.random() < 0.2:
                    start = start.replace(microsecond=rng.randrange(1_000_000))
                end = start + timedelta(
                    seconds=rng.choice([-3600, 0, 1, 600])
                    + rng.randrange(0, rng.choice([3600, 86400 * 3, 86400 * 40, 86400 * 400]))
                )
                starts.append(start)
                ends.append(end)
            # Across the unconfirmed 2027, both ends in confirmed years: unknown.
            starts.append(datetime(2026, 12, 30, 3, tzinfo=UTC))
            ends.append(datetime(2028, 1, 4, 3, tzinfo=UTC))
            got, known = working_thousandths(
                calendar,
                np.array([_us(s) for s in starts], dtype=np.int64),
                np.array([_us(e) for e in ends], dtype=np.int64),
            )
            with mock.patch("motcua.indices.rollups.calendar_for_unit", return_value=calendar):
                expected = [working_days(1, "/1/", s, e) for s, e in zip(starts, ends, strict=True)]
            vector = [
                (str(int(v) // 1000) + "." + f"{int(v) % 1000:03d}") if ok else None
                for v, ok in zip(got, known, strict=True)
            ]
            self.assertEqual(vector, [None if e is None else str(e) for e in expected])
            self.assertTrue(any(e is None for e in expected))
            self.assertTrue(any(e is not None and e > 0 for e in expected))
