"""Scenario tests: each path of the one-stop lifecycle, through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.test import TestCase, override_settings

from motcua.catalog.content import StepSpec
from motcua.core import clock
from motcua.core.audit import audit_verify
from motcua.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from motcua.core.models import AuditEvent
from motcua.dossiers import services as s
from motcua.dossiers.constants import DossierStatus as S
from motcua.dossiers.jobs import dossiers_close_unsupplemented
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.dossiers.tests.helpers import World, at


class LifecycleTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def receive(self, when=None, version=None, **kwargs):
        with clock.frozen(when or at(2026, 3, 2, 9)):
            return self.w.receive(version, **kwargs)

    def act(self, when, func, **kwargs):
        with clock.frozen(when):
            return func(**kwargs)

    def refresh(self, dossier):
        return Dossier.objects.select_related("current_step").get(pk=dossier.pk)


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
        self.assertEqual((d.current_step.order, d.current_step.unit), (2, self.w.ward))
        self.assertIsNone(d.current_handler)
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
        self.assertEqual(d.current_step.due_at, at(2026, 3, 4, 9))
        d = self.act(
            at(2026, 3, 4, 8), s.dossier_decide, dossier=d, actor=self.w.leader, decision="granted"
        )
        self.assertEqual((d.status, d.timeliness), (S.RESULT_READY, "early"))
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


class SupplementTests(LifecycleTestCase):
    def _in_progress(self, version=None):
        d = self.receive(version=version)
        return self.w.to_handler(d)

    def test_supplement_pauses_the_clock(self):
        d = self._in_progress()
        pause = self.act(
            at(2026, 3, 3, 10),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.handler,
            items=["Bản sao giấy chứng sinh có chứng thực"],
            reason="Bản sao không rõ",
        )
        self.assertEqual(pause.respond_by, at(2026, 3, 24, 17))
        self.assertEqual(self.refresh(d).status, S.AWAITING_SUPPLEMENT)
        d = self.act(
            at(2026, 3, 9, 9), s.dossier_supplement_received, dossier=d, actor=self.w.intake
        )
        # Two working days were left (4/3, 5/3); they count again from D0 = 9/3.
        self.assertEqual((d.status, d.due_at), (S.IN_PROGRESS, at(2026, 3, 11, 17)))
        # The review step, started at intake (9:00 on 2/3), had 3 working hours
        # left (10:00–15:00 on 3/3, lunch aside).
        self.assertEqual(self.refresh(d).current_step.due_at, at(2026, 3, 9, 14))

    def test_supplement_restarts_the_clock_when_the_procedure_says_so(self):
        d = self._in_progress(self.w.restart_version)
        self.act(
            at(2026, 3, 3, 10),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.handler,
            items=["Giấy xác nhận tình trạng hôn nhân"],
            reason="Thiếu giấy tờ",
        )
        d = self.act(
            at(2026, 3, 9, 9), s.dossier_supplement_received, dossier=d, actor=self.w.intake
        )
        self.assertEqual(d.due_at, at(2026, 3, 12, 17))

    def test_a_second_request_needs_a_leader_and_a_reason(self):
        d = self._in_progress()
        self.act(
            at(2026, 3, 3, 10),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.handler,
            items=["A"],
            reason="r",
        )
        self.act(at(2026, 3, 4, 9), s.dossier_supplement_received, dossier=d, actor=self.w.intake)
        with self.assertRaises(ApplicationError) as caught:
            self.act(
                at(2026, 3, 4, 10),
                s.dossier_request_supplement,
                dossier=d,
                actor=self.w.handler,
                items=["B"],
                reason="r",
            )
        self.assertEqual(caught.exception.code, "supplement_once")
        with self.assertRaises(PermissionDeniedError):
            self.act(
                at(2026, 3, 4, 10),
                s.dossier_request_supplement,
                dossier=d,
                actor=self.w.handler,
                items=["B"],
                reason="r",
                override_reason="Kết quả xác minh mới",
            )
        pause = self.act(
            at(2026, 3, 4, 10),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.leader,
            items=["B"],
            reason="r",
            override_reason="Kết quả xác minh mới",
        )
        self.assertEqual(pause.number, 2)

    def test_missing_supplement_closes_the_dossier_after_15_working_days(self):
        d = self._in_progress()
        self.act(
            at(2026, 3, 3, 10),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.handler,
            items=["A"],
            reason="r",
        )
        self.assertEqual(dossiers_close_unsupplemented(now=at(2026, 3, 24, 16)), [])
        with self.assertRaises(ApplicationError):
            self.act(
                at(2026, 3, 24, 16), s.dossier_close_unsupplemented, dossier=d, actor=self.w.intake
            )
        with clock.frozen(at(2026, 3, 25, 8)):
            self.assertEqual(dossiers_close_unsupplemented(now=at(2026, 3, 25, 8)), [d.code])
        self.assertEqual(self.refresh(d).status, S.CLOSED)

    def test_payment_wait_pauses_the_clock(self):
        d = self._in_progress()
        self.act(
            at(2026, 3, 3, 10),
            s.dossier_request_payment,
            dossier=d,
            actor=self.w.handler,
            items=["Lệ phí trước bạ"],
        )
        d = self.act(at(2026, 3, 9, 9), s.dossier_payment_received, dossier=d, actor=self.w.intake)
        self.assertEqual((d.status, d.due_at), (S.IN_PROGRESS, at(2026, 3, 11, 17)))


class InterAgencyTests(LifecycleTestCase):
    def test_coordinating_agency_step(self):
        d = self.receive(version=self.w.inter_version)
        self.assertEqual(d.due_at, at(2026, 3, 9, 17))
        d = self.w.to_handler(d)
        d = self.act(at(2026, 3, 3, 10), s.dossier_hand_over, dossier=d, actor=self.w.handler)
        self.assertEqual(d.status, S.AWAITING_COORDINATION)
        self.assertEqual(d.current_step.unit, self.w.tax)
        with self.assertRaises(PermissionDeniedError):
            self.act(at(2026, 3, 4, 10), s.dossier_hand_over, dossier=d, actor=self.w.handler)
        with self.assertRaises(ApplicationError) as caught:
            self.act(
                at(2026, 3, 4, 10),
                s.dossier_hand_over,
                dossier=d,
                actor=self.w.tax_officer,
                to_user=self.w.handler,
            )
        self.assertEqual(caught.exception.code, "invalid_handler")
        d = self.act(
            at(2026, 3, 4, 10),
            s.dossier_hand_over,
            dossier=d,
            actor=self.w.tax_officer,
            to_user=self.w.leader,
        )
        self.assertEqual(d.status, S.AWAITING_SIGNATURE)
        d = self.act(
            at(2026, 3, 5, 9), s.dossier_decide, dossier=d, actor=self.w.leader, decision="granted"
        )
        self.assertEqual(d.status, S.RESULT_READY)
        tax_step = DossierStep.objects.get(dossier=d, order=3)
        self.assertEqual((tax_step.giver, tax_step.handler), (self.w.handler, self.w.tax_officer))


class ApologyTests(LifecycleTestCase):
    def test_apology_moves_the_date_once_but_lateness_uses_the_legal_due(self):
        d = self.receive()
        apology = self.act(
            at(2026, 3, 4, 9),
            s.dossier_apologise,
            dossier=d,
            actor=self.w.leader,
            reason="Cần xác minh thêm với cơ quan khác",
            new_date=date(2026, 3, 9),
        )
        self.assertEqual(
            (apology.original_due_at, apology.new_due_at), (at(2026, 3, 5, 17), at(2026, 3, 9, 17))
        )
        d = self.refresh(d)
        self.assertEqual(d.extended_due_at, at(2026, 3, 9, 17))
        with self.assertRaises(ApplicationError) as caught:
            self.act(
                at(2026, 3, 4, 10),
                s.dossier_apologise,
                dossier=d,
                actor=self.w.leader,
                reason="x",
                new_date=date(2026, 3, 10),
            )
        self.assertEqual(caught.exception.code, "apology_once")
        d = self.w.to_handler(d, at(2026, 3, 4, 10))
        d = self.act(
            at(2026, 3, 5, 10),
            s.dossier_hand_over,
            dossier=d,
            actor=self.w.handler,
            to_user=self.w.leader,
        )
        d = self.act(
            at(2026, 3, 6, 10), s.dossier_decide, dossier=d, actor=self.w.leader, decision="granted"
        )
        self.assertEqual(d.timeliness, "late")

    def test_apology_rules(self):
        d = self.receive()
        cases = [
            (at(2026, 3, 4, 9), date(2026, 3, 7), self.w.leader, "invalid_new_date"),
            (at(2026, 3, 4, 9), date(2026, 3, 5), self.w.leader, "invalid_new_date"),
        ]
        for when, new_date, actor, code in cases:
            with (
                self.subTest(code=code, new_date=new_date),
                self.assertRaises(ApplicationError) as caught,
            ):
                self.act(
                    when, s.dossier_apologise, dossier=d, actor=actor, reason="x", new_date=new_date
                )
            self.assertEqual(caught.exception.code, code)
        with self.assertRaises(PermissionDeniedError):
            self.act(
                at(2026, 3, 4, 9),
                s.dossier_apologise,
                dossier=d,
                actor=self.w.handler,
                reason="x",
                new_date=date(2026, 3, 9),
            )


class StopAndReturnTests(LifecycleTestCase):
    def test_stop_at_the_applicants_request(self):
        d = self.receive()
        d = self.w.to_handler(d)
        d = self.act(
            at(2026, 3, 3, 9),
            s.dossier_stop,
            dossier=d,
            actor=self.w.intake,
            reason="Công dân có đơn xin rút hồ sơ",
        )
        self.assertEqual(d.status, S.STOPPED)
        with self.assertRaises(ConflictError):
            self.act(at(2026, 3, 3, 10), s.dossier_hand_over, dossier=d, actor=self.w.handler)

    def test_a_result_cannot_be_returned_before_it_exists(self):
        d = self.receive()
        with self.assertRaises(ApplicationError) as caught:
            self.act(
                at(2026, 3, 2, 10),
                s.dossier_return,
                dossier=d,
                actor=self.w.intake,
                method="counter",
                received_by="Ngọc",
            )
        self.assertEqual(caught.exception.code, "no_result")

    def test_the_decision_needs_the_responsible_role(self):
        d = self.receive()
        d = self.w.to_handler(d)
        d = self.act(at(2026, 3, 2, 11), s.dossier_hand_over, dossier=d, actor=self.w.handler)
        with self.assertRaises(PermissionDeniedError):
            self.act(
                at(2026, 3, 2, 14),
                s.dossier_decide,
                dossier=d,
                actor=self.w.handler,
                decision="granted",
            )
        with self.assertRaises(ApplicationError) as caught:
            self.act(
                at(2026, 3, 2, 14),
                s.dossier_decide,
                dossier=d,
                actor=self.w.leader,
                decision="not_granted",
            )
        self.assertEqual(caught.exception.code, "reasons_required")
        d = self.act(
            at(2026, 3, 2, 14),
            s.dossier_decide,
            dossier=d,
            actor=self.w.leader,
            decision="not_granted",
            reasons="Không đủ điều kiện theo Luật Hộ tịch",
        )
        self.assertEqual((d.decision, d.status), ("not_granted", S.RESULT_READY))

    def test_late_decision_and_late_return(self):
        d = self.receive()
        d = self.w.to_handler(d)
        d = self.act(
            at(2026, 3, 6, 9),
            s.dossier_hand_over,
            dossier=d,
            actor=self.w.handler,
            to_user=self.w.leader,
        )
        d = self.act(
            at(2026, 3, 6, 10), s.dossier_decide, dossier=d, actor=self.w.leader, decision="granted"
        )
        self.assertEqual(d.timeliness, "late")
        d = self.act(
            at(2026, 3, 9, 9), s.dossier_return, dossier=d, actor=self.w.intake, method="post"
        )
        self.assertEqual(d.return_method, "post")
        event = DossierEvent.objects.get(dossier=d, action="return_result")
        self.assertIs(event.data["returned_late"], True)

    def test_stale_version_is_a_conflict_and_changes_nothing(self):
        d = self.receive()
        seen = d.version
        self.act(
            at(2026, 3, 2, 10),
            s.dossier_claim,
            dossier=d,
            actor=self.w.handler,
            expected_version=seen,
        )
        with self.assertRaises(ConflictError) as caught:
            self.act(
                at(2026, 3, 2, 10, 1),
                s.dossier_request_supplement,
                dossier=d,
                actor=self.w.intake,
                items=["A"],
                reason="r",
                expected_version=seen,
            )
        self.assertIn("Vui lòng tải lại trang", caught.exception.message)
        d = self.refresh(d)
        self.assertEqual((d.status, d.version, d.supplement_count), (S.IN_PROGRESS, seen + 1, 0))


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


class SettingsTests(LifecycleTestCase):
    def test_the_code_pattern_is_configurable(self):
        from django.test import override_settings

        with override_settings(
            MOTCUA_DOSSIER_CODE_PATTERN="{agency}-{date:%y%m%d}-{system}{seq:04d}",
            MOTCUA_DOSSIER_CODE_SYSTEM="01",
        ):
            d = self.receive()
        self.assertEqual(d.code, "H33.15-260302-010001")

    def test_a_broken_code_pattern_fails_the_system_check(self):
        from django.test import override_settings

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
        from decimal import Decimal

        from motcua.catalog.content import StepSpec
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
        attempts = {
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
        from decimal import Decimal

        from motcua.catalog.content import StepSpec

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


class ApologyAndPauseTests(LifecycleTestCase):
    def test_a_pause_moves_the_promised_date_too(self):
        d = self.receive()  # due Thu 5/3 17:00
        d = self.w.to_handler(d)
        self.act(
            at(2026, 3, 3, 9),
            s.dossier_apologise,
            dossier=d,
            actor=self.w.leader,
            reason="Cần xác minh",
            new_date=date(2026, 3, 9),
        )
        self.act(
            at(2026, 3, 3, 10),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.handler,
            items=["A"],
            reason="r",
        )
        with self.assertRaises(ConflictError):  # no apology while the clock is stopped
            self.act(
                at(2026, 3, 4, 9),
                s.dossier_apologise,
                dossier=d,
                actor=self.w.leader,
                reason="x",
                new_date=date(2026, 3, 20),
            )
        d = self.act(
            at(2026, 3, 16, 9), s.dossier_supplement_received, dossier=d, actor=self.w.intake
        )
        # Legal due: 2 working days left (4/3, 5/3) from D0 = 16/3 → 18/3.
        self.assertEqual(d.due_at, at(2026, 3, 18, 17))
        # Promised 9/3: 4 working days left after 3/3 (4, 5, 6, 9/3) → 20/3.
        self.assertEqual(d.extended_due_at, at(2026, 3, 20, 17))
        self.assertGreaterEqual(d.extended_due_at, d.due_at)


class OnlineSupplementTests(LifecycleTestCase):
    def test_an_incomplete_online_submission_is_supplemented_then_accepted(self):
        documents = self.w.documents(self.w.pause_version)
        with clock.frozen(at(2026, 3, 2, 20)):
            online = s.dossier_submit_online(
                applicant=self.w.applicant(),
                procedure_code="1.001193",
                receiving_unit=self.w.centre,
                provided_documents=documents[:1],
            ).dossier
        with self.assertRaises(ApplicationError) as caught:
            self.act(at(2026, 3, 3, 8), s.dossier_accept, dossier=online, actor=self.w.intake)
        self.assertEqual(caught.exception.code, "incomplete")
        pause = self.act(
            at(2026, 3, 3, 8),
            s.dossier_request_supplement,
            dossier=online,
            actor=self.w.intake,
            items=["Giấy chứng sinh"],
            reason="Thiếu giấy chứng sinh",
        )
        self.assertEqual(pause.clock, {})
        self.assertEqual(self.refresh(online).status, S.AWAITING_SUPPLEMENT)
        back = self.act(
            at(2026, 3, 4, 9),
            s.dossier_supplement_received,
            dossier=online,
            actor=self.w.intake,
            provided_documents=documents[1:],
        )
        self.assertEqual((back.status, back.due_at), (S.AWAITING_INTAKE, None))
        accepted = self.act(
            at(2026, 3, 4, 10), s.dossier_accept, dossier=online, actor=self.w.intake
        )
        self.assertEqual((accepted.status, accepted.due_at), (S.IN_PROGRESS, at(2026, 3, 9, 17)))


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
