"""The admin shows the feedback rules and records; a used questionnaire cannot be edited."""

from datetime import date

from django.contrib.auth import get_user_model
from django.test import TestCase

from motcua.feedback.models import Questionnaire
from motcua.feedback.services.surveys import campaign_create
from motcua.feedback.tests.helpers import World


class FeedbackAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        cls.admin = get_user_model().objects.create_superuser("admin", "a@example.org", "pw")

    def test_pages_open_and_records_are_read_only(self):
        self.client.force_login(self.admin)
        for name in (
            "evaluationscheme",
            "questionnaire",
            "evaluation",
            "followup",
            "pakn",
            "kiosk",
            "surveycampaign",
        ):
            with self.subTest(name=name):
                self.assertEqual(self.client.get(f"/admin/feedback/{name}/").status_code, 200)
        self.assertEqual(self.client.get("/admin/feedback/pakn/add/").status_code, 403)

    def test_a_questionnaire_in_use_is_frozen(self):
        q = Questionnaire.objects.get()
        self.client.force_login(self.admin)
        page = self.client.get(f"/admin/feedback/questionnaire/{q.pk}/change/")
        self.assertContains(page, 'name="definition"')
        campaign_create(
            unit=self.w.ward,
            questionnaire=q,
            name="Đợt 1",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 1, 31),
            sample_target=5,
            actor=self.w.leader,
        )
        page = self.client.get(f"/admin/feedback/questionnaire/{q.pk}/change/")
        self.assertNotContains(page, 'name="definition"')
