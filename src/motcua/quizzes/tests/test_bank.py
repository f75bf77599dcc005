"""The question bank import: every row error listed, nothing imported on error."""

from __future__ import annotations

from django.test import TestCase

from motcua.core.errors import ApplicationError, PermissionDeniedError
from motcua.quizzes.bank import bank_import, bank_template
from motcua.quizzes.models import Question
from motcua.quizzes.tests.helpers import World, bank_file, question_row


class BankImportTests(TestCase):
    def setUp(self) -> None:
        self.world = World(questions=3)

    def test_a_good_file_adds_its_questions(self) -> None:
        added = bank_import(
            actor=self.world.officer,
            quiz=self.world.quiz,
            data=bank_file([question_row(i, "C") for i in range(10, 14)]),
        )
        self.assertEqual(added, 4)
        question = Question.objects.get(text="Câu hỏi số 10 về cải cách hành chính?")
        self.assertEqual(question.correct_index, 2)
        self.assertEqual(len(question.options), 4)
        self.assertEqual(question.difficulty, "medium")

    def test_every_row_error_is_listed_and_nothing_is_imported(self) -> None:
        empty_b = question_row(21)
        empty_b[4] = ""  # option B empty: A, then a gap, then C
        bad_letter = question_row(22, "E")  # E is an empty option
        twice = question_row(23)
        bad_difficulty = question_row(24)
        bad_difficulty[1] = "Rất khó"
        rows = [
            question_row(20),
            empty_b,
            bad_letter,
            twice,
            twice,
            bad_difficulty,
            question_row(0),
        ]
        with self.assertRaises(ApplicationError) as caught:
            bank_import(actor=self.world.officer, quiz=self.world.quiz, data=bank_file(rows))
        errors = caught.exception.extra["errors"]
        where = [(e["row"], e["column"]) for e in errors]
        self.assertEqual(where, [(3, "E"), (4, "J"), (6, "C"), (7, "B"), (8, "C")])
        self.assertIn("5", errors[2]["message"])  # the first copy is on row 5
        self.assertIn("đã có trong ngân hàng", errors[4]["message"])
        self.assertEqual(Question.objects.count(), 3)

    def test_a_missing_column_is_named(self) -> None:
        header = ["Chủ đề", "Mức độ", "Câu hỏi", "Phương án A", "Phương án B"]
        with self.assertRaisesMessage(ApplicationError, "1"):
            bank_import(
                actor=self.world.officer,
                quiz=self.world.quiz,
                data=bank_file([question_row(30)[:5]], header=header),
            )
        self.assertEqual(Question.objects.count(), 3)

    def test_only_an_organiser_imports(self) -> None:
        with self.assertRaises(PermissionDeniedError):
            bank_import(
                actor=self.world.outsider, quiz=self.world.quiz, data=bank_file([question_row(40)])
            )

    def test_the_template_imports_as_it_is(self) -> None:
        self.assertEqual(
            bank_import(actor=self.world.officer, quiz=self.world.quiz, data=bank_template()), 1
        )
