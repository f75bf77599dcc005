"""The step rollup: steps finished, late and working days spent per unit, role and month."""

from __future__ import annotations

from decimal import Decimal

from django.test import TestCase

from motcua.core import clock
from motcua.dossiers.models import DossierStep
from motcua.indices.dashboard import leader_dashboard, slowest_steps
from motcua.indices.models import StepFact, StepMonthlyCount
from motcua.indices.rollups import rollup_snapshot, rollups_rebuild, rollups_refresh
from motcua.indices.tests.helpers import World, at, change, dossier

D = Decimal


def step(d, order, role, unit, *, started, finished=None, due=None, timeliness=""):
    return DossierStep.objects.create(
        dossier=d, order=order, name=f"Bước {order}", role=role, unit=unit,
        budget_seconds=8 * 3600, started_at=started, due_at=due, finished_at=finished,
        timeliness=timeliness,
    )  # fmt: skip


class StepRollupTests(TestCase):
    """Working days are 8 hours (07:00–11:30, 13:30–17:00); 2–6/3/2026 is Monday to Friday.

    - s1 (ward, case handler): Mon 2/3 08:00 → Wed 4/3 08:00 = 2 working days, late.
    - s2 (ward, case handler): Wed 4/3 08:00 → 11:00 = 3 h = 0.375 days, on time.
    - s3 (ward, leader): Wed 4/3 13:30 → Thu 5/3 09:30 = 3.5 h + 2.5 h = 0.75 days, early.
    - s4 (ward, case handler): started, not finished: not counted.
    - s5 (ward, case handler): closed when its dossier ended early (no timeliness): not counted.
    - s6 (other ward, case handler): Fri 6/3 07:00 → Fri 6/3 17:00 = 1 working day, on time.
    """

    @classmethod
    def setUpTestData(cls):
        w = cls.w = World()
        handler, leader = w.roles["case_handler"], w.roles["commune_leader"]
        cls.d1 = dossier(w.ward, w.pause_version, received=at(2026, 3, 2, 8),
                         due=at(2026, 3, 9, 17), status="in_progress")  # fmt: skip
        cls.d2 = dossier(w.ward, w.pause_version, received=at(2026, 3, 2, 8),
                         due=at(2026, 3, 9, 17), status="in_progress")  # fmt: skip
        cls.d3 = dossier(w.other_ward, w.pause_version, received=at(2026, 3, 6, 7),
                         due=at(2026, 3, 12, 17), status="in_progress")  # fmt: skip
        cls.s1 = step(cls.d1, 1, handler, w.ward, started=at(2026, 3, 2, 8),
                      finished=at(2026, 3, 4, 8), due=at(2026, 3, 3, 17), timeliness="late")  # fmt: skip
        cls.s2 = step(cls.d1, 2, handler, w.ward, started=at(2026, 3, 4, 8),
                      finished=at(2026, 3, 4, 11), due=at(2026, 3, 5, 17), timeliness="on_time")  # fmt: skip
        cls.s3 = step(cls.d1, 3, leader, w.ward, started=at(2026, 3, 4, 13, 30),
                      finished=at(2026, 3, 5, 9, 30), due=at(2026, 3, 6, 17), timeliness="early")  # fmt: skip
        cls.s4 = step(cls.d1, 4, handler, w.ward, started=at(2026, 3, 5, 9, 30))
        cls.s5 = step(cls.d2, 1, handler, w.ward, started=at(2026, 3, 2, 8),
                      finished=at(2026, 3, 3, 8))  # fmt: skip
        cls.s6 = step(cls.d3, 1, handler, w.other_ward, started=at(2026, 3, 6, 7),
                      finished=at(2026, 3, 6, 17), due=at(2026, 3, 9, 17), timeliness="on_time")  # fmt: skip
        rollups_refresh()

    def rows(self):
        return {
            (r.unit_id, r.role.code): (r.finished, r.late, r.measured, r.working_days)
            for r in StepMonthlyCount.objects.select_related("role").filter(year=2026, month=3)
        }

    def test_counts_per_unit_role_and_month(self):
        w = self.w
        self.assertEqual(
            self.rows(),
            {
                (w.ward.pk, "case_handler"): (2, 1, 2, D("2.375")),
                (w.ward.pk, "commune_leader"): (1, 0, 1, D("0.750")),
                (w.other_ward.pk, "case_handler"): (1, 0, 1, D("1.000")),
            },
        )
        self.assertEqual(
            sorted(StepFact.objects.values_list("step_id", flat=True)),
            sorted([self.s1.pk, self.s2.pk, self.s3.pk, self.s6.pk]),
        )

    def test_a_step_finished_later_moves_its_days_and_month(self):
        """s4 finished Thu 2/4 09:30 late: April gets it; March is unchanged."""
        DossierStep.objects.filter(pk=self.s4.pk).update(
            finished_at=at(2026, 4, 2, 9, 30), due_at=at(2026, 3, 6, 17), timeliness="late"
        )
        change(self.d1)  # the event a service writes with the change
        rollups_refresh()
        april = StepMonthlyCount.objects.get(year=2026, month=4)
        # 5/3 09:30 → 2/4 09:30: 20 working days (no holiday in March 2026).
        self.assertEqual(
            (april.finished, april.late, april.measured, april.working_days),
            (1, 1, 1, D("20.000")),
        )
        self.assertEqual(self.rows()[(self.w.ward.pk, "case_handler")], (2, 1, 2, D("2.375")))
        # s1 reopened (its finish undone): March loses it.
        DossierStep.objects.filter(pk=self.s1.pk).update(finished_at=None, timeliness="")
        change(self.d1)
        rollups_refresh()
        self.assertEqual(self.rows()[(self.w.ward.pk, "case_handler")], (1, 0, 1, D("0.375")))
        incremental = rollup_snapshot()
        rollups_rebuild()
        self.assertEqual(rollup_snapshot(), incremental)

    def test_slowest_steps_on_the_morning_page(self):
        """The ward over the last 3 months: the case handler's 2.375 / 2 = 1.19 days first."""
        steps = slowest_steps(self.w.ward, at(2026, 2, 1).date(), at(2026, 4, 30).date(), 5)
        self.assertEqual(
            [(s.role, s.finished, s.late, s.average_days) for s in steps],
            [("Chuyên viên thụ lý", 2, 1, D("1.19")), ("Lãnh đạo UBND cấp xã", 1, 0, D("0.75"))],
        )
        self.assertEqual(str(steps[0].late_pct), "50.0")
        city = leader_dashboard(self.w.city, now=at(2026, 4, 10, 9)).slow_steps
        self.assertEqual(
            [(s.unit, s.average_days) for s in city],
            [(self.w.ward.name, D("1.19")), (self.w.other_ward.name, D("1.00")),
             (self.w.ward.name, D("0.75"))],
        )  # fmt: skip

    def test_the_dashboard_shows_the_steps_table_and_chart(self):
        self.client.force_login(self.w.leader)
        with clock.frozen(at(2026, 4, 10, 9)):
            response = self.client.get(f"/chi-so/{self.w.ward.pk}/")
        self.assertContains(response, "Bước xử lý mất nhiều thời gian nhất")
        _title, _headers, rows = response.context["sections"]["steps"]
        self.assertEqual(rows[0][2:], [2, 1, D("50.0"), D("1.19")])
