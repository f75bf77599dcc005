"""A small world for the outreach tests: Cần Thơ, two wards, their reform officers."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from motcua.org.models import Role, Unit, UnitKind
from motcua.org.services import role_assignment_create, unit_create
from motcua.outreach import services as s
from motcua.outreach.models import Activity, Channel, Plan, Topic

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ACTOR = "test"


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=VN)


def png(name: str = "anh.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


class World:
    def __init__(self) -> None:
        kinds = {kind.code: kind for kind in UnitKind.objects.all()}
        since = date(2025, 7, 1)
        self.city = unit_create(
            actor=ACTOR, name="Thành phố Cần Thơ", kind=kinds["central_city"], valid_from=since
        )
        self.ward = unit_create(
            actor=ACTOR,
            name="Phường Ngã Bảy",
            kind=kinds["ward"],
            parent=self.city,
            valid_from=since,
        )
        self.other_ward = unit_create(
            actor=ACTOR,
            name="Phường Đại Thành",
            kind=kinds["ward"],
            parent=self.city,
            valid_from=since,
        )
        self.roles = {role.code: role for role in Role.objects.all()}
        self.officer = self._user("cchc", "reform_officer", self.city)
        self.ward_officer = self._user("cchc.ngabay", "reform_officer", self.ward)
        self.other_officer = self._user("cchc.daithanh", "reform_officer", self.other_ward)
        self.leader = self._user("lanhdao", "commune_leader", self.ward)
        self.channels = {c.code: c for c in Channel.objects.all()}
        self.topics = {t.code: t for t in Topic.objects.all()}

    def _user(self, username: str, role: str, unit: Unit) -> Any:
        user = get_user_model().objects.create_user(
            username, password="x", email=f"{username}@example.invalid"
        )
        role_assignment_create(actor=ACTOR, user=user, role=self.roles[role], unit=unit)
        return user

    def plan(self, unit: Unit | None = None, year: int = 2026, actor: Any = None) -> Plan:
        unit = unit or self.ward
        return s.plan_create(
            actor=actor or (self.ward_officer if unit == self.ward else self.officer),
            unit=unit,
            year=year,
            data=s.PlanInput(
                title=f"Kế hoạch tuyên truyền CCHC năm {year}",
                objectives="Nâng cao nhận thức của người dân về CCHC.",
                legal_basis="Kế hoạch CCHC năm của UBND thành phố.",
            ),
        )

    def activity(
        self,
        plan: Plan,
        *,
        channel: str = "radio",
        kind: str = "month",
        period: int = 3,
        target: int = 4,
        actor: Any = None,
        owner: Unit | None = None,
    ) -> Activity:
        return s.activity_create(
            actor=actor or self.ward_officer,
            plan=plan,
            data=s.ActivityInput(
                title=f"Phát thanh về dịch vụ công trực tuyến ({channel} {kind} {period})",
                channel=self.channels[channel],
                topic=self.topics["one_stop"],
                owner_unit=owner or plan.unit,
                period_kind=kind,
                period=period,
                target_quantity=target,
                quantity_unit="buổi",
                audience="Người dân trên địa bàn",
            ),
        )

    def report(
        self, activity: Activity, quantity: int, *, on: date, actor: Any = None, **reach: Any
    ) -> Any:
        return s.report_add(
            actor=actor or self.ward_officer,
            activity=activity,
            data=s.ReportInput(reported_on=on, quantity=quantity, **reach),
        )
