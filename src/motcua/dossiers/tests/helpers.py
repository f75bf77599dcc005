"""A small world for dossier tests: Phường Ngã Bảy, its centre, staff and procedures."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import TestCase

from motcua.catalog.content import StepSpec
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.tests.factories import content, make_procedure
from motcua.core import clock
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import Applicant, dossier_claim, dossier_receive
from motcua.org.models import Role, Unit, UnitKind
from motcua.org.services import role_assignment_create, unit_create
from motcua.workdays.loader import calendar_cache_clear

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ACTOR = "test"
T = TypeVar("T")


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


class World:
    """Units, staff and procedures shared by the dossier tests (built in setUpTestData)."""

    def __init__(self) -> None:
        calendar_cache_clear()
        kinds = {kind.code: kind for kind in UnitKind.objects.all()}
        since = date(2025, 7, 1)
        self.city = unit_create(
            actor=ACTOR,
            name="Thành phố Cần Thơ",
            kind=kinds["central_city"],
            admin_code="92",
            agency_code="H33",
            valid_from=since,
        )
        self.ward = unit_create(
            actor=ACTOR,
            name="Phường Ngã Bảy",
            kind=kinds["ward"],
            parent=self.city,
            admin_code="31340",
            agency_code="H33.15",
            valid_from=since,
        )
        self.centre = unit_create(
            actor=ACTOR,
            name="Trung tâm Phục vụ hành chính công phường Ngã Bảy",
            kind=kinds["service_centre"],
            parent=self.ward,
            valid_from=since,
        )
        self.tax = unit_create(
            actor=ACTOR,
            name="Thuế cơ sở 6",
            kind=kinds["vertical_agency"],
            parent=self.city,
            agency_code="H33.90",
            valid_from=since,
        )
        self.other_ward = unit_create(
            actor=ACTOR,
            name="Phường Đại Thành",
            kind=kinds["ward"],
            parent=self.city,
            admin_code="31411",
            agency_code="H33.16",
            valid_from=since,
        )
        users = get_user_model().objects
        self.roles = {role.code: role for role in Role.objects.all()}
        self.intake = self._user("tiepnhan", "intake_officer", self.centre)
        self.handler = self._user("thuly", "case_handler", self.ward)
        self.handler2 = self._user("thuly2", "case_handler", self.ward)
        self.leader = self._user("lanhdao", "commune_leader", self.ward)
        self.tax_officer = self._user("thue", "case_handler", self.tax)
        self.director = self._user("giamdoc", "centre_director", self.centre)
        self.outsider = self._user("khac", "case_handler", self.other_ward)
        self.nobody = users.create_user("khong", password="x")
        # 15 working days to hand in a supplement (the interconnection decree's window); the
        # other two procedures have none (no automatic closure).
        self.pause_version = self._procedure(
            "1.001193", supplement_policy="pause", supplement_window_days=15
        )
        self.restart_version = self._procedure(
            "1.000656",
            supplement_policy="restart",
            supplement_window_days=15,
            name="Đăng ký kết hôn",
        )
        self.inter_version = self._procedure(
            "1.001612",
            name="Đăng ký hộ kinh doanh",
            time_limit_amount=5,
            steps=(
                StepSpec(1, "Tiếp nhận", "intake_officer", Decimal("0.5"), "working_days"),
                StepSpec(2, "Thụ lý", "case_handler", Decimal("2"), "working_days"),
                StepSpec(
                    3,
                    "Xác nhận nghĩa vụ thuế",
                    "case_handler",
                    Decimal("1.5"),
                    "working_days",
                    agency_code="H33.90",
                    is_inter_agency=True,
                ),
                StepSpec(4, "Ký duyệt", "commune_leader", Decimal("0.5"), "working_days"),
                StepSpec(5, "Trả kết quả", "intake_officer", Decimal("0.5"), "working_days"),
            ),
        )
        self.hours_version = self._procedure(
            "2.000815",
            name="Chứng thực bản sao từ bản chính",
            time_limit_amount=8,
            time_limit_unit="working_hours",
            steps=(
                StepSpec(1, "Tiếp nhận", "intake_officer", Decimal("1"), "working_hours"),
                StepSpec(2, "Chứng thực", "case_handler", Decimal("4"), "working_hours"),
                StepSpec(3, "Ký", "commune_leader", Decimal("2"), "working_hours"),
                StepSpec(4, "Trả kết quả", "intake_officer", Decimal("1"), "working_hours"),
            ),
        )

    def _user(self, username: str, role: str, unit: Unit) -> User:
        user = get_user_model().objects.create_user(
            username, password="x", email=f"{username}@example.invalid", first_name=username.title()
        )
        role_assignment_create(actor=ACTOR, user=user, role=self.roles[role], unit=unit)
        return user

    def _procedure(self, code: str, **overrides: Any) -> ProcedureVersion:
        procedure = make_procedure(code, **overrides)
        return procedure.versions.get()

    @staticmethod
    def applicant(**overrides: Any) -> Applicant:
        base = Applicant(
            name="Trần Thị Bích Ngọc",
            id_number="092190001234",
            phone="0912 345 678",
            email="ngoc.tran@example.vn",
            address="Số 12 đường Lê Lợi, phường Ngã Bảy, thành phố Cần Thơ",
        )
        return dataclasses.replace(base, **overrides)

    def documents(self, version: ProcedureVersion) -> list[int]:
        return list(version.documents.filter(is_mandatory=True).values_list("pk", flat=True))

    def to_handler(self, dossier: Dossier, when: datetime | None = None) -> Dossier:
        """Have the case handler take ``dossier`` from the ward's queue (10:00 on 2/3/2026).

        Intake hands the dossier over to the review step's unit at once; the
        handler then takes it (``dossier_claim``).
        """
        with clock.frozen(when or at(2026, 3, 2, 10)):
            return dossier_claim(dossier=dossier, actor=self.handler)

    def signed(
        self,
        dossier: Dossier,
        *,
        handed_at: datetime,
        decided_at: datetime,
        decision: str = "granted",
        **decide: Any,
    ) -> Dossier:
        """Have the case handler hand ``dossier`` to the leader, who then decides on it.

        The hand-over happens at ``handed_at``, the decision at ``decided_at``;
        ``decide`` goes to ``dossier_decide`` (``reasons`` of a refusal, for example).
        """
        with clock.frozen(handed_at):
            dossier = s.dossier_hand_over(dossier=dossier, actor=self.handler, to_user=self.leader)
        with clock.frozen(decided_at):
            return s.dossier_decide(dossier=dossier, actor=self.leader, decision=decision, **decide)

    def receive(self, version: ProcedureVersion | None = None, **kwargs: Any) -> Dossier:
        version = version or self.pause_version
        return dossier_receive(
            actor=kwargs.pop("actor", self.intake),
            receiving_unit=kwargs.pop("receiving_unit", self.centre),
            applicant=kwargs.pop("applicant", self.applicant()),
            provided_documents=kwargs.pop("provided_documents", self.documents(version)),
            procedure_version=version,
            **kwargs,
        ).dossier


class States:
    """Dossiers in each state of the lifecycle, one call each, reached through the services.

    Every builder starts from a counter intake (or an online submission) of
    the world's plain procedure at 09:00 on Monday 2/3/2026 and acts later
    that day, so the clock and the history are those of real use.
    """

    def __init__(self, world: World) -> None:
        self.w = world

    def _act(self, when: datetime, func: Callable[..., T], **kwargs: Any) -> T:
        with clock.frozen(when):
            return func(**kwargs)

    def _fresh(self, dossier: Dossier) -> Dossier:
        return Dossier.objects.select_related("current_step__role", "current_step__unit").get(
            pk=dossier.pk
        )

    def online(self, version: ProcedureVersion | None = None) -> Dossier:
        """An online submission waiting for intake (awaiting_intake)."""
        version = version or self.w.pause_version
        with clock.frozen(at(2026, 3, 2, 9)):
            result = s.dossier_submit_online(
                applicant=self.w.applicant(),
                procedure_code=version.procedure.code,
                receiving_unit=self.w.centre,
                provided_documents=self.w.documents(version),
            )
        return self._fresh(result.dossier)

    def refused(self) -> Dossier:
        d = self.online()
        self._act(
            at(2026, 3, 2, 10),
            s.dossier_refuse,
            dossier=d,
            actor=self.w.intake,
            reasons="Không đúng thẩm quyền",
        )
        return self._fresh(d)

    def withdrawn(self) -> Dossier:
        d = self.online()
        self._act(at(2026, 3, 2, 10), s.dossier_withdraw, dossier=d, actor=self.w.intake)
        return self._fresh(d)

    def handed_over(self, version: ProcedureVersion | None = None) -> Dossier:
        """Received at the counter and handed to the review step, nobody has taken it yet."""
        with clock.frozen(at(2026, 3, 2, 9)):
            d = self.w.receive(version)
        return self._fresh(d)

    def in_progress(self, version: ProcedureVersion | None = None) -> Dossier:
        """Received and taken by the case handler (in_progress)."""
        d = self.handed_over(version)
        self.w.to_handler(d)
        return self._fresh(d)

    def awaiting_coordination(self) -> Dossier:
        """Handed to the tax office's inter-agency step."""
        d = self.in_progress(self.w.inter_version)
        self._act(at(2026, 3, 2, 11), s.dossier_hand_over, dossier=d, actor=self.w.handler)
        return self._fresh(d)

    def awaiting_signature(self) -> Dossier:
        d = self.in_progress()
        self._act(at(2026, 3, 2, 11), s.dossier_hand_over, dossier=d, actor=self.w.handler)
        return self._fresh(d)

    def awaiting_supplement(self) -> Dossier:
        d = self.in_progress()
        self._act(
            at(2026, 3, 2, 11),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.handler,
            items=["Bản sao giấy chứng sinh có chứng thực"],
            reason="Bản sao không rõ",
        )
        return self._fresh(d)

    def awaiting_payment(self) -> Dossier:
        d = self.in_progress()
        self._act(
            at(2026, 3, 2, 11),
            s.dossier_request_payment,
            dossier=d,
            actor=self.w.handler,
            items=["Lệ phí trước bạ"],
        )
        return self._fresh(d)

    def result_ready(self) -> Dossier:
        d = self.awaiting_signature()
        self._act(
            at(2026, 3, 2, 14), s.dossier_decide, dossier=d, actor=self.w.leader, decision="granted"
        )
        return self._fresh(d)

    def returned(self) -> Dossier:
        d = self.result_ready()
        self._act(
            at(2026, 3, 2, 15),
            s.dossier_return,
            dossier=d,
            actor=self.w.intake,
            method="counter",
            received_by="Trần Thị Bích Ngọc",
        )
        return self._fresh(d)

    def stopped(self) -> Dossier:
        d = self.in_progress()
        self._act(
            at(2026, 3, 2, 11),
            s.dossier_stop,
            dossier=d,
            actor=self.w.intake,
            reason="Người nộp xin rút hồ sơ",
        )
        return self._fresh(d)

    def closed(self) -> Dossier:
        """Closed by the job when the supplement window (15 working days) had passed."""
        d = self.awaiting_supplement()
        self._act(at(2026, 3, 25, 9), s.dossier_close_unsupplemented, dossier=d, actor=None)
        return self._fresh(d)


class DossierTestCase(TestCase):
    """The shared base of dossier tests: the world, its states, and acting at a frozen time."""

    w: World
    states: States

    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = World()
        cls.states = States(cls.w)

    def receive(
        self, when: datetime | None = None, version: ProcedureVersion | None = None, **kwargs: Any
    ) -> Dossier:
        with clock.frozen(when or at(2026, 3, 2, 9)):
            return self.w.receive(version, **kwargs)

    def act(self, when: datetime, func: Callable[..., T], **kwargs: Any) -> T:
        with clock.frozen(when):
            return func(**kwargs)

    def refresh(self, dossier: Dossier) -> Dossier:
        return Dossier.objects.select_related("current_step").get(pk=dossier.pk)


__all__ = ["ACTOR", "VN", "DossierTestCase", "States", "World", "at", "content"]
