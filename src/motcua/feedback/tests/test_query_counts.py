"""List pages and the summary cost the same number of queries whatever their rows."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from motcua.api.services import api_token_create
from motcua.core import clock
from motcua.feedback.models import Questionnaire
from motcua.feedback.services import evaluation_submit
from motcua.feedback.services.pakn import Sender, pakn_assign, pakn_submit
from motcua.feedback.services.surveys import campaign_create, survey_answer_paper
from motcua.feedback.tests.helpers import World, at, returned


class QueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        _t, cls.token = api_token_create(actor="test", user=cls.w.leader, name="q")

    def add_rows(self, start: int) -> None:
        """Add one unhappy rating, two PAKN and a campaign with two answers."""
        d = returned(self.w, day=start)
        with clock.frozen(at(2026, 3, start, 16)):
            evaluation_submit(dossier=d, channel="kiosk", level="dissatisfied")
            for n in range(2):
                p = pakn_submit(
                    channel="letter",
                    sender=Sender(name="Người gửi", phone="0987654321"),
                    title=f"Thư {start}-{n}",
                    content="Nội dung thư góp ý đủ dài",
                    actor=self.w.intake,
                    unit=self.w.centre,
                )
                pakn_assign(pakn=p, actor=self.w.leader, kind="regulation", unit=self.w.centre)
        campaign = campaign_create(
            unit=self.w.ward,
            questionnaire=Questionnaire.objects.get(),
            name=f"Đợt {start}",
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 3, 31),
            sample_target=2,
            actor=self.w.leader,
        )
        for n in range(2):
            survey_answer_paper(
                campaign=campaign,
                actor=self.w.leader,
                raw={"aspect_access": "5"},
                paper_number=str(n),
            )

    def counts(self) -> list[int]:
        self.client.force_login(self.w.leader)
        found = []
        for path in ("/phan-hoi/theo-doi/", "/phan-hoi/pakn/", "/phan-hoi/khao-sat/"):
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(path).status_code, 200)
            found.append(len(queries))
        self.client.logout()
        url = f"/api/v1/feedback/summary?unit_id={self.w.ward.pk}&period=2026-Q1"
        with clock.frozen(at(2026, 3, 20, 9)), CaptureQueriesContext(connection) as queries:
            response = self.client.get(url, headers={"Authorization": f"Bearer {self.token}"})
        self.assertEqual(response.status_code, 200)
        found.append(len(queries))
        return found

    def test_counts_do_not_grow_with_rows(self):
        self.add_rows(2)
        self.counts()  # warms the process caches (units, the working calendar)
        one = self.counts()
        self.add_rows(3)
        self.add_rows(4)
        self.assertEqual(self.counts(), one)
