"""/api/v1/feedback/…: the summary of a unit and quarter, the lists and their Excel files."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from django.test import TestCase
from openpyxl import load_workbook

from motcua.api.services import api_token_create
from motcua.core import clock
from motcua.feedback.models import Questionnaire
from motcua.feedback.services import evaluation_submit
from motcua.feedback.services.pakn import Sender, pakn_answer, pakn_assign, pakn_submit
from motcua.feedback.services.surveys import campaign_create, survey_answer_paper
from motcua.feedback.tests.helpers import World, at, returned


class FeedbackApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        _token, cls.token = api_token_create(actor="test", user=cls.w.leader, name="báo cáo")
        _token, cls.outsider_token = api_token_create(actor="test", user=cls.w.outsider, name="x")
        first, second = returned(cls.w, day=2), returned(cls.w, day=3)
        with clock.frozen(at(2026, 3, 4, 9)):
            evaluation_submit(
                dossier=first, channel="kiosk", level="very_satisfied", scores=[2] * 9
            )
            evaluation_submit(
                dossier=second,
                channel="link",
                level="dissatisfied",
                scores=[2, 1, 1, 2, 2, 2, 0, 1, 2],
            )
            sender = Sender(name="Lê Văn Tâm", phone="0987654321")
            for title in ("Một", "Hai", "Ba"):
                pakn_submit(
                    channel="hotline",
                    sender=sender,
                    title=title,
                    content="Nội dung phản ánh đủ dài",
                    actor=cls.w.intake,
                    unit=cls.w.centre,
                )
            from motcua.feedback.models import Pakn

            one, two, _three = Pakn.objects.order_by("id")
            pakn_assign(pakn=one, actor=cls.w.leader, kind="regulation", unit=cls.w.centre)
            pakn_answer(pakn=one, actor=cls.w.leader, answer="Trả lời đầy đủ cho công dân.")
            pakn_assign(pakn=two, actor=cls.w.leader, kind="handling", unit=cls.w.centre)
        cls.campaign = campaign_create(
            unit=cls.w.ward,
            questionnaire=Questionnaire.objects.get(),
            name="Khảo sát quý III",
            starts_on=date(2026, 7, 1),
            ends_on=date(2026, 9, 30),
            sample_target=4,
            actor=cls.w.leader,
        )
        for number, level in (("1", "5"), ("2", "4"), ("3", "2"), ("4", "5")):
            survey_answer_paper(
                campaign=cls.campaign,
                actor=cls.w.leader,
                raw={
                    f"aspect_{k}": level
                    for k in ("access", "procedure", "officer", "result", "feedback")
                },
                paper_number=number,
            )

    def get(self, path, token=None):
        return self.client.get(path, headers={"Authorization": f"Bearer {token or self.token}"})

    def test_the_summary_of_a_quarter(self):
        with clock.frozen(at(2026, 3, 10, 9)):
            body = self.get(
                f"/api/v1/feedback/summary?unit_id={self.w.ward.pk}&period=2026-Q1"
            ).json()
        self.assertEqual((body["start"], body["end"]), ("2026-01-01", "2026-03-31"))
        self.assertEqual(body["ratings"]["total"], 2)
        self.assertEqual(
            body["ratings"]["levels"], {"very_satisfied": 1, "satisfied": 0, "dissatisfied": 1}
        )
        means = [i["mean"] for i in body["ratings"]["indicators"]]
        self.assertEqual(means, [2.0, 1.5, 1.5, 2.0, 2.0, 2.0, 1.0, 1.5, 2.0])
        self.assertEqual(
            body["pakn"]["states"], {"received": 1, "assigned": 1, "answered": 1, "published": 0}
        )
        # One answered on time, one still within its time: 2 of 2 counted.
        self.assertEqual(
            (body["pakn"]["on_time"], body["pakn"]["within_time"], body["pakn"]["late"]), (1, 1, 0)
        )
        self.assertEqual(body["pakn"]["on_time_share"], 1.0)
        self.assertEqual(body["surveys"], [])
        with clock.frozen(at(2026, 3, 20, 9)):  # past 18/3 17:00, the assigned one is late
            late = self.get(
                f"/api/v1/feedback/summary?unit_id={self.w.ward.pk}&period=2026-Q1"
            ).json()
        self.assertEqual((late["pakn"]["late"], late["pakn"]["on_time_share"]), (1, 0.5))

    def test_the_summary_carries_each_survey_with_its_interval(self):
        body = self.get(f"/api/v1/feedback/summary?unit_id={self.w.ward.pk}&period=2026-Q3").json()
        self.assertEqual(body["ratings"]["total"], 0)
        [survey] = body["surveys"]
        self.assertEqual((survey["answers"], survey["sample_target"]), (4, 4))
        self.assertEqual(survey["overall"]["index"], 0.75)
        self.assertEqual(survey["overall"]["sample_size"], 4)
        # Shares 1, 1, 0, 1: s = 0.5, SE = 0.25, 1.96 × 0.25 = 0.49 → 0.26 … 1 (held at 1).
        self.assertAlmostEqual(survey["overall"]["ci_low"], 0.75 - 1.959963984540054 * 0.25)
        self.assertEqual(survey["overall"]["ci_high"], 1.0)
        one = self.get(f"/api/v1/feedback/surveys/{self.campaign.pk}").json()
        self.assertEqual(one["aspects"][0]["index"], 0.75)
        self.assertEqual(one["starts_on"], "2026-07-01")

    def test_lists_and_excel(self):
        rows = self.get(f"/api/v1/feedback/ratings?unit_id={self.w.ward.pk}&period=2026-03").json()
        self.assertEqual([r["level"] for r in rows], ["dissatisfied", "very_satisfied"])
        self.assertEqual(rows[0]["scores"], [2, 1, 1, 2, 2, 2, 0, 1, 2])
        self.assertEqual(rows[0]["has_follow_up"], True)
        self.assertEqual(
            rows[0]["handler_ids"], sorted([self.w.intake.pk, self.w.handler.pk, self.w.leader.pk])
        )
        xlsx = self.get(
            f"/api/v1/feedback/ratings?unit_id={self.w.ward.pk}&period=2026&format=xlsx"
        )
        sheet = load_workbook(BytesIO(xlsx.content)).active
        self.assertEqual(sheet.max_row, 3)
        self.assertEqual(sheet.cell(2, 5).value, "Không hài lòng")
        pakn = self.get(f"/api/v1/feedback/pakn?unit_id={self.w.centre.pk}&period=2026-Q1").json()
        self.assertEqual([p["status"] for p in pakn], ["received", "assigned", "answered"])
        self.assertNotIn("Lê Văn Tâm", str(pakn))
        xlsx = self.get(f"/api/v1/feedback/pakn?unit_id={self.w.centre.pk}&period=2026&format=xlsx")
        self.assertEqual(load_workbook(BytesIO(xlsx.content)).active.max_row, 4)

    def test_refusals(self):
        url = f"/api/v1/feedback/summary?unit_id={self.w.ward.pk}&period=2026-Q1"
        self.assertEqual(self.client.get(url).status_code, 401)
        forbidden = self.get(url, token=self.outsider_token)
        self.assertEqual((forbidden.status_code, forbidden.json()["code"]), (403, "forbidden"))
        bad = self.get(f"/api/v1/feedback/summary?unit_id={self.w.ward.pk}&period=Q3-2026")
        self.assertEqual((bad.status_code, bad.json()["code"]), (400, "invalid_period"))
        missing = self.get("/api/v1/feedback/summary?unit_id=999999&period=2026")
        self.assertEqual((missing.status_code, missing.json()["code"]), (404, "unknown_unit"))
        self.assertEqual(self.get("/api/v1/feedback/summary?period=2026").status_code, 422)
        other = self.get(f"/api/v1/feedback/surveys/{self.campaign.pk}", token=self.outsider_token)
        self.assertEqual(other.status_code, 404)

    def test_in_the_openapi_document(self):
        paths = self.client.get("/api/v1/openapi.json").json()["paths"]
        for path in ("summary", "ratings", "pakn", "surveys/{campaign_id}"):
            self.assertIn(f"/api/v1/feedback/{path}", paths)
        self.assertEqual(
            sorted(paths["/api/v1/feedback/summary"]["get"]["responses"]),
            ["200", "400", "401", "403", "404", "422"],
        )


class PaknGroup5Tests(TestCase):
    """The QĐ 766 group-5 PAKN figures the service index reads."""

    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def test_on_time_and_satisfaction(self):
        from motcua.feedback.models import Pakn
        from motcua.feedback.selectors import pakn_group5
        from motcua.feedback.services.pakn import pakn_rate_answer, pakn_token

        sender = Sender(name="Lê Văn Tâm", phone="0987654321")
        made = []
        with clock.frozen(at(2026, 3, 2, 9)):
            for title in ("đúng hạn", "không hài lòng", "quá hạn", "đang trong hạn", "chưa giao"):
                made.append(
                    pakn_submit(
                        channel="hotline",
                        sender=sender,
                        title=title,
                        content="Nội dung phản ánh đủ dài",
                        actor=self.w.intake,
                        unit=self.w.centre,
                    )
                )
            for pakn in made[:3]:
                pakn_assign(pakn=pakn, actor=self.w.director, kind="handling", unit=self.w.centre)
        with clock.frozen(at(2026, 3, 10, 9)):
            pakn_assign(pakn=made[3], actor=self.w.director, kind="handling", unit=self.w.centre)
            for pakn in made[:2]:
                pakn_answer(pakn=pakn, actor=self.w.director, answer="Đã trả lời đầy đủ, đúng hạn.")
            pakn_rate_answer(
                token=pakn_token(Pakn.objects.get(pk=made[1].pk)), rating="dissatisfied"
            )
        # made[2] was due 16/3 17:00 and is still unanswered on 17/3.
        with clock.frozen(at(2026, 3, 17, 9)):
            g = pakn_group5(self.w.ward, date(2026, 3, 1), date(2026, 3, 31))
        self.assertEqual((g.received, g.on_time_or_within, g.overdue, g.dissatisfied), (5, 4, 1, 1))
        self.assertEqual(g.satisfied_numerator, 3)
