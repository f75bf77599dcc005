"""A judged contest through the services, from judge assignment to published prizes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import TestCase

from motcua.contests import selectors, services
from motcua.contests.models import (
    Result,
    RoundStatus,
    ScoreSheet,
    ScoreSheetEvent,
    SheetStatus,
)
from motcua.contests.tests.helpers import ContestWorld, performance_of
from motcua.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from motcua.core.models import AuditEvent, Notification


class ContestServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = ContestWorld()

    def score_all(self, round_: Any, teams: Any, table: Any, criteria: Any) -> None:
        """``table[team index][judge index]`` = (content, delivery); every sheet submitted."""
        for team, row in zip(teams, table, strict=True):
            performance = performance_of(round_, team)
            for judge, (content, delivery) in zip(self.w.judges, row, strict=False):
                services.sheet_save(
                    judge=judge,
                    performance=performance,
                    points={criteria[0].pk: content, criteria[1].pk: delivery},
                    submit=True,
                )

    def test_from_assignment_to_published_prizes(self) -> None:
        round_, teams, criteria = self.w.prepared_round(teams=3)
        self.assertEqual(round_.judges.count(), 3)
        # Judges were told of their assignment.
        self.assertEqual(Notification.objects.filter(event="contests.judge_assigned").count(), 3)
        round_ = services.round_open(actor=self.w.organiser, round_=round_)
        self.assertEqual(round_.status, RoundStatus.SCORING)
        # Team 0: 80, 82, 78 → 80; team 1: 85 each → 85; team 2: 70 each → 70.
        self.score_all(
            round_,
            teams,
            [
                [("50", "30"), ("52", "30"), ("48", "30")],
                [("55", "30"), ("55", "30"), ("55", "30")],
                [("40", "30"), ("40", "30"), ("40", "30")],
            ],
            criteria,
        )
        progress = selectors.round_progress(round_)
        self.assertEqual((progress.submitted, progress.expected), (9, 9))
        services.round_publish(actor=self.w.organiser, round_=round_)
        published, results = selectors.round_results(round_.pk)
        self.assertEqual(published.status, RoundStatus.PUBLISHED)
        self.assertEqual(
            [(r.team_id, r.rank, r.score) for r in results],
            [
                (teams[1].pk, 1, Decimal("85.000")),
                (teams[0].pk, 2, Decimal("80.000")),
                (teams[2].pk, 3, Decimal("70.000")),
            ],
        )
        self.assertEqual(
            [r.prize.name if r.prize else None for r in results], ["Giải Nhất", "Giải Nhì", None]
        )
        self.assertTrue(results[0].certificate_number)
        self.assertEqual(results[2].certificate_number, "")
        self.assertTrue(AuditEvent.objects.filter(action="contests.round_publish").exists())
        certificate = selectors.result_for_certificate(results[0].pk)
        self.assertEqual(certificate.team, teams[1])
        with self.assertRaises(NotFoundError):
            selectors.result_for_certificate(results[2].pk)

    def test_published_results_are_withdrawn_corrected_and_published_again(self) -> None:
        round_, teams, criteria = self.w.prepared_round(teams=2)
        services.round_open(actor=self.w.organiser, round_=round_)
        # Team 0: 80 each; team 1: 75 each, but the first judge typed 45 instead of 54.
        self.score_all(
            round_,
            teams,
            [[("50", "30")] * 3, [("45", "30"), ("45", "30"), ("45", "30")]],
            criteria,
        )
        services.round_publish(actor=self.w.organiser, round_=round_)
        first_numbers = list(
            Result.objects.filter(round=round_)
            .order_by("rank")
            .values_list("certificate_number", flat=True)
        )
        reason = "Giám khảo 1 nhập nhầm điểm của đội 2"
        with self.assertRaises(ApplicationError) as short:
            services.round_withdraw_results(actor=self.w.organiser, round_=round_, reason="sai")
        self.assertEqual(short.exception.code, "reason_required")
        for stranger in (self.w.judges[0], self.w.outsider):
            with self.assertRaises(PermissionDeniedError):
                services.round_withdraw_results(actor=stranger, round_=round_, reason=reason)
        round_.refresh_from_db()
        self.assertEqual(round_.status, RoundStatus.PUBLISHED)
        services.round_withdraw_results(actor=self.w.organiser, round_=round_, reason=reason)
        round_.refresh_from_db()
        self.assertEqual(
            (round_.status, round_.published_at, round_.corrections), ("scoring", None, 1)
        )
        self.assertFalse(Result.objects.filter(round=round_).exists())
        with self.assertRaises(NotFoundError):
            selectors.round_results(round_.pk)
        audit = AuditEvent.objects.get(action="contests.round_withdraw_results")
        self.assertEqual(audit.data["reason"], reason)
        self.assertEqual([row[4] for row in audit.data["withdrawn"]], first_numbers)
        with self.assertRaises(ConflictError):  # twice: nothing left to withdraw
            services.round_withdraw_results(actor=self.w.organiser, round_=round_, reason=reason)
        # The sheet is reopened, corrected, and the round published again.
        sheet = ScoreSheet.objects.get(
            judge=self.w.judges[0], performance=performance_of(round_, teams[1])
        )
        services.sheet_reopen(actor=self.w.organiser, sheet=sheet, reason=reason)
        services.sheet_save(
            judge=self.w.judges[0],
            performance=performance_of(round_, teams[1]),
            points={criteria[0].pk: "54", criteria[1].pk: "30"},
            submit=True,
        )
        services.round_publish(actor=self.w.organiser, round_=round_)
        _published, results = selectors.round_results(round_.pk)
        self.assertEqual(
            [(r.team_id, r.score) for r in results],
            [(teams[0].pk, Decimal("80.000")), (teams[1].pk, Decimal("78.000"))],
        )
        year = results[0].certificate_number.split("/")[1]
        self.assertEqual(
            [r.certificate_number for r in results],
            [f"01/{year}/GCN-HT{round_.pk}-S1", f"02/{year}/GCN-HT{round_.pk}-S1"],
        )
        self.assertFalse(set(first_numbers) & {r.certificate_number for r in results})

    def test_publish_waits_for_every_sheet(self) -> None:
        round_, teams, criteria = self.w.prepared_round(teams=2)
        services.round_open(actor=self.w.organiser, round_=round_)
        self.score_all(round_, teams, [[("50", "30")] * 3, [("50", "30")] * 2], criteria)
        with self.assertRaisesMessage(ConflictError, "1"):
            services.round_publish(actor=self.w.organiser, round_=round_)
        round_.refresh_from_db()
        self.assertEqual(round_.status, RoundStatus.SCORING)
        self.assertFalse(Result.objects.exists())
        with self.assertRaises(NotFoundError):
            selectors.round_results(round_.pk)

    def test_judge_sees_and_changes_only_their_own_sheet(self) -> None:
        round_, teams, criteria = self.w.prepared_round(teams=1)
        services.round_open(actor=self.w.organiser, round_=round_)
        performance = performance_of(round_, teams[0])
        first, second = self.w.judges[:2]
        services.sheet_save(judge=first, performance=performance, points={criteria[0].pk: "51.5"})
        # The second judge's page starts empty: the first's points are not shown.
        view = selectors.judge_sheet(second, performance.pk)
        self.assertIsNone(view.sheet)
        self.assertEqual(view.points, {})
        own = selectors.judge_sheet(first, performance.pk)
        self.assertEqual(own.points, {criteria[0].pk: Decimal("51.50")})
        # The second judge's save writes a sheet of their own, leaving the first's alone.
        services.sheet_save(judge=second, performance=performance, points={criteria[0].pk: "40"})
        self.assertEqual(ScoreSheet.objects.get(judge=first).scores.get().points, Decimal("51.50"))
        # Neither an unassigned judge nor another officer reads or writes any sheet.
        for stranger in (self.w.not_judge, self.w.organiser):
            with self.assertRaises(NotFoundError):
                selectors.judge_sheet(stranger, performance.pk)
            with self.assertRaises(NotFoundError):
                services.sheet_save(
                    judge=stranger, performance=performance, points={criteria[0].pk: "1"}
                )

    def test_a_submitted_sheet_is_locked(self) -> None:
        round_, teams, criteria = self.w.prepared_round(teams=1)
        services.round_open(actor=self.w.organiser, round_=round_)
        performance = performance_of(round_, teams[0])
        judge = self.w.judges[0]
        with self.assertRaises(ApplicationError) as missing:
            services.sheet_save(
                judge=judge, performance=performance, points={criteria[0].pk: "50"}, submit=True
            )
        self.assertEqual(
            missing.exception.extra["errors"][0]["field"], f"criterion_{criteria[1].pk}"
        )
        self.assertFalse(ScoreSheet.objects.exists())
        sheet = services.sheet_save(
            judge=judge,
            performance=performance,
            points={criteria[0].pk: "50", criteria[1].pk: "30"},
            submit=True,
        )
        self.assertEqual((sheet.status, sheet.total), (SheetStatus.SUBMITTED, Decimal("80.00")))
        with self.assertRaises(ConflictError) as locked:
            services.sheet_save(
                judge=judge,
                performance=performance,
                points={criteria[0].pk: "60", criteria[1].pk: "40"},
            )
        self.assertEqual(locked.exception.code, "sheet_locked")
        sheet.refresh_from_db()
        self.assertEqual(sheet.total, Decimal("80.00"))
        self.assertEqual(
            sorted(sheet.scores.values_list("points", flat=True)),
            [Decimal("30.00"), Decimal("50.00")],
        )

    def test_points_out_of_range_are_all_named_and_nothing_written(self) -> None:
        round_, teams, criteria = self.w.prepared_round(teams=1)
        services.round_open(actor=self.w.organiser, round_=round_)
        performance = performance_of(round_, teams[0])
        with self.assertRaises(ApplicationError) as bad:
            services.sheet_save(
                judge=self.w.judges[0],
                performance=performance,
                points={criteria[0].pk: "61", criteria[1].pk: "abc"},
            )
        fields = [error["field"] for error in bad.exception.extra["errors"]]
        self.assertEqual(fields, [f"criterion_{criteria[0].pk}", f"criterion_{criteria[1].pk}"])
        self.assertIn("0", bad.exception.extra["errors"][0]["message"])
        self.assertFalse(ScoreSheet.objects.exists())

    def test_reopen_needs_a_reason_and_is_audited(self) -> None:
        round_, teams, criteria = self.w.prepared_round(teams=1)
        services.round_open(actor=self.w.organiser, round_=round_)
        performance = performance_of(round_, teams[0])
        judge = self.w.judges[0]
        sheet = services.sheet_save(
            judge=judge,
            performance=performance,
            points={criteria[0].pk: "50", criteria[1].pk: "30"},
            submit=True,
        )
        with self.assertRaises(ApplicationError) as no_reason:
            services.sheet_reopen(actor=self.w.organiser, sheet=sheet, reason="  sai ")
        self.assertEqual(no_reason.exception.code, "reason_required")
        sheet.refresh_from_db()
        self.assertEqual(sheet.status, SheetStatus.SUBMITTED)
        # Neither the judge nor an organiser of another unit can reopen it.
        for stranger in (judge, self.w.outsider):
            with self.assertRaises(PermissionDeniedError):
                services.sheet_reopen(
                    actor=stranger, sheet=sheet, reason="Giám khảo nhập nhầm điểm nội dung"
                )
        reason = "Giám khảo nhập nhầm điểm nội dung"
        reopened = services.sheet_reopen(actor=self.w.organiser, sheet=sheet, reason=reason)
        self.assertEqual((reopened.status, reopened.total), (SheetStatus.DRAFT, None))
        event = ScoreSheetEvent.objects.get(sheet=sheet, kind="reopened")
        self.assertEqual(
            (event.reason, event.actor, event.total), (reason, self.w.organiser, Decimal("80.00"))
        )
        audit = AuditEvent.objects.get(action="contests.sheet_reopen")
        self.assertEqual(audit.data["reason"], reason)
        self.assertEqual(audit.object_id, str(sheet.pk))
        self.assertTrue(
            Notification.objects.filter(
                event="contests.sheet_reopened", recipient=judge.email
            ).exists()
        )
        # The judge corrects and submits again.
        again = services.sheet_save(
            judge=judge,
            performance=performance,
            points={criteria[0].pk: "45", criteria[1].pk: "30"},
            submit=True,
        )
        self.assertEqual(again.total, Decimal("75.00"))
        with self.assertRaises(ConflictError):
            services.sheet_save(judge=judge, performance=performance, points={criteria[0].pk: "1"})
        self.assertEqual(
            list(sheet.events.values_list("kind", flat=True)),
            ["submitted", "reopened", "submitted"],
        )

    def test_only_organisers_set_up_and_only_judges_are_assigned(self) -> None:
        contest = self.w.contest()
        with self.assertRaises(PermissionDeniedError):
            services.round_create(actor=self.w.outsider, contest=contest, name="Sơ khảo")
        with self.assertRaises(PermissionDeniedError):
            services.round_create(actor=self.w.judges[0], contest=contest, name="Sơ khảo")
        round_ = services.round_create(actor=self.w.organiser, contest=contest, name="Sơ khảo")
        with self.assertRaises(ApplicationError) as not_judge:
            services.judge_assign(actor=self.w.organiser, round_=round_, judge=self.w.not_judge)
        self.assertEqual(not_judge.exception.code, "not_a_judge")
        with self.assertRaises(ApplicationError) as incomplete:
            services.round_open(actor=self.w.organiser, round_=round_)
        self.assertEqual(incomplete.exception.code, "round_incomplete")
        self.assertFalse(round_.judges.exists())

    def test_setup_is_frozen_once_scoring_starts(self) -> None:
        round_, _teams, _criteria = self.w.prepared_round(teams=1)
        services.round_open(actor=self.w.organiser, round_=round_)
        with self.assertRaises(ConflictError):
            services.criterion_add(
                actor=self.w.organiser, round_=round_, name="Sáng tạo", max_points=10
            )
        self.assertEqual(round_.criteria.count(), 2)

    def test_a_criterion_of_one_kind_scores_only_that_kind(self) -> None:
        """The skit's staging criterion is neither asked nor counted for a presentation."""
        contest = self.w.contest()
        round_ = services.round_create(actor=self.w.organiser, contest=contest, name="Sơ khảo")
        common = services.criterion_add(
            actor=self.w.organiser, round_=round_, name="Nội dung", max_points=50
        )
        staging = services.criterion_add(
            actor=self.w.organiser,
            round_=round_,
            name="Dàn dựng",
            max_points=20,
            kind=self.w.kinds["skit"],
        )
        team = services.team_create(
            actor=self.w.organiser, contest=contest, name="Đội A", unit=self.w.wards[0]
        )
        talk = services.performance_add(
            actor=self.w.organiser, round_=round_, team=team, kind=self.w.kinds["presentation"]
        )
        skit = services.performance_add(
            actor=self.w.organiser, round_=round_, team=team, kind=self.w.kinds["skit"]
        )
        self.assertEqual((talk.order, skit.order), (1, 2))
        services.judge_assign(actor=self.w.organiser, round_=round_, judge=self.w.judges[0])
        round_ = services.round_open(actor=self.w.organiser, round_=round_)
        talk.round = skit.round = round_
        judge = self.w.judges[0]
        self.assertEqual(
            [c.pk for c in selectors.judge_sheet(judge, talk.pk).criteria], [common.pk]
        )
        with self.assertRaises(ApplicationError):
            services.sheet_save(
                judge=judge, performance=talk, points={common.pk: "40", staging.pk: "10"}
            )
        done = services.sheet_save(
            judge=judge, performance=talk, points={common.pk: "40"}, submit=True
        )
        self.assertEqual(done.total, Decimal("40.00"))
        with self.assertRaises(ApplicationError) as incomplete:
            services.sheet_save(
                judge=judge, performance=skit, points={common.pk: "40"}, submit=True
            )
        self.assertEqual(
            incomplete.exception.extra["errors"][0]["field"], f"criterion_{staging.pk}"
        )

    def test_a_judge_is_withdrawn_only_before_scoring(self) -> None:
        round_, teams, criteria = self.w.prepared_round(teams=1)
        first, second = self.w.judges[:2]
        services.judge_unassign(actor=self.w.organiser, round_=round_, judge=second)
        self.assertEqual(
            list(round_.judges.values_list("judge_id", flat=True)), [first.pk, self.w.judges[2].pk]
        )
        self.assertTrue(AuditEvent.objects.filter(action="contests.judge_unassign").exists())
        round_ = services.round_open(actor=self.w.organiser, round_=round_)
        services.sheet_save(
            judge=first, performance=performance_of(round_, teams[0]), points={criteria[0].pk: "9"}
        )
        with self.assertRaises(ConflictError) as started:
            services.judge_unassign(actor=self.w.organiser, round_=round_, judge=first)
        self.assertEqual(started.exception.code, "judge_has_sheets")
        with self.assertRaises(PermissionDeniedError):
            services.judge_unassign(actor=self.w.outsider, round_=round_, judge=self.w.judges[2])
        self.assertEqual(round_.judges.count(), 2)
