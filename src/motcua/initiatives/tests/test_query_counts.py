"""The registry's query count does not grow with the number of initiatives and models."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from motcua.initiatives import services
from motcua.initiatives.tests.helpers import Province
from motcua.initiatives.tests.test_services import register


class RegistryQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.p = Province()

    def _add(self, n: int) -> None:
        for i in range(n):
            register(self.p, title=f"Sáng kiến số {i}")
            model = services.model_create(
                actor=self.p.officer,
                title=f"Mô hình {i}",
                unit=self.p.wards[0],
                pilot_started_on=date(2026, 1, 1),
            )
            services.model_evaluate(actor=self.p.officer, model=model, evaluation="Tốt")
            services.model_recognise(
                actor=self.p.officer,
                model=model,
                decision_number=f"{i}/QĐ",
                decided_on=date(2026, 2, 1),
                scope="unit",
            )
            services.model_replicate(
                actor=self.p.officer, model=model, unit=self.p.wards[1], adopted_on=date(2026, 3, 1)
            )

    def _count(self) -> int:
        self.client.force_login(self.p.officer)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/sang-kien/")
        self.assertEqual(response.status_code, 200)
        self.last = queries.captured_queries
        return len(queries)

    def test_constant_queries(self) -> None:
        self._add(1)
        self._count()  # the first request fills the process's caches (menus, units)
        one = self._count()
        self._add(4)
        self.assertEqual(self._count(), one, [q["sql"][:150] for q in self.last])
