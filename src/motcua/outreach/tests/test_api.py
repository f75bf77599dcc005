"""GET /api/v1/outreach/units/{unit_id}/plans: plans, activities, completion, scoped by unit."""

from __future__ import annotations

from datetime import date

from django.test import TestCase

from motcua.api.services import api_token_create
from motcua.core import clock
from motcua.outreach.tests.helpers import World, at


class PlansApiTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = World()
        _t, cls.token = api_token_create(actor="test", user=cls.w.ward_officer, name="kế hoạch")
        _t, cls.other = api_token_create(actor="test", user=cls.w.other_officer, name="khác")
        cls.plan = cls.w.plan()
        done = cls.w.activity(cls.plan, period=2, target=2)
        cls.w.activity(cls.plan, period=3, target=2, channel="portal")
        with clock.frozen(at(2026, 4, 1)):
            cls.w.report(done, 2, on=date(2026, 2, 20), people=90)

    def get(self, path: str, token: str | None = None) -> object:
        return self.client.get(path, headers={"Authorization": f"Bearer {token or self.token}"})

    def test_plans_with_activities_and_completion(self) -> None:
        with clock.frozen(at(2026, 4, 1)):
            response = self.get(f"/api/v1/outreach/units/{self.w.ward.pk}/plans?year=2026")
        self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
        [plan] = response.json()  # type: ignore[attr-defined]
        self.assertEqual(plan["id"], self.plan.pk)
        self.assertEqual(plan["completion"], "50.0")
        self.assertEqual(plan["form_variety"], 1)
        self.assertFalse(plan["issued_on_time"])
        states = [a["state"] for a in plan["activities"]]
        self.assertEqual(states, ["done", "overdue"])
        self.assertEqual(plan["activities"][0]["people"], 90)

    def test_another_year_is_empty(self) -> None:
        response = self.get(f"/api/v1/outreach/units/{self.w.ward.pk}/plans?year=2025")
        self.assertEqual(response.json(), [])  # type: ignore[attr-defined]

    def test_another_units_officer_is_refused(self) -> None:
        response = self.get(f"/api/v1/outreach/units/{self.w.ward.pk}/plans", token=self.other)
        self.assertEqual(response.status_code, 403)  # type: ignore[attr-defined]

    def test_no_token_and_unknown_unit(self) -> None:
        self.assertEqual(
            self.client.get(f"/api/v1/outreach/units/{self.w.ward.pk}/plans").status_code, 401
        )
        self.assertEqual(self.get("/api/v1/outreach/units/999999/plans").status_code, 404)  # type: ignore[attr-defined]

    def test_any_role_over_the_unit_reads_it(self) -> None:
        _t, token = api_token_create(actor="test", user=self.w.leader, name="lãnh đạo")
        response = self.get(f"/api/v1/outreach/units/{self.w.ward.pk}/plans", token=token)
        self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
        response = self.get(f"/api/v1/outreach/units/{self.w.city.pk}/plans", token=token)
        self.assertEqual(response.status_code, 403)  # type: ignore[attr-defined]
