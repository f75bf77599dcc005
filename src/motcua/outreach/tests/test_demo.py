"""The demo loader: a plan with activities in every state, articles and a leaflet, once."""

from __future__ import annotations

import tempfile

from django.test import TestCase, override_settings

from motcua.core import clock
from motcua.demo.outreach import load_demo_outreach
from motcua.demo.staff import load_demo_staff
from motcua.org.demo import load_demo_units
from motcua.outreach.models import Activity, Article, Material, Plan, ProgressReport
from motcua.outreach.selectors import activity_rows
from motcua.outreach.tests.helpers import at


class DemoLoaderTests(TestCase):
    def test_every_state_once(self) -> None:
        self.enterContext(
            override_settings(DATA_DIR=self.enterContext(tempfile.TemporaryDirectory()))
        )
        with clock.frozen(at(2026, 12, 3, 10)):
            units = load_demo_units("test")
            load_demo_staff(actor="test", units=units)
            first = load_demo_outreach(actor="test", units=units)
            counts = [
                m.objects.count() for m in (Plan, Activity, ProgressReport, Article, Material)
            ]
            second = load_demo_outreach(actor="test", units=units)
            states = {row.state for row in activity_rows(Activity.objects.all())}
        self.assertEqual(len(first["lines"]), 3)
        self.assertEqual(second["lines"], [])
        self.assertEqual(
            [m.objects.count() for m in (Plan, Activity, ProgressReport, Article, Material)], counts
        )
        self.assertEqual(states, {"done", "in_progress", "overdue", "not_started"})
        self.assertEqual(Plan.objects.filter(unit=units["can-tho"], year=2026).count(), 1)
        self.assertEqual(Article.objects.filter(publish_at__gt=at(2026, 12, 3, 10)).count(), 1)
        self.assertTrue(Material.objects.filter(kind="leaflet").exclude(link="").exists())
