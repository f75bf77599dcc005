"""The demo includes a judged contest: its final scored by three judges and published."""

from __future__ import annotations

from motcua.contests.models import Contest, Result, ScoreSheet, ScoreSheetEvent
from motcua.demo.contests import load_demo_contests
from motcua.demo.staff import load_demo_staff
from motcua.demo.tests.test_seed import DataDirTestCase
from motcua.org.demo import load_demo_units


class SeedContestTests(DataDirTestCase):
    def test_demo_contest_once(self) -> None:
        units = load_demo_units("test")
        load_demo_staff(actor="test", units=units)
        lines = load_demo_contests(actor="test", units=units)["lines"]
        contest = Contest.objects.get()
        final = contest.rounds.get()
        self.assertEqual(final.status, "published")
        # Every judge submitted a sheet for each of the 8 performances.
        self.assertEqual(ScoreSheet.objects.filter(status="submitted").count(), 24)
        self.assertEqual(ScoreSheetEvent.objects.filter(kind="reopened").count(), 1)
        # Đại Thành wins on 159 with the extremes dropped; Ngã Bảy and Cái Khế both have
        # 158 and are separated by the content criterion (103 against 100).
        self.assertEqual(
            [
                (r.team.unit.name, r.rank, str(r.score), r.prize.name if r.prize else None)
                for r in Result.objects.filter(round=final).select_related("team__unit", "prize")
            ],
            [
                ("Phường Đại Thành", 1, "159.000", "Giải Nhất"),
                ("Phường Ngã Bảy", 2, "158.000", "Giải Nhì"),
                ("Phường Cái Khế", 3, "158.000", "Giải Ba"),
                ("Phường Ninh Kiều", 4, "150.000", "Giải Khuyến khích"),
            ],
        )
        self.assertIn("  Chung kết: hạng 1 Đội Phường Đại Thành, 159 điểm — Giải Nhất", lines)
        counts = (Contest.objects.count(), ScoreSheet.objects.count(), Result.objects.count())
        again = load_demo_contests(actor="test", units=units)["lines"]
        self.assertEqual(again, lines)
        self.assertEqual(
            (Contest.objects.count(), ScoreSheet.objects.count(), Result.objects.count()), counts
        )
