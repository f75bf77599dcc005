"""The ranking on hand-built sheets; each test states the expected order and why."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.test import SimpleTestCase

from motcua.contests.scoring import (
    PerformanceSheets,
    Sheet,
    performance_score,
    rank_teams,
    rounded,
)

CONTENT, DELIVERY = 1, 2


def sheet(judge: int, content: str, delivery: str) -> Sheet:
    return Sheet(judge, {CONTENT: Decimal(content), DELIVERY: Decimal(delivery)})


class PerformanceScoreTests(SimpleTestCase):
    def test_mean_of_the_judges_totals(self) -> None:
        """Totals 80, 70 and 75 average 75."""
        sheets = [sheet(1, "50", "30"), sheet(2, "40", "30"), sheet(3, "45", "30")]
        scored = performance_score(sheets, drop_extremes=False, tie_break=None)
        self.assertEqual(scored.score, Fraction(75))
        self.assertEqual(scored.kept, (2, 3, 1))

    def test_drop_highest_and_lowest(self) -> None:
        """Totals 90, 60, 72, 74: dropping 90 and 60 leaves the mean of 72 and 74, 73."""
        sheets = [
            sheet(1, "55", "35"),
            sheet(2, "30", "30"),
            sheet(3, "42", "30"),
            sheet(4, "44", "30"),
        ]
        scored = performance_score(sheets, drop_extremes=True, tie_break=DELIVERY)
        self.assertEqual(scored.score, Fraction(73))
        self.assertEqual(sorted(scored.kept), [3, 4])
        # The tie-break counts the same sheets: (30 + 30) / 2.
        self.assertEqual(scored.tie, Fraction(30))

    def test_nothing_dropped_with_two_judges(self) -> None:
        """With two judges the extremes stay: (90 + 60) / 2 = 75."""
        sheets = [sheet(1, "55", "35"), sheet(2, "30", "30")]
        scored = performance_score(sheets, drop_extremes=True, tie_break=None)
        self.assertEqual(scored.score, Fraction(75))
        self.assertEqual(len(scored.kept), 2)

    def test_exact_thirds(self) -> None:
        """Totals 70, 70, 71 average 70⅓ exactly, stored as 70.333."""
        sheets = [sheet(1, "40", "30"), sheet(2, "40", "30"), sheet(3, "41", "30")]
        scored = performance_score(sheets, drop_extremes=False, tie_break=None)
        self.assertEqual(scored.score, Fraction(211, 3))
        self.assertEqual(rounded(scored.score), Decimal("70.333"))


class RankTeamsTests(SimpleTestCase):
    def test_drop_changes_the_winner(self) -> None:
        """Team 10 has one generous judge (95) and one severe (50) around 70s: kept, its mean
        is 71.25 and beats team 20's 71; dropped, team 10 has 70 < 71 and team 20 wins."""
        team10 = [
            sheet(1, "60", "35"),
            sheet(2, "30", "20"),
            sheet(3, "40", "30"),
            sheet(4, "40", "30"),
        ]
        team20 = [
            sheet(1, "41", "30"),
            sheet(2, "41", "30"),
            sheet(3, "41", "30"),
            sheet(4, "41", "30"),
        ]
        items = [PerformanceSheets(10, team10), PerformanceSheets(20, team20)]
        kept = rank_teams(items, drop_extremes=False, tie_break=None)
        self.assertEqual([s.team_id for s in kept], [10, 20])
        self.assertEqual(kept[0].score, Fraction(285, 4))
        dropped = rank_teams(items, drop_extremes=True, tie_break=None)
        self.assertEqual([s.team_id for s in dropped], [20, 10])
        self.assertEqual([s.rank for s in dropped], [1, 2])

    def test_tie_broken_by_the_criterion_then_shared(self) -> None:
        """Teams 1, 2 and 3 all total 80. Team 3 has 35 on delivery, teams 1 and 2 have 30:
        team 3 first, then 1 and 2 share rank 2; team 4 (79) is fourth, not third."""
        items = [
            PerformanceSheets(1, [sheet(7, "50", "30"), sheet(8, "50", "30")]),
            PerformanceSheets(2, [sheet(7, "50", "30"), sheet(8, "50", "30")]),
            PerformanceSheets(3, [sheet(7, "45", "35"), sheet(8, "45", "35")]),
            PerformanceSheets(4, [sheet(7, "49", "30"), sheet(8, "49", "30")]),
        ]
        standings = rank_teams(
            items, drop_extremes=False, tie_break=DELIVERY, prize_counts=[1, 1, 1]
        )
        self.assertEqual([(s.team_id, s.rank) for s in standings], [(3, 1), (1, 2), (2, 2), (4, 4)])
        # First prize to team 3; the second is shared by 1 and 2; the third goes to team 4.
        self.assertEqual([s.prize for s in standings], [0, 1, 1, 2])

    def test_without_tie_break_the_rank_is_shared(self) -> None:
        """Without a tie-break criterion the three teams on 80 share first place."""
        items = [
            PerformanceSheets(1, [sheet(7, "50", "30")]),
            PerformanceSheets(2, [sheet(7, "45", "35")]),
            PerformanceSheets(3, [sheet(7, "40", "40")]),
            PerformanceSheets(4, [sheet(7, "10", "10")]),
        ]
        standings = rank_teams(items, drop_extremes=False, tie_break=None, prize_counts=[1, 1])
        self.assertEqual([s.rank for s in standings], [1, 1, 1, 4])
        self.assertEqual([s.prize for s in standings], [0, 0, 0, 1])

    def test_a_team_scores_the_sum_of_its_performances(self) -> None:
        """Team 1: presentation 70 + skit 20 = 90 beats team 2's single 85."""
        items = [
            PerformanceSheets(1, [sheet(7, "40", "30")]),
            PerformanceSheets(2, [sheet(7, "50", "35")]),
            PerformanceSheets(1, [sheet(7, "10", "10")]),
        ]
        standings = rank_teams(items, drop_extremes=False, tie_break=None)
        self.assertEqual([(s.team_id, s.score) for s in standings], [(1, 90), (2, 85)])
