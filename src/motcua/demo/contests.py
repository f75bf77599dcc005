"""Demo judged contest: the city's reform contest, its final judged and published.

Cần Thơ's reform officer (``cchc.cantho``) organises "Hội thi Tuyên truyền
cải cách hành chính năm 2026"; four wards field teams of three; the final
has a presentation and a skit per team, two criteria each (the content
also breaks ties), three judges (``giamkhao.cantho`` and two more, made
here with no password: they exist to have scored), the highest and lowest
totals dropped. Every sheet is submitted through the services, one is
reopened with a reason and submitted again, and the results are published
with a first, a second, a third and an encouragement prize.

Idempotent: a second run finds the contest by name and creates nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from motcua.contests import services
from motcua.contests.models import Contest, PerformanceKind, RoundStatus
from motcua.contests.scoring import points_text
from motcua.org.models import Role, RoleAssignment
from motcua.org.services import role_assignment_create

NAME = "Hội thi Tuyên truyền cải cách hành chính năm 2026"
ORGANISER = "cchc.cantho"
JUDGES = (
    ("giamkhao.cantho", ""),
    ("giamkhao2.cantho", "Nguyễn Thị Thanh Tâm"),
    ("giamkhao3.cantho", "Phạm Quốc Huy"),
)
TEAMS = (
    ("nga-bay", "Đội Phường Ngã Bảy", ["Trần Thị Mỹ Duyên", "Lê Hoàng Phúc", "Võ Minh Thư"]),
    ("dai-thanh", "Đội Phường Đại Thành", ["Nguyễn Văn Khang", "Huỳnh Thị Ngọc", "Đặng Gia Bảo"]),
    ("ninh-kieu", "Đội Phường Ninh Kiều", ["Phan Thị Hạnh", "Lý Quốc Trung", "Tô Thị Yến"]),
    ("cai-khe", "Đội Phường Cái Khế", ["Châu Văn Tài", "Mai Thị Kiều", "Dương Thanh Sang"]),
)
# (content, delivery) per team, per kind, per judge: hand-set so the ranking shows
# a dropped extreme and a tie broken by the content criterion.
SCORES: dict[str, dict[str, list[tuple[str, str]]]] = {
    "nga-bay": {
        "presentation": [("52", "27"), ("50", "26"), ("55", "28")],
        "skit": [("51", "28"), ("53", "27"), ("50", "26")],
    },
    "dai-thanh": {
        "presentation": [("50", "30"), ("48", "29"), ("42", "25")],
        "skit": [("54", "28"), ("52", "27"), ("58", "30")],
    },
    "ninh-kieu": {
        "presentation": [("48", "26"), ("47", "26"), ("49", "27")],
        "skit": [("50", "26"), ("49", "25"), ("51", "26")],
    },
    "cai-khe": {
        "presentation": [("49", "29"), ("50", "28"), ("51", "28")],
        "skit": [("50", "30"), ("52", "28"), ("49", "27")],
    },
}


def _judges(actor: str, units: Any) -> list[Any]:
    users = get_user_model().objects
    role = Role.objects.get(code="judge")
    judges = []
    for username, full_name in JUDGES:
        user = users.filter(username=username).first()
        if user is None:
            if not full_name:
                return []
            first, _space, last = full_name.rpartition(" ")
            user = users.create_user(
                username=username,
                password=None,
                first_name=last,
                last_name=first,
                email=f"{username}@example.invalid",
            )
        if not RoleAssignment.objects.filter(user=user, role=role).exists():
            role_assignment_create(actor=actor, user=user, role=role, unit=units["can-tho"])
        judges.append(user)
    return judges


def load_demo_contests(*, actor: str, units: Any) -> dict[str, Any]:
    """Create the demo contest once and return the summary lines."""
    organiser = get_user_model().objects.filter(username=ORGANISER).first()
    if organiser is None:
        return {"lines": []}
    existing = Contest.objects.filter(name=NAME, organiser=units["can-tho"]).first()
    if existing is not None:
        return {"lines": _lines(existing)}
    kinds = {kind.code: kind for kind in PerformanceKind.objects.all()}
    with transaction.atomic():
        judges = _judges(actor, units)
        if len(judges) < 3:
            return {"lines": []}
        contest = services.contest_create(
            actor=organiser,
            organiser=units["can-tho"],
            name=NAME,
            year=2026,
            decision="Quyết định số 125/QĐ-UBND ngày 15/9/2026",
            description="Hội thi giữa các đội của phường, xã về tuyên truyền cải cách hành chính.",
        )
        final = services.round_create(
            actor=organiser,
            contest=contest,
            name="Chung kết",
            held_on=date(2026, 11, 20),
            drop_extremes=True,
        )
        content = services.criterion_add(
            actor=organiser, round_=final, name="Nội dung", max_points=Decimal(60), tie_break=True
        )
        delivery = services.criterion_add(
            actor=organiser, round_=final, name="Hình thức thể hiện", max_points=Decimal(40)
        )
        teams = {}
        for slug, name, members in TEAMS:
            teams[slug] = services.team_create(
                actor=organiser,
                contest=contest,
                name=name,
                unit=units[slug],
                members=[(member, "Công chức") for member in members],
            )
        performances = []
        for kind in ("presentation", "skit"):
            for slug, _name, _members in TEAMS:
                performances.append(
                    (
                        slug,
                        kind,
                        services.performance_add(
                            actor=organiser, round_=final, team=teams[slug], kind=kinds[kind]
                        ),
                    )
                )
        for prize, count in (
            ("Giải Nhất", 1),
            ("Giải Nhì", 1),
            ("Giải Ba", 1),
            ("Giải Khuyến khích", 1),
        ):
            services.prize_add(actor=organiser, round_=final, name=prize, count=count)
        for judge in judges:
            services.judge_assign(actor=organiser, round_=final, judge=judge)
        final = services.round_open(actor=organiser, round_=final)
        for slug, kind, performance in performances:
            performance.round = final
            for judge, (c, d) in zip(judges, SCORES[slug][kind], strict=True):
                services.sheet_save(
                    judge=judge,
                    performance=performance,
                    points={content.pk: c, delivery.pk: d},
                    submit=True,
                )
        # One correction, as happens on the day: reopened with a reason, then resubmitted.
        slug, kind, performance = performances[0]
        sheet = performance.sheets.get(judge=judges[2])
        services.sheet_reopen(
            actor=organiser,
            sheet=sheet,
            reason="Giám khảo ghi nhầm điểm hình thức thể hiện, đề nghị chấm lại.",
        )
        services.sheet_save(
            judge=judges[2],
            performance=performance,
            points={content.pk: SCORES[slug][kind][2][0], delivery.pk: "27"},
            submit=True,
        )
        services.round_publish(actor=organiser, round_=final)
    return {"lines": _lines(contest)}


def _lines(contest: Contest) -> list[str]:
    lines = [f"Hội thi: {contest.name}"]
    for round_ in contest.rounds.all():
        if round_.status != RoundStatus.PUBLISHED:
            lines.append(f"  {round_.name}: {round_.get_status_display()}")
            continue
        for result in round_.results.select_related("team", "prize").order_by("rank"):
            prize = f" — {result.prize.name}" if result.prize else ""
            score = points_text(result.score).replace(".", ",")
            lines.append(
                f"  {round_.name}: hạng {result.rank} {result.team.name}, {score} điểm{prize}"
            )
    return lines
