"""The lifecycle kernel works on objects in memory: no query, the same answers as the services.

These tests run as ``SimpleTestCase``: any database access fails them. The
dossiers, steps, roles and users are unsaved instances; the calendar is the
shipped 2024–2026 public-sector one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.test import SimpleTestCase

from motcua.dossiers import kernel
from motcua.dossiers.constants import DossierStatus as S
from motcua.dossiers.models import Dossier, DossierStep, Pause
from motcua.dossiers.tests.helpers import at
from motcua.org.models import Role, Unit
from motcua.workdays.data import vn_public_sector_calendar

CALENDAR = vn_public_sector_calendar()
HOUR = 3600


def _step(order: int, role: str, budget_hours: float, **fields: object) -> DossierStep:
    return DossierStep(
        order=order,
        name=f"Bước {order}",
        role=Role(code=role, name=role),
        unit=Unit(name="Phường Ngã Bảy"),
        budget_seconds=int(budget_hours * HOUR),
        is_inter_agency=False,
        **fields,
    )


def _open(dossier: Dossier, kept: dict[str, Any], **fields: Any) -> Pause:
    """A supplement pause opened at 10:00 on 3/3 by the case handler, ``fields`` aside."""
    values: dict[str, Any] = {
        "at": at(2026, 3, 3, 10),
        "actor": User(pk=7, username="thuly"),
        "kind": "supplement",
        "number": 1,
        "policy": "pause",
        "items": [],
        "reason": "",
        "respond_by": None,
        "override_reason": "",
    }
    return kernel.open_pause(dossier, kept=kept, **(values | fields))


class KernelTests(SimpleTestCase):
    def setUp(self) -> None:
        self.handler = User(pk=7, username="thuly")
        self.leader = User(pk=8, username="lanhdao")
        self.review = _step(2, "case_handler", 16, started_at=at(2026, 3, 2, 9))
        self.review.due_at = at(2026, 3, 4, 9)
        self.sign = _step(3, "commune_leader", 4)
        self.back = _step(4, "intake_officer", 4)
        self.dossier = Dossier(
            status=S.IN_PROGRESS,
            applicant_name="Trần Thị Bích Ngọc",
            due_at=at(2026, 3, 5, 17),
        )
        self.dossier.current_step = self.review

    def test_hand_over_to_the_signing_step(self) -> None:
        """Hand-over ends the step early, starts the next with its budget, and says so."""
        change = kernel.hand_over(
            self.dossier,
            self.review,
            self.sign,
            at=at(2026, 3, 3, 10),
            actor=self.handler,
            receiver=self.leader,
            calendar=CALENDAR,
            note="Đủ điều kiện",
        )
        self.assertEqual(self.dossier.status, S.AWAITING_SIGNATURE)
        self.assertEqual(
            (self.review.finished_at, self.review.timeliness, self.review.handler),
            (at(2026, 3, 3, 10), "early", self.handler),
        )
        self.assertEqual(
            (self.sign.started_at, self.sign.due_at), (at(2026, 3, 3, 10), at(2026, 3, 3, 16))
        )
        self.assertEqual((self.sign.giver, self.sign.handler), (self.handler, self.leader))
        self.assertIs(self.dossier.current_step, self.sign)
        self.assertEqual(
            change,
            kernel.Change(
                "hand_over",
                S.IN_PROGRESS,
                step=self.sign,
                note="Đủ điều kiện",
                data={"from_step": 2, "to_step": 3, "step_timeliness": "early", "receiver": 8},
            ),
        )

    def test_decide_goes_to_the_return_step(self) -> None:
        """A decision after the legal due is late; the desk's return step starts at once."""
        self.dossier.status = S.AWAITING_SIGNATURE
        self.dossier.current_step = self.sign
        change = kernel.decide(
            self.dossier,
            self.sign,
            self.back,
            at=at(2026, 3, 6, 8),
            actor=self.leader,
            decision="granted",
            reasons="",
            calendar=CALENDAR,
        )
        self.assertEqual(
            (self.dossier.status, self.dossier.timeliness, self.dossier.finished_at),
            (S.RESULT_READY, "late", at(2026, 3, 6, 8)),
        )
        self.assertIs(self.dossier.current_step, self.back)
        self.assertIsNone(self.back.handler)
        self.assertEqual(change.notices, ("dossier.result_ready",))
        self.assertEqual(change.data, {"decision": "granted", "timeliness": "late"})

    def test_claim_return_and_stop(self) -> None:
        change = kernel.claim(self.dossier, self.review, actor=self.handler)
        self.assertEqual((change.action, change.from_status), ("claim", S.IN_PROGRESS))
        self.assertEqual((self.review.handler, self.dossier.current_handler), (self.handler,) * 2)
        stopped = kernel.stop(
            self.dossier,
            self.review,
            at=at(2026, 3, 3, 9),
            reason="Xin dừng",
            requested_on=date(2026, 3, 2),
            step_note="Dừng",
        )
        self.assertEqual(
            stopped.data, {"requested_on": "2026-03-02", "stage": "in_progress", "step": "Bước 2"}
        )
        self.assertEqual((self.dossier.status, self.dossier.current_step), (S.STOPPED, None))
        returned = Dossier(status=S.RESULT_READY, applicant_name="Ngọc", due_at=at(2026, 3, 5, 17))
        change = kernel.return_result(
            returned,
            None,
            at=at(2026, 3, 6, 9),
            actor=self.handler,
            method="counter",
            received_by="",
            note="",
        )
        self.assertEqual(
            change.data, {"method": "counter", "received_by": "Ngọc", "returned_late": True}
        )

    def test_a_pause_keeps_and_gives_back_every_clock(self) -> None:
        """The scenario of test_pauses, in memory: due 5/3 → 18/3, promised 9/3 → 20/3."""
        self.dossier.extended_due_at = at(2026, 3, 9, 17)
        kept = kernel.pause_clock(
            calendar=CALENDAR,
            now=at(2026, 3, 3, 10),
            due_at=self.dossier.due_at,
            limit_unit="working_days",
            extended_due_at=self.dossier.extended_due_at,
            step_calendar=CALENDAR,
            step_due_at=self.review.due_at,
        )
        self.assertEqual(
            (kept["working_days"], kept["extended"]["working_days"], kept["remaining_seconds"]),
            (2, 4, 7 * HOUR),
        )
        self.assertEqual(kept["due_before"], "2026-03-05T10:00:00+00:00")
        resumed = kernel.resume_clock(
            calendar=CALENDAR,
            kept=kept,
            policy="pause",
            now=at(2026, 3, 16, 9),
            due_at=self.dossier.due_at,
            limit_amount=3,
            limit_unit="working_days",
            extended_due_at=self.dossier.extended_due_at,
        )
        self.assertEqual(resumed, kernel.Resumed(at(2026, 3, 18, 17), at(2026, 3, 20, 17)))
        restarted = kernel.resume_clock(
            calendar=CALENDAR,
            kept=kept,
            policy="restart",
            now=at(2026, 3, 16, 9),
            due_at=self.dossier.due_at,
            limit_amount=3,
            limit_unit="working_days",
        )
        self.assertEqual(restarted.due_at, at(2026, 3, 19, 17))
        # 7 working hours from 9:00: 2½ + 3½ on 16/3, the last hour from 7:00 on 17/3.
        self.assertEqual(
            kernel.step_due_after_pause(CALENDAR, at(2026, 3, 16, 9), kept), at(2026, 3, 17, 8)
        )

    def test_a_pause_opens_unsaved_with_the_status_to_resume(self) -> None:
        kept = {"working_days": 2}
        pause = _open(
            self.dossier,
            kept,
            items=["Bản sao giấy khai sinh"],
            reason="Không rõ nét",
            respond_by=at(2026, 3, 24, 17),
        )
        self.assertIsNone(pause.pk)
        self.assertEqual(
            (pause.dossier, pause.resume_status, pause.requested_by, pause.started_at),
            (self.dossier, S.IN_PROGRESS, self.handler, at(2026, 3, 3, 10)),
        )
        self.assertEqual((pause.kind, pause.number, pause.clock), ("supplement", 1, kept))
        by_job = _open(self.dossier, {}, actor="system", kind="payment")
        self.assertIsNone(by_job.requested_by)

    def test_ending_a_pause_resumes_the_clocks_it_kept(self) -> None:
        """As the first test of pauses: due 5/3 → 18/3, promised 9/3 → 20/3."""
        self.dossier.extended_due_at = at(2026, 3, 9, 17)
        kept = kernel.pause_clock(
            calendar=CALENDAR,
            now=at(2026, 3, 3, 10),
            due_at=self.dossier.due_at,
            limit_unit="working_days",
            extended_due_at=self.dossier.extended_due_at,
        )
        pause = _open(self.dossier, kept)
        moved = kernel.end_pause(
            self.dossier,
            pause,
            at=at(2026, 3, 16, 9),
            calendar=lambda: CALENDAR,
            limit_amount=3,
            limit_unit="working_days",
        )
        self.assertTrue(moved)
        self.assertEqual(
            (self.dossier.due_at, self.dossier.extended_due_at, pause.ended_at),
            (at(2026, 3, 18, 17), at(2026, 3, 20, 17), at(2026, 3, 16, 9)),
        )
        self.assertEqual(pause.clock, {**kept, "due_after": at(2026, 3, 18, 17).isoformat()})

    def test_a_pause_without_a_clock_only_ends(self) -> None:
        """An online submission asked to supplement before intake has no due to resume."""
        waiting = Dossier(status=S.AWAITING_INTAKE, applicant_name="Lê Văn Tám")
        pause = _open(waiting, {})

        def no_calendar() -> Any:
            raise AssertionError("no clock to resume: the calendar is not needed")

        moved = kernel.end_pause(
            waiting,
            pause,
            at=at(2026, 3, 5, 9),
            calendar=no_calendar,
            limit_amount=3,
            limit_unit="working_days",
        )
        self.assertFalse(moved)
        self.assertEqual(
            (waiting.due_at, pause.ended_at, pause.clock), (None, at(2026, 3, 5, 9), {})
        )

    def test_the_apology_is_late_within_a_working_day_of_the_due(self) -> None:
        due = at(2026, 3, 5, 17)
        self.assertIs(kernel.apology_late(CALENDAR, due, at(2026, 3, 3, 9)), False)
        self.assertIs(kernel.apology_late(CALENDAR, due, at(2026, 3, 5, 9)), True)
        self.assertIs(kernel.apology_late(CALENDAR, due, at(2026, 3, 6, 9)), True)
        change = kernel.apologise(
            self.dossier,
            new_due=at(2026, 3, 10, 17),
            late=False,
            reason="Cần xác minh",
            drafted_by_id=None,
        )
        self.assertEqual(self.dossier.extended_due_at, at(2026, 3, 10, 17))
        self.assertEqual(change.data["original_due"], "2026-03-05T10:00:00+00:00")
        self.assertEqual(change.data["new_due"], "2026-03-10T17:00:00+07:00")
