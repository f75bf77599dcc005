"""The demo loader: the sample indices, a draft for the city, an appraised ward; idempotent."""

from __future__ import annotations

import tempfile

from django.test import TestCase, override_settings

from motcua.core.audit import audit_verify
from motcua.core.models import AuditEvent
from motcua.demo.parindex import load_demo_parindex
from motcua.demo.staff import load_demo_staff
from motcua.org.demo import load_demo_units
from motcua.parindex.models import Assessment, Definition, Evidence, Score
from motcua.parindex.selectors import ranking


class DemoTests(TestCase):
    def setUp(self) -> None:
        tmp = self.enterContext(tempfile.TemporaryDirectory())
        self.enterContext(override_settings(DATA_DIR=tmp))

    def test_demo_is_loaded_once(self) -> None:
        units = load_demo_units("test")
        load_demo_staff(actor="test", units=units)
        result = load_demo_parindex(actor="test", units=units)
        self.assertTrue(all(line for line in result["lines"]))
        self.assertEqual(
            sorted(Definition.objects.values_list("level", flat=True)), ["commune", "province"]
        )
        ward = Assessment.objects.get(unit=units["nga-bay"])
        city = Assessment.objects.get(unit=units["can-tho"])
        self.assertEqual((ward.status, city.status), ("appraised", "draft"))
        self.assertEqual(
            (ward.submitted_by.username, ward.appraised_by.username), ("cchc.ngabay", "cchc.cantho")
        )
        self.assertEqual(
            Score.objects.filter(
                assessment=city, automatic=False, self_points__isnull=False
            ).count(),
            3,
        )
        commune = Definition.objects.get(level="commune")
        self.assertEqual([r.assessment.pk for r in ranking(commune)], [ward.pk])
        counts = (AuditEvent.objects.count(), Score.objects.count(), Evidence.objects.count())
        load_demo_parindex(actor="test", units=units)
        self.assertEqual(
            (AuditEvent.objects.count(), Score.objects.count(), Evidence.objects.count()), counts
        )
        self.assertEqual(audit_verify(), [])
