"""Demo data of the initiatives app: initiatives, a council, and a model with measured effect.

Three initiatives of Cần Thơ's wards (one recognised after its council, one
before a council still scoring, one just registered) and two models: "Một
cửa số" piloted in Ngã Bảy, recognised, then replicated in Ninh Kiều and
Đại Thành; and a pilot in Cái Khế. The monthly history of the model's
procedures over the last 24 months is written as
:class:`~motcua.initiatives.models.HistoricalFigure` rows (the figures an
old system's reports would give), which the effect measurement adds to the
rollups; ``indices_rollups --rebuild`` never touches them. Dates are
relative to today, so the history always ends last month. Idempotent: a
record that exists (by title, or by agency, procedure and month) is kept.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from motcua.catalog.models import Procedure
from motcua.core import clock
from motcua.initiatives import services
from motcua.initiatives.models import (
    CouncilMember,
    HistoricalFigure,
    Initiative,
    ReformModel,
)

OFFICER = "cchc.cantho"
MODEL_TITLE = "Một cửa số: tiếp nhận không giấy, trả kết quả qua Zalo"
PILOT_TITLE = "Tổ công nghệ số cộng đồng hướng dẫn nộp hồ sơ trực tuyến tại nhà"
PROCEDURES = ("1.001193", "2.000635")
WARDS = ("nga-bay", "ninh-kieu", "dai-thanh", "cai-khe", "binh-thuy", "phong-dien")
MONTHS = 24


def _month(start: date, add: int) -> date:
    index = start.year * 12 + start.month - 1 + add
    return date(index // 12, index % 12 + 1, 1)


def _initiatives(officer: Any, units: Any) -> list[str]:
    lines = []
    specs = [
        {
            "title": "Số hóa sổ hộ tịch và tra cứu trích lục trong ngày",
            "authors": "Nguyễn Thị Mai, Trần Văn Lộc",
            "unit": units["nga-bay"],
            "field": "Hộ tịch",
            "problem": "Tra cứu sổ hộ tịch giấy mất nhiều ngày, người dân phải đi lại nhiều lần.",
            "solution": "Quét, lập chỉ mục toàn bộ sổ hộ tịch từ năm 1990 và tra cứu trên máy.",
            "expected": "Cấp bản sao trích lục trong ngày.",
            "measured": "Thời gian cấp trích lục giảm từ 3 ngày còn trong ngày.",
            "scores": (85, 78, 90),
            "recognise": True,
        },
        {
            "title": "Phiếu hẹn có mã QR tra cứu tiến độ hồ sơ",
            "authors": "Lê Hoàng Nam",
            "unit": units["ninh-kieu"],
            "field": "Một cửa",
            "problem": "Người dân gọi điện nhiều lần để hỏi tiến độ hồ sơ.",
            "solution": "In mã QR trên phiếu hẹn dẫn tới trang tra cứu hồ sơ.",
            "expected": "Giảm một nửa số cuộc gọi hỏi tiến độ.",
            "measured": "",
            "scores": (80, None, None),
            "recognise": False,
        },
        {
            "title": "Góc hỗ trợ dịch vụ công trực tuyến cho người cao tuổi",
            "authors": "Phạm Thị Thu",
            "unit": units["dai-thanh"],
            "field": "Dịch vụ công trực tuyến",
            "problem": "Người cao tuổi ngại nộp hồ sơ trực tuyến.",
            "solution": "Đoàn viên thanh niên hướng dẫn tại một góc riêng ở bộ phận một cửa.",
            "expected": "Tăng tỷ lệ hồ sơ trực tuyến.",
            "measured": "",
            "scores": None,
            "recognise": False,
        },
    ]
    today = clock.localdate()
    for spec in specs:
        if Initiative.objects.filter(title=spec["title"]).exists():
            continue
        initiative = services.initiative_register(
            actor=officer,
            data=services.InitiativeInput(
                title=spec["title"],
                authors=spec["authors"],
                unit=spec["unit"],
                problem=spec["problem"],
                solution=spec["solution"],
                field=spec["field"],
                applied_on=_month(today, -20),
                expected_benefits=spec["expected"],
                measured_benefits=spec["measured"],
                procedure_codes=[
                    c for c in PROCEDURES if Procedure.objects.filter(code=c).exists()
                ],
            ),
        )
        lines.append(f"  Sáng kiến: {initiative.title}")
        scores = spec["scores"]
        if scores is None:
            continue
        council = services.council_form(
            actor=officer,
            initiative=initiative,
            name=f"Hội đồng sáng kiến cơ sở {initiative.unit.name}",
            members=[
                ("Võ Minh Tâm", "Chủ tịch UBND, Chủ tịch Hội đồng"),
                ("Đặng Thị Hoa", "Công chức Văn phòng, thư ký"),
                ("Huỳnh Văn Sáu", "Công chức Tư pháp – Hộ tịch"),
            ],
        )
        for member, score in zip(
            CouncilMember.objects.filter(council=council).order_by("id"), scores, strict=True
        ):
            if score is not None:
                services.council_score(
                    actor=officer, member=member, score=score, opinion="Sáng kiến thiết thực."
                )
        if spec["recognise"]:
            services.council_conclude(
                actor=officer, council=council, opinion="Đạt yêu cầu; đề nghị công nhận."
            )
            services.initiative_recognise(
                actor=officer,
                initiative=initiative,
                decision_number="215/QĐ-UBND",
                decided_on=_month(today, -14),
                scope="unit",
                issued_by="Ủy ban nhân dân phường Ngã Bảy",
            )
    return lines


def _models(officer: Any, units: Any) -> list[str]:
    lines = []
    today = clock.localdate()
    start = _month(today, -MONTHS)
    codes = [c for c in PROCEDURES if Procedure.objects.filter(code=c).exists()]
    if not ReformModel.objects.filter(title=MODEL_TITLE).exists():
        initiative = Initiative.objects.filter(unit=units["nga-bay"]).order_by("id").first()
        model = services.model_create(
            actor=officer,
            title=MODEL_TITLE,
            unit=units["nga-bay"],
            pilot_started_on=_month(start, 7),
            procedure_codes=codes,
            description="Tiếp nhận hồ sơ bản điện tử tại quầy, trả kết quả và thông báo qua Zalo OA.",
            initiative=initiative,
        )
        services.model_evaluate(
            actor=officer, model=model, evaluation="Sau 3 tháng thí điểm: hồ sơ đúng hạn tăng rõ."
        )
        services.model_recognise(
            actor=officer,
            model=model,
            decision_number="1024/QĐ-UBND",
            decided_on=_month(start, 11).replace(day=15),
            scope="province",
            issued_by="Ủy ban nhân dân thành phố Cần Thơ",
        )
        for slug, month, notes in (
            ("ninh-kieu", 12, "Bổ sung nhắn tin SMS cho người không dùng Zalo."),
            ("dai-thanh", 14, "Áp dụng trước cho thủ tục khai sinh."),
        ):
            services.model_replicate(
                actor=officer,
                model=model,
                unit=units[slug],
                adopted_on=_month(start, month),
                adaptation_notes=notes,
            )
        lines.append(f"  Mô hình: {MODEL_TITLE} (nhân rộng tại 2 phường)")
    if not ReformModel.objects.filter(title=PILOT_TITLE).exists():
        services.model_create(
            actor=officer,
            title=PILOT_TITLE,
            unit=units["cai-khe"],
            pilot_started_on=_month(today, -3),
            procedure_codes=codes[:1],
        )
        lines.append(f"  Mô hình thí điểm: {PILOT_TITLE}")
    return lines


def _history(units: Any) -> int:
    """Write 24 months of the model's procedures in six wards (adopters gain after adopting)."""
    import numpy as np

    today = clock.localdate()
    start = _month(today, -MONTHS)
    adoption = {"nga-bay": 7, "ninh-kieu": 12, "dai-thanh": 14}
    procedures = list(Procedure.objects.filter(code__in=PROCEDURES).order_by("code"))
    rng = np.random.default_rng(2026)
    existing = set(
        HistoricalFigure.objects.filter(procedure__in=procedures).values_list(
            "agency_id", "procedure_id", "year", "month"
        )
    )
    rows = []
    for w, slug in enumerate(WARDS):
        unit = units[slug]
        for p, procedure in enumerate(procedures):
            size = 60 + 25 * w + 30 * p
            for k in range(MONTHS):
                day = _month(start, k)
                since = k - adoption[slug] if slug in adoption else -1
                on = since >= 0
                rate = 72 + 2 * w - 3 * p + 0.15 * k + rng.normal(0, 2.5) + (9 if on else 0)
                days = 6.5 - 0.2 * w + rng.normal(0, 0.3) - (1.5 if on else 0)
                online = 30 + 0.8 * k + rng.normal(0, 3) + (12 if on else 0)
                satisfied = 82 + rng.normal(0, 3) + (6 if on else 0)
                finished = int(size + rng.integers(-10, 10))
                rated = max(int(finished * 0.4), 1)
                if (unit.pk, procedure.pk, day.year, day.month) in existing:
                    continue
                rows.append(
                    HistoricalFigure(
                        agency=unit,
                        procedure=procedure,
                        year=day.year,
                        month=day.month,
                        received=finished,
                        received_online=round(finished * min(online, 100) / 100),
                        finished=finished,
                        finished_on_time=round(finished * min(rate, 100) / 100),
                        handling_days=Decimal(str(round(finished * max(days, 0.5), 2))),
                        rated=rated,
                        rated_satisfied=round(rated * min(satisfied, 100) / 100),
                        source="Số liệu minh họa của bản demo",
                    )
                )
    HistoricalFigure.objects.bulk_create(rows)
    return len(rows)


def load_demo_initiatives(*, actor: str, units: Any) -> dict[str, Any]:
    officer = get_user_model().objects.filter(username=OFFICER).first()
    if officer is None:
        return {"lines": ["Sáng kiến: bỏ qua (chưa có tài khoản cchc.cantho)."]}
    with transaction.atomic():
        lines = _initiatives(officer, units)
        lines += _models(officer, units)
        figures = _history(units)
    if figures:
        lines.append(f"  Số liệu lịch sử hằng tháng của mô hình: {figures} dòng")
    if lines:
        lines.insert(0, "Sáng kiến và mô hình CCHC:")
    return {"lines": lines}
