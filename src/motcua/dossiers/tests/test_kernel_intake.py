"""The kernel's intake, refusal, withdrawal, close and resumption, on objects in memory.

As ``test_kernel.py``: ``SimpleTestCase`` (any query fails), unsaved instances,
the shipped 2024–2026 public-sector calendar. Received at 09:00 on Monday
2/3/2026 with a limit of 3 working days: due 17:00 on 5/3.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.contrib.auth.models import User
from django.test import SimpleTestCase

from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.dossiers import kernel
from motcua.dossiers.constants import DossierStatus as S
from motcua.dossiers.constants import Timeliness
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.tests.helpers import at
from motcua.dossiers.tests.test_kernel import CALENDAR, _open, _step
from motcua.org.models import Unit


def _calendar(unit: Any) -> Any:
    return CALENDAR


def _workflow() -> list[DossierStep]:
    """Desk intake (4 h), review (16 h), signature (4 h), return at the desk (4 h)."""
    return [
        _step(1, "intake_officer", 4),
        _step(2, "case_handler", 16),
        _step(3, "commune_leader", 4),
        _step(4, "intake_officer", 4),
    ]


class IntakeTests(SimpleTestCase):
    def setUp(self) -> None:
        self.officer = User(pk=5, username="tiepnhan")
        self.handler = User(pk=7, username="thuly")
        self.dossier = Dossier(
            status=S.RECEIVED,
            channel="counter",
            applicant_name="Trần Thị Bích Ngọc",
            due_at=at(2026, 3, 5, 17),
        )

    def test_intake_hands_over_to_the_second_step_at_once(self) -> None:
        """The desk's step is done at intake; the review starts at the same instant."""
        d, steps = self.dossier, _workflow()
        changes = kernel.receive(
            d,
            steps,
            at=at(2026, 3, 2, 9),
            actor=self.officer,
            calendar_of=_calendar,
            to_user=self.handler,
            note="Nộp tại quầy",
        )
        received, handed = changes
        self.assertEqual(
            (received.action, received.from_status, received.to_status, received.step),
            ("receive", "", S.RECEIVED, steps[0]),
        )
        self.assertEqual(
            received.data, {"due": at(2026, 3, 5, 17).isoformat(), "channel": "counter"}
        )
        self.assertEqual((received.note, received.notices), ("Nộp tại quầy", ("dossier.received",)))
        self.assertEqual(
            (handed.action, handed.from_status, handed.to_status, handed.step),
            ("hand_over", S.RECEIVED, None, steps[1]),
        )
        self.assertEqual(
            handed.data,
            {
                "from_step": 1,
                "to_step": 2,
                "step_timeliness": Timeliness.ON_TIME,
                "receiver": 7,
                "at_intake": True,
            },
        )
        first, review = steps[0], steps[1]
        self.assertEqual(
            (first.started_at, first.due_at, first.finished_at, first.handler),
            (at(2026, 3, 2, 9), at(2026, 3, 2, 15), at(2026, 3, 2, 9), self.officer),
        )
        self.assertEqual(
            (review.started_at, review.due_at, review.giver, review.handler),
            (at(2026, 3, 2, 9), at(2026, 3, 4, 9), self.officer, self.handler),
        )
        self.assertEqual(
            (d.status, d.received_at, d.current_step, d.current_handler),
            (S.IN_PROGRESS, at(2026, 3, 2, 9), review, self.handler),
        )

    def test_a_workflow_that_starts_elsewhere_is_only_started(self) -> None:
        """Without the desk's step first, intake starts the first step in its unit's queue."""
        d = self.dossier
        steps = [_step(1, "case_handler", 16), _step(2, "commune_leader", 4)]
        (received,) = kernel.receive(
            d, steps, at=at(2026, 3, 2, 9), actor=self.officer, calendar_of=_calendar
        )
        self.assertEqual((received.action, received.step), ("receive", steps[0]))
        self.assertEqual(
            (d.status, d.current_step, d.current_handler, steps[0].due_at, steps[0].handler),
            (S.RECEIVED, steps[0], None, at(2026, 3, 4, 9), None),
        )

    def test_which_workflows_hand_over_at_intake(self) -> None:
        """The desk's step first, and a second step that is not only the return."""
        cases = [
            (["intake_officer", "case_handler", "intake_officer"], True),
            (["intake_officer", "intake_officer", "commune_leader"], True),
            (["intake_officer", "intake_officer"], False),
            (["intake_officer"], False),
            (["case_handler", "intake_officer"], False),
        ]
        for roles, expected in cases:
            with self.subTest(roles=roles):
                self.assertIs(kernel.hands_over_at_intake(roles), expected)

    def test_accepting_an_online_submission(self) -> None:
        """Acceptance is an intake from ``awaiting_intake``, recorded as ``accept``."""
        d = self.dossier
        d.status, d.channel = S.AWAITING_INTAKE, "online"
        accepted, handed = kernel.accept(
            d, _workflow(), at=at(2026, 3, 2, 9), actor=self.officer, calendar_of=_calendar
        )
        self.assertEqual(
            (accepted.action, accepted.from_status, accepted.to_status, accepted.data),
            ("accept", S.AWAITING_INTAKE, S.RECEIVED, {"due": at(2026, 3, 5, 17).isoformat()}),
        )
        self.assertEqual((handed.action, handed.data["receiver"]), ("hand_over", None))
        self.assertEqual((d.status, d.current_handler), (S.IN_PROGRESS, None))

    def test_a_new_dossier_and_its_code(self) -> None:
        """An online submission is dated; the code is folded into the text it is found by."""
        version = ProcedureVersion(procedure=Procedure(code="1.001"), name="Đăng ký khai sinh")
        ward = Unit(name="Phường Ngã Bảy")
        d = kernel.new_dossier(
            version=version,
            agency=ward,
            receiving_unit=ward,
            channel="online",
            status=S.AWAITING_INTAKE,
            at=at(2026, 3, 2, 9),
            actor=None,
            applicant={"applicant_name": "Trần Thị Bích Ngọc", "applicant_phone": "0912345678"},
            fee_total=50000,
            idempotency_fingerprint="abc",
        )
        self.assertEqual(
            (d.submitted_at, d.created_by, d.idempotency_fingerprint, d.procedure.code),
            (at(2026, 3, 2, 9), None, "", "1.001"),
        )
        kernel.set_code(d, "H33.15-260302-0001")
        self.assertEqual(d.code, "H33.15-260302-0001")
        self.assertEqual(d.search_text, "tran thi bich ngoc h33152603020001 0912345678")


class EndsTests(SimpleTestCase):
    def setUp(self) -> None:
        self.dossier = Dossier(status=S.AWAITING_INTAKE, applicant_name="Lê Văn Tám")

    def test_refusals_and_withdrawal_close_the_dossier(self) -> None:
        """Each sets its status from the table and the closing instant; only the online
        refusal tells the applicant, with its reasons."""
        d = self.dossier
        change = kernel.refuse(d, at=at(2026, 3, 3, 9), reasons="Thiếu giấy tờ")
        self.assertEqual(
            (d.status, d.closed_at, d.refusal_reasons),
            (S.REFUSED, at(2026, 3, 3, 9), "Thiếu giấy tờ"),
        )
        self.assertEqual(
            (change.action, change.from_status, change.note, change.notices, change.notice_context),
            (
                "refuse",
                S.AWAITING_INTAKE,
                "Thiếu giấy tờ",
                ("dossier.refused",),
                {"reasons": "Thiếu giấy tờ"},
            ),
        )
        d = Dossier(status=S.AWAITING_INTAKE, applicant_name="Lê Văn Tám")
        change = kernel.withdraw(d, at=at(2026, 3, 3, 9), reason="Xin rút")
        self.assertEqual((d.status, d.closed_at), (S.WITHDRAWN, at(2026, 3, 3, 9)))
        self.assertEqual((change.action, change.note, change.notices), ("withdraw", "Xin rút", ()))
        d = Dossier(status=S.REFUSED, applicant_name="Lê Văn Tám")
        change = kernel.refuse_at_intake(
            d, at=at(2026, 3, 3, 9), reasons="Sai thẩm quyền", slip_number=4
        )
        self.assertEqual(
            (d.slip_number, d.closed_at, change.from_status), (4, at(2026, 3, 3, 9), "")
        )

    def test_an_unsupplemented_dossier_is_closed_with_its_pause_and_step(self) -> None:
        """The pause and the current step end at the closing instant; the applicant is told."""
        d = Dossier(status=S.AWAITING_SUPPLEMENT, applicant_name="Lê Văn Tám")
        step = _step(2, "case_handler", 16, started_at=at(2026, 3, 2, 9))
        d.current_step = step
        pause = _open(d, {})
        change = kernel.close_unsupplemented(
            d, pause, step, at=at(2026, 3, 30, 9), step_note="Đóng"
        )
        self.assertEqual(
            (d.status, d.closed_at, d.current_step, pause.ended_at, step.finished_at, step.note),
            (S.CLOSED, at(2026, 3, 30, 9), None, at(2026, 3, 30, 9), at(2026, 3, 30, 9), "Đóng"),
        )
        self.assertEqual(
            (change.action, change.from_status, change.notices),
            ("close_unsupplemented", S.AWAITING_SUPPLEMENT, ("dossier.closed",)),
        )

    def test_the_end_of_a_pause_moves_the_dues_and_the_step(self) -> None:
        """Paused 10:00 on 3/3, resumed 9:00 on 16/3: due 5/3 → 18/3, and the step's
        7 working hours left (3/3 10:00 → 4/3 9:00) run again from 16/3 9:00."""
        d = Dossier(
            status=S.IN_PROGRESS,
            applicant_name="Lê Văn Tám",
            due_at=at(2026, 3, 5, 17),
            agency=Unit(name="Phường Ngã Bảy"),
        )
        step = _step(2, "case_handler", 16, started_at=at(2026, 3, 2, 9))
        step.due_at = at(2026, 3, 4, 9)
        d.current_step = step
        kept = kernel.pause_clock(
            calendar=CALENDAR,
            now=at(2026, 3, 3, 10),
            due_at=d.due_at,
            limit_unit="working_days",
            step_calendar=CALENDAR,
            step_due_at=step.due_at,
        )
        kept["step"] = step
        pause = _open(d, kept)
        d.status = S.AWAITING_SUPPLEMENT
        change, moved, moved_step = kernel.resume(
            d,
            pause,
            action="supplement_received",
            at=at(2026, 3, 16, 9),
            calendar_of=_calendar,
            limit_amount=3,
            limit_unit="working_days",
            documents_provided=["Tờ khai"],
        )
        self.assertIs(moved, True)
        self.assertIs(moved_step, step)
        self.assertEqual(
            (d.status, d.due_at, step.due_at),
            (S.IN_PROGRESS, at(2026, 3, 18, 17), at(2026, 3, 17, 8)),
        )
        self.assertEqual(
            change.data,
            {
                "policy": "pause",
                "due_before": at(2026, 3, 5, 17).astimezone(UTC).isoformat(),
                "due_after": at(2026, 3, 18, 17).isoformat(),
                "promised_before": None,
                "promised_after": None,
                "documents_provided": ["Tờ khai"],
            },
        )
        self.assertEqual(
            (change.action, change.from_status, change.notices),
            ("supplement_received", S.AWAITING_SUPPLEMENT, ("dossier.resumed",)),
        )
