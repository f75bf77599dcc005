"""Plans, activities and progress reports through the services, and the contract selectors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings

from motcua.core import clock
from motcua.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from motcua.core.models import AuditEvent
from motcua.outreach import selectors as sel
from motcua.outreach import services as s
from motcua.outreach.constants import ActivityState, PlanStatus
from motcua.outreach.models import Evidence, Plan, ProgressReport
from motcua.outreach.tests.helpers import World, at, png


class PlanServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = World()

    def test_plan_create_writes_an_audit_record(self) -> None:
        plan = self.w.plan()
        self.assertEqual(plan.status, PlanStatus.DRAFT)
        self.assertTrue(
            AuditEvent.objects.filter(
                action="outreach.plan_create", object_id=str(plan.pk)
            ).exists()
        )

    def test_second_plan_for_the_same_year_is_refused(self) -> None:
        self.w.plan()
        with self.assertRaises(ConflictError):
            self.w.plan()
        self.assertEqual(Plan.objects.filter(unit=self.w.ward).count(), 1)

    def test_another_units_officer_cannot_make_or_change_the_plan(self) -> None:
        with self.assertRaises(PermissionDeniedError):
            self.w.plan(unit=self.w.ward, actor=self.w.other_officer)
        plan = self.w.plan()
        with self.assertRaises(PermissionDeniedError):
            self.w.activity(plan, actor=self.w.other_officer)
        self.assertFalse(plan.activities.exists())

    def test_city_officer_covers_the_wards_below(self) -> None:
        plan = self.w.plan(unit=self.w.ward, actor=self.w.officer)
        self.assertEqual(plan.unit, self.w.ward)

    def test_bad_activity_input_names_the_field(self) -> None:
        plan = self.w.plan()
        with self.assertRaises(ApplicationError) as caught:
            self.w.activity(plan, period=13)
        self.assertEqual(caught.exception.extra["errors"][0]["field"], "period")
        with self.assertRaises(ApplicationError) as caught:
            self.w.activity(plan, target=0)
        self.assertEqual(caught.exception.extra["errors"][0]["field"], "target_quantity")
        with self.assertRaises(ApplicationError) as caught:
            self.w.activity(plan, owner=self.w.other_ward)
        self.assertEqual(caught.exception.extra["errors"][0]["field"], "owner_unit")
        self.assertFalse(plan.activities.exists())

    def test_quarter_and_month_due_dates(self) -> None:
        plan = self.w.plan()
        self.assertEqual(self.w.activity(plan, kind="quarter", period=2).due_on, date(2026, 6, 30))
        self.assertEqual(self.w.activity(plan, kind="month", period=2).due_on, date(2026, 2, 28))
        self.assertEqual(self.w.activity(plan, kind="year", period=0).due_on, date(2026, 12, 31))

    def test_issue_needs_activities_and_happens_once(self) -> None:
        plan = self.w.plan()
        with clock.frozen(at(2026, 1, 20)):
            with self.assertRaises(ApplicationError):
                s.plan_issue(
                    actor=self.w.ward_officer,
                    plan=plan,
                    number="12/KH-UBND",
                    issued_on=date(2026, 1, 15),
                )
            self.w.activity(plan)
            s.plan_issue(
                actor=self.w.ward_officer,
                plan=plan,
                number="12/KH-UBND",
                issued_on=date(2026, 1, 15),
            )
            with self.assertRaises(ConflictError):
                s.plan_issue(
                    actor=self.w.ward_officer,
                    plan=plan,
                    number="13/KH-UBND",
                    issued_on=date(2026, 1, 16),
                )
        plan.refresh_from_db()
        self.assertEqual((plan.status, plan.number), (PlanStatus.ISSUED, "12/KH-UBND"))


class SelectorContractTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = World()

    def test_plan_for_and_no_plan(self) -> None:
        self.assertIsNone(sel.plan_for(self.w.ward, 2026))
        self.assertIsNone(sel.plan_issued_on_time(self.w.ward, 2026))
        self.assertIsNone(sel.plan_completion(self.w.ward, 2026))
        self.assertEqual(sel.form_variety(self.w.ward, 2026), 0)
        plan = self.w.plan()
        self.assertEqual(sel.plan_for(self.w.ward, 2026), plan)
        self.assertIsNone(sel.plan_for(self.w.ward, 2025))

    def _issued(self, day: date) -> None:
        plan = self.w.plan()
        self.w.activity(plan)
        with clock.frozen(at(2026, 3, 1)):
            s.plan_issue(actor=self.w.ward_officer, plan=plan, number="5/KH-UBND", issued_on=day)

    def test_issued_by_31_january_is_on_time(self) -> None:
        self._issued(date(2026, 1, 31))
        self.assertIs(sel.plan_issued_on_time(self.w.ward, 2026), True)

    def test_issued_on_1_february_is_late(self) -> None:
        self._issued(date(2026, 2, 1))
        self.assertIs(sel.plan_issued_on_time(self.w.ward, 2026), False)

    @override_settings(MOTCUA_OUTREACH_PLAN_DEADLINE=(2, 15))
    def test_the_deadline_is_a_setting(self) -> None:
        self._issued(date(2026, 2, 1))
        self.assertIs(sel.plan_issued_on_time(self.w.ward, 2026), True)

    def test_a_draft_plan_is_not_on_time(self) -> None:
        self.w.plan()
        self.assertIs(sel.plan_issued_on_time(self.w.ward, 2026), False)

    def test_completion_counts_activities_due_so_far(self) -> None:
        plan = self.w.plan()
        done = self.w.activity(plan, period=2, target=2)
        late = self.w.activity(plan, period=3, target=3, channel="portal")
        self.w.activity(plan, period=9, target=1, channel="dialogue")  # not due yet
        with clock.frozen(at(2026, 4, 10)):
            self.w.report(done, 2, on=date(2026, 2, 10), people=120)
            self.w.report(late, 1, on=date(2026, 3, 10), views=300)
            self.assertEqual(sel.plan_completion(self.w.ward, 2026), Decimal("50.0"))
            self.assertEqual(sel.form_variety(self.w.ward, 2026), 2)
            summary = sel.plan_summary(plan)
        states = [row.state for row in summary.rows]
        self.assertEqual(
            states, [ActivityState.DONE, ActivityState.OVERDUE, ActivityState.NOT_STARTED]
        )
        self.assertEqual((summary.people, summary.views), (120, 300))

    def test_nothing_due_yet_is_none(self) -> None:
        plan = self.w.plan()
        self.w.activity(plan, period=12)
        with clock.frozen(at(2026, 2, 1)):
            self.assertIsNone(sel.plan_completion(self.w.ward, 2026))

    def test_in_progress_state(self) -> None:
        plan = self.w.plan()
        activity = self.w.activity(plan, period=6, target=5)
        with clock.frozen(at(2026, 5, 1)):
            self.w.report(activity, 2, on=date(2026, 4, 30))
            rows = sel.activity_rows(plan.activities.all())
        self.assertEqual(rows[0].state, ActivityState.IN_PROGRESS)
        self.assertEqual(rows[0].progress, Decimal("40.0"))


class ReportServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = World()

    def setUp(self) -> None:
        self.plan = self.w.plan()
        self.activity = self.w.activity(self.plan)

    def test_report_with_evidence(self) -> None:
        with clock.frozen(at(2026, 3, 20)):
            report = s.report_add(
                actor=self.w.ward_officer,
                activity=self.activity,
                data=s.ReportInput(reported_on=date(2026, 3, 19), quantity=2, broadcasts=2),
                files=[png()],
            )
        evidence = Evidence.objects.get(report=report)
        self.assertEqual(evidence.content_type, "image/png")
        self.assertTrue(evidence.file.startswith("outreach/evidence/"))

    def test_a_report_that_fails_after_storing_its_evidence_leaves_no_file(self) -> None:
        from unittest import mock

        from django.core.files.storage import default_storage

        saved: list[str] = []
        real_save = default_storage.save

        def save(name: str, content: object, **kwargs: object) -> str:
            saved.append(real_save(name, content, **kwargs))
            return saved[-1]

        with (
            clock.frozen(at(2026, 3, 20)),
            mock.patch.object(default_storage, "save", side_effect=save),
            mock.patch.object(s, "audit_record", side_effect=RuntimeError("audit down")),
            self.assertRaises(RuntimeError),
        ):
            s.report_add(
                actor=self.w.ward_officer,
                activity=self.activity,
                data=s.ReportInput(reported_on=date(2026, 3, 19), quantity=2),
                files=[png(), png()],
            )
        self.assertEqual(len(saved), 2)
        self.assertEqual([default_storage.exists(name) for name in saved], [False, False])
        self.assertFalse(ProgressReport.objects.exists())
        self.assertFalse(Evidence.objects.exists())

    def test_bad_upload_refuses_the_whole_report(self) -> None:
        fake = SimpleUploadedFile(
            "bienban.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
        )
        with clock.frozen(at(2026, 3, 20)), self.assertRaises(ApplicationError) as caught:
            s.report_add(
                actor=self.w.ward_officer,
                activity=self.activity,
                data=s.ReportInput(reported_on=date(2026, 3, 19), quantity=2),
                files=[fake],
            )
        self.assertEqual(caught.exception.extra["errors"][0]["field"], "evidence")
        self.assertIn("bienban.pdf", caught.exception.message)
        self.assertFalse(ProgressReport.objects.exists())
        self.assertFalse(Evidence.objects.exists())

    def test_future_date_and_negative_numbers_are_refused(self) -> None:
        with clock.frozen(at(2026, 3, 20)):
            with self.assertRaises(ApplicationError):
                self.w.report(self.activity, 1, on=date(2026, 3, 21))
            with self.assertRaises(ApplicationError):
                self.w.report(self.activity, -1, on=date(2026, 3, 19))
        self.assertFalse(ProgressReport.objects.exists())

    def test_another_units_officer_cannot_report(self) -> None:
        with clock.frozen(at(2026, 3, 20)), self.assertRaises(PermissionDeniedError):
            self.w.report(self.activity, 1, on=date(2026, 3, 19), actor=self.w.other_officer)
        self.assertFalse(ProgressReport.objects.exists())
