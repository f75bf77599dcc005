"""The judge's, the organiser's and the public pages, through the test client."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.test import TestCase
from pypdf import PdfReader

from motcua.contests import services
from motcua.contests.models import Result, RoundStatus, ScoreSheet, SheetStatus
from motcua.contests.tests.helpers import ContestWorld, performance_of
from motcua.core.models import AuditEvent


class ContestPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = ContestWorld()
        cls.round, cls.teams, cls.criteria = cls.w.prepared_round(teams=2)
        services.round_open(actor=cls.w.organiser, round_=cls.round)
        cls.first = performance_of(cls.round, cls.teams[0])
        cls.second = performance_of(cls.round, cls.teams[1])

    def sheet_url(self, performance: Any) -> str:
        return f"/giam-khao/phieu/{performance.pk}/"

    def fields(self, content: str, delivery: str, **extra: str) -> dict[str, str]:
        c, d = self.criteria
        return {f"criterion_{c.pk}": content, f"criterion_{d.pk}": delivery, **extra}

    def test_judge_lands_on_their_sheets(self) -> None:
        judge = self.w.judges[0]
        self.client.force_login(judge)
        # After sign-in (LOGIN_REDIRECT_URL) a judge lands on their sheets.
        self.assertRedirects(self.client.get("/chi-so/bat-dau/"), "/giam-khao/")
        page = self.client.get("/giam-khao/")
        self.assertContains(page, self.teams[0].name)
        self.assertContains(page, "Chưa chấm")

    def test_judge_saves_then_submits_and_the_sheet_locks(self) -> None:
        judge = self.w.judges[0]
        self.client.force_login(judge)
        page = self.client.get(self.sheet_url(self.first))
        self.assertContains(page, 'inputmode="decimal"', count=2)
        saved = self.client.post(self.sheet_url(self.first), self.fields("51,5", "", save="1"))
        self.assertEqual(saved.status_code, 302)
        sheet = ScoreSheet.objects.get(judge=judge, performance=self.first)
        self.assertEqual(sheet.status, SheetStatus.DRAFT)
        again = self.client.get(self.sheet_url(self.first))
        self.assertContains(again, 'value="51.5"')
        bad = self.client.post(self.sheet_url(self.first), self.fields("70", "30", submit="1"))
        self.assertEqual(bad.status_code, 400)
        self.assertContains(bad, "từ 0 đến 60 điểm", status_code=400)
        self.assertContains(bad, 'id="error-summary"', status_code=400)
        done = self.client.post(self.sheet_url(self.first), self.fields("51.5", "30", submit="1"))
        # Submitted, the judge is taken to the next performance.
        self.assertRedirects(done, self.sheet_url(self.second))
        sheet.refresh_from_db()
        self.assertEqual(sheet.status, SheetStatus.SUBMITTED)
        locked = self.client.get(self.sheet_url(self.first))
        self.assertContains(locked, 'id="sheet-locked"')
        self.assertNotContains(locked, 'id="submit-sheet"')
        # A forged post changes nothing.
        self.client.post(self.sheet_url(self.first), self.fields("1", "1", submit="1"))
        sheet.refresh_from_db()
        self.assertEqual(str(sheet.total), "81.50")

    def test_other_judge_does_not_see_the_points(self) -> None:
        services.sheet_save(
            judge=self.w.judges[0],
            performance=self.first,
            points={self.criteria[0].pk: "57.25"},
        )
        self.client.force_login(self.w.judges[1])
        page = self.client.get(self.sheet_url(self.first))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "57.25")
        self.client.force_login(self.w.not_judge)
        self.assertEqual(self.client.get(self.sheet_url(self.first)).status_code, 404)
        # The organiser's progress shows statuses, never points.
        self.client.force_login(self.w.organiser)
        progress = self.client.get(f"/hoi-thi/quan-ly/vong/{self.round.pk}/")
        self.assertContains(progress, "Bản nháp")
        self.assertNotContains(progress, "57.25")

    def test_organiser_reopens_with_a_reason_then_publishes(self) -> None:
        for judge in self.w.judges:
            for performance, content in ((self.first, "50"), (self.second, "40")):
                services.sheet_save(
                    judge=judge,
                    performance=performance,
                    points={self.criteria[0].pk: content, self.criteria[1].pk: "30"},
                    submit=True,
                )
        url = f"/hoi-thi/quan-ly/vong/{self.round.pk}/"
        sheet = ScoreSheet.objects.get(judge=self.w.judges[0], performance=self.first)
        self.client.force_login(self.w.organiser)
        refused = self.client.post(url, {"action": "reopen", "sheet": sheet.pk, "reason": "x"})
        self.assertEqual(refused.status_code, 400)
        self.assertContains(refused, "ít nhất 10 ký tự", status_code=400)
        reopened = self.client.post(
            url, {"action": "reopen", "sheet": sheet.pk, "reason": "Nhập nhầm điểm nội dung"}
        )
        self.assertEqual(reopened.status_code, 302)
        sheet.refresh_from_db()
        self.assertEqual(sheet.status, SheetStatus.DRAFT)
        self.assertTrue(AuditEvent.objects.filter(action="contests.sheet_reopen").exists())
        early = self.client.post(url, {"action": "publish"})
        self.assertContains(early, "chưa được gửi", status_code=400)
        services.sheet_save(
            judge=self.w.judges[0],
            performance=self.first,
            points={self.criteria[0].pk: "50", self.criteria[1].pk: "30"},
            submit=True,
        )
        published = self.client.post(url, {"action": "publish"})
        self.assertEqual(published.status_code, 302)
        self.round.refresh_from_db()
        self.assertEqual(self.round.status, RoundStatus.PUBLISHED)
        # The public page and the certificate.
        self.client.logout()
        results = self.client.get(f"/hoi-thi/vong/{self.round.pk}/")
        self.assertContains(results, self.teams[0].name)
        self.assertContains(results, "Giải Nhất")
        winner = Result.objects.get(round=self.round, rank=1)
        self.assertEqual(winner.team, self.teams[0])
        pdf = self.client.get(f"/hoi-thi/giay-chung-nhan/{winner.pk}.pdf")
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
        for expected in ("GIẤY CHỨNG NHẬN", self.teams[0].name, "Giải Nhất", "Chung kết"):
            self.assertIn(expected, text)

    def test_unpublished_results_and_strangers_get_404(self) -> None:
        self.assertEqual(self.client.get(f"/hoi-thi/vong/{self.round.pk}/").status_code, 404)
        self.client.force_login(self.w.outsider)
        self.assertEqual(
            self.client.get(f"/hoi-thi/quan-ly/vong/{self.round.pk}/").status_code, 404
        )
        self.assertEqual(self.client.get("/hoi-thi/quan-ly/").status_code, 403)
