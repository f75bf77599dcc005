"""The ranking of DOMAIN.md §13 on hand-built attempts whose order each test states."""

from __future__ import annotations

import random
from datetime import timedelta

from django.test import TestCase

from motcua.core import clock
from motcua.core.errors import ConflictError
from motcua.quizzes.models import (
    Attempt,
    AttemptStatus,
    Participant,
    PredictionBasis,
    RankingEntry,
    Round,
)
from motcua.quizzes.selectors import (
    collective_ranking,
    is_ranked,
    mask_phone,
    ranking_reference,
    round_participants,
    round_prizes,
    round_ranking,
    score_distribution,
)
from motcua.quizzes.services import (
    attempt_disqualify,
    round_rank,
    round_results,
    rounds_rank_closed,
)
from motcua.quizzes.tests.helpers import World, at

NOW = at(2026, 12, 7, 9)


class RankingTests(TestCase):
    def setUp(self) -> None:
        self.frozen = clock.frozen(NOW)
        self.frozen.__enter__()
        self.addCleanup(self.frozen.__exit__, None, None, None)
        self.world = World()
        self.round = self.world.round()
        self.phones = 0

    def add(
        self,
        label: str,
        *,
        correct: int,
        prediction: int | None,
        seconds: float,
        submitted: int,
        phone: str | None = None,
        status: str = AttemptStatus.SUBMITTED,
        unit: object = None,
    ) -> Attempt:
        """Add a submitted attempt of ``label``; ``submitted`` is minutes after NOW."""
        if phone is None:
            self.phones += 1
            phone = f"09{self.phones:08d}"
        participant, _created = Participant.objects.get_or_create(
            quiz=self.world.quiz,
            phone=phone,
            name_key=label.lower(),
            defaults={"name": label, "created_at": NOW, "unit": unit or self.world.commune_a},
        )
        number = Attempt.objects.filter(round=self.round, phone=phone).count() + 1
        end = NOW + timedelta(minutes=submitted)
        return Attempt.objects.create(
            round=self.round,
            participant=participant,
            phone=phone,
            number=number,
            token=f"t-{label}-{number}",
            status=status,
            layout=[],
            started_at=end - timedelta(seconds=seconds),
            deadline_at=end + timedelta(minutes=5),
            submitted_at=end,
            duration_ms=int(seconds * 1000),
            correct=correct,
            prediction=prediction,
        )

    def names(self) -> list[tuple[int, str]]:
        return [(row.rank, row.name) for row in round_ranking(self.round)]

    def test_each_tie_break_in_the_stated_order(self) -> None:
        # Five people take part, so predictions are measured against 5.
        self.add("Đúng nhiều nhất", correct=5, prediction=100, seconds=300, submitted=50)
        self.add("Dự đoán sát", correct=4, prediction=6, seconds=300, submitted=40)
        self.add("Dự đoán xa, nhanh", correct=4, prediction=9, seconds=60, submitted=30)
        self.add("Dự đoán xa, chậm, sớm", correct=4, prediction=1, seconds=90, submitted=10)
        self.add("Dự đoán xa, chậm, muộn", correct=4, prediction=9, seconds=90, submitted=20)
        self.assertEqual(round_participants(self.round), 5)
        self.assertEqual(
            self.names(),
            [
                (1, "Đúng nhiều nhất"),  # most correct answers, whatever else
                (2, "Dự đoán sát"),  # |6 − 5| = 1 beats |9 − 5| = |1 − 5| = 4
                (3, "Dự đoán xa, nhanh"),  # same distance: 60 s beats 90 s
                (4, "Dự đoán xa, chậm, sớm"),  # same time: submitted earlier
                (5, "Dự đoán xa, chậm, muộn"),
            ],
        )

    def test_prediction_below_and_above_are_equally_close(self) -> None:
        self.add("Trên", correct=3, prediction=4, seconds=100, submitted=2)
        self.add("Dưới", correct=3, prediction=0, seconds=100, submitted=1)
        # Two people: |4 − 2| = |0 − 2|; same time; earlier submission first.
        self.assertEqual(self.names(), [(1, "Dưới"), (2, "Trên")])

    def test_a_complete_tie_shares_the_rank(self) -> None:
        self.add("Một", correct=3, prediction=2, seconds=100, submitted=1)
        self.add("Hai", correct=3, prediction=2, seconds=100, submitted=1)
        self.add("Ba", correct=2, prediction=2, seconds=100, submitted=1)
        self.assertEqual([rank for rank, _name in self.names()], [1, 1, 3])

    def test_the_best_attempt_of_a_person_is_kept(self) -> None:
        self.add("An", correct=2, prediction=2, seconds=50, submitted=1, phone="0911000001")
        best = self.add("An", correct=4, prediction=2, seconds=200, submitted=2, phone="0911000001")
        self.add("Bình", correct=3, prediction=2, seconds=100, submitted=3)
        ranking = round_ranking(self.round)
        self.assertEqual(next((r.name, r.attempt_id) for r in ranking), ("An", best.pk))
        self.assertEqual(len(ranking), 2)
        self.assertEqual(round_participants(self.round), 2)

    def test_disqualified_and_unfinished_attempts_are_not_ranked(self) -> None:
        self.add("Loại", correct=5, prediction=1, seconds=100, submitted=1, status="disqualified")
        self.add(
            "Đang thi", correct=5, prediction=1, seconds=100, submitted=1, status="in_progress"
        )
        self.add("Hợp lệ", correct=1, prediction=1, seconds=100, submitted=1)
        self.assertEqual(self.names(), [(1, "Hợp lệ")])

    def test_an_attempt_without_prediction_comes_after_any_prediction(self) -> None:
        self.add("Hết giờ", correct=3, prediction=None, seconds=100, submitted=1)
        self.add("Dự đoán rất xa", correct=3, prediction=90_000_000, seconds=200, submitted=2)
        self.assertEqual(self.names(), [(1, "Dự đoán rất xa"), (2, "Hết giờ")])

    def test_predictions_against_attempts_when_the_round_says_so(self) -> None:
        self.round.prediction_basis = PredictionBasis.ATTEMPTS
        self.round.save()
        self.add("A", correct=1, prediction=1, seconds=10, submitted=1, phone="0911000009")
        self.add("A", correct=1, prediction=3, seconds=10, submitted=2, phone="0911000009")
        self.add("B", correct=1, prediction=2, seconds=10, submitted=3)
        self.assertEqual(round_participants(self.round), 3)
        # A's attempt predicting 3 is exact: it is A's best, and first.
        self.assertEqual(round_ranking(self.round)[0].prediction, 3)

    def test_sql_matches_the_python_reference_on_random_rounds(self) -> None:
        rng = random.Random(14)
        for person in range(60):
            phone = f"0988{person:06d}"
            for _try in range(rng.randint(1, 3)):
                self.add(
                    f"Người {person}",
                    correct=rng.randint(3, 5),
                    prediction=rng.choice([None, *range(50, 80)]),
                    seconds=rng.choice([60, 61, 90, 120]),
                    submitted=rng.randint(0, 3),
                    phone=phone,
                    status=rng.choice(["submitted"] * 8 + ["disqualified"]),
                )
        participants = round_participants(self.round)
        expected = ranking_reference(
            Attempt.objects.filter(round=self.round).order_by("?"), participants
        )
        got = [(row.rank, row.attempt_id) for row in round_ranking(self.round)]
        self.assertEqual(got, expected)
        self.assertGreater(len({rank for rank, _id in got}), 10)

    def test_prizes_go_to_the_first_places_in_order(self) -> None:
        self.round.prizes = [{"name": "Giải Nhất", "count": 1}, {"name": "Giải Nhì", "count": 2}]
        self.round.save()
        for i in range(5):
            self.add(f"P{i}", correct=5 - i, prediction=5, seconds=100, submitted=1)
        prizes = round_prizes(self.round, round_ranking(self.round))
        self.assertEqual(
            [(p.name, p.entry.name) for p in prizes],
            [("Giải Nhất", "P0"), ("Giải Nhì", "P1"), ("Giải Nhì", "P2")],
        )

    def test_collective_prizes_per_thousand_population(self) -> None:
        self.round.collective_prizes = 1
        self.round.save()
        # Commune A: 3 people of 20,000 = 0.15 per 1,000; commune B: 2 of 5,000 = 0.4.
        for i in range(3):
            self.add(f"A{i}", correct=1, prediction=1, seconds=9, submitted=1)
        for i in range(2):
            self.add(
                f"B{i}", correct=1, prediction=1, seconds=9, submitted=1, unit=self.world.commune_b
            )
        rows = collective_ranking(self.round)
        self.assertEqual(
            [(r.unit_name, r.people, r.per_thousand, r.prize) for r in rows],
            [("Xã Phong Điền", 2, 0.4, True), ("Phường Ninh Kiều", 3, 0.15, False)],
        )

    def test_phones_are_masked(self) -> None:
        self.assertEqual(mask_phone("0912345678"), "091****678")

    def test_pages_and_one_phone_match_the_full_ranking(self) -> None:
        """Pages of the ranking and one person's row come from the same SQL ranking."""
        for i in range(7):
            self.add(f"N{i}", correct=i % 3, prediction=i, seconds=100 + i, submitted=i)
        full = round_ranking(self.round)
        self.assertEqual(round_ranking(self.round, limit=3, offset=2), full[2:5])
        self.assertEqual(round_ranking(self.round, limit=10, offset=6), full[6:])
        self.assertEqual(round_ranking(self.round, phone=full[4].phone), [full[4]])
        self.assertEqual(round_ranking(self.round, phone="0000000000"), [])

    def test_the_score_distribution_counts_best_attempts(self) -> None:
        self.add("An", correct=2, prediction=1, seconds=50, submitted=1, phone="0911000001")
        self.add("An", correct=4, prediction=1, seconds=50, submitted=2, phone="0911000001")
        self.add("Bình", correct=4, prediction=1, seconds=50, submitted=3)
        self.add("Cúc", correct=0, prediction=1, seconds=50, submitted=4)
        self.add("Loại", correct=5, prediction=1, seconds=50, submitted=5, status="disqualified")
        self.assertEqual(
            score_distribution(self.round), [(0, 1), (1, 0), (2, 0), (3, 0), (4, 2), (5, 0)]
        )


class StoredRankingTests(TestCase):
    """The ranking stored at close (ADR 0018) is the one computed on read, and the reference's."""

    add = RankingTests.add

    def setUp(self) -> None:
        self.frozen = clock.frozen(NOW)
        self.frozen.__enter__()
        self.addCleanup(self.frozen.__exit__, None, None, None)
        self.world = World()
        self.round = self.world.round()
        self.phones = 0
        self.after_close = self.round.closes_at + timedelta(minutes=1)

    def random_round(self) -> None:
        rng = random.Random(18)
        for person in range(80):
            phone = f"0977{person:06d}"
            for _try in range(rng.randint(1, 3)):
                self.add(
                    f"Người {person}",
                    correct=rng.randint(2, 5),
                    prediction=rng.choice([None, *range(70, 90)]),
                    seconds=rng.choice([60, 61, 90]),
                    submitted=rng.randint(0, 3),
                    phone=phone,
                    status=rng.choice(["submitted"] * 8 + ["disqualified"]),
                )

    def test_the_stored_ranking_is_the_computed_one_and_the_references(self) -> None:
        self.random_round()
        live = round_ranking(self.round)
        live_scores = score_distribution(self.round)
        participants = round_participants(self.round)
        with clock.frozen(self.after_close):
            round_rank(self.round)
        self.assertIs(is_ranked(self.round), True)
        self.assertEqual(RankingEntry.objects.filter(round=self.round).count(), len(live))
        stored = round_ranking(self.round)
        self.assertEqual(stored, live)
        expected = ranking_reference(
            Attempt.objects.filter(round=self.round).order_by("?"), participants
        )
        self.assertEqual([(row.rank, row.attempt_id) for row in stored], expected)
        self.assertEqual(round_participants(self.round), participants)
        self.assertEqual(score_distribution(self.round), live_scores)
        # Pages and one person's row are read from the stored rows.
        self.assertEqual(round_ranking(self.round, limit=7, offset=5), live[5:12])
        self.assertEqual(round_ranking(self.round, limit=10, offset=len(live) - 3), live[-3:])
        self.assertEqual(round_ranking(self.round, phone=live[9].phone), [live[9]])

    def test_the_ranking_is_stored_once_no_submission_can_arrive(self) -> None:
        self.add("An", correct=3, prediction=1, seconds=100, submitted=1)
        within_grace = clock.frozen(self.round.closes_at + timedelta(seconds=5))
        with within_grace, self.assertRaises(ConflictError):
            round_rank(self.round)
        with clock.frozen(self.round.closes_at + timedelta(seconds=5)):
            results = round_results(self.round)
        self.assertIs(is_ranked(self.round), False)
        self.assertEqual([row.name for row in results["ranking"]], ["An"])
        with clock.frozen(self.after_close):
            results = round_results(self.round)
            self.assertIs(is_ranked(self.round), True)
            stored_at = Round.objects.get(pk=self.round.pk).ranked_at
            round_results(Round.objects.get(pk=self.round.pk))
        self.assertEqual(Round.objects.get(pk=self.round.pk).ranked_at, stored_at)
        self.assertEqual((results["participants"], results["total"]), (1, 1))

    def test_a_disqualification_after_the_close_ranks_again(self) -> None:
        cheat = self.add("Gian lận", correct=5, prediction=2, seconds=30, submitted=1)
        self.add("Bình", correct=4, prediction=2, seconds=100, submitted=2)
        self.add("Cúc", correct=3, prediction=2, seconds=100, submitted=3)
        with clock.frozen(self.after_close):
            first = round_results(self.round)
            self.assertEqual([row.name for row in first["ranking"]], ["Gian lận", "Bình", "Cúc"])
            attempt_disqualify(
                actor=self.world.officer, attempt_id=cheat.pk, reason="Dùng phần mềm trả lời"
            )
            round_ = Round.objects.get(pk=self.round.pk)
            self.assertIs(is_ranked(round_), False)
            again = round_results(round_)
        self.assertEqual(
            [(row.rank, row.name) for row in again["ranking"]], [(1, "Bình"), (2, "Cúc")]
        )
        self.assertEqual((again["participants"], again["total"]), (2, 2))
        self.assertEqual(RankingEntry.objects.filter(round=self.round).count(), 2)

    def test_the_periodic_job_stores_closed_rounds_once(self) -> None:
        self.add("An", correct=3, prediction=1, seconds=100, submitted=1)
        self.assertEqual(rounds_rank_closed(), 0)
        with clock.frozen(self.after_close):
            self.assertEqual(rounds_rank_closed(), 1)
            self.assertEqual(rounds_rank_closed(), 0)
        self.assertEqual(RankingEntry.objects.filter(round=self.round).get().rank, 1)
