"""A survey campaign from creation to its indices, checked against a hand computation."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

from django.test import SimpleTestCase, TestCase, override_settings
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from motcua.core import clock
from motcua.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from motcua.feedback.models import Questionnaire, SurveyResponse
from motcua.feedback.services.surveys import (
    campaign_create,
    campaign_results,
    survey_answer_paper,
)
from motcua.feedback.stats import wilson
from motcua.feedback.tests.helpers import World, at
from motcua.feedback.views_surveys import DEVICE_COOKIE

SATISFIED_ALL = {
    f"aspect_{k}": "5" for k in ("access", "procedure", "officer", "result", "feedback")
}
TWO_NEUTRAL = {**SATISFIED_ALL, "aspect_access": "3", "aspect_procedure": "3"}


class WilsonTests(SimpleTestCase):
    def test_wilson_by_hand(self):
        """8 of 10, z = 1.96, z² = 3.8415: centre (0.8 + 3.8415/20) / (1 + 3.8415/10)
        = 0.99207 / 1.38415 = 0.71674; half 1.96 × √(0.8 × 0.2 / 10 + 3.8415 / 400)
        = 1.96 × √0.0256 / 1.38415 = 0.22657 → 0.4902 … 0.9433."""
        low, high = wilson(8, 10)
        self.assertAlmostEqual(low, 0.4902, places=4)
        self.assertAlmostEqual(high, 0.9433, places=4)
        low, high = wilson(10, 10)
        self.assertAlmostEqual(low, 0.7225, places=4)
        self.assertEqual(high, 1.0)


class CampaignTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        cls.q = Questionnaire.objects.get(code="sipas", version=1)

    def create(self, **overrides):
        args = {
            "unit": self.w.ward,
            "questionnaire": self.q,
            "name": "Khảo sát quý I/2026",
            "starts_on": date(2026, 3, 1),
            "ends_on": date(2026, 3, 31),
            "sample_target": 10,
            "actor": self.w.leader,
        }
        args.update(overrides)
        return campaign_create(**args)

    def answer_online(self, campaign, data, device):
        self.client.cookies[DEVICE_COOKIE] = device
        with clock.frozen(at(2026, 3, 10, 9)):
            return self.client.post(f"/khao-sat/{campaign.slug}/", data)

    def test_from_creation_to_the_index_and_its_interval(self):
        campaign = self.create()
        for i in range(6):
            response = self.answer_online(
                campaign, {**SATISFIED_ALL, "expectations": ["3"]}, f"device-{i:020d}"
            )
            self.assertContains(response, "Cảm ơn Ông/Bà đã tham gia khảo sát.")
        self.answer_online(campaign, TWO_NEUTRAL, "device-x-0000000000000000")
        self.client.force_login(self.w.leader)
        for number, data in (
            ("P-01", SATISFIED_ALL),
            ("P-02", SATISFIED_ALL),
            ("P-03", TWO_NEUTRAL),
        ):
            with clock.frozen(at(2026, 3, 11, 9)):
                page = self.client.post(
                    f"/phan-hoi/khao-sat/{campaign.pk}/", {**data, "paper_number": number}
                )
            self.assertEqual(page.status_code, 302)
        self.assertEqual(SurveyResponse.objects.filter(campaign=campaign).count(), 10)

        aspects, overall, count = campaign_results(campaign)
        self.assertEqual(count, 10)
        by_key = {e.key: e for e in aspects}
        # Access and procedure: 8 of 10 satisfied; the others 10 of 10.
        self.assertEqual((by_key["access"].value, by_key["access"].n), (0.8, 10))
        self.assertAlmostEqual(by_key["access"].low, 0.4902, places=4)
        self.assertAlmostEqual(by_key["access"].high, 0.9433, places=4)
        self.assertEqual(by_key["officer"].value, 1.0)
        # Overall = mean of (0.8, 0.8, 1, 1, 1) = 0.92. The respondents' own shares: eight
        # of 1.0 and two of 0.6 (mean 0.92); Σ(dev²) = 8 × 0.08² + 2 × 0.32² = 0.256,
        # s = √(0.256 / 9) = 0.168655, SE = s / √10 = 0.053333, 1.96 × SE = 0.104531.
        self.assertAlmostEqual(overall.value, 0.92, places=10)
        self.assertEqual(overall.n, 10)
        self.assertAlmostEqual(overall.low, 0.815469, places=5)
        self.assertEqual(overall.high, 1.0)  # 1.024531, held inside 0–1

        page = self.client.get(f"/phan-hoi/khao-sat/{campaign.pk}/")
        self.assertContains(page, "<th>0,920</th>")
        self.assertContains(page, "<th>0,815–1,000</th>")
        self.assertContains(page, "<svg")  # the QR code of the link
        sheet = load_workbook(
            BytesIO(self.client.get(f"/phan-hoi/khao-sat/{campaign.pk}/excel/").content)
        )
        rows = list(sheet.worksheets[0].iter_rows(values_only=True))
        self.assertEqual(rows[1][:3], ("Tiếp cận dịch vụ", 0.8, 10))
        self.assertEqual((rows[6][0], rows[6][2]), ("Chỉ số chung", 10))
        self.assertAlmostEqual(rows[6][1], 0.92, places=10)
        self.assertEqual(sheet.worksheets[1].max_row, 11)

    def test_the_campaigns_compare_units_and_years(self):
        """A city reform officer sees each unit's campaign of each year, with index and n."""
        officer = self.w._user("caicach", "reform_officer", self.w.city)
        ward_2025 = self.create(
            name="Khảo sát năm 2025", starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 31)
        )
        other_2026 = self.create(
            unit=self.w.other_ward, name="Khảo sát năm 2026", actor=officer, sample_target=4
        )
        for campaign, sheets in (
            (ward_2025, [SATISFIED_ALL, TWO_NEUTRAL]),
            (other_2026, [SATISFIED_ALL] * 4),
        ):
            for i, data in enumerate(sheets):
                survey_answer_paper(
                    campaign=campaign, actor=officer, raw=data, paper_number=f"P-{i}"
                )
        self.client.force_login(officer)
        page = self.client.get("/phan-hoi/khao-sat/").content.decode()
        rows = re.findall(
            r"<tr><td><a [^>]*>([^<]+)</a></td><td>([^<]+)</td>.*?<td>(\d+) / (\d+)</td>\s*<td>([^<]+)</td>",
            page,
            re.S,
        )
        self.assertEqual(
            sorted(rows),
            [
                # 2 answers: access and procedure half satisfied, (0.5 + 0.5 + 1 + 1 + 1) / 5
                ("Khảo sát năm 2025", self.w.ward.name, "2", "10", "80%"),
                ("Khảo sát năm 2026", self.w.other_ward.name, "4", "4", "100%"),
            ],
        )

    def test_one_answer_per_device_and_honeypot(self):
        campaign = self.create()
        first = self.answer_online(campaign, SATISFIED_ALL, "a" * 32)
        self.assertEqual(first.status_code, 200)
        again = self.answer_online(campaign, TWO_NEUTRAL, "a" * 32)
        self.assertContains(again, "Thiết bị này đã trả lời khảo sát", status_code=409)
        robot = self.answer_online(campaign, {**SATISFIED_ALL, "website": "x"}, "b" * 32)
        self.assertEqual(robot.status_code, 200)
        del self.client.cookies[DEVICE_COOKIE]
        with clock.frozen(at(2026, 3, 10, 9)):
            no_cookie = self.client.post(f"/khao-sat/{campaign.slug}/", SATISFIED_ALL)
        self.assertEqual(no_cookie.status_code, 400)
        self.assertIn(DEVICE_COOKIE, no_cookie.cookies)  # the next try can count
        self.assertEqual(SurveyResponse.objects.count(), 1)

    @override_settings(MOTCUA_FEEDBACK_PUBLIC_PER_HOUR=2)
    def test_answers_are_rate_limited_per_connection(self):
        from django.core.cache import cache

        cache.clear()
        campaign = self.create()
        codes = [
            self.answer_online(campaign, SATISFIED_ALL, f"{i}" * 20).status_code for i in range(3)
        ]
        self.assertEqual(codes, [200, 200, 429])
        self.assertEqual(SurveyResponse.objects.count(), 2)

    def test_outside_its_period_a_campaign_takes_no_online_answers(self):
        campaign = self.create(starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 30))
        response = self.answer_online(campaign, SATISFIED_ALL, "c" * 32)
        self.assertContains(response, "01/04/2026", status_code=409)
        self.assertFalse(SurveyResponse.objects.exists())

    def test_rules_of_creation_and_paper_entry(self):
        with self.assertRaises(ApplicationError):
            self.create(ends_on=date(2026, 2, 1))
        with self.assertRaises(ApplicationError):
            self.create(sample_target=0)
        with self.assertRaises(PermissionDeniedError):
            self.create(actor=self.w.handler)
        campaign = self.create()
        raw = {"aspect_access": "4"}
        survey_answer_paper(campaign=campaign, actor=self.w.leader, raw=raw, paper_number="P-1")
        with self.assertRaises(ConflictError):
            survey_answer_paper(campaign=campaign, actor=self.w.leader, raw=raw, paper_number="P-1")
        with self.assertRaises(ApplicationError) as caught:
            survey_answer_paper(
                campaign=campaign,
                actor=self.w.leader,
                raw={"aspect_access": "7"},
                paper_number="P-2",
            )
        self.assertEqual(caught.exception.code, "invalid_level")
        with self.assertRaises(PermissionDeniedError):
            survey_answer_paper(
                campaign=campaign, actor=self.w.outsider, raw=raw, paper_number="P-3"
            )
        self.assertEqual(SurveyResponse.objects.count(), 1)


class WilsonPropertyTests(SimpleTestCase):
    @given(
        st.integers(min_value=1, max_value=5000).flatmap(
            lambda n: st.tuples(st.integers(0, n), st.just(n))
        )
    )
    def test_the_interval_holds_the_share_inside_zero_one(self, case):
        hits, n = case
        low, high = wilson(hits, n)
        self.assertLessEqual(0.0, low)
        self.assertLessEqual(high, 1.0)
        self.assertLessEqual(low, hits / n + 1e-12)
        self.assertGreaterEqual(high, hits / n - 1e-12)

    @given(st.integers(min_value=2, max_value=2000))
    def test_more_answers_narrow_the_interval(self, n):
        low1, high1 = wilson(n // 2, n)
        low4, high4 = wilson(4 * (n // 2), 4 * n)
        self.assertLess(high4 - low4, high1 - low1)
