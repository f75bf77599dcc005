import subprocess
import sys
from collections import Counter

from django.test import TestCase

from motcua.catalog.demo import load_demo_procedures
from motcua.catalog.models import Procedure, ProcedureVersion, WorkflowStep
from motcua.catalog.tests.factories import make_roles
from motcua.core.models import AuditEvent
from motcua.org.demo import load_demo_units


class DemoProcedureTests(TestCase):
    def setUp(self):
        make_roles()
        # The household-business procedure names the demo tax office as its coordinating agency.
        load_demo_units("demo")

    def test_loads_about_thirty_illustrative_procedures_once(self):
        created = load_demo_procedures("demo")
        self.assertEqual(created, 31)
        self.assertEqual(Procedure.objects.filter(is_illustrative=True).count(), 31)
        events = AuditEvent.objects.count()
        self.assertEqual(load_demo_procedures("demo"), 0)
        tax_step = WorkflowStep.objects.get(
            version__procedure__code="1.001612", is_inter_agency=True
        )
        assert tax_step.unit is not None
        self.assertEqual(tax_step.unit.agency_code, "H33.90")
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_the_demo_covers_the_common_cases(self):
        load_demo_procedures("demo")
        versions = ProcedureVersion.objects.all()
        for code in ("1.001193", "2.000635", "2.000815"):
            self.assertTrue(versions.filter(procedure__code=code).exists(), code)
        self.assertEqual(
            {
                "same_day": versions.filter(time_limit_unit="same_day").count(),
                "15_calendar_days": versions.filter(
                    time_limit_unit="calendar_days", time_limit_amount=15
                ).count(),
                "working_hours": versions.filter(time_limit_unit="working_hours").count(),
                "no_fee": versions.filter(fees__isnull=True).count(),
                "restart": versions.filter(supplement_policy="restart").count(),
                "inter_agency": WorkflowStep.objects.filter(is_inter_agency=True)
                .values("version")
                .distinct()
                .count(),
            },
            {
                "same_day": 6,
                "15_calendar_days": 1,
                "working_hours": 1,
                "no_fee": 14,
                "restart": 5,
                "inter_agency": 4,
            },
        )
        # The supplement window: 15 working days, none for the certifications.
        self.assertEqual(
            set(
                versions.filter(field__code="certification").values_list(
                    "supplement_window_days", flat=True
                )
            ),
            {None},
        )
        self.assertEqual(
            set(
                versions.exclude(field__code="certification").values_list(
                    "supplement_window_days", flat=True
                )
            ),
            {15},
        )
        steps = Counter(len(v.steps.all()) for v in versions.prefetch_related("steps"))
        self.assertEqual(dict(steps), {4: 26, 5: 5})  # 31 procedures of 4 or 5 steps
        self.assertFalse(versions.filter(documents__isnull=True).exists())

    def test_the_data_module_does_not_import_django(self):
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys, motcua.catalog.demo_data as p; print('django' in sys.modules, "
                "len(p.PROCEDURES))",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(done.stdout.split(), ["False", "31"], done.stderr)
