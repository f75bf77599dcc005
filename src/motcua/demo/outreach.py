"""Demo communication plans of Cần Thơ and Phường Ngã Bảy for the current year.

Activities in every state (done, in progress, overdue, not started), progress
reports with reach, three articles (one scheduled) and a QR leaflet, all
made through the outreach services by the city's reform officer, as in a
real office. Created once: a unit that already has its plan is left alone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from motcua.core import clock
from motcua.org.models import Unit
from motcua.outreach import services as s
from motcua.outreach.models import Channel, Plan, Topic
from motcua.outreach.selectors import plan_completion

OFFICER = "cchc.cantho"


def load_demo_outreach(*, actor: str, units: Any) -> dict[str, Any]:
    """Create the demo plans once; return the Vietnamese lines to print."""
    officer = get_user_model().objects.filter(username=OFFICER).first()
    if officer is None or "can-tho" not in units or "nga-bay" not in units:
        return {"lines": []}
    today = clock.localdate()
    year = today.year
    channels = {c.code: c for c in Channel.objects.all()}
    topics = {t.code: t for t in Topic.objects.all()}
    city, ward = units["can-tho"], units["nga-bay"]
    made = []
    if not Plan.objects.filter(unit=city, year=year).exists():
        made.append(_city_plan(officer, city, ward, year, today, channels, topics))
    if not Plan.objects.filter(unit=ward, year=year).exists():
        made.append(_ward_plan(officer, ward, year, today, channels, topics))
    if not made:
        return {"lines": []}
    lines = []
    for plan in made:
        completion = plan_completion(plan.unit, year)
        lines.append(
            f"Kế hoạch tuyên truyền CCHC năm {year} của {plan.unit.name}: "
            f"{plan.activities.count()} hoạt động, hoàn thành "
            f"{'—' if completion is None else str(completion).replace('.', ',')}% hoạt động đến hạn"
        )
    lines.append("Tin bài CCHC mẫu: 3 (1 hẹn đăng) · Tờ rơi có mã QR: 1 · Bài phát thanh: 1")
    return {"lines": lines}


def _month(today: date, back: int) -> int:
    return max(1, today.month - back)


def _activity(officer: Any, plan: Plan, owner: Unit, **fields: Any) -> Any:
    return s.activity_create(
        actor=officer,
        plan=plan,
        data=s.ActivityInput(owner_unit=owner, **fields),
    )


def _report(officer: Any, activity: Any, quantity: int, on: date, **reach: Any) -> None:
    s.report_add(
        actor=officer,
        activity=activity,
        data=s.ReportInput(reported_on=on, quantity=quantity, **reach),
    )


def _day(year: int, month: int, day: int, today: date) -> date:
    return min(date(year, month, day), today)


def _city_plan(
    officer: Any,
    city: Unit,
    ward: Unit,
    year: int,
    today: date,
    channels: dict[str, Channel],
    topics: dict[str, Topic],
) -> Plan:
    plan = s.plan_create(
        actor=officer,
        unit=city,
        year=year,
        data=s.PlanInput(
            title=f"Kế hoạch tuyên truyền cải cách hành chính năm {year}",
            objectives=(
                "Nâng cao nhận thức của cán bộ, công chức và người dân về cải cách hành chính; "
                "tăng tỷ lệ hồ sơ trực tuyến; công khai kết quả các chỉ số."
            ),
            legal_basis=(
                "Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ; Kế hoạch cải cách hành "
                f"chính năm {year} của UBND thành phố Cần Thơ."
            ),
        ),
    )
    done = _activity(
        officer,
        plan,
        city,
        title="Hội nghị tập huấn nghiệp vụ một cửa cho công chức cấp xã",
        channel=channels["conference"],
        topic=topics["one_stop"],
        period_kind="quarter",
        period=1,
        target_quantity=2,
        quantity_unit="hội nghị",
        audience="Công chức bộ phận một cửa cấp xã",
        co_owner_units=[ward],
    )
    late = _activity(
        officer,
        plan,
        city,
        title="Đối thoại với doanh nghiệp về thủ tục đất đai",
        channel=channels["dialogue"],
        topic=topics["policy"],
        period_kind="month",
        period=_month(today, 2),
        target_quantity=3,
        quantity_unit="buổi",
        audience="Doanh nghiệp, hộ kinh doanh",
    )
    going = _activity(
        officer,
        plan,
        city,
        title="Tin bài về dịch vụ công trực tuyến trên cổng thông tin",
        channel=channels["portal"],
        topic=topics["one_stop"],
        period_kind="year",
        period=0,
        target_quantity=24,
        quantity_unit="tin bài",
        audience="Người dân, doanh nghiệp",
    )
    _activity(
        officer,
        plan,
        city,
        title="Cuộc thi trực tuyến tìm hiểu cải cách hành chính",
        channel=channels["contest"],
        topic=topics["contest"],
        period_kind="year",
        period=0,
        target_quantity=1,
        quantity_unit="cuộc thi",
        audience="Cán bộ, công chức và người dân",
    )
    _report(
        officer,
        done,
        1,
        _day(year, 2, 26, today),
        people=120,
        note="Hội nghị tại Trung tâm Phục vụ hành chính công thành phố.",
    )
    _report(officer, done, 1, _day(year, 3, 20, today), people=95)
    _report(officer, late, 1, _day(year, _month(today, 2), 10, today), people=40)
    _report(officer, going, 9, _day(year, _month(today, 1), 28, today), views=5400)
    s.plan_issue(actor=officer, plan=plan, number="18/KH-UBND", issued_on=_day(year, 1, 20, today))
    _content(officer, city, going, year, today, topics)
    return plan


def _ward_plan(
    officer: Any,
    ward: Unit,
    year: int,
    today: date,
    channels: dict[str, Channel],
    topics: dict[str, Topic],
) -> Plan:
    plan = s.plan_create(
        actor=officer,
        unit=ward,
        year=year,
        data=s.PlanInput(
            title=f"Kế hoạch tuyên truyền CCHC năm {year} của phường Ngã Bảy",
            objectives="Người dân biết và dùng dịch vụ công trực tuyến, thanh toán không tiền mặt.",
            legal_basis=f"Kế hoạch tuyên truyền cải cách hành chính năm {year} của UBND thành phố.",
        ),
    )
    radio = _activity(
        officer,
        plan,
        ward,
        title="Phát thanh về dịch vụ công trực tuyến trên loa phường",
        channel=channels["radio"],
        topic=topics["one_stop"],
        period_kind="quarter",
        period=4,
        target_quantity=24,
        quantity_unit="lượt phát",
        audience="Người dân các khu vực",
    )
    team = _activity(
        officer,
        plan,
        ward,
        title="Tổ công nghệ số cộng đồng hướng dẫn cài đặt VNeID",
        channel=channels["digital_team"],
        topic=topics["one_stop"],
        period_kind="month",
        period=_month(today, 1),
        target_quantity=4,
        quantity_unit="đợt",
        audience="Hộ gia đình",
    )
    _report(officer, radio, 10, _day(year, today.month, 1, today), broadcasts=10, people=0)
    _report(officer, team, 4, _day(year, _month(today, 1), 25, today), people=310)
    s.plan_issue(actor=officer, plan=plan, number="05/KH-UBND", issued_on=_day(year, 2, 5, today))
    s.material_create(
        actor=officer,
        unit=ward,
        data=s.MaterialInput(
            kind="broadcast",
            title="Bản tin phát thanh: nộp hồ sơ trực tuyến",
            body=(
                "Kính thưa bà con phường Ngã Bảy! Từ nay bà con có thể nộp hồ sơ đăng ký khai "
                "sinh, kết hôn và nhiều thủ tục khác trên Cổng dịch vụ công mà không cần đến "
                "trụ sở. Khi cần hỗ trợ, bà con liên hệ Tổ công nghệ số cộng đồng của khu vực."
            ),
            starts_on=_day(year, today.month, 1, today),
            ends_on=date(year, 12, 31),
            airings_per_day=2,
            air_times="6:00, 17:30",
            activity=radio,
        ),
    )
    return plan


def _content(
    officer: Any, city: Unit, activity: Any, year: int, today: date, topics: dict[str, Topic]
) -> None:
    now = clock.now()

    def at(day: date, hour: int = 7) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour, 0)))

    pieces = (
        (
            "Cần Thơ đẩy mạnh dịch vụ công trực tuyến toàn trình",
            "Người dân có thể nộp hồ sơ, thanh toán lệ phí và nhận kết quả trực tuyến.",
            "<p>Từ đầu năm, thành phố Cần Thơ đã cung cấp <strong>dịch vụ công trực tuyến "
            "toàn trình</strong> cho các thủ tục có nhiều hồ sơ.</p><p>Người dân nộp hồ sơ tại "
            "Cổng dịch vụ công, theo dõi tiến độ và nhận kết quả tại nhà.</p>",
            topics["one_stop"],
            at(today - timedelta(days=20)),
            37,
        ),
        (
            "Công bố kết quả chỉ số hài lòng của người dân quý III",
            "",
            "Kết quả khảo sát cho thấy tỷ lệ người dân hài lòng với sự phục vụ tại bộ phận một "
            "cửa tiếp tục tăng so với cùng kỳ năm trước.",
            topics["index_results"],
            at(today - timedelta(days=5)),
            12,
        ),
        (
            f"Phát động cuộc thi trực tuyến tìm hiểu cải cách hành chính năm {year}",
            "Cuộc thi dành cho cán bộ, công chức và người dân trên địa bàn thành phố.",
            "<p>Cuộc thi gồm nhiều tuần thi, mỗi tuần 10 câu hỏi trắc nghiệm.</p>",
            topics["contest"],
            now + timedelta(days=7),
            0,
        ),
    )
    for title, summary, body, topic, publish_at, readers in pieces:
        article = s.article_save(
            actor=officer,
            unit=city,
            data=s.ArticleInput(
                title=title,
                summary=summary,
                body=body,
                topic=topic,
                publish_at=publish_at,
                activity=activity,
            ),
        )
        for reader in range(readers):  # distinct phones: each read counts once a day
            s.article_count_view(
                article,
                address=f"198.51.{reader // 250}.{reader % 250 + 1}",
                user_agent="Mozilla/5.0 (Linux; Android 10) Mobile",
            )
    s.material_create(
        actor=officer,
        unit=city,
        data=s.MaterialInput(
            kind="leaflet",
            title="Nộp hồ sơ đăng ký khai sinh trực tuyến",
            body=(
                "Không cần đến trụ sở: quét mã QR để mở trang thủ tục, chuẩn bị bản chụp giấy "
                "chứng sinh và căn cước của cha mẹ, nộp hồ sơ và nhận kết quả tại nhà."
            ),
            link=f"{settings.MOTCUA_PUBLIC_URL}/thu-tuc/1.001193/",
            copies=500,
            activity=activity,
        ),
    )
