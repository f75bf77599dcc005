"""The demo loader: a closed round with ranked ties and an open round, created once."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import TestCase

from motcua.demo.quizzes import load_demo_quizzes
from motcua.org.models import Role
from motcua.org.services import role_assignment_create
from motcua.org.tests.helpers import make_unit
from motcua.quizzes.models import Attempt, Round
from motcua.quizzes.selectors import ranking_reference, round_participants, round_ranking


class DemoTests(TestCase):
    def test_the_demo_quiz_is_loaded_once_with_ties(self) -> None:
        city = make_unit("Thành phố Cần Thơ", "central_city")
        units = {
            "can-tho": city,
            "ninh-kieu": make_unit("Phường Ninh Kiều", "ward", parent=city),
            "phong-dien": make_unit("Xã Phong Điền", "commune", parent=city),
        }
        user = get_user_model().objects.create_user("cchc.cantho")
        role_assignment_create(
            actor="tests", user=user, role=Role.objects.get(code="reform_officer"), unit=city
        )
        first = load_demo_quizzes(actor="seed", units=units)
        second = load_demo_quizzes(actor="seed", units=units)
        self.assertEqual(first, second)
        self.assertIn("36 lượt thi", first["lines"][0])
        self.assertEqual(Attempt.objects.count(), 36)
        closed, _open = Round.objects.order_by("number")
        self.assertEqual(closed.status_at(closed.closes_at), "closed")
        ranking = round_ranking(closed)
        self.assertEqual(round_participants(closed), 30)
        self.assertEqual(len(ranking), 30)
        ranks = [row.rank for row in ranking]
        self.assertEqual(len(ranks) - len(set(ranks)), 1)  # one complete tie
        expected = ranking_reference(Attempt.objects.filter(round=closed), 30)
        self.assertEqual([(r.rank, r.attempt_id) for r in ranking], expected)
        self.assertEqual(
            [row.name for row in ranking[:4]],
            ["Nguyễn Văn An", "Đỗ Đức Tài", "Lê Minh Châu", "Trần Thị Bích"],
        )
