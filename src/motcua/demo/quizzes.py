"""Demo data of the quizzes app: a quiz of Cần Thơ with a closed round and an open one.

The closed round (last week) has 36 submitted attempts from 30 people,
built directly so their instants lie in the past: ties on correct answers
broken by the prediction, by the time and by the submission instant, one
complete tie, a person's better second attempt, a too-fast attempt flagged
for review. The open round runs this week. Loading twice creates nothing.
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from motcua.core import clock
from motcua.core.text import fold
from motcua.org.models import Unit
from motcua.quizzes.models import (
    Attempt,
    AttemptAnswer,
    AttemptStatus,
    Participant,
    Question,
    Quiz,
    Round,
)
from motcua.quizzes.selectors import round_participants
from motcua.quizzes.services import RoundInput, quiz_create, quiz_unit_save, round_create

TITLE = "Cuộc thi trực tuyến tìm hiểu cải cách hành chính thành phố Cần Thơ năm 2026"
ORGANISER = "cchc.cantho"

# (topic, difficulty, question, options, correct index, legal source)
QUESTIONS: list[tuple[str, str, str, list[str], int, str]] = [
    (
        "Một cửa",
        "easy",
        "Bộ phận Một cửa cấp xã do cơ quan nào thành lập?",
        [
            "Ủy ban nhân dân cấp xã",
            "Hội đồng nhân dân cấp xã",
            "Công an xã",
            "Mặt trận Tổ quốc cấp xã",
        ],
        0,
        "Nghị định 118/2025/NĐ-CP",
    ),
    (
        "Một cửa",
        "medium",
        "Hồ sơ tiếp nhận sau 15 giờ được chuyển cho cơ quan giải quyết khi nào?",
        [
            "Ngay trong ngày",
            "Trong ngày làm việc tiếp theo",
            "Sau 3 ngày làm việc",
            "Khi người nộp yêu cầu",
        ],
        1,
        "Nghị định 118/2025/NĐ-CP",
    ),
    (
        "Một cửa",
        "easy",
        "Phiếu hẹn trả kết quả ghi những gì?",
        [
            "Chỉ tên người nộp",
            "Thời hạn và nơi trả kết quả",
            "Chỉ mã hồ sơ",
            "Số điện thoại cán bộ",
        ],
        1,
        "Thông tư 01/2018/TT-VPCP",
    ),
    (
        "Dịch vụ công trực tuyến",
        "easy",
        "Cổng Dịch vụ công quốc gia có địa chỉ nào?",
        ["dichvucong.gov.vn", "chinhphu.vn", "baochinhphu.vn", "vneid.gov.vn"],
        0,
        "Nghị định 42/2022/NĐ-CP",
    ),
    (
        "Dịch vụ công trực tuyến",
        "medium",
        "Dịch vụ công trực tuyến toàn trình là gì?",
        [
            "Chỉ cung cấp thông tin",
            "Nộp hồ sơ trực tuyến, nhận kết quả trực tiếp",
            "Mọi bước từ nộp đến nhận kết quả đều trực tuyến",
            "Chỉ thanh toán trực tuyến",
        ],
        2,
        "Nghị định 42/2022/NĐ-CP",
    ),
    (
        "Định danh",
        "easy",
        "Số định danh cá nhân có bao nhiêu chữ số?",
        ["9", "10", "12", "15"],
        2,
        "Luật Căn cước 2023",
    ),
    (
        "Định danh",
        "medium",
        "Ứng dụng định danh điện tử quốc gia có tên là gì?",
        ["VNeID", "Zalo", "VssID", "eTax"],
        0,
        "Nghị định 69/2024/NĐ-CP",
    ),
    (
        "Cải cách hành chính",
        "medium",
        "Chỉ số đo lường sự hài lòng của người dân viết tắt là gì?",
        ["PAR INDEX", "SIPAS", "PCI", "PAPI"],
        1,
        "Quyết định của Bộ Nội vụ",
    ),
    (
        "Cải cách hành chính",
        "medium",
        "Chỉ số cải cách hành chính của bộ, tỉnh viết tắt là gì?",
        ["PAR INDEX", "SIPAS", "GDP", "HDI"],
        0,
        "Quyết định của Bộ Nội vụ",
    ),
    (
        "Cải cách hành chính",
        "hard",
        "Thời hạn giải quyết hồ sơ tính theo loại ngày nào nếu không ghi khác?",
        ["Ngày làm việc", "Ngày dương lịch", "Ngày âm lịch", "Tuần làm việc"],
        0,
        "Nghị định 118/2025/NĐ-CP",
    ),
    (
        "Phản ánh, kiến nghị",
        "easy",
        "Người dân có thể phản ánh, kiến nghị về quy định hành chính qua kênh nào?",
        [
            "Chỉ bằng văn bản",
            "Cổng Dịch vụ công và đường dây nóng",
            "Chỉ gặp trực tiếp",
            "Không có kênh nào",
        ],
        1,
        "Nghị định 20/2008/NĐ-CP",
    ),
    (
        "Văn hóa công vụ",
        "easy",
        "Khẩu hiệu “4 xin” gồm những gì?",
        [
            "Xin chào, xin lỗi, xin cảm ơn, xin phép",
            "Xin chờ, xin đợi, xin nộp, xin nhận",
            "Xin hỏi, xin đáp, xin ký, xin dấu",
            "Xin mời, xin ngồi, xin nói, xin nghe",
        ],
        0,
        "Quy tắc ứng xử của cơ quan",
    ),
    (
        "Văn hóa công vụ",
        "medium",
        "Khi trễ hẹn trả kết quả, cơ quan phải làm gì?",
        ["Không cần làm gì", "Gửi văn bản xin lỗi và hẹn lại", "Trả lại hồ sơ", "Thu thêm lệ phí"],
        1,
        "Nghị định 118/2025/NĐ-CP",
    ),
    (
        "Tổ chức chính quyền",
        "medium",
        "Từ ngày 01/7/2025, chính quyền địa phương tổ chức mấy cấp?",
        ["Một cấp", "Hai cấp", "Ba cấp", "Bốn cấp"],
        1,
        "Luật Tổ chức chính quyền địa phương 2025",
    ),
    (
        "Tổ chức chính quyền",
        "hard",
        "Thành phố Cần Thơ hợp nhất với những tỉnh nào năm 2025?",
        [
            "Hậu Giang và Sóc Trăng",
            "Vĩnh Long và Trà Vinh",
            "An Giang và Kiên Giang",
            "Bạc Liêu và Cà Mau",
        ],
        0,
        "Nghị quyết 202/2025/QH15",
    ),
]

UNITS = [
    ("ninh-kieu", 62000, 48),
    ("cai-khe", 41000, 35),
    ("binh-thuy", 55000, 40),
    ("phong-dien", 23000, 30),
    ("nga-bay", 30000, 42),
]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ"]
GIVEN = [
    "Văn An",
    "Thị Bích",
    "Minh Châu",
    "Quốc Dũng",
    "Thị Hạnh",
    "Hữu Khoa",
    "Ngọc Lan",
    "Thanh Phong",
    "Thị Quyên",
    "Đức Tài",
    "Thu Trang",
    "Gia Vy",
]


def load_demo_quizzes(*, actor: str, units: Any) -> dict[str, Any]:
    """Create the demo quiz once; say what is there."""
    quiz = Quiz.objects.filter(title=TITLE).first()
    if quiz is None:
        organiser = get_user_model().objects.filter(username=ORGANISER).first()
        if organiser is None or "can-tho" not in units:
            return {}
        with transaction.atomic():
            quiz = _build(organiser, units)
    closed = quiz.rounds.order_by("number").first()
    count = Attempt.objects.filter(round__quiz=quiz).count()
    lines = [
        f"Thi trực tuyến: “{quiz.title}”, {quiz.questions.count()} câu hỏi, "
        f"{quiz.rounds.count()} tuần thi, {count} lượt thi"
        + (f" (tuần đã kết thúc: {round_participants(closed)} người tham gia)" if closed else "")
        + " — /thi-truc-tuyen/, Ban Tổ chức: /to-chuc-thi/ (cchc.cantho)."
    ]
    return {"lines": lines}


def _build(organiser: Any, units: dict[str, Unit]) -> Quiz:
    quiz = quiz_create(actor=organiser, unit=units["can-tho"], title=TITLE)
    Question.objects.bulk_create(
        Question(
            quiz=quiz, topic=t, difficulty=d, text=q, options=o, correct_index=c, legal_source=s
        )
        for t, d, q, o, c, s in QUESTIONS
    )
    for slug, population, staff in UNITS:
        if slug in units:
            quiz_unit_save(
                actor=organiser, quiz=quiz, unit=units[slug], population=population, staff=staff
            )
    now = clock.now()
    closes = now - timedelta(days=2)
    closed = round_create(
        actor=organiser,
        quiz=quiz,
        data=RoundInput(
            title="Tuần 1",
            opens_at=closes - timedelta(days=5),
            closes_at=closes,
            question_count=10,
            time_limit_seconds=900,
            attempts_per_person=3,
        ),
    )
    round_create(
        actor=organiser,
        quiz=quiz,
        data=RoundInput(
            title="Tuần 2",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=6),
            question_count=10,
            time_limit_seconds=900,
            attempts_per_person=3,
        ),
    )
    _attempts(quiz, closed, units)
    return quiz


def _attempts(quiz: Quiz, round_: Round, units: dict[str, Unit]) -> None:
    """36 attempts of 30 people; the ties are placed on purpose, the rest is seeded random."""
    rng = random.Random(2026)  # noqa: S311  # repeatable demo data, not a secret
    bank = list(Question.objects.filter(quiz=quiz).values_list("id", "correct_index", "options"))
    unit_ids = [units[slug].pk for slug, _p, _s in UNITS if slug in units]
    start = round_.opens_at + timedelta(hours=2)
    # (person, correct, prediction, seconds, minutes after start); 30 people predict around 30.
    plan: list[tuple[int, int, int, int, int]] = [
        (0, 10, 30, 300, 10),  # first: all correct, exact prediction
        (1, 10, 31, 280, 20),  # all correct, prediction one off
        (2, 10, 29, 250, 30),  # same distance as 1, faster: before 1
        (3, 9, 30, 400, 40),
        (4, 9, 30, 400, 50),  # same as 3 but later: after 3
        (5, 9, 30, 400, 50),  # a complete tie with 4: the same rank
        (6, 9, 45, 200, 60),
        (7, 8, 30, 500, 70),
        (8, 3, 10, 12, 80),  # too fast: flagged for review
    ]
    for person in range(9, 30):
        plan.append(
            (
                person,
                rng.randint(4, 9),
                rng.randint(15, 60),
                rng.randint(180, 880),
                90 + 60 * person,
            )
        )
    for person in (9, 10, 11, 12, 13, 14):  # a second attempt each; 9's is better
        better = person == 9
        plan.append(
            (
                person,
                10 if better else rng.randint(2, 6),
                30 if better else 50,
                600,
                3000 + 60 * person,
            )
        )
    people: dict[int, Participant] = {}
    numbers: dict[int, int] = {}
    for person, correct, prediction, seconds, minutes in plan:
        participant = people.get(person)
        if participant is None:
            name = f"{FAMILY[person % len(FAMILY)]} {GIVEN[person % len(GIVEN)]}"
            participant = Participant.objects.create(
                quiz=quiz,
                name=name,
                name_key=fold(name),
                phone=f"09{person + 1:08d}",
                unit_id=unit_ids[person % len(unit_ids)] if unit_ids else None,
                created_at=start + timedelta(minutes=minutes),
            )
            people[person] = participant
        numbers[person] = numbers.get(person, 0) + 1
        drawn = rng.sample(bank, round_.question_count)
        right = set(rng.sample(range(len(drawn)), correct))
        layout, answers, results = [], {}, []
        for position, (question_id, correct_index, options) in enumerate(drawn):
            order = list(range(len(options)))
            rng.shuffle(order)
            layout.append([question_id, order])
            chosen = correct_index if position in right else (correct_index + 1) % len(options)
            answers[str(position)] = order.index(chosen)
            results.append((question_id, chosen, position in right))
        began = start + timedelta(minutes=minutes)
        attempt = Attempt.objects.create(
            round=round_,
            participant=participant,
            phone=participant.phone,
            number=numbers[person],
            token=secrets.token_urlsafe(18),
            status=AttemptStatus.SUBMITTED,
            layout=layout,
            answers=answers,
            prediction=prediction,
            started_at=began,
            deadline_at=began + timedelta(seconds=round_.time_limit_seconds),
            submitted_at=began + timedelta(seconds=seconds),
            duration_ms=seconds * 1000,
            correct=correct,
            flagged=seconds < 20,
            flag_reason=f"Trả lời {round_.question_count} câu trong {seconds} giây."
            if seconds < 20
            else "",
        )
        AttemptAnswer.objects.bulk_create(
            AttemptAnswer(attempt=attempt, round=round_, question_id=q, chosen=c, is_correct=ok)
            for q, c, ok in results
        )
