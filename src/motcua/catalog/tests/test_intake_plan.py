"""The intake plan of a version is cached per process and dropped when the catalogue changes."""

from datetime import date

from django.test import TestCase

from motcua.catalog import services
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.selectors import procedure_intake_plan, procedure_version_in_force
from motcua.catalog.tests.factories import ACTOR, content, make_procedure


class IntakePlanTests(TestCase):
    procedure: Procedure
    version: ProcedureVersion

    @classmethod
    def setUpTestData(cls):
        cls.procedure = make_procedure("1.001193")
        cls.version = cls.procedure.versions.get()

    def test_plan_lists_documents_fees_and_steps_with_budgets_in_seconds(self):
        plan = procedure_intake_plan(self.version)
        self.assertEqual(
            [d.name for d in plan.documents], ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
        )
        self.assertEqual(plan.fee_total, 50000)
        self.assertEqual(
            [(s.order, s.budget_seconds) for s in plan.steps],
            [(1, 14400), (2, 43200), (3, 14400), (4, 14400)],
        )

    def test_plan_and_version_are_cached_until_the_catalogue_changes(self):
        procedure_intake_plan(self.version)
        procedure_version_in_force("1.001193", date(2026, 3, 2))
        with self.assertNumQueries(0):
            procedure_intake_plan(self.version)
            self.assertEqual(procedure_version_in_force("1.001193", date(2026, 3, 2)), self.version)
        services.procedure_version_create(
            actor=ACTOR,
            procedure=self.procedure,
            effective_from=date(2099, 1, 1),
            content=content(name="Đăng ký khai sinh (sửa đổi)"),
        )
        with self.assertNumQueries(1):
            procedure_version_in_force("1.001193", date(2026, 3, 2))
