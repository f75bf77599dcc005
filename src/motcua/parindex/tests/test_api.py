"""GET /api/v1/parindex/…: definitions, a unit's assessments, the ranking, and their refusals."""

from __future__ import annotations

from decimal import Decimal

from django.test import TestCase

from motcua.parindex.models import Score
from motcua.parindex.services import (
    assessment_appraise,
    assessment_score,
    assessment_start,
    assessment_submit,
    assessment_survey,
)
from motcua.parindex.tests.helpers import ParWorld


class ParindexApiTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = w = ParWorld()
        cls.definition = w.sample()
        cls.assessment = assessment_start(unit=w.ward, year=2026, actor=w.ward_officer)
        # Rows a rule scores (on-time rate, plan, initiatives …) cannot be typed.
        for score in Score.objects.filter(
            assessment=cls.assessment, automatic=False
        ).select_related("sub_criterion"):
            assessment_score(
                assessment=cls.assessment,
                sub_criterion_id=score.sub_criterion_id,
                points=score.sub_criterion.max_points,
                actor=w.ward_officer,
            )
        assessment_submit(assessment=cls.assessment, actor=w.ward_officer)
        assessment_survey(assessment=cls.assessment, points="16", actor=w.city_officer)
        assessment_appraise(assessment=cls.assessment, actor=w.city_officer)

    def get(self, path: str, user=None, **params):
        if user is not None:
            self.client.force_login(user)
        return self.client.get(f"/api/v1/parindex/{path}", params)

    def test_definitions_and_tree(self) -> None:
        response = self.get("definitions", self.w.ward_officer)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual([(d["year"], d["level"]) for d in body], [(2026, "commune")])
        self.assertEqual(Decimal(body[0]["max_points"]), Decimal(42))
        tree = self.get(f"definitions/{self.definition.pk}").json()
        subs = [s for a in tree["areas"] for c in a["criteria"] for s in c["sub_criteria"]]
        self.assertEqual(len(subs), Score.objects.filter(assessment=self.assessment).count())
        self.assertEqual(self.get("definitions/999999").status_code, 404)

    def test_unit_assessments_with_totals(self) -> None:
        body = self.get(f"units/{self.w.ward.pk}/assessments", self.w.city_officer).json()
        self.assertEqual(len(body), 1)
        row = body[0]
        self.assertEqual(row["status"], "appraised")
        # The rules score 1.2.3 (0 of 0.5: no communication form), 1.3.1 and 1.3.2 (0 of 1
        # each: no initiative recognised, no model replicated); the other rows are typed at
        # full: 22 − 0.5 − 1 − 1 = 19.5 self points, + 16 survey points = 35.5.
        self.assertEqual(Decimal(row["self_total"]), Decimal("19.5"))
        self.assertEqual(Decimal(row["final_total"]), Decimal("19.5") + 16)
        self.assertEqual(
            Decimal(row["percent"]), (Decimal("35.5") * 100 / 42).quantize(Decimal("0.01"))
        )
        self.assertEqual(
            sum(Decimal(a["self_points"]) for a in row["areas"]), Decimal(row["self_total"])
        )
        self.assertEqual(
            sum(Decimal(s["self_points"]) for s in row["scores"]), Decimal(row["self_total"])
        )
        self.assertEqual(row["scores"][0]["code"], "1.1.1")

    def test_refusals(self) -> None:
        self.assertEqual(self.get("definitions").status_code, 401)
        # The definitions are the province's published decisions; the results are not.
        self.assertEqual(self.get("definitions", self.w.nobody).status_code, 200)
        self.assertEqual(
            self.get("ranking", self.w.nobody, year=2026, level="commune").status_code, 403
        )
        self.assertEqual(
            self.get(f"units/{self.w.ward.pk}/assessments", self.w.other_officer).status_code, 403
        )
        self.assertEqual(self.get("units/999999/assessments", self.w.ward_officer).status_code, 404)
        self.assertEqual(
            self.get("ranking", self.w.ward_officer, year=2026, level="huyen").status_code, 422
        )
        self.assertEqual(self.get("ranking", year=2025, level="commune").status_code, 404)

    def test_ranking(self) -> None:
        body = self.get("ranking", self.w.ward_officer, year=2026, level="commune").json()
        self.assertEqual([(r["rank"], r["unit_id"]) for r in body["rows"]], [(1, self.w.ward.pk)])
