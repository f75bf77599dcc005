"""Demo dossiers at the Ngã Bảy desk, one in every state a dossier rests in, made through the services.

Each scenario replays its history with the clock frozen at instants counted
back from today in working days, so the queues show work to do, dossiers due
soon, overdue ones and waiting ones whatever the day the demo is loaded. A
scenario that would need a working calendar not yet confirmed (late in
December, say) is skipped and reported.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model

from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.org.models import Unit
from motcua.workdays.core import CalendarMissingError
from motcua.workdays.loader import calendar_for_unit

APPLICANTS = (
    (
        "Trần Thị Bích Ngọc",
        "092190001234",
        "0912345678",
        "Số 12 đường Lê Lợi, khu vực 1, phường Ngã Bảy",
    ),
    ("Nguyễn Văn Hùng", "093085004321", "0939123456", "Số 45 đường Hùng Vương, phường Ngã Bảy"),
    ("Lê Thị Mỹ Duyên", "092195007788", "0907654321", "Ấp Mái Dầm, phường Ngã Bảy"),
    ("Phạm Quốc Bảo", "093201002468", "0868112233", "Số 8 đường Trần Hưng Đạo, phường Ngã Bảy"),
    ("Huỳnh Thị Kim Anh", "092188009753", "0975001122", "Khu vực 3, phường Ngã Bảy"),
    ("Võ Minh Khang", "093092001357", "0388765432", "Số 102 đường 3/2, phường Ngã Bảy"),
    ("Đặng Thị Thu Trang", "092199003691", "0945123987", "Số 7 đường Nguyễn Trãi, phường Ngã Bảy"),
    ("Châu Văn Lợi", "093078005824", "0918777666", "Ấp Xẻo Vông, phường Ngã Bảy"),
    ("Trương Ngọc Hân", "092203004567", "0399887766", "Số 23 đường Lê Hồng Phong, phường Ngã Bảy"),
    ("Bùi Thanh Tùng", "093187006543", "0906543210", "Khu vực 5, phường Ngã Bảy"),
    ("Lâm Thị Hồng Nhung", "092196002580", "0977333444", "Số 66 đường Ngô Quyền, phường Ngã Bảy"),
    ("Ngô Văn Tâm", "093080009999", "0915444555", "Ấp Đông An, phường Ngã Bảy"),
)


@dataclass
class _Context:
    centre: Unit
    users: dict[str, Any]
    mornings: list[datetime]  # mornings[k] = 08:00 on the k-th working day back (0 = today)
    applicant_index: int = 0

    def back(self, days: int, hour: int = 8, minute: int = 0) -> datetime:
        return self.mornings[days] + timedelta(hours=hour - 8, minutes=minute)

    def applicant(self) -> s.Applicant:
        name, id_number, phone, address = APPLICANTS[self.applicant_index % len(APPLICANTS)]
        self.applicant_index += 1
        email = "ngoc.tran@example.invalid" if self.applicant_index == 1 else ""
        return s.Applicant(
            name=name, id_number=id_number, phone=phone, email=email, address=address
        )


def _mornings(unit: Unit, count: int) -> list[datetime]:
    calendar = calendar_for_unit(unit)
    today = clock.localdate()
    days: list[date] = []
    day = today
    while len(days) < count:
        if calendar.is_working_day(day):
            days.append(day)
        day -= timedelta(days=1)
    return [datetime.combine(d, time(8, 0), tzinfo=calendar.tz) for d in days]


def _receive(ctx: _Context, code: str, when: datetime) -> Dossier:
    with clock.frozen(when):
        documents = _documents(code)
        return s.dossier_receive(
            actor=ctx.users["tiepnhan.ngabay"],
            receiving_unit=ctx.centre,
            applicant=ctx.applicant(),
            provided_documents=documents,
            procedure_code=code,
        ).dossier


def _documents(code: str) -> list[int]:
    from motcua.catalog.selectors import procedure_intake_plan, procedure_version_in_force

    version = procedure_version_in_force(code, clock.localdate())
    if version is None:
        raise ApplicationError(f"demo procedure {code} is not in force")
    return [doc.pk for doc in procedure_intake_plan(version).documents if doc.is_mandatory]


def _at(when: datetime, func: Callable[..., Any], **kwargs: Any) -> Any:
    with clock.frozen(when):
        return func(**kwargs)


def _to_handler(ctx: _Context, dossier: Dossier, when: datetime) -> Any:
    """The case handler takes the dossier that intake handed to the ward's queue."""
    return _at(when, s.dossier_claim, dossier=dossier, actor=ctx.users["thuly.ngabay"])


def _to_leader(ctx: _Context, dossier: Dossier, when: datetime) -> Any:
    return _at(
        when,
        s.dossier_hand_over,
        dossier=dossier,
        actor=ctx.users["thuly.ngabay"],
        to_user=ctx.users["lanhdao.ngabay"],
    )


def _decide(ctx: _Context, dossier: Dossier, when: datetime) -> Any:
    return _at(
        when,
        s.dossier_decide,
        dossier=dossier,
        actor=ctx.users["lanhdao.ngabay"],
        decision="granted",
    )


def _scenarios(ctx: _Context) -> list[tuple[str, Callable[[], Any]]]:
    u = ctx.users

    def received_today() -> Any:
        return _receive(ctx, "1.004873", ctx.back(0, 8, 15))

    def in_progress() -> Any:
        return _to_handler(ctx, _receive(ctx, "9.000601", ctx.back(1, 9)), ctx.back(1, 10))

    def overdue() -> Any:
        dossier = _to_handler(ctx, _receive(ctx, "1.004873", ctx.back(6, 9)), ctx.back(6, 10))
        # Overdue: the handler has drafted a (late) apology for the leader to sign.
        calendar = calendar_for_unit(ctx.centre)
        # Without next year's confirmed calendar the dossier stays without a draft.
        with contextlib.suppress(ApplicationError, CalendarMissingError):
            _at(
                ctx.back(0, 8),
                s.dossier_apology_draft,
                dossier=dossier,
                actor=u["thuly.ngabay"],
                reason="Chờ cơ quan đăng ký khai sinh trước đây xác minh thông tin",
                new_date=calendar.add_working_days(ctx.back(0).date(), 3),
            )
        return dossier

    def waiting_for_supplement() -> Any:
        dossier = _to_handler(ctx, _receive(ctx, "9.000102", ctx.back(3, 9)), ctx.back(3, 10))
        return _at(
            ctx.back(2, 9),
            s.dossier_request_supplement,
            dossier=dossier,
            actor=u["thuly.ngabay"],
            items=[
                "Bản sao Giấy chứng sinh có chứng thực",
                "Văn bản xác nhận của cơ quan đã đăng ký khai sinh trước đây",
            ],
            reason="Hồ sơ thiếu giấy tờ chứng minh nội dung khai sinh",
        )

    def awaiting_signature() -> Any:
        dossier = _to_handler(ctx, _receive(ctx, "9.000101", ctx.back(2, 9)), ctx.back(2, 10))
        return _to_leader(ctx, dossier, ctx.back(1, 9))

    def with_tax_office() -> Any:
        dossier = _to_handler(
            ctx, _receive(ctx, "1.001612", ctx.back(2, 9, 30)), ctx.back(2, 10, 30)
        )
        return _at(
            ctx.back(1, 10),
            s.dossier_hand_over,
            dossier=dossier,
            actor=u["thuly.ngabay"],
            to_user=u["thuly.thue"],
        )

    def result_ready() -> Any:
        dossier = _to_handler(ctx, _receive(ctx, "1.004873", ctx.back(3, 9)), ctx.back(3, 10))
        dossier = _to_leader(ctx, dossier, ctx.back(2, 14))
        return _decide(ctx, dossier, ctx.back(1, 9))

    def returned_early() -> Any:
        dossier = _to_handler(ctx, _receive(ctx, "9.000103", ctx.back(5, 9)), ctx.back(5, 10))
        dossier = _to_leader(ctx, dossier, ctx.back(5, 14))
        dossier = _decide(ctx, dossier, ctx.back(4, 9))
        return _at(
            ctx.back(3, 9),
            s.dossier_return,
            dossier=dossier,
            actor=u["tiepnhan.ngabay"],
            method="counter",
            received_by=dossier.applicant_name,
        )

    def late_with_apology() -> Any:
        dossier = _to_handler(ctx, _receive(ctx, "1.004873", ctx.back(9, 9)), ctx.back(9, 10))
        _at(
            ctx.back(8, 15),
            s.dossier_apologise,
            dossier=dossier,
            actor=u["lanhdao.ngabay"],
            reason="Cần xác minh thông tin hộ tịch tại nơi đăng ký trước đây",
            new_date=ctx.back(4).date(),
        )
        dossier = _to_leader(ctx, dossier, ctx.back(5, 9))
        dossier = _decide(ctx, dossier, ctx.back(5, 14))
        return _at(
            ctx.back(4, 9),
            s.dossier_return,
            dossier=dossier,
            actor=u["tiepnhan.ngabay"],
            method="counter",
            received_by=dossier.applicant_name,
        )

    def refused_at_counter() -> Any:
        return _at(
            ctx.back(2, 11),
            s.dossier_refuse_at_intake,
            actor=u["tiepnhan.ngabay"],
            receiving_unit=ctx.centre,
            applicant=ctx.applicant(),
            procedure_code="9.000401",
            reasons="Thửa đất thuộc khu vực đã có quyết định thu hồi; không đủ điều kiện cấp phép xây dựng",
        )

    def stopped() -> Any:
        dossier = _to_handler(ctx, _receive(ctx, "9.000601", ctx.back(4, 9)), ctx.back(4, 10))
        return _at(
            ctx.back(3, 14),
            s.dossier_stop,
            dossier=dossier,
            actor=u["tiepnhan.ngabay"],
            reason="Người nộp có đơn xin rút hồ sơ để bổ sung giấy tờ",
        )

    def waiting_for_payment() -> Any:
        dossier = _to_handler(
            ctx, _receive(ctx, "9.000601", ctx.back(2, 9, 15)), ctx.back(2, 10, 15)
        )
        return _at(
            ctx.back(1, 14),
            s.dossier_request_payment,
            dossier=dossier,
            actor=u["thuly.ngabay"],
            items=["Lệ phí cấp bản sao trích lục: 8.000 đồng"],
            reason="Chờ nộp lệ phí trước khi ký",
        )

    def closed_without_supplement() -> Any:
        dossier = _to_handler(ctx, _receive(ctx, "1.004873", ctx.back(19, 9)), ctx.back(19, 10))
        _at(
            ctx.back(18, 9),
            s.dossier_request_supplement,
            dossier=dossier,
            actor=u["thuly.ngabay"],
            items=["Bản sao trích lục ly hôn"],
            reason="Thiếu giấy tờ chứng minh tình trạng hôn nhân",
        )
        return _at(ctx.back(2, 8), s.dossier_close_unsupplemented, dossier=dossier, actor=None)

    def withdrawn_online() -> Any:
        with clock.frozen(ctx.back(3, 20)):
            dossier = s.dossier_submit_online(
                applicant=ctx.applicant(),
                procedure_code="9.000302",
                receiving_unit=ctx.centre,
                provided_documents=_documents("9.000302"),
            ).dossier
        return _at(
            ctx.back(2, 8, 30),
            s.dossier_withdraw,
            dossier=dossier,
            actor=u["tiepnhan.ngabay"],
            reason="Người nộp đề nghị rút hồ sơ qua điện thoại",
        )

    def submitted_online() -> Any:
        with clock.frozen(ctx.back(0, 7, 30)):
            return s.dossier_submit_online(
                applicant=ctx.applicant(),
                procedure_code="9.000301",
                receiving_unit=ctx.centre,
                provided_documents=_documents("9.000301"),
            )

    # Names in Vietnamese: the seed command prints them when a scenario is skipped.
    return [
        ("tiếp nhận hôm nay", received_today),
        ("đang xử lý", in_progress),
        ("quá hạn", overdue),
        ("chờ bổ sung", waiting_for_supplement),
        ("chờ ký", awaiting_signature),
        ("đang ở cơ quan thuế", with_tax_office),
        ("có kết quả", result_ready),
        ("trả sớm", returned_early),
        ("trả muộn sau thư xin lỗi", late_with_apology),
        ("từ chối tại quầy", refused_at_counter),
        ("dừng theo yêu cầu", stopped),
        ("nộp trực tuyến", submitted_online),
        ("chờ nghĩa vụ tài chính", waiting_for_payment),
        ("kết thúc vì không bổ sung", closed_without_supplement),
        ("rút hồ sơ trực tuyến", withdrawn_online),
    ]


def load_demo_dossiers(*, units: dict[str, Unit]) -> tuple[int, list[str]]:
    """Create the demo dossiers once; return (how many were created, skipped scenarios)."""
    centre = units["nga-bay-centre"]
    if Dossier.objects.filter(receiving_unit=centre).exists():
        return 0, []
    users = {
        user.username: user
        for user in get_user_model().objects.filter(
            username__in=["tiepnhan.ngabay", "thuly.ngabay", "lanhdao.ngabay", "thuly.thue"]
        )
    }
    ctx = _Context(centre=centre, users=users, mornings=_mornings(units["nga-bay"], 20))
    created, skipped = 0, []
    for name, scenario in _scenarios(ctx):
        try:
            scenario()
        except ApplicationError as exc:
            skipped.append(f"{name}: {exc.message}")
            continue
        created += 1
    return created, skipped
