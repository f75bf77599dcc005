"""A small contest world: Cần Thơ organises, two wards field teams, three judges score."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model

from motcua.contests import services
from motcua.contests.models import Contest, Criterion, Performance, PerformanceKind, Round, Team
from motcua.org.models import Role, Unit, UnitKind
from motcua.org.services import role_assignment_create, unit_create

ACTOR = "test"


class ContestWorld:
    """Units, an organiser, three judges and a prepared final round (not yet open).

    Usernames start with "ht-" so the world sits beside the dossier tests' ``World``.
    """

    def __init__(self) -> None:
        kinds = {kind.code: kind for kind in UnitKind.objects.all()}
        since = date(2025, 7, 1)
        self.city = unit_create(
            actor=ACTOR, name="Thành phố Cần Thơ", kind=kinds["central_city"], valid_from=since
        )
        self.wards: list[Unit] = [
            unit_create(
                actor=ACTOR, name=name, kind=kinds["ward"], parent=self.city, valid_from=since
            )
            for name in ("Phường Ngã Bảy", "Phường Đại Thành", "Xã Tân Thành", "Phường Hiệp Thành")
        ]
        self.other_city = unit_create(
            actor=ACTOR, name="Tỉnh Vĩnh Long", kind=kinds["province"], valid_from=since
        )
        roles = {role.code: role for role in Role.objects.all()}
        self.organiser = self._user("ht-cchc", roles["reform_officer"], self.city)
        self.outsider = self._user("ht-cchc-khac", roles["reform_officer"], self.other_city)
        self.judges = [self._user(f"ht-giamkhao{i}", roles["judge"], self.city) for i in (1, 2, 3)]
        self.not_judge = self._user("ht-thuly", roles["case_handler"], self.city)
        self.kinds = {kind.code: kind for kind in PerformanceKind.objects.all()}

    def _user(self, username: str, role: Role, unit: Unit) -> Any:
        user = get_user_model().objects.create_user(
            username, password="x", email=f"{username}@example.invalid", first_name=username
        )
        role_assignment_create(actor=ACTOR, user=user, role=role, unit=unit)
        return user

    def contest(self) -> Contest:
        return services.contest_create(
            actor=self.organiser,
            organiser=self.city,
            name="Hội thi Tuyên truyền cải cách hành chính năm 2026",
            year=2026,
        )

    def prepared_round(
        self, *, teams: int = 3, drop_extremes: bool = False, judges: int = 3
    ) -> tuple[Round, list[Team], list[Criterion]]:
        """Return a final round with two criteria (the second breaks ties), prizes,
        ``teams`` teams each with a presentation, and ``judges`` judges assigned."""
        contest = self.contest()
        round_ = services.round_create(
            actor=self.organiser, contest=contest, name="Chung kết", drop_extremes=drop_extremes
        )
        content = services.criterion_add(
            actor=self.organiser, round_=round_, name="Nội dung", max_points=60
        )
        delivery = services.criterion_add(
            actor=self.organiser,
            round_=round_,
            name="Hình thức thể hiện",
            max_points=40,
            tie_break=True,
        )
        made = []
        for index in range(teams):
            team = services.team_create(
                actor=self.organiser,
                contest=contest,
                name=f"Đội {self.wards[index].name}",
                unit=self.wards[index],
                members=[("Nguyễn Văn An", "Công chức Văn phòng"), ("Lê Thị Bình", "")],
            )
            services.performance_add(
                actor=self.organiser, round_=round_, team=team, kind=self.kinds["presentation"]
            )
            made.append(team)
        services.prize_add(actor=self.organiser, round_=round_, name="Giải Nhất", count=1)
        services.prize_add(actor=self.organiser, round_=round_, name="Giải Nhì", count=1)
        for judge in self.judges[:judges]:
            services.judge_assign(actor=self.organiser, round_=round_, judge=judge)
        round_.refresh_from_db()
        return round_, made, [content, delivery]


def performance_of(round_: Round, team: Team) -> Performance:
    return Performance.objects.select_related("round", "kind").get(round=round_, team=team)


def published_round() -> Round:
    """Return a final round of two teams, scored by three judges and published
    (for tests elsewhere that need results to read, such as the API conformance run)."""
    world = ContestWorld()
    round_, teams, criteria = world.prepared_round(teams=2)
    round_ = services.round_open(actor=world.organiser, round_=round_)
    for judge in world.judges:
        for index, team in enumerate(teams):
            services.sheet_save(
                judge=judge,
                performance=performance_of(round_, team),
                points={criteria[0].pk: str(40 + index), criteria[1].pk: "30"},
                submit=True,
            )
    return services.round_publish(actor=world.organiser, round_=round_)
