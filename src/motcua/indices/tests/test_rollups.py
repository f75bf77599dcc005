"""The rollups: incremental fills after random lifecycle events equal a rebuild from scratch."""

from __future__ import annotations

import io
import random
from datetime import timedelta

from django.core.management import call_command
from django.test import TestCase

from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.feedback.constants import SatisfactionLevel
from motcua.feedback.models import Evaluation
from motcua.feedback.services.evaluations import evaluation_submit
from motcua.indices.models import DailyCount, DossierFact, FillState, RatingMonthlyCount, StepFact
from motcua.indices.rollups import rollup_snapshot, rollups_rebuild, rollups_refresh
from motcua.indices.tests.helpers import World, at, change, dossier


class RandomLifecycleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def _step(self, rng: random.Random, now) -> str:
        w = self.w
        dossiers = list(Dossier.objects.order_by("id"))
        by_status = {
            "in_progress": ["claim", "hand_over", "hand_over", "supplement"],
            "awaiting_signature": ["decide"],
            "awaiting_supplement": ["resume"],
            "result_ready": ["return"],
            "returned": ["rate"],
        }
        rated = set(Evaluation.objects.values_list("dossier_id", flat=True))
        open_ = [d for d in dossiers if d.status in by_status and d.pk not in rated]
        if not open_ or rng.random() < 0.25:
            version = rng.choice([w.pause_version, w.restart_version, w.hours_version])
            w.receive(version)
            return "receive"
        d = rng.choice(open_)
        action = rng.choice(by_status[d.status])
        calls = {
            "claim": lambda: s.dossier_claim(dossier=d, actor=w.handler),
            "hand_over": lambda: s.dossier_hand_over(dossier=d, actor=w.handler, to_user=w.leader),
            "decide": lambda: s.dossier_decide(dossier=d, actor=w.leader, decision="granted"),
            "return": lambda: s.dossier_return(
                dossier=d, actor=w.intake, method="counter", received_by="Trần Thị Bích Ngọc"
            ),
            "supplement": lambda: s.dossier_request_supplement(
                dossier=d, actor=w.handler, items=["Bản sao giấy khai sinh"], reason="Thiếu bản sao"
            ),
            "resume": lambda: s.dossier_supplement_received(dossier=d, actor=w.intake),
            "rate": lambda: evaluation_submit(
                dossier=d, channel="kiosk", level=rng.choice(SatisfactionLevel.values)
            ),
        }
        try:
            calls[action]()
        except ApplicationError as exc:
            return f"{action} refused {exc.code} {d.status}"
        return action

    def test_incremental_fills_equal_a_rebuild(self):
        for seed in (1, 2, 3):
            with self.subTest(seed=seed):
                rng = random.Random(seed)
                now = at(2026, 3, 2, 8)
                done = []
                for _i in range(70):
                    now += timedelta(hours=rng.choice([1, 3, 7, 20, 50]))
                    with clock.frozen(now):
                        done.append(self._step(rng, now))
                    if rng.random() < 0.3:
                        rollups_refresh(batch=rng.choice([1, 3, 100]))
                rollups_refresh()
                incremental = rollup_snapshot()
                # The sequence really moved dossiers through the lifecycle.
                self.assertGreater(done.count("decide"), 0, done)
                self.assertGreater(done.count("return"), 0, done)
                self.assertGreater(done.count("rate"), 0, done)
                self.assertGreater(len(incremental[1]), 3)
                # Steps were finished and counted, ratings too.
                self.assertGreater(StepFact.objects.count(), 0)
                self.assertEqual(
                    sum(RatingMonthlyCount.objects.values_list("dissatisfied", flat=True))
                    + sum(RatingMonthlyCount.objects.values_list("satisfied", flat=True))
                    + sum(RatingMonthlyCount.objects.values_list("very_satisfied", flat=True)),
                    Evaluation.objects.count(),
                )
                rollups_rebuild()
                self.assertEqual(rollup_snapshot(), incremental)
                self.assertEqual(
                    DossierFact.objects.count(), Dossier.objects.count()
                )  # every dossier has its fact

    def test_a_change_moves_the_counts_from_the_old_day_to_the_new(self):
        d = dossier(
            self.w.ward, self.w.pause_version, received=at(2026, 3, 2), due=at(2026, 3, 5, 17),
            status="in_progress",
        )  # fmt: skip
        rollups_refresh()
        row = DailyCount.objects.get(day=at(2026, 3, 2).date())
        self.assertEqual((row.received, row.finished), (1, 0))
        change(d, status="result_ready", finished_at=at(2026, 3, 6), timeliness="late")
        self.assertEqual(rollups_refresh(), 1)
        finished = DailyCount.objects.get(day=at(2026, 3, 6).date())
        self.assertEqual(
            (finished.finished, finished.finished_late, finished.finished_on_time), (1, 1, 0)
        )
        self.assertEqual(finished.handling_seconds, 4 * 86400)
        # Nothing new: nothing read, nothing changed.
        self.assertEqual(rollups_refresh(), 0)
        self.assertEqual(
            FillState.objects.get(name="dossiers").last_event_id,
            d.events.order_by("-id").first().pk,
        )

    def test_the_rebuild_command(self):
        dossier(
            self.w.ward, self.w.pause_version, received=at(2026, 3, 2), due=at(2026, 3, 5, 17),
            finished=at(2026, 3, 3), timeliness="early",
        )  # fmt: skip
        call_command("indices_rollups", "--rebuild", stdout=io.StringIO())
        self.assertEqual(DossierFact.objects.count(), 1)
        self.assertEqual(sum(DailyCount.objects.values_list("finished", flat=True)), 1)
        self.assertIsNotNone(FillState.objects.get(name="dossiers").rebuilt_at)
        self.assertIsNotNone(FillState.objects.get(name="ratings").rebuilt_at)
