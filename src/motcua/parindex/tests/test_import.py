"""Importing and exporting PAR INDEX definitions."""

from __future__ import annotations

from decimal import Decimal

from django.test import TestCase

from motcua.core.audit import audit_verify
from motcua.core.errors import ApplicationError, PermissionDeniedError
from motcua.parindex.excel import export_definition
from motcua.parindex.models import Area, Definition, SubCriterion
from motcua.parindex.sample import INFO, TREE, sample_bytes, sample_workbook
from motcua.parindex.services import assessment_start, definition_for, definition_import
from motcua.parindex.tests.helpers import ParWorld, workbook


class DefinitionImportTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = ParWorld()

    def test_sample_fixture_imports_the_whole_tree(self) -> None:
        definition = definition_import(data=sample_bytes(), actor=self.w.admin)
        self.assertEqual((definition.year, definition.level), (2026, "commune"))
        subs = SubCriterion.objects.filter(criterion__area__definition=definition)
        self.assertEqual(subs.count(), sum(1 for row in TREE if row[0].count(".") == 2))
        self.assertEqual(Area.objects.filter(definition=definition).count(), 8)
        expected = sum(row[2] for row in TREE if row[2] is not None)
        self.assertEqual(sum(s.max_points for s in subs), expected)
        self.assertEqual(subs.get(code="3.1.1").rule_code, "on_time_rate")
        self.assertEqual(definition.survey_max_points, Decimal(20))

    def test_fixture_is_the_output_of_the_sample_builder(self) -> None:
        first = definition_import(data=sample_bytes(), actor=self.w.admin)
        tree = [
            (s.code, s.max_points, s.rule_code)
            for s in SubCriterion.objects.filter(criterion__area__definition=first)
        ]
        second = definition_import(data=sample_workbook(), actor=self.w.admin)
        again = [
            (s.code, s.max_points, s.rule_code)
            for s in SubCriterion.objects.filter(criterion__area__definition=second)
        ]
        self.assertEqual(tree, again)

    def test_export_imports_back_unchanged(self) -> None:
        definition = definition_import(data=sample_bytes(), actor=self.w.admin)
        rows = list(
            SubCriterion.objects.filter(criterion__area__definition=definition).values_list(
                "code", "name", "max_points", "scoring_guide", "evidence_required", "rule_code"
            )
        )
        again = definition_import(data=export_definition(definition), actor=self.w.admin)
        self.assertEqual(Definition.objects.count(), 1)
        self.assertEqual(
            rows,
            list(
                SubCriterion.objects.filter(criterion__area__definition=again).values_list(
                    "code", "name", "max_points", "scoring_guide", "evidence_required", "rule_code"
                )
            ),
        )

    def test_every_row_error_is_listed_and_nothing_is_imported(self) -> None:
        tree = [
            ["1", "Chỉ đạo điều hành", 5, None, None, None],
            ["1.1", "Kế hoạch", None, None, None, None],
            ["1.1.1", "Ban hành kế hoạch", None, None, None, None],
            ["1.1.2", "Quá điểm", 150, None, None, None],
            ["1.1.3", "Quy tắc lạ", 1, None, None, "khong_co"],
            ["1.1.3", "Trùng mã", 1, None, None, None],
            ["2.1.1", "Không có cha", 1, None, None, None],
            ["a.b", "Mã sai", 1, None, None, None],
            ["3", "Lĩnh vực trống", None, None, None, None],
        ]
        with self.assertRaises(ApplicationError) as caught:
            definition_import(data=workbook(tree=tree), actor=self.w.admin)
        errors = caught.exception.extra["errors"]
        self.assertEqual(
            [(e["row"], e["column"]) for e in errors],
            [(2, "C"), (4, "C"), (5, "C"), (6, "F"), (7, "A"), (8, "A"), (9, "A"), (10, "A")],
        )
        self.assertIn("Trang “Tiêu chí”, dòng 5, cột C", caught.exception.extra["lines"][2])
        self.assertFalse(Definition.objects.exists())
        self.assertFalse(SubCriterion.objects.exists())

    def test_info_errors_are_listed(self) -> None:
        with self.assertRaises(ApplicationError) as caught:
            definition_import(
                data=workbook(info=[1999, "huyện", "Tên", "", 200]), actor=self.w.admin
            )
        self.assertEqual([e["column"] for e in caught.exception.extra["errors"]], ["A", "B", "E"])
        self.assertFalse(Definition.objects.exists())

    def test_a_province_issued_index_wins_over_the_deployment_one(self) -> None:
        general = self.w.sample()
        info = list(INFO)
        issued = definition_import(
            data=workbook(info=[*info[:2], "Bộ chỉ số của Cần Thơ", info[3], info[4], "92"]),
            actor=self.w.admin,
        )
        self.assertEqual(issued.issuer, self.w.city)
        self.assertNotEqual(issued.pk, general.pk)
        self.assertEqual(definition_for(self.w.ward, 2026), issued)
        assessment = assessment_start(unit=self.w.ward, year=2026, actor=self.w.ward_officer)
        self.assertEqual(assessment.definition, issued)
        with self.assertRaises(ApplicationError) as caught:
            definition_import(
                data=workbook(info=[*info[:2], "Bộ chỉ số", info[3], info[4], "99999"]),
                actor=self.w.admin,
            )
        self.assertEqual(caught.exception.extra["errors"][0]["column"], "F")

    def test_missing_sheet_and_unreadable_file(self) -> None:
        with self.assertRaises(ApplicationError) as caught:
            definition_import(data=b"not a workbook", actor=self.w.admin)
        self.assertEqual(caught.exception.code, "invalid_workbook")

    def test_dry_run_writes_nothing(self) -> None:
        definition_import(data=sample_bytes(), actor=self.w.admin, dry_run=True)
        self.assertFalse(Definition.objects.exists())

    def test_only_an_administrator_imports(self) -> None:
        with self.assertRaises(PermissionDeniedError):
            definition_import(data=sample_bytes(), actor=self.w.city_officer)
        self.assertFalse(Definition.objects.exists())

    def test_a_definition_in_use_is_not_replaced(self) -> None:
        definition = self.w.sample()
        assessment_start(unit=self.w.ward, year=2026, actor=self.w.ward_officer)
        with self.assertRaises(ApplicationError) as caught:
            definition_import(data=sample_bytes(), actor=self.w.admin)
        error = caught.exception.extra["errors"][0]
        self.assertEqual((error["sheet"], error["row"]), ("Bộ chỉ số", None))
        self.assertEqual(Definition.objects.get().pk, definition.pk)

    def test_import_is_audited(self) -> None:
        definition = self.w.sample()
        self.assertEqual(audit_verify(), [])
        from motcua.core.models import AuditEvent

        self.assertTrue(
            AuditEvent.objects.filter(
                action="parindex.definition_import", object_id=str(definition.pk)
            ).exists()
        )
