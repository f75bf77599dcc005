"""The judge's, the organiser's and the public pages, through the test client."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from django.test import TestCase
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.contests import services
from motcua.contests.excel import XLSX
from motcua.contests.models import Contest, Result, RoundStatus, ScoreSheet, SheetStatus
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

    def test_autosave_answers_json(self) -> None:
        judge = self.w.judges[0]
        self.client.force_login(judge)
        url = self.sheet_url(self.first)
        headers = {"X-Motcua-Autosave": "1"}
        saved = self.client.post(url, self.fields("12", ""), headers=headers)
        self.assertEqual(saved.json()["saved"], True)
        self.assertEqual(ScoreSheet.objects.get(judge=judge).scores.get().points, Decimal("12.00"))
        bad = self.client.post(url, self.fields("12", "41"), headers=headers)
        self.assertEqual(bad.status_code, 400)
        self.assertIn("từ 0 đến 40 điểm", bad.json()["errors"][0]["message"])
        self.client.post(url, self.fields("12", "30", submit="1"))
        locked = self.client.post(url, self.fields("1", "1"), headers=headers)
        self.assertEqual((locked.status_code, locked.json()["code"]), (409, "sheet_locked"))

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
        # The organiser now sees each judge's total; the public sees performance scores.
        breakdown = self.client.get(url)
        self.assertContains(breakdown, 'id="breakdown"')
        self.assertContains(breakdown, "80 (ht-giamkhao1)")
        self.assertNotContains(breakdown, "<s>")  # nothing dropped in this round
        xlsx = self.client.get(f"{url}tong-hop-diem.xlsx")
        self.assertEqual(xlsx["Content-Type"], XLSX)
        rows = list(load_workbook(BytesIO(xlsx.content)).active.iter_rows(values_only=True))
        self.assertEqual(
            rows[0],
            (
                "Hạng",
                "Đội thi",
                "Đơn vị",
                "Phần thi",
                "Giám khảo",
                "Nội dung (tối đa 60)",
                "Hình thức thể hiện (tối đa 40)",
                "Tổng điểm",
                "Được tính",
                "Điểm phần thi",
            ),
        )
        self.assertEqual(len(rows), 1 + 6)  # a row per sheet: 2 performances × 3 judges
        self.assertEqual(rows[1][:2], (1, self.teams[0].name))
        self.assertEqual(rows[1][5:], (50.0, 30.0, 80.0, "Có", 80.0))
        # The public page and the certificate.
        self.client.logout()
        results = self.client.get(f"/hoi-thi/vong/{self.round.pk}/")
        self.assertContains(results, self.teams[0].name)
        self.assertContains(results, "Giải Nhất")
        self.assertContains(results, "Thuyết trình: 80")
        self.assertNotContains(results, "ht-giamkhao1")
        winner = Result.objects.get(round=self.round, rank=1)
        self.assertEqual(winner.team, self.teams[0])
        pdf = self.client.get(f"/hoi-thi/giay-chung-nhan/{winner.pk}.pdf")
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        reader = PdfReader(BytesIO(pdf.content))
        self.assertEqual(len(reader.pages), 1)
        self.assertEqual(len(reader.pages[0].images), 1)  # the QR code of the results
        text = "".join(p.extract_text() for p in reader.pages)
        for expected in (
            "GIẤY CHỨNG NHẬN",
            self.teams[0].name,
            "Giải Nhất",
            "Chung kết",
            winner.certificate_number,
        ):
            self.assertIn(expected, text)
        # A mistake found after publication: the organiser withdraws the results.
        self.client.force_login(self.w.organiser)
        page = self.client.get(url)
        self.assertContains(page, 'id="withdraw-results"', html=False)
        short = self.client.post(url, {"action": "withdraw", "reason": "sai"})
        self.assertContains(short, "ít nhất 10 ký tự", status_code=400)
        self.assertContains(short, "Lỗi:", status_code=400)
        withdrawn = self.client.post(
            url, {"action": "withdraw", "reason": "Nhập nhầm điểm của đội thứ hai"}
        )
        self.assertRedirects(withdrawn, url)
        self.round.refresh_from_db()
        self.assertEqual(self.round.status, RoundStatus.SCORING)
        self.assertContains(self.client.get(url), 'id="publish-round"', html=False)
        self.client.logout()
        self.assertEqual(self.client.get(f"/hoi-thi/vong/{self.round.pk}/").status_code, 404)
        self.assertEqual(
            self.client.get(f"/hoi-thi/giay-chung-nhan/{winner.pk}.pdf").status_code, 404
        )

    def test_unpublished_results_and_strangers_get_404(self) -> None:
        self.assertEqual(self.client.get(f"/hoi-thi/vong/{self.round.pk}/").status_code, 404)
        self.client.force_login(self.w.outsider)
        self.assertEqual(
            self.client.get(f"/hoi-thi/quan-ly/vong/{self.round.pk}/").status_code, 404
        )
        self.assertEqual(
            self.client.get(
                f"/hoi-thi/quan-ly/vong/{self.round.pk}/tong-hop-diem.xlsx"
            ).status_code,
            404,
        )
        # An organiser elsewhere sees their own page, without this contest.
        self.assertNotContains(self.client.get("/hoi-thi/quan-ly/"), self.round.contest.name)
        self.client.force_login(self.w.judges[0])
        self.assertEqual(self.client.get("/hoi-thi/quan-ly/").status_code, 403)


class OrganiserSetupPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = ContestWorld()

    def test_organiser_sets_up_a_round_through_the_pages(self) -> None:
        self.client.force_login(self.w.organiser)
        created = self.client.post(
            "/hoi-thi/quan-ly/",
            {
                "action": "contest",
                "name": "Hội thi Cải cách hành chính 2027",
                "year": "2027",
                "organiser": self.w.city.pk,
            },
        )
        contest = Contest.objects.get()
        url = f"/hoi-thi/quan-ly/{contest.pk}/"
        self.assertRedirects(created, url)
        self.client.post(url, {"action": "round", "name": "Chung kết", "drop_extremes": "on"})
        round_ = contest.rounds.get()
        self.assertIs(round_.drop_extremes, True)
        # A unit outside the organiser's tree is not offered.
        stranger = self.client.post(
            url, {"action": "team", "name": "Đội lạ", "unit": self.w.other_city.pk}
        )
        self.assertEqual(stranger.status_code, 400)
        self.client.post(
            url,
            {
                "action": "team",
                "name": "Đội Ngã Bảy",
                "unit": self.w.wards[0].pk,
                "members": "Trần Thị A, Phó Chủ tịch\nLê Văn B",
            },
        )
        team = contest.teams.get()
        self.assertEqual(
            list(team.members.values_list("full_name", "position")),
            [("Trần Thị A", "Phó Chủ tịch"), ("Lê Văn B", "")],
        )
        round_url = f"/hoi-thi/quan-ly/vong/{round_.pk}/"
        bad = self.client.post(
            round_url, {"action": "criterion", "name": "Nội dung", "max_points": "abc"}
        )
        self.assertContains(bad, "Nhập điểm bằng số", status_code=400)
        self.assertFalse(round_.criteria.exists())
        self.client.post(
            round_url,
            {"action": "criterion", "name": "Nội dung", "max_points": "60", "tie_break": "on"},
        )
        self.client.post(
            round_url,
            {"action": "performance", "team": team.pk, "kind": self.w.kinds["skit"].pk},
        )
        self.client.post(round_url, {"action": "prize", "name": "Giải Nhất", "count": "1"})
        refused = self.client.post(round_url, {"action": "assign", "judge": self.w.not_judge.pk})
        self.assertEqual(refused.status_code, 400)
        self.client.post(round_url, {"action": "assign", "judge": self.w.judges[0].pk})
        self.client.post(round_url, {"action": "assign", "judge": self.w.judges[1].pk})
        withdrawn = self.client.post(
            round_url, {"action": "unassign", "judge": self.w.judges[1].pk}
        )
        self.assertEqual(withdrawn.status_code, 302)
        opened = self.client.post(round_url, {"action": "open"})
        self.assertEqual(opened.status_code, 302)
        round_.refresh_from_db()
        self.assertEqual(round_.status, RoundStatus.SCORING)
        self.assertEqual(round_.tie_break.name, "Nội dung")
        self.assertEqual(
            (round_.performances.count(), round_.prizes.count(), round_.judges.count()), (1, 1, 1)
        )
        # Once scoring, the set-up forms are gone and a late criterion is refused.
        late = self.client.post(
            round_url, {"action": "criterion", "name": "Sáng tạo", "max_points": "10"}
        )
        self.assertEqual(late.status_code, 400)
        self.assertNotContains(late, 'id="add-criterion"', status_code=400)
        self.assertEqual(round_.criteria.count(), 1)
