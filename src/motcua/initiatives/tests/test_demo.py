"""The demo loader: initiatives, a council, a replicated model whose effect can be measured."""

from __future__ import annotations

import tempfile

from django.test import TestCase, override_settings

from motcua.catalog.demo import load_demo_procedures
from motcua.demo.initiatives import MODEL_TITLE, load_demo_initiatives
from motcua.demo.staff import load_demo_staff
from motcua.initiatives.constants import Measure, ModelStatus
from motcua.initiatives.effect import model_effect
from motcua.initiatives.models import (
    Council,
    HistoricalFigure,
    Initiative,
    ReformModel,
    Replication,
)
from motcua.initiatives.selectors import model_detail, recognised_initiatives, replicated_models
from motcua.org.demo import load_demo_units

ACTOR = "motcua seed demo"


class DemoTests(TestCase):
    def test_loads_once_and_the_model_effect_is_measurable(self) -> None:
        with tempfile.TemporaryDirectory() as tmp, override_settings(DATA_DIR=tmp):
            units = load_demo_units(ACTOR)
            load_demo_procedures(ACTOR)
            load_demo_staff(actor=ACTOR, units=units)
            first = load_demo_initiatives(actor=ACTOR, units=units)
            counts = [
                m.objects.count()
                for m in (Initiative, Council, ReformModel, Replication, HistoricalFigure)
            ]
            second = load_demo_initiatives(actor=ACTOR, units=units)
        self.assertTrue(first["lines"])
        self.assertEqual(second["lines"], [])
        self.assertEqual(
            [
                m.objects.count()
                for m in (Initiative, Council, ReformModel, Replication, HistoricalFigure)
            ],
            counts,
        )
        self.assertEqual(counts[:4], [3, 2, 2, 2])
        model = ReformModel.objects.get(title=MODEL_TITLE)
        self.assertEqual(model.status, ModelStatus.REPLICATED)
        initiative = Initiative.objects.get(recognition__isnull=False)
        year = initiative.recognition.decided_on.year
        self.assertEqual(recognised_initiatives(units["can-tho"], year), 1)
        self.assertEqual(recognised_initiatives(units["ninh-kieu"], year), 0)
        adopted = model.replications.get(unit=units["ninh-kieu"]).adopted_on.year
        self.assertEqual(replicated_models(units["ninh-kieu"], adopted), 1)
        self.assertEqual(replicated_models(units["cai-khe"], adopted), 0)
        detail = model_detail(model.pk)
        assert detail is not None
        effect = {e.measure: e for e in model_effect(detail).estimates}
        on_time = effect[Measure.ON_TIME]
        self.assertTrue(on_time.verdict.startswith("nâng tỷ lệ đúng hạn"), on_time.verdict)
        assert on_time.ci_low is not None
        self.assertTrue(on_time.ci_low < 9 < on_time.ci_high, on_time)
        self.assertFalse(on_time.pretrend_flag, (on_time.pretrend_p, on_time.leads, on_time))
        days = effect[Measure.WORKING_DAYS]
        self.assertTrue(days.verdict.startswith("rút ngắn"), days.verdict)
        self.assertTrue(effect[Measure.SATISFACTION].verdict.startswith("nâng tỷ lệ hài lòng"))
