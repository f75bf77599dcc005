"""The demo includes feedback: ratings (one unhappy and followed up), PAKN in every state,
a counter kiosk and a survey campaign with answers."""

from io import StringIO

from django.core.management import call_command

from motcua.demo.tests.test_seed import DataDirTestCase
from motcua.feedback.models import Evaluation, FollowUp, Kiosk, Pakn, SurveyCampaign
from motcua.feedback.services.surveys import campaign_results


class SeedFeedbackTests(DataDirTestCase):
    def test_demo_feedback_once(self):
        out = StringIO()
        call_command("seed", "demo", stdout=out)
        self.assertIn(
            "Đánh giá mẫu: 2 · Phản ánh, kiến nghị: 5 · Phiếu khảo sát: 24", out.getvalue()
        )
        self.assertEqual(
            sorted(Evaluation.objects.values_list("level", flat=True)),
            ["dissatisfied", "very_satisfied"],
        )
        follow_up = FollowUp.objects.get()
        self.assertEqual(
            (follow_up.evaluation.level, follow_up.status), ("dissatisfied", "contacted")
        )
        self.assertEqual(
            set(Pakn.objects.values_list("status", flat=True)),
            {"received", "assigned", "answered", "published"},
        )
        self.assertEqual(Kiosk.objects.count(), 1)
        campaign = SurveyCampaign.objects.get()
        _aspects, overall, count = campaign_results(campaign)
        self.assertEqual((count, overall.n), (24, 24))
        self.assertIsNotNone(overall.low)
        call_command("seed", "demo", stdout=StringIO())
        self.assertEqual(
            (Evaluation.objects.count(), Pakn.objects.count(), SurveyCampaign.objects.count()),
            (2, 5, 1),
        )
