"""The anonymous API: contests and their rounds, and the results once published."""

from __future__ import annotations

from django.test import TestCase

from motcua.contests import services
from motcua.contests.tests.helpers import ContestWorld, performance_of


class ContestApiTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = ContestWorld()
        cls.round, cls.teams, cls.criteria = cls.w.prepared_round(teams=2)
        services.round_open(actor=cls.w.organiser, round_=cls.round)
        content, delivery = cls.criteria
        for judge in cls.w.judges:
            for team, points in ((cls.teams[0], "40"), (cls.teams[1], "55")):
                services.sheet_save(
                    judge=judge,
                    performance=performance_of(cls.round, team),
                    points={content.pk: points, delivery.pk: "30"},
                    submit=True,
                )

    def test_results_only_once_published(self) -> None:
        url = f"/api/v1/contests/judged/results/{self.round.pk}"
        hidden = self.client.get(url)
        self.assertEqual(hidden.status_code, 404)
        self.assertEqual(hidden.json()["code"], "results_not_published")
        listed = self.client.get("/api/v1/contests/judged/").json()["items"]
        self.assertEqual(listed[0]["rounds"][0]["status"], "scoring")
        self.assertIsNone(listed[0]["rounds"][0]["results_url"])
        services.round_publish(actor=self.w.organiser, round_=self.round)
        body = self.client.get(url).json()
        self.assertEqual(
            [(r["rank"], r["team"], r["score"], r["prize"]) for r in body["results"]],
            [
                (1, self.teams[1].name, "85.000", "Giải Nhất"),
                (2, self.teams[0].name, "70.000", "Giải Nhì"),
            ],
        )
        self.assertEqual(body["tie_break_criterion"], "Hình thức thể hiện")
        self.assertEqual(body["results"][0]["members"], ["Nguyễn Văn An", "Lê Thị Bình"])
        listed = self.client.get("/api/v1/contests/judged/").json()["items"]
        self.assertEqual(listed[0]["rounds"][0]["results_url"], url)
        self.assertEqual(self.client.get("/api/v1/contests/judged/?year=2025").json()["items"], [])
        self.assertEqual(self.client.get("/api/v1/contests/judged/?year=1999").status_code, 422)
