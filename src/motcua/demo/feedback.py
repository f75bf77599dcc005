"""Demo feedback: ratings of the returned demo dossiers (one unhappy, followed up),
PAKN in every state, a counter kiosk and a survey campaign with answers.

Everything goes through the feedback services, as in a real office, so the
audit log and the notifications are those of real use. Created once.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model

from motcua.core import clock
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.feedback.models import Evaluation, Kiosk, Pakn, Questionnaire, SurveyCampaign
from motcua.feedback.services import evaluation_submit, follow_up_record_contact, kiosk_create
from motcua.feedback.services.pakn import (
    Sender,
    pakn_answer,
    pakn_assign,
    pakn_publish,
    pakn_rate_answer,
    pakn_submit,
    pakn_token,
)
from motcua.feedback.services.surveys import campaign_create, survey_answer_paper
from motcua.org.models import Unit

ASPECTS = ("access", "procedure", "officer", "result", "feedback")


def load_demo_feedback(*, units: dict[str, Unit]) -> dict[str, int]:
    """Create the demo feedback once; return what was created."""
    centre, ward = units["nga-bay-centre"], units["nga-bay"]
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["tiepnhan.ngabay", "lanhdao.ngabay", "cchc.cantho"]
        )
    }
    if len(users) < 3:
        return {}
    created = {"ratings": 0, "pakn": 0, "survey_answers": 0}
    if not Kiosk.objects.filter(unit=centre).exists():
        kiosk_create(unit=centre, name="Quầy 1", actor=users["tiepnhan.ngabay"])
    if not Evaluation.objects.filter(receiving_unit=centre).exists():
        created["ratings"] = _ratings(centre, users)
    if not Pakn.objects.filter(unit__in=[centre, ward]).exists():
        created["pakn"] = _pakn(centre, users)
    if not SurveyCampaign.objects.filter(unit=ward).exists():
        created["survey_answers"] = _survey(ward, users)
    return created


def _ratings(centre: Unit, users: dict[str, Any]) -> int:
    returned = list(
        Dossier.objects.filter(receiving_unit=centre, status=DossierStatus.RETURNED).order_by(
            "returned_at"
        )
    )
    count = 0
    for index, dossier in enumerate(returned):
        assert dossier.returned_at is not None  # returned dossiers carry the instant
        unhappy = index == 0  # the late one, returned after an apology
        with clock.frozen(dossier.returned_at + timedelta(minutes=5)):
            evaluation = evaluation_submit(
                dossier=dossier,
                channel="kiosk" if index % 2 == 0 else "link",
                level="dissatisfied" if unhappy else "very_satisfied",
                scores=[1, 0, 1, 2, 2, 2, 1, 1, 2] if unhappy else [2, 2, 2, 2, 2, 2, 2, 2, 1],
                comment="Phải đi lại nhiều lần, hẹn trả kết quả bị lùi" if unhappy else "",
            )
        count += 1
        if unhappy:
            with clock.frozen(dossier.returned_at + timedelta(hours=2)):
                follow_up_record_contact(
                    follow_up=evaluation.follow_up,
                    actor=users["lanhdao.ngabay"],
                    note="Đã gọi điện cho người dân, ghi nhận việc phải bổ sung giấy tờ hai lần.",
                )
    return count


def _pakn(centre: Unit, users: dict[str, Any]) -> int:
    intake, leader = users["tiepnhan.ngabay"], users["lanhdao.ngabay"]
    now = clock.now()
    portal = {
        "channel": "portal",
        "consent_publish": True,
        "sender": Sender(name="Võ Thị Hạnh", phone="0939123456", email="hanh.vo@example.vn"),
    }
    items = []
    items.append(
        pakn_submit(  # received, not yet assigned
            title="Đề nghị bố trí thêm ghế chờ",
            content="Buổi sáng thứ Hai rất đông, nhiều người phải đứng chờ.",
            **portal,  # type: ignore[arg-type]
        )
    )
    with clock.frozen(now - timedelta(days=2)):
        assigned = pakn_submit(
            channel="hotline",
            sender=Sender(name="Trần Văn Lực", phone="0918765432"),
            title="Hỏi về thời hạn cấp bản sao trích lục",
            content="Tôi nộp hồ sơ đã ba ngày nhưng chưa nhận được tin nhắn hẹn.",
            actor=intake,
            unit=centre,
        )
        pakn_assign(pakn=assigned, actor=leader, kind="handling", unit=centre)
    items.append(assigned)
    with clock.frozen(now - timedelta(days=30)):
        overdue = pakn_submit(
            channel="letter",
            sender=Sender(name="Nguyễn Hữu Phước", address="Số 5 đường 30/4, phường Ngã Bảy"),
            title="Góp ý về niêm yết phí, lệ phí",
            content="Bảng niêm yết phí tại quầy chưa cập nhật mức lệ phí mới.",
            actor=intake,
            unit=centre,
        )
        pakn_assign(pakn=overdue, actor=leader, kind="regulation", unit=centre)
    items.append(overdue)
    with clock.frozen(now - timedelta(days=10)):
        answered = pakn_submit(
            channel="counter",
            sender=Sender(name="Lý Thị Ngọc", phone="0907111222"),
            title="Thái độ hướng dẫn chưa rõ ràng",
            content="Cán bộ hướng dẫn kê khai chưa rõ, tôi phải hỏi lại nhiều lần.",
            actor=intake,
            unit=centre,
        )
        pakn_assign(pakn=answered, actor=leader, kind="handling", unit=centre)
    with clock.frozen(now - timedelta(days=8)):
        pakn_answer(
            pakn=answered,
            actor=leader,
            answer="Trung tâm đã nhắc nhở cán bộ và bổ sung bản hướng dẫn mẫu tại quầy.",
        )
    items.append(answered)
    with clock.frozen(now - timedelta(days=12)):
        published = pakn_submit(
            title="Có thể nộp hồ sơ đăng ký khai sinh trực tuyến không?",
            content="Tôi muốn biết có thể nộp hồ sơ khai sinh cho con qua mạng không.",
            **portal,  # type: ignore[arg-type]
        )
        pakn_assign(pakn=published, actor=leader, kind="regulation", unit=centre)
    with clock.frozen(now - timedelta(days=11)):
        pakn_answer(
            pakn=published,
            actor=leader,
            answer="Được: thủ tục đăng ký khai sinh được thực hiện trực tuyến toàn trình trên "
            "Cổng Dịch vụ công quốc gia.",
        )
        pakn_publish(pakn=published, actor=leader)
        pakn_rate_answer(token=pakn_token(published), rating="satisfied")
    items.append(published)
    return len(items)


def _survey(ward: Unit, users: dict[str, Any]) -> int:
    today = clock.localdate()
    quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    next_quarter = (quarter_start + timedelta(days=95)).replace(day=1)
    campaign = campaign_create(
        unit=ward,
        questionnaire=Questionnaire.objects.filter(code="sipas").order_by("-version").first(),  # type: ignore[arg-type]
        name=f"Khảo sát sự hài lòng quý {(today.month - 1) // 3 + 1}/{today.year}",
        starts_on=quarter_start,
        ends_on=next_quarter - timedelta(days=1),
        sample_target=40,
        actor=users["cchc.cantho"],
    )
    rng = random.Random(2026)  # noqa: S311  # demo answers, not security
    weights = {"access": 0.7, "procedure": 0.8, "officer": 0.85, "result": 0.9, "feedback": 0.6}
    for number in range(1, 25):
        raw: dict[str, Any] = {
            f"aspect_{key}": str(
                rng.choice([4, 5]) if rng.random() < weights[key] else rng.choice([2, 3])
            )
            for key in ASPECTS
        }
        raw["overall"] = raw["aspect_officer"]
        raw["expectations"] = [str(rng.randrange(8))]
        survey_answer_paper(
            campaign=campaign, actor=users["cchc.cantho"], raw=raw, paper_number=f"P-{number:03d}"
        )
    return 24
