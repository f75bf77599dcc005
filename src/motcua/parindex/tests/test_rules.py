"""Automatic criteria: the registry, the dossier and rating rules, and the lazy outreach ones."""

from __future__ import annotations

import importlib
import sys
import types
from decimal import Decimal
from unittest import skipIf

from django.test import TestCase

from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.dossiers.tests.helpers import at
from motcua.feedback.services import evaluation_submit
from motcua.feedback.tests.helpers import returned
from motcua.indices.rollups import rollups_refresh
from motcua.indices.tests.helpers import dossier
from motcua.parindex.models import Score
from motcua.parindex.rules import RULES, rule_run
from motcua.parindex.services import assessment_refresh, assessment_score, assessment_start
from motcua.parindex.tests.helpers import ParWorld


def _has(module: str, name: str) -> bool:
    try:
        return callable(getattr(importlib.import_module(module), name, None))
    except ImportError:
        return False


OUTREACH = "motcua.outreach.selectors"
INITIATIVES = "motcua.initiatives.selectors"
HAS_OUTREACH = all(
    _has(OUTREACH, n) for n in ("plan_issued_on_time", "plan_completion", "form_variety")
)
HAS_INITIATIVES = all(_has(INITIATIVES, n) for n in ("recognised_initiatives", "replicated_models"))


class DossierRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = w = ParWorld()
        version = w.pause_version
        # Phường Ngã Bảy, 2026: three finished on time (one received online), one late.
        for day, timeliness, channel in (
            (2, "early", "online"),
            (3, "on_time", "counter"),
            (4, "on_time", "counter"),
            (5, "late", "counter"),
        ):
            dossier(
                w.ward,
                version,
                received=at(2026, 3, day),
                due=at(2026, 3, day + 5, 17),
                finished=at(2026, 3, day + (9 if timeliness == "late" else 1)),
                timeliness=timeliness,
                channel=channel,
            )
        rollups_refresh()

    def test_every_rule_named_by_the_issue_is_registered(self) -> None:
        self.assertLessEqual(
            {
                "on_time_rate",
                "online_share",
                "satisfaction",
                "plan_issued_on_time",
                "plan_completion",
                "form_variety",
                "recognised_initiatives",
                "replicated_models",
            },
            set(RULES),
        )

    def test_on_time_rate_is_proportional_with_its_calculation(self) -> None:
        result = rule_run("on_time_rate", self.w.ward, 2026, Decimal(3))
        self.assertEqual(result.points, Decimal("2.25"))  # 3 of 4 × 3 points
        self.assertIn("3", result.calculation)
        self.assertIn("75", result.calculation)
        self.assertEqual(
            result.evidence[0]["url"], f"/chi-so/{self.w.ward.pk}/chi-so-phuc-vu/?period=2026"
        )

    def test_online_share_reaches_full_points_at_the_target(self) -> None:
        result = rule_run("online_share", self.w.ward, 2026, Decimal(2))
        self.assertEqual(result.points, Decimal("1.00"))  # 25 % of a 50 % target × 2 points
        with self.settings(MOTCUA_PARINDEX_RULE_TARGETS={"online_share": 25}):
            self.assertEqual(rule_run("online_share", self.w.ward, 2026, Decimal(2)).points, 2)

    def test_a_year_without_dossiers_is_not_available(self) -> None:
        result = rule_run("on_time_rate", self.w.ward, 2024, Decimal(3))
        self.assertIsNone(result.points)
        self.assertFalse(result.available)

    def test_unknown_code_is_not_available(self) -> None:
        self.assertIsNone(rule_run("khong_co", self.w.ward, 2026, Decimal(1)).points)

    def test_assessment_scores_automatic_rows_and_refuses_typing_them(self) -> None:
        self.w.sample()
        assessment = assessment_start(unit=self.w.ward, year=2026, actor=self.w.ward_officer)
        row = Score.objects.select_related("sub_criterion").get(
            assessment=assessment, sub_criterion__code="3.1.1"
        )
        self.assertTrue(row.automatic)
        self.assertEqual(row.self_points, Decimal("2.25"))
        self.assertTrue(row.evidence_links)
        with self.assertRaises(ApplicationError) as caught:
            assessment_score(
                assessment=assessment,
                sub_criterion_id=row.sub_criterion_id,
                points="3",
                actor=self.w.ward_officer,
            )
        self.assertEqual(caught.exception.code, "automatic_row")
        # A note and evidence may still be added; the points stay the computed ones.
        kept = assessment_score(
            assessment=assessment,
            sub_criterion_id=row.sub_criterion_id,
            points="",
            note="Số liệu từ hệ thống",
            actor=self.w.ward_officer,
        )
        self.assertEqual(kept.self_points, Decimal("2.25"))
        # More data, refreshed: the row follows.
        dossier(
            self.w.ward,
            self.w.pause_version,
            received=at(2026, 4, 1),
            due=at(2026, 4, 6, 17),
            finished=at(2026, 4, 2),
            timeliness="early",
        )
        rollups_refresh()
        assessment_refresh(assessment=assessment, actor=self.w.ward_officer)
        row.refresh_from_db()
        self.assertEqual(row.self_points, Decimal("2.40"))  # 4 of 5 × 3


class SatisfactionRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = ParWorld()
        for day, level in ((2, "very_satisfied"), (3, "satisfied"), (4, "dissatisfied")):
            d = returned(cls.w, day)
            with clock.frozen(at(2026, 3, day, 15)):
                evaluation_submit(dossier=d, channel="kiosk", level=level, scores=None, actor=None)

    def test_share_of_satisfied_ratings(self) -> None:
        result = rule_run("satisfaction", self.w.ward, 2026, Decimal(2))
        self.assertEqual(result.points, Decimal("1.33"))  # 2 of 3 × 2 points
        self.assertIsNone(rule_run("satisfaction", self.w.ward, 2025, Decimal(2)).points)


class LazyRuleTests(TestCase):
    """The outreach and initiatives apps are read lazily; missing means "not available"."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = ParWorld()

    def fake(self, name: str, **funcs: object) -> None:
        module = types.ModuleType(name)
        for key, value in funcs.items():
            setattr(module, key, value)
        previous = sys.modules.get(name)
        sys.modules[name] = module
        self.addCleanup(
            lambda: (
                sys.modules.__setitem__(name, previous)
                if previous is not None
                else sys.modules.pop(name, None)
            )
        )

    def test_a_module_without_the_selector_is_not_available(self) -> None:
        self.fake(OUTREACH)
        self.fake(INITIATIVES)
        for code in (
            "plan_issued_on_time",
            "plan_completion",
            "form_variety",
            "recognised_initiatives",
            "replicated_models",
        ):
            with self.subTest(code=code):
                result = rule_run(code, self.w.ward, 2026, Decimal(1))
                self.assertIsNone(result.points)
                self.assertTrue(result.calculation)

    def test_selectors_are_scored_with_the_targets(self) -> None:
        self.fake(
            OUTREACH,
            plan_issued_on_time=lambda unit, year: year == 2026,
            plan_completion=lambda unit, year: Decimal("80") if year == 2026 else None,
            form_variety=lambda unit, year: 3,
        )
        self.fake(
            INITIATIVES,
            recognised_initiatives=lambda unit, year: 2,
            replicated_models=lambda unit, year: 0,
        )
        ward = self.w.ward
        self.assertEqual(
            rule_run("plan_issued_on_time", ward, 2026, Decimal("0.5")).points, Decimal("0.5")
        )
        self.assertEqual(rule_run("plan_issued_on_time", ward, 2025, Decimal("0.5")).points, 0)
        self.assertEqual(
            rule_run("plan_completion", ward, 2026, Decimal(1)).points, Decimal("0.80")
        )
        self.assertIsNone(rule_run("plan_completion", ward, 2025, Decimal(1)).points)
        self.assertEqual(rule_run("form_variety", ward, 2026, Decimal(1)).points, Decimal("0.60"))
        self.assertEqual(rule_run("recognised_initiatives", ward, 2026, Decimal(1)).points, 1)
        self.assertEqual(rule_run("replicated_models", ward, 2026, Decimal(1)).points, 0)


@skipIf(not HAS_OUTREACH, "motcua.outreach.selectors is not merged yet")
class OutreachSelectorTests(TestCase):
    """The real outreach selectors (un-skipped once the outreach app provides them)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = ParWorld()

    def test_rules_follow_the_selectors(self) -> None:
        module = importlib.import_module(OUTREACH)
        completion = module.plan_completion(self.w.ward, 2026)
        result = rule_run("plan_completion", self.w.ward, 2026, Decimal(1))
        if completion is None:
            self.assertIsNone(result.points)
        else:
            self.assertEqual(
                result.points,
                (min(Decimal(str(completion)), Decimal(100)) / 100).quantize(Decimal("0.01")),
            )
        forms = module.form_variety(self.w.ward, 2026)
        self.assertEqual(
            rule_run("form_variety", self.w.ward, 2026, Decimal(5)).points,
            Decimal(min(int(forms), 5)).quantize(Decimal("0.01")),
        )


@skipIf(not HAS_INITIATIVES, "motcua.initiatives.selectors is not merged yet")
class InitiativeSelectorTests(TestCase):
    """The real initiatives selectors (un-skipped once the initiatives app provides them)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = ParWorld()

    def test_rules_follow_the_selectors(self) -> None:
        module = importlib.import_module(INITIATIVES)
        for code in ("recognised_initiatives", "replicated_models"):
            count = int(getattr(module, code)(self.w.ward, 2026))
            self.assertEqual(
                rule_run(code, self.w.ward, 2026, Decimal(1)).points, Decimal(min(count, 1))
            )
