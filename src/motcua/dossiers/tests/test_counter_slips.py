"""Counter slips (guidance Mẫu 02, refusal Mẫu 03) are numbered per desk and year, not by id."""

from __future__ import annotations

import contextlib
import unittest
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings

from motcua.core import clock
from motcua.core.errors import PermissionDeniedError
from motcua.dossiers import printing
from motcua.dossiers import services as s
from motcua.dossiers.models import CounterSlipSequence, IntakeGuidance
from motcua.dossiers.tests.helpers import World, at
from motcua.dossiers.tests.test_concurrency import run_in_threads
from motcua.dossiers.tests.test_printing import flat
from motcua.org.models import Unit, UnitKind
from motcua.org.services import unit_create


def frozen(when):
    """Freeze the clock at ``when``; None leaves it as the caller froze it (threads)."""
    return clock.frozen(when) if when is not None else contextlib.nullcontext()


def guide(w: World, when, desk=None, actor=None) -> IntakeGuidance:
    with frozen(when):
        return s.dossier_guide_incomplete(
            actor=actor or w.intake,
            receiving_unit=desk or w.centre,
            applicant=w.applicant(),
            provided_documents=[],
            reason="Hồ sơ chưa đủ thành phần",
            procedure_version=w.pause_version,
        )


def refuse(w: World, when, desk=None, actor=None):
    with frozen(when):
        return s.dossier_refuse_at_intake(
            actor=actor or w.intake,
            receiving_unit=desk or w.centre,
            applicant=w.applicant(),
            reasons="Không thuộc thẩm quyền giải quyết",
            procedure_version=w.pause_version,
        )


class CounterSlipNumberTests(TestCase):
    w: World
    other_desk: Unit
    other_officer: User

    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        cls.other_desk = unit_create(
            actor="test",
            name="Điểm tiếp nhận và trả kết quả số 2 phường Ngã Bảy",
            kind=UnitKind.objects.get(code="intake_point"),
            parent=cls.w.centre,
            valid_from=date(2025, 7, 1),
        )
        cls.other_officer = cls.w._user("tiepnhan2", "intake_officer", cls.other_desk)

    def test_each_desk_numbers_its_slips_from_one_each_year(self):
        first = guide(self.w, at(2026, 3, 2, 9))
        second = guide(self.w, at(2026, 3, 2, 10))
        elsewhere = guide(self.w, at(2026, 3, 2, 10), self.other_desk, self.other_officer)
        next_year = guide(self.w, at(2027, 1, 4, 9))
        self.assertEqual(
            [g.slip_number for g in (first, second, elsewhere, next_year)], [1, 2, 1, 1]
        )
        self.assertIn("Số: 2/PBS", flat(printing.render_pdf("supplement", second)))
        self.assertIn("Số: 1/PBS", flat(printing.render_pdf("supplement", elsewhere)))

    def test_refusals_have_their_own_register(self):
        guide(self.w, at(2026, 3, 2, 9))
        refused = refuse(self.w, at(2026, 3, 2, 10))
        again = refuse(self.w, at(2026, 3, 2, 11))
        self.assertEqual((refused.slip_number, again.slip_number), (1, 2))
        self.assertIn("Số: 2/PTC", flat(printing.render_pdf("refusal", again)))
        self.assertEqual(
            sorted(CounterSlipSequence.objects.values_list("kind", "year", "last_value")),
            [("guidance", 2026, 1), ("refusal", 2026, 2)],
        )

    def test_the_number_does_not_follow_the_database_id(self):
        """Slips of other desks in between do not leave gaps in this desk's register."""
        for hour in (8, 9, 10):
            guide(self.w, at(2026, 3, 2, hour), self.other_desk, self.other_officer)
        mine = guide(self.w, at(2026, 3, 2, 11))
        self.assertEqual(mine.slip_number, 1)
        self.assertNotEqual(mine.pk, 1)
        self.assertIn("Số: 1/PBS", flat(printing.render_pdf("supplement", mine)))

    @override_settings(MOTCUA_GUIDANCE_SLIP_SUFFIX="HDHS", MOTCUA_REFUSAL_SLIP_SUFFIX="TC")
    def test_the_suffixes_are_settings(self):
        self.assertIn(
            "Số: 1/HDHS", flat(printing.render_pdf("supplement", guide(self.w, at(2026, 3, 2, 9))))
        )
        self.assertIn(
            "Số: 1/TC", flat(printing.render_pdf("refusal", refuse(self.w, at(2026, 3, 2, 9))))
        )

    def test_a_refused_guidance_takes_no_number(self):
        """Guidance refused for a missing role writes nothing, so no number is used up."""
        with self.assertRaises(PermissionDeniedError):
            guide(self.w, at(2026, 3, 2, 9), actor=self.w.handler)
        self.assertFalse(CounterSlipSequence.objects.exists())
        self.assertEqual(guide(self.w, at(2026, 3, 2, 10)).slip_number, 1)


@pytest.mark.postgres
@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
class ParallelCounterSlipTests(TransactionTestCase):
    serialized_rollback = True

    def setUp(self):
        self.w = World()
        self.officers = [self.w.intake] + [
            self.w._user(f"tiepnhan{n}", "intake_officer", self.w.centre) for n in range(1, 8)
        ]

    def test_parallel_slips_at_one_desk_never_share_a_number(self):
        def issue(index: int) -> list[int | None]:
            officer = self.officers[index]
            numbers = []
            for _ in range(4):
                numbers.append(guide(self.w, None, actor=officer).slip_number)
                numbers.append(-refuse(self.w, None, actor=officer).slip_number)
            return numbers

        # The frozen clock is process-wide: freeze it once around all the threads.
        with clock.frozen(at(2026, 3, 2, 9)):
            results = run_in_threads(8, issue)
        errors = [r for r in results if isinstance(r, Exception)]
        self.assertEqual(errors, [])
        numbers = [n for batch in results for n in batch]
        self.assertEqual(sorted(n for n in numbers if n > 0), list(range(1, 33)))
        self.assertEqual(sorted(-n for n in numbers if n < 0), list(range(1, 33)))
        self.assertEqual(
            list(CounterSlipSequence.objects.order_by("kind").values_list("kind", "last_value")),
            [("guidance", 32), ("refusal", 32)],
        )
