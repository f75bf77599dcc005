"""Settings, procedure versions, units in operation and the step plans a dossier is given."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.test import override_settings

from motcua.catalog.content import StepSpec
from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.dossiers import services as s
from motcua.dossiers.constants import DossierStatus as S
from motcua.dossiers.jobs import dossiers_close_unsupplemented
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.dossiers.tests.helpers import at
from motcua.dossiers.tests.test_lifecycle import LifecycleTestCase


class SettingsTests(LifecycleTestCase):
    def test_the_code_pattern_is_configurable(self):

        with override_settings(
            MOTCUA_DOSSIER_CODE_PATTERN="{agency}-{date:%y%m%d}-{system}{seq:04d}",
            MOTCUA_DOSSIER_CODE_SYSTEM="01",
        ):
            d = self.receive()
        self.assertEqual(d.code, "H33.15-260302-010001")

    def test_a_broken_code_pattern_fails_the_system_check(self):

        from motcua.dossiers.checks import dossier_code_pattern_check

        self.assertEqual(dossier_code_pattern_check(), [])
        with override_settings(MOTCUA_DOSSIER_CODE_PATTERN="{agency}-{day}-{seq:04d}"):
            self.assertEqual([e.id for e in dossier_code_pattern_check()], ["motcua.E001"])
        for repeating in (
            "{agency}-{date:%y%m%d}",
            "{system}-{date:%y%m%d}-{seq:04d}",
            "{agency}-{seq:06d}",
        ):
            with override_settings(MOTCUA_DOSSIER_CODE_PATTERN=repeating):
                self.assertEqual([e.id for e in dossier_code_pattern_check()], ["motcua.E002"])
        with override_settings(
            MOTCUA_DOSSIER_CODE_PATTERN="{system}.{agency}-{date:%Y%m%d}-{seq:05d}"
        ):
            self.assertEqual(dossier_code_pattern_check(), [])

    def test_the_supplement_window_is_the_procedure_versions(self):
        from motcua.catalog.tests.factories import make_procedure

        version = make_procedure("1.003583", supplement_window_days=5).versions.get()
        d = self.receive(version=version)
        pause = self.act(
            at(2026, 3, 2, 10),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.intake,
            items=["A"],
            reason="r",
        )
        # D0 = Mon 2/3; five working days later: Mon 9/3.
        self.assertEqual(pause.respond_by, at(2026, 3, 9, 17))
        event = DossierEvent.objects.get(dossier=d, action="request_supplement")
        self.assertEqual(event.data["respond_by"], at(2026, 3, 9, 17).isoformat())

    def test_without_a_window_the_dossier_waits_and_is_never_closed_by_the_job(self):
        version = self.w.inter_version  # no supplement window
        self.assertIsNone(version.supplement_window_days)
        d = self.receive(version=version)
        pause = self.act(
            at(2026, 3, 2, 10),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.intake,
            items=["A"],
            reason="r",
        )
        self.assertIsNone(pause.respond_by)
        self.assertIsNone(
            DossierEvent.objects.get(dossier=d, action="request_supplement").data["respond_by"]
        )
        # A year later the job still leaves it alone.
        self.assertEqual(dossiers_close_unsupplemented(now=at(2026, 12, 1, 9)), [])
        self.assertEqual(self.refresh(d).status, S.AWAITING_SUPPLEMENT)


class VersionTests(LifecycleTestCase):
    def test_a_dossier_keeps_the_version_it_was_received_under(self):
        from datetime import date as day

        from motcua.catalog.services import procedure_version_create
        from motcua.catalog.tests.factories import content

        old = self.receive()
        with clock.frozen(at(2026, 3, 2, 11)):
            new_version = procedure_version_create(
                actor="test",
                procedure=self.w.pause_version.procedure,
                effective_from=day(2026, 3, 4),
                content=content(name="Đăng ký khai sinh (sửa đổi)", time_limit_amount=4),
            )
        before = self.receive(when=at(2026, 3, 3, 9))
        with clock.frozen(at(2026, 3, 4, 9)):
            after = s.dossier_receive(
                actor=self.w.intake,
                receiving_unit=self.w.centre,
                applicant=self.w.applicant(),
                provided_documents=list(
                    new_version.documents.filter(is_mandatory=True).values_list("pk", flat=True)
                ),
                procedure_code="1.001193",
            ).dossier
        with self.assertRaises(ApplicationError) as caught:
            self.receive(when=at(2026, 3, 4, 10))  # the old version, no longer in force
        self.assertEqual(caught.exception.code, "version_not_in_force")
        self.assertEqual(old.procedure_version, self.w.pause_version)
        self.assertEqual(before.procedure_version, self.w.pause_version)
        self.assertEqual(after.procedure_version, new_version)
        # Four working days under the new version, three under the old one.
        self.assertEqual(after.due_at, at(2026, 3, 10, 17))
        self.assertEqual(self.refresh(old).due_at, at(2026, 3, 5, 17))


class NoSigningStepTests(LifecycleTestCase):
    def test_a_workflow_without_a_signing_step_still_reaches_a_decision(self):

        from motcua.catalog.tests.factories import make_procedure

        procedure = make_procedure(
            "9.123456",
            name="Thủ tục không có bước ký",
            steps=(
                StepSpec(1, "Tiếp nhận", "intake_officer", Decimal("0.5"), "working_days"),
                StepSpec(2, "Xử lý", "case_handler", Decimal("2"), "working_days"),
                StepSpec(3, "Trả kết quả", "intake_officer", Decimal("0.5"), "working_days"),
            ),
        )
        d = self.receive(version=procedure.versions.get())
        steps = list(DossierStep.objects.filter(dossier=d).values_list("order", "role__code"))
        self.assertEqual(
            steps,
            [
                (1, "intake_officer"),
                (2, "case_handler"),
                (3, "commune_leader"),
                (4, "intake_officer"),
            ],
        )
        d = self.w.to_handler(d)
        d = self.act(at(2026, 3, 2, 11), s.dossier_hand_over, dossier=d, actor=self.w.handler)
        self.assertEqual(d.status, S.AWAITING_SIGNATURE)
        d = self.act(
            at(2026, 3, 2, 14), s.dossier_decide, dossier=d, actor=self.w.leader, decision="granted"
        )
        self.assertEqual(d.status, S.RESULT_READY)


class UnitInOperationTests(LifecycleTestCase):
    def test_no_dossier_is_recorded_at_a_unit_that_no_longer_exists(self):
        from motcua.org.models import Role, Unit
        from motcua.org.services import role_assignment_create, unit_create, unit_update

        # An officer of the whole ward (so the role check passes) at a desk closed on 1/3.
        role_assignment_create(
            actor="tests",
            user=self.w.intake,
            role=Role.objects.get(code="intake_officer"),
            unit=self.w.ward,
        )
        old_desk = unit_create(
            actor="tests",
            name="Điểm tiếp nhận cũ",
            kind=self.w.centre.kind,
            parent=self.w.ward,
            valid_from=date(2025, 7, 1),
            valid_to=date(2026, 3, 1),
        )
        applicant = self.w.applicant()
        attempts: dict[str, Callable[[], Any]] = {
            "receive": lambda: s.dossier_receive(
                actor=self.w.intake,
                receiving_unit=old_desk,
                applicant=applicant,
                provided_documents=self.w.documents(self.w.pause_version),
                procedure_version=self.w.pause_version,
            ),
            "refuse": lambda: s.dossier_refuse_at_intake(
                actor=self.w.intake,
                receiving_unit=old_desk,
                applicant=applicant,
                reasons="Không thuộc thẩm quyền",
                procedure_version=self.w.pause_version,
            ),
            "guide": lambda: s.dossier_guide_incomplete(
                actor=self.w.intake,
                receiving_unit=old_desk,
                applicant=applicant,
                provided_documents=[],
                procedure_version=self.w.pause_version,
            ),
            "online": lambda: s.dossier_submit_online(
                applicant=applicant,
                procedure_code=self.w.pause_version.procedure.code,
                receiving_unit=old_desk,
                provided_documents=[],
            ),
        }
        for name, attempt in attempts.items():
            with self.subTest(name), clock.frozen(at(2026, 3, 2, 9)):
                with self.assertRaises(ApplicationError) as caught:
                    attempt()
                self.assertEqual(caught.exception.code, "unit_not_in_operation")
                self.assertEqual(
                    caught.exception.message,
                    "Điểm tiếp nhận cũ không còn hoạt động từ ngày 01/03/2026: hãy tiếp nhận "
                    "hồ sơ tại đơn vị đã kế thừa nhiệm vụ của đơn vị này.",
                )
        self.assertFalse(Dossier.objects.filter(receiving_unit=old_desk).exists())
        # The day before it closed, the same desk still received.
        with clock.frozen(at(2026, 2, 27, 9)):
            self.assertEqual(attempts["receive"]().dossier.receiving_unit, old_desk)
        # A desk that opens later is refused too, and says from when.
        old_desk = unit_update(
            actor="tests", unit=old_desk, data={"valid_from": date(2026, 3, 9), "valid_to": None}
        )
        with clock.frozen(at(2026, 3, 2, 9)), self.assertRaises(ApplicationError) as caught:
            attempts["receive"]()
        self.assertEqual(
            caught.exception.message, "Điểm tiếp nhận cũ chỉ hoạt động từ ngày 09/03/2026."
        )
        self.assertEqual(Unit.objects.get(pk=old_desk.pk).valid_from, date(2026, 3, 9))


class CompletedStepBudgetTests(LifecycleTestCase):
    """Steps added to a workflow keep the budgets within the legal limit."""

    def plan(self, code, **content):
        from motcua.catalog.selectors import procedure_intake_plan
        from motcua.catalog.tests.factories import make_procedure

        version = make_procedure(code, name=f"Thủ tục {code}", **content).versions.get()
        return [
            (p.role.code, p.budget_seconds) for p in s.step_plan(procedure_intake_plan(version))
        ]

    def test_default_steps_share_the_limit_whatever_its_unit(self):
        hour, day = 3600, 8 * 3600
        cases = {
            "9.100001": ({"time_limit_amount": 8, "time_limit_unit": "working_hours"}, 8 * hour),
            "9.100002": ({"time_limit_amount": 3, "time_limit_unit": "working_days"}, 3 * day),
            "9.100003": ({"time_limit_amount": 30, "time_limit_unit": "calendar_days"}, 30 * day),
            "9.100004": ({"time_limit_amount": 0, "time_limit_unit": "same_day"}, day),
        }
        for code, (limit, allowed) in cases.items():
            with self.subTest(code):
                steps = self.plan(code, steps=(), **limit)
                roles = [role for role, _ in steps]
                self.assertEqual(
                    roles, ["intake_officer", "case_handler", "commune_leader", "intake_officer"]
                )
                self.assertEqual(sum(b for _, b in steps), allowed)
                self.assertTrue(all(b > 0 for _, b in steps))
                self.assertEqual(steps[0][1], min(day // 2, allowed // 8))
        self.assertEqual(
            self.plan("9.100005", steps=(), time_limit_amount=8, time_limit_unit="working_hours")[
                1
            ][1],
            5 * hour,
        )

    def test_a_signing_step_added_to_a_full_template_takes_its_time_from_the_longest(self):

        steps = self.plan(
            "9.100006",
            time_limit_amount=3,
            steps=(
                StepSpec(1, "Tiếp nhận", "intake_officer", Decimal("0.5"), "working_days"),
                StepSpec(2, "Xử lý", "case_handler", Decimal("2"), "working_days"),
                StepSpec(3, "Trả kết quả", "intake_officer", Decimal("0.5"), "working_days"),
            ),
        )
        hour = 3600
        self.assertEqual(
            steps,
            [
                ("intake_officer", 4 * hour),
                ("case_handler", 13 * hour),
                ("commune_leader", 3 * hour),
                ("intake_officer", 4 * hour),
            ],
        )
        # With room left in the template, the signing step uses it and nothing shrinks.
        roomy = self.plan(
            "9.100007",
            time_limit_amount=5,
            steps=(
                StepSpec(1, "Tiếp nhận", "intake_officer", Decimal("0.5"), "working_days"),
                StepSpec(2, "Xử lý", "case_handler", Decimal("2"), "working_days"),
            ),
        )
        self.assertEqual(
            roomy,
            [
                ("intake_officer", 4 * hour),
                ("case_handler", 16 * hour),
                ("commune_leader", 4 * hour),
            ],
        )


class CompletedStepPlanCacheTests(LifecycleTestCase):
    def test_the_added_steps_are_worked_out_once_per_version_in_vietnamese(self):
        from django.utils import translation

        from motcua.catalog.selectors import procedure_intake_plan
        from motcua.catalog.tests.factories import make_procedure
        from motcua.core.cache import process_caches_clear
        from motcua.org.models import Role

        process_caches_clear()
        version = make_procedure(
            "9.123457", name="Thủ tục không khai báo bước", steps=()
        ).versions.get()
        plan = procedure_intake_plan(version)
        with translation.override("vi"):
            with self.assertNumQueries(1):  # the roles of the default steps
                first = s.step_plan(plan)
            with self.assertNumQueries(0):
                self.assertEqual(s.step_plan(plan), first)
            self.assertEqual([p.name for p in first][2], "Ký duyệt")
        with translation.override("en"), self.assertNumQueries(0):
            # Stored and printed on the Vietnamese control slip: never in English.
            self.assertEqual([p.name for p in s.step_plan(plan)][2], "Ký duyệt")
        leader = Role.objects.get(code="commune_leader")
        leader.save()  # reference data changed: worked out again
        with translation.override("vi"), self.assertNumQueries(1):
            s.step_plan(plan)
