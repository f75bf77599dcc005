"""Scenario tests: each path of the one-stop lifecycle, through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.test import override_settings

from motcua.catalog.content import StepSpec
from motcua.core import clock
from motcua.core.audit import audit_verify
from motcua.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from motcua.core.models import AuditEvent
from motcua.dossiers import services as s
from motcua.dossiers.constants import DossierStatus as S
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.dossiers.tests.helpers import DossierTestCase, at


class LifecycleTestCase(DossierTestCase):
    """Scenarios through the services on the shared world."""


class PlainPathTests(LifecycleTestCase):
    def test_counter_intake_to_return(self):
        """A complete dossier goes intake → handler → leader → result → return, early."""
        d = self.receive()
        self.assertEqual(d.code, "H33.15-260302-0001")
        self.assertEqual(d.d0, date(2026, 3, 2))
        self.assertEqual(d.due_at, at(2026, 3, 5, 17))
        self.assertEqual(d.agency, self.w.ward)
        self.assertEqual(d.fee_total, 50000)
        # Intake is the intake step: the dossier is at once in the ward's review queue.
        self.assertEqual(d.status, S.IN_PROGRESS)
        assert d.current_step is not None
        self.assertEqual((d.current_step.order, d.current_step.unit), (2, self.w.ward))
        self.assertIsNone(d.current_handler)
        assert d.current_step is not None
        self.assertEqual(d.current_step.due_at, at(2026, 3, 3, 15))

        d = self.w.to_handler(d)
        self.assertEqual((d.status, d.current_handler), (S.IN_PROGRESS, self.w.handler))
        d = self.act(
            at(2026, 3, 3, 15),
            s.dossier_hand_over,
            dossier=d,
            actor=self.w.handler,
            to_user=self.w.leader,
        )
        self.assertEqual(d.status, S.AWAITING_SIGNATURE)
        assert d.current_step is not None
        self.assertEqual(d.current_step.due_at, at(2026, 3, 4, 9))
        d = self.act(
            at(2026, 3, 4, 8), s.dossier_decide, dossier=d, actor=self.w.leader, decision="granted"
        )
        self.assertEqual((d.status, d.timeliness), (S.RESULT_READY, "early"))
        assert d.current_step is not None
        self.assertEqual(d.current_step.order, 4)
        d = self.act(
            at(2026, 3, 4, 10),
            s.dossier_return,
            dossier=d,
            actor=self.w.intake,
            method="counter",
            received_by="Trần Thị Bích Ngọc",
        )
        self.assertEqual(d.status, S.RETURNED)
        self.assertEqual(d.returned_at, at(2026, 3, 4, 10))

        steps = list(DossierStep.objects.filter(dossier=d).order_by("order"))
        # Steps are judged by day too: each was handed over on its due day.
        self.assertEqual(
            [st.timeliness for st in steps], ["on_time", "on_time", "on_time", "on_time"]
        )
        self.assertEqual(
            [st.giver_id for st in steps],
            [None, self.w.intake.pk, self.w.handler.pk, self.w.leader.pk],
        )
        self.assertEqual(
            [(st.started_at, st.finished_at) for st in steps[:2]],
            [(at(2026, 3, 2, 9), at(2026, 3, 2, 9)), (at(2026, 3, 2, 9), at(2026, 3, 3, 15))],
        )
        self.assertEqual(
            list(DossierEvent.objects.filter(dossier=d).values_list("action", flat=True)),
            ["receive", "hand_over", "claim", "hand_over", "decide", "return_result"],
        )
        self.assertEqual(AuditEvent.objects.filter(stream=f"dossiers.dossier:{d.pk}").count(), 6)
        self.assertEqual(audit_verify(), [])

    def test_intake_hands_over_in_the_same_action(self):
        """Intake finishes the intake step and gives the dossier to the review step's unit."""
        d = self.receive()
        intake, review = DossierStep.objects.filter(dossier=d).order_by("order")[:2]
        self.assertEqual(
            (intake.handler, intake.finished_at, intake.timeliness),
            (self.w.intake, at(2026, 3, 2, 9), "on_time"),
        )
        self.assertEqual(
            (review.giver, review.handler, review.started_at),
            (self.w.intake, None, at(2026, 3, 2, 9)),
        )
        events = list(DossierEvent.objects.filter(dossier=d).order_by("at", "id"))
        self.assertEqual(
            [(e.action, e.from_status, e.to_status, e.step_id) for e in events],
            [
                ("receive", "", S.RECEIVED, intake.pk),
                ("hand_over", S.RECEIVED, S.IN_PROGRESS, review.pk),
            ],
        )
        self.assertEqual(events[1].data["to_step"], 2)
        audit = list(
            AuditEvent.objects.filter(stream=f"dossiers.dossier:{d.pk}")
            .order_by("seq")
            .values_list("action", "seq")
        )
        self.assertEqual(audit, [("dossiers.receive", 1), ("dossiers.hand_over", 2)])
        self.assertEqual(audit_verify(stream=f"dossiers.dossier:{d.pk}"), [])
        # The ward's handlers find it in their unit queue, not the desk.
        assert d.current_step is not None
        self.assertEqual(d.current_step.role.code, "case_handler")

    def test_intake_can_name_the_handler_of_the_next_step(self):
        d = self.receive(to_user=self.w.handler2)
        self.assertEqual((d.status, d.current_handler), (S.IN_PROGRESS, self.w.handler2))
        self.assertEqual(DossierStep.objects.get(dossier=d, order=2).handler, self.w.handler2)
        self.assertEqual(
            DossierEvent.objects.get(dossier=d, action="hand_over").data["receiver"],
            self.w.handler2.pk,
        )

    def test_intake_refuses_a_handler_without_the_next_steps_role(self):
        for wrong in (self.w.leader, self.w.outsider):
            with self.subTest(user=wrong.username):
                with self.assertRaises(ApplicationError) as caught:
                    self.receive(to_user=wrong)
                self.assertEqual(caught.exception.code, "invalid_handler")
                self.assertEqual(caught.exception.extra["errors"][0]["field"], "to_user")
        self.assertEqual(Dossier.objects.count(), 0)
        self.assertEqual(DossierEvent.objects.count(), 0)

    def test_a_workflow_without_an_intake_step_starts_at_its_first_step(self):
        """Nothing to hand over: the dossier waits, received, at the first step's unit."""
        version = self.w._procedure(
            "2.000001",
            name="Xác nhận không có intake",
            steps=(
                StepSpec(1, "Thụ lý", "case_handler", Decimal("2"), "working_days"),
                StepSpec(2, "Ký", "commune_leader", Decimal("0.5"), "working_days"),
                StepSpec(3, "Trả kết quả", "intake_officer", Decimal("0.5"), "working_days"),
            ),
        )
        d = self.receive(version=version)
        assert d.current_step is not None
        self.assertEqual((d.status, d.current_step.order), (S.RECEIVED, 1))
        self.assertEqual(
            list(DossierEvent.objects.filter(dossier=d).values_list("action", flat=True)),
            ["receive"],
        )
        with self.assertRaises(ApplicationError) as caught:
            self.receive(version=version, to_user=self.w.handler)
        self.assertEqual(caught.exception.code, "invalid_handler")

    def test_codes_count_per_agency_per_day(self):
        first = self.receive()
        second = self.receive(when=at(2026, 3, 2, 10))
        next_day = self.receive(when=at(2026, 3, 3, 8))
        other = self.receive(receiving_unit=self.w.centre, agency=self.w.other_ward)
        self.assertEqual(
            [first.code, second.code, next_day.code],
            ["H33.15-260302-0001", "H33.15-260302-0002", "H33.15-260303-0001"],
        )
        self.assertEqual(other.code, "H33.16-260302-0001")

    def test_after_the_cut_off_a_limit_in_working_days_is_not_lengthened(self):
        # 3 working days received Mon 2/3 at 15:30: D0 stays Mon 2/3 (DESIGN.md, corrected).
        d = self.receive(when=at(2026, 3, 2, 15, 30))
        self.assertEqual(d.d0, date(2026, 3, 2))
        self.assertEqual(d.due_at, at(2026, 3, 5, 17))

    @override_settings(MOTCUA_CUTOFF_DAY_LIMITS=True)
    def test_with_the_setting_counting_starts_the_next_working_day_after_the_cut_off(self):
        d = self.receive(when=at(2026, 3, 2, 15, 30))
        self.assertEqual(d.d0, date(2026, 3, 3))
        self.assertEqual(d.due_at, at(2026, 3, 6, 17))
        d = self.receive(when=at(2026, 3, 2, 14, 59))
        self.assertEqual((d.d0, d.due_at), (date(2026, 3, 2), at(2026, 3, 5, 17)))

    def test_intake_before_tet_counts_after_tet(self):
        d = self.receive(when=at(2026, 2, 13, 9))
        self.assertEqual(d.due_at, at(2026, 2, 25, 17))

    def test_hour_limits_count_inside_sessions(self):
        d = self.receive(when=at(2026, 3, 2, 16, 30), version=self.w.hours_version)
        self.assertEqual(d.due_at, at(2026, 3, 3, 16, 30))

    def test_retried_intake_returns_the_same_dossier(self):
        first = self.receive(idempotency_key="k-1")
        with clock.frozen(at(2026, 3, 2, 9, 1)):
            again = s.dossier_receive(
                actor=self.w.intake,
                receiving_unit=self.w.centre,
                applicant=self.w.applicant(),
                provided_documents=self.w.documents(self.w.pause_version),
                procedure_version=self.w.pause_version,
                idempotency_key="k-1",
            )
        self.assertFalse(again.created)
        self.assertEqual(again.dossier.pk, first.pk)
        self.assertEqual(Dossier.objects.count(), 1)

    def test_the_key_is_stored_with_the_fingerprint_of_the_whole_request(self):
        first = self.receive(idempotency_key="k-2", note="Nộp trực tiếp")
        self.assertEqual(len(first.idempotency_fingerprint), 64)
        self.assertEqual(self.receive().idempotency_fingerprint, "")  # no key, nothing to compare
        with clock.frozen(at(2026, 3, 2, 9, 1)), self.assertRaises(ConflictError) as caught:
            s.dossier_receive(
                actor=self.w.intake,
                receiving_unit=self.w.centre,
                applicant=self.w.applicant(phone="0987654321"),
                provided_documents=self.w.documents(self.w.pause_version),
                procedure_version=self.w.pause_version,
                note="Nộp trực tiếp",
                idempotency_key="k-2",
            )
        self.assertEqual(caught.exception.code, "idempotency_key_reused")
        self.assertIn("Idempotency-Key", caught.exception.message)
        self.assertEqual(caught.exception.extra, {})
        self.assertEqual(Dossier.objects.get(pk=first.pk).applicant_phone, "0912345678")
        self.assertEqual(Dossier.objects.count(), 2)

    def test_an_online_submission_and_a_counter_intake_never_share_a_key(self):
        with clock.frozen(at(2026, 3, 2, 9)):
            online = s.dossier_submit_online(
                actor=self.w.intake,
                applicant=self.w.applicant(),
                procedure_code="1.001193",
                receiving_unit=self.w.centre,
                provided_documents=self.w.documents(self.w.pause_version),
                idempotency_key="k-3",
            )
            with self.assertRaises(ConflictError):
                self.w.receive(idempotency_key="k-3")
        self.assertEqual(Dossier.objects.get().pk, online.dossier.pk)
        self.assertEqual(Dossier.objects.get().status, S.AWAITING_INTAKE)

    def test_fingerprints_ignore_spelling_and_see_substance(self):
        base = {
            "receiving_unit": 5,
            "procedure_version": 7,
            "applicant": {"applicant_name": "Trần Thị Bích Ngọc"},
            "documents": [1, 2],
        }
        same = s.request_fingerprint("dossiers.receive", **base)
        self.assertEqual(
            same,
            s.request_fingerprint("dossiers.receive", **dict(reversed(list(base.items())))),
        )
        self.assertNotEqual(same, s.request_fingerprint("dossiers.submit_online", **base))
        self.assertNotEqual(
            same, s.request_fingerprint("dossiers.receive", **{**base, "documents": [1]})
        )


class IntakeRuleTests(LifecycleTestCase):
    def test_incomplete_dossier_is_not_received(self):
        with self.assertRaises(ApplicationError) as caught:
            self.receive(provided_documents=[])
        self.assertEqual(caught.exception.code, "incomplete")
        self.assertEqual(
            caught.exception.extra["missing"], ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
        )
        self.assertEqual(Dossier.objects.count(), 0)

    def test_guidance_lists_every_missing_item_at_once(self):
        with clock.frozen(at(2026, 3, 2, 9)):
            guidance = s.dossier_guide_incomplete(
                actor=self.w.intake,
                receiving_unit=self.w.centre,
                applicant=self.w.applicant(),
                provided_documents=[],
                extra_items=["Ảnh chân dung 4x6"],
                procedure_version=self.w.pause_version,
            )
        self.assertEqual(
            guidance.items, ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Ảnh chân dung 4x6"]
        )
        self.assertEqual(Dossier.objects.count(), 0)

    def test_bad_applicant_details_are_all_listed_and_nothing_is_written(self):
        with self.assertRaises(ApplicationError) as caught:
            self.receive(applicant=self.w.applicant(id_number="12345", phone="abc", email="x@"))
        fields = [e["field"] for e in caught.exception.extra["errors"]]
        self.assertEqual(fields, ["applicant_id_number", "applicant_phone", "applicant_email"])
        self.assertEqual(Dossier.objects.count(), 0)
        self.assertEqual(AuditEvent.objects.filter(action__startswith="dossiers.").count(), 0)

    def test_id_number_rules(self):
        cases = {
            "092190001234": None,
            "999190001234": "province",
            "092990001234": "future",
            "09219000123": "12 digits",
        }
        for number, expected in cases.items():
            with self.subTest(number=number):
                if expected is None:
                    self.receive(applicant=self.w.applicant(id_number=number))
                    continue
                with self.assertRaises(ApplicationError) as caught:
                    self.receive(applicant=self.w.applicant(id_number=number))
                self.assertEqual(caught.exception.code, "invalid_applicant")

    def test_only_intake_officers_receive(self):
        with self.assertRaises(PermissionDeniedError):
            self.receive(actor=self.w.handler)

    def test_refusal_at_the_counter_is_recorded_without_code(self):
        with clock.frozen(at(2026, 3, 2, 9)):
            with self.assertRaises(ApplicationError):
                s.dossier_refuse_at_intake(
                    actor=self.w.intake,
                    receiving_unit=self.w.centre,
                    applicant=self.w.applicant(),
                    reasons=" ",
                    procedure_version=self.w.pause_version,
                )
            d = s.dossier_refuse_at_intake(
                actor=self.w.intake,
                receiving_unit=self.w.centre,
                applicant=self.w.applicant(),
                reasons="Không thuộc thẩm quyền của phường",
                procedure_version=self.w.pause_version,
            )
        self.assertEqual((d.status, d.code), (S.REFUSED, None))
        self.assertEqual(d.refusal_reasons, "Không thuộc thẩm quyền của phường")

    def test_online_submission_accepted_or_refused(self):
        with clock.frozen(at(2026, 3, 2, 20)):
            online = s.dossier_submit_online(
                applicant=self.w.applicant(),
                procedure_code="1.001193",
                receiving_unit=self.w.centre,
                provided_documents=self.w.documents(self.w.pause_version),
            ).dossier
        self.assertEqual((online.status, online.code), (S.AWAITING_INTAKE, "H33.15-260302-0001"))
        self.assertIsNone(online.due_at)
        accepted = self.act(
            at(2026, 3, 3, 8), s.dossier_accept, dossier=online, actor=self.w.intake
        )
        # Accepting is the intake: the dossier goes at once to the review step's queue.
        self.assertEqual(accepted.status, S.IN_PROGRESS)
        assert accepted.current_step is not None
        self.assertEqual(accepted.current_step.order, 2)
        self.assertEqual(accepted.due_at, at(2026, 3, 6, 17))
        self.assertEqual(
            list(
                DossierEvent.objects.filter(dossier=online)
                .order_by("id")
                .values_list("action", "from_status", "to_status")
            ),
            [
                ("submit_online", "", S.AWAITING_INTAKE),
                ("accept", S.AWAITING_INTAKE, S.RECEIVED),
                ("hand_over", S.RECEIVED, S.IN_PROGRESS),
            ],
        )
        with clock.frozen(at(2026, 3, 2, 21)):
            second = s.dossier_submit_online(
                applicant=self.w.applicant(),
                procedure_code="1.001193",
                receiving_unit=self.w.centre,
                provided_documents=[],
            ).dossier
        refused = self.act(
            at(2026, 3, 3, 8),
            s.dossier_refuse,
            dossier=second,
            actor=self.w.intake,
            reasons="Hồ sơ thiếu giấy chứng sinh",
        )
        self.assertEqual(refused.status, S.REFUSED)


class IntakeAllProblemsAtOnceTests(LifecycleTestCase):
    def test_applicant_errors_and_missing_documents_come_together(self):
        with self.assertRaises(ApplicationError) as caught:
            self.receive(provided_documents=[], applicant=self.w.applicant(phone="12"))
        errors = caught.exception.extra["errors"]
        self.assertEqual([e["field"] for e in errors], ["applicant_phone", "documents"])
        self.assertEqual(
            caught.exception.extra["missing"], ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
        )
        self.assertEqual(Dossier.objects.count(), 0)


class MoreIntakeRuleTests(LifecycleTestCase):
    def test_post_needs_an_address_and_email_must_be_valid(self):
        with self.assertRaises(ApplicationError) as caught:
            self.receive(channel="post", applicant=self.w.applicant(address=""))
        self.assertEqual(caught.exception.code, "no_address")
        self.assertEqual(
            self.receive(channel="post", postal_address="Hộp thư 12, Ngã Bảy").channel, "post"
        )
        with self.assertRaises(ApplicationError) as caught:
            self.receive(applicant=self.w.applicant(email="a@b"))
        self.assertEqual(caught.exception.extra["errors"][0]["field"], "applicant_email")

    def test_stop_request_dates_and_the_step_is_closed(self):
        d = self.receive()
        for when, code in (
            (date(2026, 3, 20), "invalid_date"),
            (date(2026, 2, 27), "invalid_date"),
        ):
            with self.subTest(when=when), self.assertRaises(ApplicationError) as caught:
                self.act(
                    at(2026, 3, 3, 9),
                    s.dossier_stop,
                    dossier=d,
                    actor=self.w.intake,
                    reason="r",
                    requested_on=when,
                )
            self.assertEqual(caught.exception.code, code)
        d = self.act(
            at(2026, 3, 3, 9),
            s.dossier_stop,
            dossier=d,
            actor=self.w.intake,
            reason="Rút hồ sơ",
            requested_on=date(2026, 3, 2),
        )
        self.assertIsNone(d.current_step)
        self.assertFalse(
            DossierStep.objects.filter(
                dossier=d, started_at__isnull=False, finished_at__isnull=True
            ).exists()
        )
