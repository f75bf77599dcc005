"""The effect's panel reads the rollups and the history together; changes notify the author."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.test import TestCase

from motcua.core.models import Notification
from motcua.indices.models import MonthlyCount
from motcua.initiatives import services
from motcua.initiatives.constants import Measure
from motcua.initiatives.effect import model_cells, panel_of, period_of
from motcua.initiatives.models import HistoricalFigure
from motcua.initiatives.tests.helpers import Province
from motcua.initiatives.tests.test_services import register


class PanelTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.p = Province()

    def test_rollups_and_history_add_up_per_agency_and_month(self) -> None:
        ward, procedure = self.p.wards[0], self.p.procedure
        MonthlyCount.objects.create(
            agency=ward,
            procedure=procedure,
            year=2026,
            month=3,
            received=10,
            received_online=4,
            finished=8,
            finished_on_time=6,
            handling_seconds=8 * 2 * 86400,
        )
        HistoricalFigure.objects.create(
            agency=ward,
            procedure=procedure,
            year=2026,
            month=3,
            received=10,
            received_online=6,
            finished=12,
            finished_on_time=12,
            handling_days=Decimal("48"),
            rated=5,
            rated_satisfied=4,
        )
        # Another procedure's figures are not the model's.
        MonthlyCount.objects.create(
            agency=ward, procedure=self.p.other_procedure, year=2026, month=3, finished=50
        )
        cells = model_cells([procedure.pk])
        key = (ward.pk, 2026 * 12 + 2)
        self.assertEqual(list(cells), [key])
        cell = cells[key]
        self.assertEqual(cell.value(Measure.ON_TIME), (90.0, 20))
        self.assertEqual(cell.value(Measure.WORKING_DAYS), (64 / 20, 20))
        self.assertEqual(cell.value(Measure.ONLINE), (50.0, 20))
        self.assertEqual(cell.value(Measure.SATISFACTION), (80.0, 5))
        frame = panel_of(cells, Measure.ON_TIME)
        self.assertEqual(
            frame.to_dict("records"), [{"unit": ward.pk, "t": key[1], "y": 90.0, "w": 20.0}]
        )
        self.assertEqual(period_of(date(2026, 3, 31)), key[1])


class NotificationTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.p = Province()

    def test_the_author_hears_the_councils_conclusion_and_the_recognition(self) -> None:
        initiative = register(self.p)
        council = services.council_form(
            actor=self.p.officer,
            initiative=initiative,
            name="Hội đồng",
            members=[("A", ""), ("B", ""), ("C", "")],
        )
        for member in council.members.all():
            services.council_score(actor=self.p.officer, member=member, score=90)
        self.assertEqual(Notification.objects.count(), 0)
        services.council_conclude(actor=self.p.officer, council=council)
        sent = Notification.objects.get()
        self.assertEqual(sent.event, "initiatives.council_concluded")
        self.assertEqual(sent.recipient, "cchc@example.invalid")
        self.assertIn("90", sent.body)
        self.assertIn("đạt", sent.body)
