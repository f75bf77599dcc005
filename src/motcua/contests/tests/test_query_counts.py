"""Query counts of the list pages stay flat as performances and judges grow."""

from __future__ import annotations

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from motcua.contests import services
from motcua.contests.models import Round
from motcua.contests.tests.helpers import ContestWorld, performance_of


class QueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = ContestWorld()

    def count(self, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return len(queries)

    def scored_round(self, teams: int) -> tuple[int, list[int]]:
        round_, made, criteria = self.w.prepared_round(teams=teams)
        services.round_open(actor=self.w.organiser, round_=round_)
        for judge in self.w.judges:
            for team in made:
                services.sheet_save(
                    judge=judge,
                    performance=performance_of(round_, team),
                    points={criteria[0].pk: "40", criteria[1].pk: "30"},
                    submit=True,
                )
        return round_.pk, [performance_of(round_, team).pk for team in made]

    def test_pages_do_not_grow_with_the_round(self) -> None:
        small, small_perf = self.scored_round(teams=2)
        services.round_publish(actor=self.w.organiser, round_=self.round(small))
        counts = {}
        for label, url in (
            ("progress", "/hoi-thi/quan-ly/vong/{pk}/"),
            ("results", "/hoi-thi/vong/{pk}/"),
        ):
            self.client.force_login(self.w.organiser)
            counts[label] = self.count(url.format(pk=small))
        self.client.force_login(self.w.judges[0])
        judge_small = self.count("/giam-khao/")
        sheet_small = self.count(f"/giam-khao/phieu/{small_perf[0]}/")
        # A second contest with twice the teams.
        big, big_perf = self.scored_round(teams=4)
        services.round_publish(actor=self.w.organiser, round_=self.round(big))
        self.client.force_login(self.w.organiser)
        self.assertEqual(self.count(f"/hoi-thi/quan-ly/vong/{big}/"), counts["progress"])
        self.assertEqual(self.count(f"/hoi-thi/vong/{big}/"), counts["results"])
        self.client.force_login(self.w.judges[0])
        self.assertEqual(self.count("/giam-khao/"), judge_small)
        self.assertEqual(self.count(f"/giam-khao/phieu/{big_perf[2]}/"), sheet_small)

    def round(self, pk: int) -> Round:
        return Round.objects.select_related("contest").get(pk=pk)
