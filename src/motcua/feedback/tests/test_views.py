"""The officer's pages: scope checks, the follow-up form, periodic alerts."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from motcua.core import clock
from motcua.feedback.models import FollowUp
from motcua.feedback.services import evaluation_submit, kiosk_create
from motcua.feedback.tests.helpers import World, at, returned


class OfficerPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        cls.d = returned(cls.w)

    def test_another_units_officer_cannot_open_the_send_page(self):
        kiosk_create(unit=self.w.centre, name="Quầy 1", actor=self.w.intake)
        self.client.force_login(self.w.outsider)
        response = self.client.get(f"/phan-hoi/gui-may/{self.d.pk}/")
        self.assertEqual(response.status_code, 404)
        self.client.force_login(self.w.intake)
        page = self.client.get(f"/phan-hoi/gui-may/{self.d.pk}/")
        self.assertContains(page, "Bộ phận chưa có máy đánh giá đã kết nối.")  # not paired yet

    def test_the_director_closes_a_follow_up_from_its_page(self):
        with clock.frozen(at(2026, 3, 2, 15)):
            e = evaluation_submit(dossier=self.d, channel="link", level="dissatisfied")
        url = f"/phan-hoi/theo-doi/{e.follow_up.pk}/"
        self.client.force_login(self.w.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.w.director)
        listing = self.client.get("/phan-hoi/theo-doi/")
        self.assertContains(listing, self.d.code)
        empty = self.client.post(url, {"note": "", "outcome": "", "close": "on"})
        self.assertContains(
            empty, "There is a problem" if False else "error-summary", status_code=400
        )
        with clock.frozen(at(2026, 3, 3, 9)):
            missing = self.client.post(url, {"note": "Đã gọi điện", "outcome": "", "close": "on"})
            self.assertContains(missing, "Ghi kết quả xử lý trước khi kết thúc.", status_code=400)
            done = self.client.post(
                url, {"note": "Đã gọi điện", "outcome": "Người dân đồng ý", "close": "on"}
            )
        self.assertRedirects(done, "/phan-hoi/theo-doi/")
        self.assertEqual(FollowUp.objects.get().status, "closed")

    def test_periodic_runs_the_feedback_alerts(self):
        with clock.frozen(at(2026, 3, 2, 15)):
            evaluation_submit(dossier=self.d, channel="link", level="dissatisfied")
        out = StringIO()
        with clock.frozen(at(2026, 3, 20, 9)):
            call_command("periodic", stdout=out)
        self.assertIn(
            "feedback: feedback overdue: 1 follow-ups, 0 PAKN, 1 messages", out.getvalue()
        )
