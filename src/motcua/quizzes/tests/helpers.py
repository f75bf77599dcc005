"""Shared setup of the quizzes tests: a province, two communes, an organiser, a bank."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from openpyxl import Workbook

from motcua.core import clock
from motcua.org.models import Role
from motcua.org.services import role_assignment_create
from motcua.org.tests.helpers import make_unit
from motcua.quizzes.bank import COLUMNS, bank_import
from motcua.quizzes.models import Question, Quiz, Round
from motcua.quizzes.services import RoundInput, quiz_create, quiz_unit_save, round_create

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)  # type: ignore[misc]


def bank_file(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Ngân hàng câu hỏi"
    sheet.append(header or [c.header for c in COLUMNS])
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def question_row(i: int, correct: str = "B") -> list[Any]:
    return [
        "Một cửa",
        "Trung bình",
        f"Câu hỏi số {i} về cải cách hành chính?",
        f"Phương án một của câu {i}",
        f"Phương án hai của câu {i}",
        f"Phương án ba của câu {i}",
        f"Phương án bốn của câu {i}",
        "",
        "",
        correct,
        "Nghị định 118/2025/NĐ-CP",
    ]


class World:
    """A province with two communes, a reform officer over it and a quiz with 12 questions."""

    def __init__(self, *, questions: int = 12) -> None:
        self.province = make_unit("Thành phố Cần Thơ", "central_city")
        self.commune_a = make_unit("Phường Ninh Kiều", "ward", parent=self.province)
        self.commune_b = make_unit("Xã Phong Điền", "commune", parent=self.province)
        users = get_user_model()
        self.officer = users.objects.create_user("cchc", password="x-Pass-12345")
        self.outsider = users.objects.create_user("other", password="x-Pass-12345")
        role_assignment_create(
            actor="tests",
            user=self.officer,
            role=Role.objects.get(code="reform_officer"),
            unit=self.province,
        )
        self.quiz: Quiz = quiz_create(
            actor=self.officer, unit=self.province, title="Tìm hiểu cải cách hành chính 2026"
        )
        bank_import(
            actor=self.officer,
            quiz=self.quiz,
            data=bank_file([question_row(i, "ABCD"[i % 4]) for i in range(questions)]),
        )
        quiz_unit_save(
            actor=self.officer, quiz=self.quiz, unit=self.commune_a, population=20000, staff=40
        )
        quiz_unit_save(
            actor=self.officer, quiz=self.quiz, unit=self.commune_b, population=5000, staff=25
        )

    def round(self, **fields: Any) -> Round:
        now = clock.now()
        data = {
            "title": "Tuần 1",
            "opens_at": now - timedelta(hours=1),
            "closes_at": now + timedelta(days=3),
            "question_count": 5,
            "time_limit_seconds": 600,
            "attempts_per_person": 2,
        }
        data.update(fields)
        return round_create(actor=self.officer, quiz=self.quiz, data=RoundInput(**data))

    def correct_choice(self, attempt: Any, position: int) -> int:
        """Return the shown position of the correct option (what a perfect player taps)."""
        question_id, order = attempt.layout[position]
        correct = Question.objects.get(pk=question_id).correct_index
        return order.index(correct)
