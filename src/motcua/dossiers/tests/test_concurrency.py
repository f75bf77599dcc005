"""Concurrency on PostgreSQL: codes never repeat, and two officers cannot both win."""

from __future__ import annotations

import threading
import unittest
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase

from motcua.core import clock
from motcua.core.errors import ApplicationError, ConflictError
from motcua.dossiers import services as s
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.dossiers.tests.helpers import World, at


def run_in_threads(count: int, target: Callable[[int], Any]) -> list[Any]:
    """Run ``target(index)`` in ``count`` threads released together; return results or exceptions."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target(index)
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.postgres
@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
class ConcurrencyTests(TransactionTestCase):
    serialized_rollback = True

    def setUp(self):
        self.w = World()

    def test_parallel_intake_never_duplicates_a_code(self):
        def intake(index: int) -> list[str | None]:
            return [self.w.receive().code for _ in range(5)]

        # The frozen clock is process-wide: freeze it once around all the threads.
        with clock.frozen(at(2026, 3, 2, 9)):
            results = run_in_threads(8, intake)
        errors = [r for r in results if isinstance(r, Exception)]
        self.assertEqual(errors, [])
        codes = [code for batch in results for code in batch]
        self.assertEqual(len(codes), 40)
        self.assertEqual(len(set(codes)), 40)
        self.assertEqual(sorted(int(code[-4:]) for code in codes), list(range(1, 41)))
        self.assertEqual(Dossier.objects.count(), 40)

    def test_parallel_retries_with_one_key_make_one_dossier(self):
        def intake(index: int) -> s.IntakeResult:
            return s.dossier_receive(
                actor=self.w.intake,
                receiving_unit=self.w.centre,
                # Each retry spells the phone its own way: the same request all the same.
                applicant=self.w.applicant(phone=["0912 345 678", "0912345678"][index % 2]),
                provided_documents=self.w.documents(self.w.pause_version)[:: 1 - 2 * (index % 2)],
                procedure_version=self.w.pause_version,
                idempotency_key="retry-1",
            )

        with clock.frozen(at(2026, 3, 2, 9)):
            results = run_in_threads(8, intake)
        self.assertEqual([r for r in results if isinstance(r, Exception)], [])
        self.assertEqual(sorted(r.created for r in results), [False] * 7 + [True])
        self.assertEqual({r.dossier.pk for r in results}, {Dossier.objects.get().pk})
        # One intake's history and no more: one receipt, then the hand-over to the
        # first step, each action once and all on the one dossier.
        events = list(DossierEvent.objects.order_by("pk").values_list("dossier_id", "action"))
        actions = [action for _, action in events]
        self.assertEqual({dossier_id for dossier_id, _ in events}, {Dossier.objects.get().pk})
        self.assertEqual(actions[0], "receive")
        self.assertEqual(len(actions), len(set(actions)), actions)

    def test_parallel_requests_with_one_key_and_different_data_make_one_dossier(self):
        names = ["Trần Thị Bích Ngọc", "Nguyễn Văn An", "Lê Thị Hoa", "Phạm Văn Bình"]

        def intake(index: int) -> s.IntakeResult:
            return s.dossier_receive(
                actor=self.w.intake,
                receiving_unit=self.w.centre,
                applicant=self.w.applicant(name=names[index]),
                provided_documents=self.w.documents(self.w.pause_version),
                procedure_version=self.w.pause_version,
                idempotency_key="shared-1",
            )

        with clock.frozen(at(2026, 3, 2, 9)):
            results = run_in_threads(4, intake)
        created = [r for r in results if isinstance(r, s.IntakeResult)]
        conflicts = [r for r in results if isinstance(r, ConflictError)]
        self.assertEqual((len(created), len(conflicts)), (1, 3), results)
        self.assertTrue(created[0].created)
        self.assertEqual({c.code for c in conflicts}, {"idempotency_key_reused"})
        dossier = Dossier.objects.get()
        self.assertEqual(dossier.applicant_name, names[results.index(created[0])])
        # One intake's history and no more: one receipt, then the hand-over to the
        # first step, each action once and all on the one dossier.
        events = list(DossierEvent.objects.order_by("pk").values_list("dossier_id", "action"))
        actions = [action for _, action in events]
        self.assertEqual({dossier_id for dossier_id, _ in events}, {Dossier.objects.get().pk})
        self.assertEqual(actions[0], "receive")
        self.assertEqual(len(actions), len(set(actions)), actions)

    def test_two_officers_on_one_dossier_one_wins_the_other_gets_a_conflict(self):
        with clock.frozen(at(2026, 3, 2, 9)):  # intake hands it to the handler at once
            dossier = self.w.receive(to_user=self.w.handler)
        seen = dossier.version

        def act(index: int):
            if index == 0:
                return s.dossier_hand_over(
                    dossier=dossier,
                    actor=self.w.handler,
                    to_user=self.w.leader,
                    expected_version=seen,
                )
            return s.dossier_request_supplement(
                dossier=dossier,
                actor=self.w.handler2,
                items=["A"],
                reason="r",
                expected_version=seen,
            )

        with clock.frozen(at(2026, 3, 2, 11)):
            results = run_in_threads(2, act)
        conflicts = [r for r in results if isinstance(r, ConflictError)]
        successes = [r for r in results if not isinstance(r, Exception)]
        self.assertEqual((len(successes), len(conflicts)), (1, 1), results)
        self.assertIn("Vui lòng tải lại trang", conflicts[0].message)
        fresh = Dossier.objects.get(pk=dossier.pk)
        self.assertEqual(fresh.version, seen + 1)
        self.assertEqual(DossierEvent.objects.filter(dossier=dossier).count(), 3)  # + receive
        self.assertIn(
            fresh.status, {DossierStatus.AWAITING_SIGNATURE, DossierStatus.AWAITING_SUPPLEMENT}
        )

    def test_the_same_hand_over_twice_without_a_version_moves_one_step(self):
        with clock.frozen(at(2026, 3, 2, 9)):  # at the ward's review step after intake
            dossier = self.w.receive(to_user=self.w.handler)

        def act(index: int):
            return s.dossier_hand_over(dossier=dossier, actor=self.w.handler, to_user=self.w.leader)

        with clock.frozen(at(2026, 3, 2, 10)):
            results = run_in_threads(2, act)
        self.assertEqual(sum(isinstance(r, Dossier) for r in results), 1, results)
        # The loser finds the dossier at the leader's step, which the handler may not hand over.
        self.assertEqual(sum(isinstance(r, ApplicationError) for r in results), 1, results)
        # The intake step (finished at intake) and the review step.
        self.assertEqual(
            DossierStep.objects.filter(dossier=dossier, finished_at__isnull=False).count(), 2
        )
