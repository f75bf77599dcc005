"""GET /api/v1/outreach/models and /{id}/effect."""

from __future__ import annotations

from django.test import TestCase

from motcua.initiatives.tests.helpers import Province
from motcua.initiatives.tests.history import model_with_history

URL = "/api/v1/outreach/models"


class ModelApiTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.p = Province(wards=10)
        cls.model = model_with_history(cls.p)

    def setUp(self) -> None:
        self.client.force_login(self.p.officer)

    def test_list_has_status_and_adopting_units(self) -> None:
        body = self.client.get(URL).json()
        self.assertEqual(len(body), 1)
        self.assertEqual(body[0]["status"], "replicated")
        self.assertEqual(body[0]["procedures"], ["2.000635"])
        self.assertEqual(
            sorted(a["unit"]["name"] for a in body[0]["adopting_units"]),
            ["Phường Số 2", "Phường Số 3", "Phường Số 4"],
        )

    def test_effect_reports_the_lift_per_measure(self) -> None:
        response = self.client.get(f"{URL}/{self.model.pk}/effect")
        self.assertEqual(response.status_code, 200, response.content)
        measures = {m["measure"]: m for m in response.json()["measures"]}
        self.assertEqual(set(measures), {"on_time", "working_days", "satisfaction", "online"})
        on_time = measures["on_time"]
        self.assertLess(abs(on_time["estimate"] - 10), 2)
        self.assertLess(on_time["ci_low"], on_time["ci_high"])
        self.assertEqual(on_time["adopting_units"], 4)
        # Six never adopt; wards 2–4 are not yet adopters in the pilot's stack.
        self.assertEqual(on_time["comparison_units"], 9)
        self.assertTrue(on_time["verdict"].startswith("nâng tỷ lệ đúng hạn"), on_time["verdict"])
        self.assertFalse(on_time["pretrend_flag"])
        # No ratings in the history: nothing to measure.
        self.assertIsNone(measures["satisfaction"]["estimate"])
        self.assertEqual(measures["satisfaction"]["verdict"], "quá ít hồ sơ để kết luận")

    def test_unknown_model_and_anonymous_caller(self) -> None:
        self.assertEqual(self.client.get(f"{URL}/999999/effect").status_code, 404)
        self.assertEqual(self.client.get(f"{URL}/99999999999999/effect").status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(URL).status_code, 401)
