"""Import a question bank from Excel (or CSV): every row error listed, nothing imported on error.

One row per question: topic, difficulty (Dễ / Trung bình / Khó), the
question, options A to F (at least A and B), the letter of the correct
option and the legal source. Imported questions are added to the bank;
a question whose text is already in the bank is refused.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from motcua.core.audit import audit_record
from motcua.core.spreadsheets import (
    Choices,
    Column,
    Problems,
    add_sheet,
    match_header,
    read_table,
    shown,
    typed_rows,
    write_all_or_nothing,
)
from motcua.core.text import fold
from motcua.quizzes import hotpath
from motcua.quizzes.models import Difficulty, Question, Quiz
from motcua.quizzes.services import require_organiser

LETTERS = "ABCDEF"
DIFFICULTIES = {
    Difficulty.EASY: ("Dễ", "easy"),
    Difficulty.MEDIUM: ("Trung bình", "medium", "TB"),
    Difficulty.HARD: ("Khó", "hard"),
}
LETTER_CHOICES: Choices = {letter: (letter,) for letter in LETTERS}
COLUMNS = (
    Column("topic", "Chủ đề", width=24),
    Column("difficulty", "Mức độ", kind="choice", choices=DIFFICULTIES),
    Column("text", "Câu hỏi", width=60),
    *(
        Column(f"option_{letter}", f"Phương án {letter}", required=letter in "AB", width=30)
        for letter in LETTERS
    ),
    Column("correct", "Đáp án đúng", kind="choice", choices=LETTER_CHOICES),
    Column("legal_source", "Căn cứ pháp lý", required=False, width=30),
)
SHEET = "Ngân hàng câu hỏi"


def bank_template() -> bytes:
    """Return an empty workbook with the bank's columns and one example row."""
    book = Workbook(write_only=True)
    sheet = add_sheet(book, SHEET, COLUMNS)
    sheet.append(
        [
            "Một cửa",
            shown(DIFFICULTIES, Difficulty.EASY),
            "Bộ phận Một cửa cấp xã trực thuộc cơ quan nào?",
            "Ủy ban nhân dân cấp xã",
            "Công an xã",
            "Hội đồng nhân dân cấp xã",
            "",
            "",
            "",
            "A",
            "Nghị định 118/2025/NĐ-CP",
        ]
    )
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def bank_import(*, actor: Any, quiz: Quiz, data: bytes, dry_run: bool = False) -> int:
    """Add the questions of the file to the bank of ``quiz``; return how many.

    Raise one ApplicationError listing every problem (``extra["errors"]``)
    and write nothing when any row is wrong.
    """
    require_organiser(actor, quiz)
    table = read_table(data)
    problems = Problems([table.name])
    header = match_header(table, COLUMNS, problems, search_rows=5)
    questions: list[Question] = []
    if header is not None:
        known = {
            fold(text) for text in Question.objects.filter(quiz=quiz).values_list("text", flat=True)
        }
        seen: dict[str, int] = {}
        for row in typed_rows(table, header, problems):
            values = row.values
            options = [values[f"option_{letter}"] for letter in LETTERS]
            while options and not options[-1]:
                options.pop()
            if any(not option for option in options):
                gap = LETTERS[options.index("")]
                problems.at(
                    row,
                    f"option_{gap}",
                    _(
                        "An option is empty between two filled ones: fill it or move the next ones up."
                    ),
                )
            correct = values["correct"]
            if correct and LETTERS.index(correct) >= len(options):
                problems.at(
                    row,
                    "correct",
                    _("The correct answer %(letter)s names an empty option.") % {"letter": correct},
                )
            if len({fold(option) for option in options}) != len(options):
                problems.at(row, "option_A", _("Two options of this question are the same."))
            key = fold(values["text"] or "")
            if key and key in seen:
                problems.at(
                    row,
                    "text",
                    _("The same question is already on row %(row)s.") % {"row": seen[key]},
                )
            elif key and key in known:
                problems.at(row, "text", _("This question is already in the bank."))
            seen.setdefault(key, row.number)
            if row.ok:
                questions.append(
                    Question(
                        quiz=quiz,
                        topic=values["topic"][:200],
                        difficulty=values["difficulty"],
                        text=values["text"],
                        options=options,
                        correct_index=LETTERS.index(correct),
                        legal_source=(values["legal_source"] or "")[:300],
                    )
                )
        if header is not None and not questions and not problems:
            problems.add(_("The file has no question rows."), sheet=table.name)

    def write() -> int:
        Question.objects.bulk_create(questions)
        transaction.on_commit(hotpath.forget)  # bulk_create sends no signal
        audit_record(
            actor=actor,
            action="quizzes.bank_import",
            obj=quiz,
            data={"questions": len(questions)},
        )
        return len(questions)

    with transaction.atomic():
        Quiz.objects.select_for_update().get(pk=quiz.pk)
        return write_all_or_nothing(
            write,
            problems=problems,
            dry_run=dry_run,
            message=_("The bank was not imported: %(count)s problems. Nothing was saved."),
            code="invalid_bank",
        )
