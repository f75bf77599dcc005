"""The pages read a fixed number of queries, whatever the number of rows, files and units."""

from __future__ import annotations

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from motcua.parindex.models import Score
from motcua.parindex.services import (
    assessment_appraise,
    assessment_score,
    assessment_start,
    assessment_submit,
    assessment_survey,
)
from motcua.parindex.tests.helpers import ParWorld
from motcua.parindex.tests.test_assessment import png


class QueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = ParWorld()
        cls.definition = cls.w.sample()

    def count(self, url: str, user) -> int:
        self.client.force_login(user)
        self.client.get(url)  # warm the per-process caches (menu, roles)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def complete(self, unit, officer):
        assessment = assessment_start(unit=unit, year=2026, actor=officer)
        # Rows a rule scores (communication forms, initiatives …) cannot be typed.
        for score in Score.objects.filter(assessment=assessment, automatic=False).select_related(
            "sub_criterion"
        ):
            assessment_score(
                assessment=assessment,
                sub_criterion_id=score.sub_criterion_id,
                points=score.sub_criterion.max_points,
                actor=officer,
            )
        assessment_submit(assessment=assessment, actor=officer)
        return assessment

    def test_assessment_page_does_not_grow_with_evidence(self) -> None:
        assessment = assessment_start(unit=self.w.ward, year=2026, actor=self.w.ward_officer)
        url = f"/chi-so-cchc/danh-gia/{assessment.pk}/"
        before = self.count(url, self.w.ward_officer)
        for score in Score.objects.filter(assessment=assessment)[:4]:
            assessment_score(
                assessment=assessment,
                sub_criterion_id=score.sub_criterion_id,
                points="0",
                files=[png(), png()],
                actor=self.w.ward_officer,
            )
        self.assertEqual(self.count(url, self.w.ward_officer), before)

    def test_ranking_and_home_do_not_grow_with_units(self) -> None:
        ranking_url = f"/chi-so-cchc/bo-chi-so/{self.definition.pk}/xep-hang/"
        first = self.complete(self.w.ward, self.w.ward_officer)
        ranking_one = self.count(ranking_url, self.w.city_officer)
        home_one = self.count("/chi-so-cchc/", self.w.city_officer)
        self.complete(self.w.other_ward, self.w.other_officer)
        assessment_survey(assessment=first, points="10", actor=self.w.city_officer)
        assessment_appraise(assessment=first, actor=self.w.city_officer)
        self.assertEqual(self.count(ranking_url, self.w.city_officer), ranking_one)
        self.assertEqual(self.count("/chi-so-cchc/", self.w.city_officer), home_one)
