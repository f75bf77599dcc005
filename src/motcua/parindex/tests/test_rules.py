"""Automatic criteria: the registry, the dossier and rating rules, and the lazy outreach ones."""

from __future__ import annotations

import importlib
import sys
import types
from datetime import date
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
    """The rules read plans and progress reports made through the outreach app's services."""

    @classmethod
    def setUpTestData(cls) -> None:
        from motcua.outreach.tests.helpers import World as OutreachWorld

        cls.o = OutreachWorld()

    def test_no_plan_is_not_available_and_no_form_is_zero(self) -> None:
        ward = self.o.ward
        self.assertIsNone(rule_run("plan_issued_on_time", ward, 2026, Decimal("0.5")).points)
        self.assertIsNone(rule_run("plan_completion", ward, 2026, Decimal(1)).points)
        self.assertEqual(rule_run("form_variety", ward, 2026, Decimal("0.5")).points, 0)

    def test_plan_issued_on_time_half_complete_two_forms(self) -> None:
        from motcua.outreach import services as outreach

        o = self.o
        plan = o.plan()
        done = o.activity(plan, period=2, target=2)  # radio, due end of February
        late = o.activity(plan, period=3, target=3, channel="portal")  # due end of March
        o.activity(plan, period=9, target=1, channel="dialogue")  # not due on 10 April
        with clock.frozen(at(2026, 1, 20)):
            outreach.plan_issue(
                actor=o.ward_officer, plan=plan, number="5/KH-UBND", issued_on=clock.localdate()
            )
        with clock.frozen(at(2026, 4, 10)):
            o.report(done, 2, on=date(2026, 2, 10), people=120)
            o.report(late, 1, on=date(2026, 3, 10), views=300)
            # Issued 20 January, by the 31 January deadline: the full 0.5 points.
            issued = rule_run("plan_issued_on_time", o.ward, 2026, Decimal("0.5"))
            # 1 of the 2 activities due by 10 April is done = 50% × 1 point = 0.5.
            completion = rule_run("plan_completion", o.ward, 2026, Decimal(1))
            # Reports on radio and the portal = 2 forms; 0.5 points at 5 → 0.5 × 2/5 = 0.2.
            variety = rule_run("form_variety", o.ward, 2026, Decimal("0.5"))
        self.assertEqual(issued.points, Decimal("0.50"))
        self.assertEqual(completion.points, Decimal("0.50"))
        self.assertIn("50", completion.calculation)
        self.assertEqual(variety.points, Decimal("0.20"))
        # The other ward has no plan: nothing is read across units.
        self.assertIsNone(rule_run("plan_completion", o.other_ward, 2026, Decimal(1)).points)

    def test_a_plan_issued_late_scores_nothing(self) -> None:
        from motcua.outreach import services as outreach

        plan = self.o.plan()
        self.o.activity(plan)
        with clock.frozen(at(2026, 3, 1)):
            outreach.plan_issue(
                actor=self.o.ward_officer,
                plan=plan,
                number="9/KH-UBND",
                issued_on=date(2026, 2, 1),
            )
        result = rule_run("plan_issued_on_time", self.o.ward, 2026, Decimal("0.5"))
        self.assertEqual(result.points, Decimal(0))


@skipIf(not HAS_INITIATIVES, "motcua.initiatives.selectors is not merged yet")
class InitiativeSelectorTests(TestCase):
    """The rules count initiatives and replications recorded through the initiatives app."""

    @classmethod
    def setUpTestData(cls) -> None:
        from motcua.initiatives.tests.helpers import Province

        cls.p = Province()

    def test_recognised_initiative_and_replicated_model(self) -> None:
        from motcua.initiatives import services as initiatives

        p = self.p
        ward, other = p.wards[0], p.wards[1]
        self.assertEqual(rule_run("recognised_initiatives", ward, 2026, Decimal(1)).points, 0)
        self.assertEqual(rule_run("replicated_models", other, 2026, Decimal(1)).points, 0)
        initiative = initiatives.initiative_register(
            actor=p.officer,
            data=initiatives.InitiativeInput(
                title="Số hóa hồ sơ khai sinh tại bộ phận một cửa",
                authors="Nguyễn Văn An",
                unit=ward,
                problem="Người dân phải chờ lâu khi tra cứu hồ sơ giấy.",
                solution="Quét và lập chỉ mục sổ hộ tịch.",
                field="Hộ tịch",
                applied_on=date(2026, 3, 1),
                procedure_codes=["2.000635"],
            ),
        )
        council = initiatives.council_form(
            actor=p.officer,
            initiative=initiative,
            name="Hội đồng sáng kiến cơ sở",
            members=[(f"Thành viên {i}", "Ủy viên") for i in range(3)],
            pass_mark=70,
        )
        for member in council.members.order_by("id"):
            initiatives.council_score(actor=p.officer, member=member, score=80)
        initiatives.council_conclude(actor=p.officer, council=council)
        initiatives.initiative_recognise(
            actor=p.officer,
            initiative=initiative,
            decision_number="125/QĐ-UBND",
            decided_on=date(2026, 6, 1),
            scope="unit",
        )
        model = initiatives.model_create(
            actor=p.officer,
            title="Mô hình một cửa số",
            unit=ward,
            pilot_started_on=date(2026, 1, 5),
        )
        initiatives.model_evaluate(actor=p.officer, model=model, evaluation="Hiệu quả")
        initiatives.model_recognise(
            actor=p.officer,
            model=model,
            decision_number="7/QĐ-UBND",
            decided_on=date(2026, 2, 1),
            scope="unit",
        )
        initiatives.model_replicate(
            actor=p.officer, model=model, unit=other, adopted_on=date(2026, 3, 1)
        )
        # 1 recognised in 2026 in the ward (and so in the city), target 1: full point.
        self.assertEqual(rule_run("recognised_initiatives", ward, 2026, Decimal(1)).points, 1)
        self.assertEqual(rule_run("recognised_initiatives", p.city, 2026, Decimal(1)).points, 1)
        self.assertEqual(rule_run("recognised_initiatives", other, 2026, Decimal(1)).points, 0)
        self.assertEqual(rule_run("recognised_initiatives", ward, 2025, Decimal(1)).points, 0)
        # The model was adopted by the other ward in 2026, not by the piloting ward.
        self.assertEqual(rule_run("replicated_models", other, 2026, Decimal(1)).points, 1)
        self.assertEqual(rule_run("replicated_models", ward, 2026, Decimal(1)).points, 0)
        # Two replications of one model count once; target 2 → 1 point × 1/2 = 0.5.
        initiatives.model_replicate(
            actor=p.officer, model=model, unit=p.wards[2], adopted_on=date(2026, 4, 1)
        )
        with self.settings(MOTCUA_PARINDEX_RULE_TARGETS={"replicated_models": 2}):
            self.assertEqual(
                rule_run("replicated_models", p.city, 2026, Decimal(1)).points, Decimal("0.50")
            )
