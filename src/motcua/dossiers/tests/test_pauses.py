"""The clock's pauses and its moves: supplements, financial obligations, apologies, stops and returns."""

from __future__ import annotations

from datetime import date

from motcua.core import clock
from motcua.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from motcua.dossiers import services as s
from motcua.dossiers.constants import DossierStatus as S
from motcua.dossiers.jobs import dossiers_close_unsupplemented
from motcua.dossiers.models import DossierEvent, DossierStep
from motcua.dossiers.tests.helpers import at
from motcua.dossiers.tests.test_lifecycle import LifecycleTestCase


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
        step = self.refresh(d).current_step
        assert step is not None
        self.assertEqual(step.due_at, at(2026, 3, 9, 14))

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
        assert d.extended_due_at is not None and d.due_at is not None
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


class InterAgencyTests(LifecycleTestCase):
    def test_coordinating_agency_step(self):
        d = self.receive(version=self.w.inter_version)
        self.assertEqual(d.due_at, at(2026, 3, 9, 17))
        d = self.w.to_handler(d)
        d = self.act(at(2026, 3, 3, 10), s.dossier_hand_over, dossier=d, actor=self.w.handler)
        self.assertEqual(d.status, S.AWAITING_COORDINATION)
        assert d.current_step is not None
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
        d = self.w.signed(d, handed_at=at(2026, 3, 5, 10), decided_at=at(2026, 3, 6, 10))
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
        d = self.w.signed(d, handed_at=at(2026, 3, 6, 9), decided_at=at(2026, 3, 6, 10))
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
