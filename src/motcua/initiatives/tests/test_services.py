"""Initiatives, councils, recognitions and the model lifecycle, through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.test import TestCase

from motcua.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from motcua.core.models import AuditEvent
from motcua.initiatives import lifecycle, selectors, services
from motcua.initiatives.constants import InitiativeStatus, ModelAction, ModelStatus
from motcua.initiatives.models import (
    Council,
    Initiative,
    ModelTransition,
    ReformModel,
    Replication,
)
from motcua.initiatives.tests.helpers import Province


def register(p: Province, **overrides: object) -> Initiative:
    data = {
        "title": "Số hóa hồ sơ khai sinh tại bộ phận một cửa",
        "authors": "Nguyễn Văn An, Lê Thị Bình",
        "unit": p.wards[0],
        "problem": "Người dân phải chờ lâu khi tra cứu hồ sơ giấy.",
        "solution": "Quét và lập chỉ mục toàn bộ sổ hộ tịch.",
        "field": "Hộ tịch",
        "applied_on": date(2026, 3, 1),
        "procedure_codes": ["2.000635"],
    }
    data.update(overrides)
    return services.initiative_register(
        actor=p.officer,
        data=services.InitiativeInput(**data),  # type: ignore[arg-type]
    )


class InitiativeReviewTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.p = Province()

    def test_register_writes_one_audit_record_and_links_procedures(self) -> None:
        initiative = register(self.p)
        self.assertEqual(initiative.status, InitiativeStatus.REGISTERED)
        self.assertEqual([x.code for x in initiative.procedures.all()], ["2.000635"])
        self.assertEqual(
            AuditEvent.objects.filter(
                action="initiatives.initiative.register", object_id=str(initiative.pk)
            ).count(),
            1,
        )

    def test_bad_input_is_refused_and_nothing_written(self) -> None:
        with self.assertRaises(ApplicationError) as caught:
            register(self.p, procedure_codes=["9.999999"])
        self.assertIn("9.999999", caught.exception.message)
        with self.assertRaises(ApplicationError):
            register(self.p, title="   ")
        self.assertEqual(Initiative.objects.count(), 0)

    def test_only_reform_officers_of_the_unit_register(self) -> None:
        with self.assertRaises(PermissionDeniedError):
            services.initiative_register(
                actor=self.p.clerk,
                data=services.InitiativeInput(
                    title="X", authors="Y", unit=self.p.wards[0], problem="a", solution="b"
                ),
            )
        with self.assertRaises(PermissionDeniedError):
            services.initiative_register(
                actor=self.p.ward_officer,
                data=services.InitiativeInput(
                    title="X", authors="Y", unit=self.p.wards[1], problem="a", solution="b"
                ),
            )

    def _council(self, initiative: Initiative, scores: list[int]) -> Council:
        council = services.council_form(
            actor=self.p.officer,
            initiative=initiative,
            name="Hội đồng sáng kiến cơ sở phường Số 1",
            members=[(f"Thành viên {i}", "Ủy viên") for i in range(len(scores))],
            pass_mark=70,
        )
        for member, score in zip(council.members.order_by("id"), scores, strict=True):
            services.council_score(actor=self.p.officer, member=member, score=score)
        return council

    def test_council_mean_against_pass_mark_then_recognition(self) -> None:
        initiative = register(self.p)
        council = self._council(initiative, [80, 65, 75])
        concluded = services.council_conclude(actor=self.p.officer, council=council)
        self.assertEqual(concluded.mean_score, Decimal("73.33"))
        self.assertTrue(concluded.passed)
        initiative.refresh_from_db()
        self.assertEqual(initiative.status, InitiativeStatus.PASSED)
        services.initiative_recognise(
            actor=self.p.officer,
            initiative=initiative,
            decision_number="125/QĐ-UBND",
            decided_on=date(2026, 6, 1),
            scope="unit",
        )
        initiative.refresh_from_db()
        self.assertEqual(initiative.status, InitiativeStatus.RECOGNISED)
        self.assertEqual(selectors.recognised_initiatives(self.p.city, 2026), 1)
        self.assertEqual(selectors.recognised_initiatives(self.p.wards[0], 2026), 1)
        self.assertEqual(selectors.recognised_initiatives(self.p.wards[1], 2026), 0)
        self.assertEqual(selectors.recognised_initiatives(self.p.city, 2025), 0)

    def test_a_failed_council_blocks_recognition(self) -> None:
        initiative = register(self.p)
        council = self._council(initiative, [60, 65, 70])
        concluded = services.council_conclude(actor=self.p.officer, council=council)
        self.assertFalse(concluded.passed)
        with self.assertRaises(ConflictError):
            services.initiative_recognise(
                actor=self.p.officer,
                initiative=initiative,
                decision_number="1/QĐ",
                decided_on=date(2026, 6, 1),
                scope="unit",
            )

    def test_council_refuses_bad_scores_and_unscored_conclusion(self) -> None:
        initiative = register(self.p)
        council = services.council_form(
            actor=self.p.officer,
            initiative=initiative,
            name="Hội đồng",
            members=[("A", ""), ("B", ""), ("C", "")],
        )
        member = council.members.first()
        assert member is not None
        for bad in ("abc", "101", "-1", "NaN"):
            with self.assertRaises(ApplicationError):
                services.council_score(actor=self.p.officer, member=member, score=bad)
        with self.assertRaises(ApplicationError) as caught:
            services.council_conclude(actor=self.p.officer, council=council)
        self.assertEqual(caught.exception.code, "unscored")


class ModelLifecycleTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.p = Province()

    def _model(self) -> ReformModel:
        return services.model_create(
            actor=self.p.officer,
            title="Một cửa không giấy",
            unit=self.p.wards[0],
            pilot_started_on=date(2025, 9, 1),
            procedure_codes=["2.000635"],
        )

    def test_transition_table_and_may(self) -> None:
        model = self._model()
        self.assertEqual(lifecycle.actions_for(model, self.p.officer), ["evaluate", "reject"])
        self.assertFalse(lifecycle.may(ModelAction.REPLICATE, model, self.p.officer))
        self.assertFalse(lifecycle.may(ModelAction.EVALUATE, model, self.p.clerk))
        self.assertFalse(lifecycle.may("fly", model, self.p.officer))

    def test_pilot_to_replicated_with_history(self) -> None:
        model = self._model()
        model = services.model_evaluate(actor=self.p.officer, model=model, evaluation="Tốt")
        with self.assertRaises(ConflictError):
            services.model_replicate(
                actor=self.p.officer, model=model, unit=self.p.wards[1], adopted_on=date(2026, 1, 5)
            )
        services.model_recognise(
            actor=self.p.officer,
            model=model,
            decision_number="45/QĐ-UBND",
            decided_on=date(2026, 1, 2),
            scope="province",
        )
        with self.assertRaises(ApplicationError) as caught:
            services.model_replicate(
                actor=self.p.officer,
                model=model,
                unit=self.p.wards[1],
                adopted_on=date(2025, 12, 1),
            )
        self.assertEqual(caught.exception.code, "before_recognition")
        for ward, day in ((self.p.wards[1], date(2026, 2, 1)), (self.p.wards[2], date(2026, 3, 1))):
            services.model_replicate(actor=self.p.officer, model=model, unit=ward, adopted_on=day)
        with self.assertRaises(ConflictError):
            services.model_replicate(
                actor=self.p.officer, model=model, unit=self.p.wards[2], adopted_on=date(2026, 4, 1)
            )
        model.refresh_from_db()
        self.assertEqual(model.status, ModelStatus.REPLICATED)
        self.assertEqual(Replication.objects.filter(model=model).count(), 2)
        self.assertEqual(
            list(ModelTransition.objects.filter(model=model).values_list("to_status", flat=True)),
            ["evaluated", "recognised", "replicated", "replicated"],
        )
        self.assertEqual(
            AuditEvent.objects.filter(
                object_id=str(model.pk), action__startswith="initiatives.model."
            ).count(),
            5,
        )
        self.assertEqual(selectors.replicated_models(self.p.city, 2026), 1)
        self.assertEqual(selectors.replicated_models(self.p.wards[1], 2026), 1)
        self.assertEqual(selectors.replicated_models(self.p.wards[0], 2026), 0)
        self.assertEqual(selectors.replicated_models(self.p.city, 2025), 0)

    def test_rejected_model_cannot_be_recognised(self) -> None:
        model = self._model()
        services.model_reject(actor=self.p.officer, model=model, reason="Không hiệu quả")
        with self.assertRaises(ConflictError):
            services.model_recognise(
                actor=self.p.officer,
                model=model,
                decision_number="1/QĐ",
                decided_on=date(2026, 1, 2),
                scope="unit",
            )
