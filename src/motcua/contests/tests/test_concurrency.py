"""Concurrency on PostgreSQL: the same judge submitting one sheet from two tablets at once
submits it once; a reopening racing a resubmission leaves one consistent sheet."""

from __future__ import annotations

import unittest

import pytest
from django.db import connection
from django.test import TransactionTestCase

from motcua.contests import services
from motcua.contests.models import ScoreSheet, ScoreSheetEvent, SheetStatus
from motcua.contests.tests.helpers import ContestWorld, performance_of
from motcua.core.errors import ApplicationError
from motcua.core.models import AuditEvent
from motcua.dossiers.tests.test_concurrency import run_in_threads


@pytest.mark.postgres
@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
class SheetConcurrencyTests(TransactionTestCase):
    serialized_rollback = True

    def setUp(self) -> None:
        self.w = ContestWorld()
        self.round, teams, self.criteria = self.w.prepared_round(teams=1)
        services.round_open(actor=self.w.organiser, round_=self.round)
        self.performance = performance_of(self.round, teams[0])
        self.judge = self.w.judges[0]

    def submit(self, content: str) -> ScoreSheet:
        return services.sheet_save(
            judge=self.judge,
            performance=self.performance,
            points={self.criteria[0].pk: content, self.criteria[1].pk: "30"},
            submit=True,
        )

    def test_two_tablets_submit_the_first_sheet_at_once(self) -> None:
        contents = ["50", "40", "45", "55"]
        results = run_in_threads(4, lambda index: self.submit(contents[index]))
        won = [r for r in results if isinstance(r, ScoreSheet)]
        lost = [r for r in results if isinstance(r, ApplicationError)]
        self.assertEqual((len(won), len(lost)), (1, 3), results)
        self.assertEqual({e.code for e in lost}, {"sheet_locked"})
        sheet = ScoreSheet.objects.get()
        self.assertEqual(sheet.total, won[0].total)
        self.assertEqual(sheet.scores.count(), 2)
        self.assertEqual(AuditEvent.objects.filter(action="contests.sheet_submit").count(), 1)

    def test_reopen_racing_a_resubmission(self) -> None:
        sheet = self.submit("50")

        def act(index: int) -> object:
            if index == 0:
                return services.sheet_reopen(
                    actor=self.w.organiser, sheet=sheet, reason="Sửa điểm nội dung theo biên bản"
                )
            return self.submit("40")

        results = run_in_threads(2, act)
        sheet.refresh_from_db()
        events = list(ScoreSheetEvent.objects.filter(sheet=sheet).values_list("kind", flat=True))
        # Either the resubmission came first (refused, locked) and the reopening then left a
        # draft; or the reopening came first and the judge's submission locked it again.
        if isinstance(results[1], ApplicationError):
            self.assertEqual(results[1].code, "sheet_locked")
            self.assertEqual((sheet.status, events), (SheetStatus.DRAFT, ["submitted", "reopened"]))
        else:
            self.assertEqual(
                (sheet.status, events),
                (SheetStatus.SUBMITTED, ["submitted", "reopened", "submitted"]),
                results,
            )
            self.assertEqual(str(sheet.total), "70.00")
