"""External index results imported all-or-nothing, and figures entered with their evidence."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from openpyxl import Workbook

from motcua.core.errors import ApplicationError
from motcua.core.models import AuditEvent
from motcua.indices.external import external_results_import
from motcua.indices.models import EnteredFigure, ExternalResult
from motcua.indices.services import entered_figure_save
from motcua.indices.tests.helpers import World
from motcua.org.models import Role
from motcua.org.services import role_assignment_create

GOOD = (
    "chỉ số,đơn vị,năm,thành phần,điểm,xếp hạng,nguồn\n"
    "par_index,92,2024,,88.5,12,QĐ công bố PAR INDEX 2024\n"
    "PAR INDEX,92,2025,,90.1,7,\n"
    "sipas,H33,2025,,85.02,,\n"
    "papi,Thành phố Cần Thơ,2025,Quản trị điện tử,4.1,,\n"
)


class ExternalImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def test_a_good_file_is_imported(self):
        count = external_results_import(
            actor=self.w.leader, content=GOOD.encode(), filename="kq.csv"
        )
        self.assertEqual(count, 4)
        self.assertEqual(
            list(
                ExternalResult.objects.filter(index="par_index").values_list(
                    "year", "score", "rank"
                )
            ),
            [(2024, Decimal("88.50"), 12), (2025, Decimal("90.10"), 7)],
        )
        self.assertEqual(
            AuditEvent.objects.filter(action="indices.external_results_import").count(), 1
        )
        # Importing again replaces, it does not duplicate.
        external_results_import(actor=self.w.leader, content=GOOD.encode(), filename="kq.csv")
        self.assertEqual(ExternalResult.objects.count(), 4)

    def test_the_rows_are_written_in_one_statement_whatever_their_number(self):
        """Ten rows or forty, new or replacing: the same queries (one upsert for the file)."""
        header = "index,unit,year,component,score\n"

        def rows(n, score):
            return "".join(f"pci,92,2025,Chỉ số {i},{score},\n" for i in range(n))

        def queries(content):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                external_results_import(actor=self.w.leader, content=content, filename="p.csv")
            return [q["sql"] for q in captured.captured_queries]

        few = queries((header + rows(10, 5)).encode())
        many = queries((header + rows(40, 6)).encode())  # 10 replaced, 30 new
        self.assertEqual(len(few), len(many))
        inserts = [sql for sql in many if sql.startswith('INSERT INTO "indices_externalresult"')]
        self.assertEqual(len(inserts), 1)
        self.assertIn("ON CONFLICT", inserts[0])
        self.assertEqual(ExternalResult.objects.count(), 40)
        self.assertEqual(set(ExternalResult.objects.values_list("score", flat=True)), {6})

    def test_errors_name_the_files_rows_even_after_a_blank_line(self):
        bad = GOOD + "\n,,,,,,\npisa,92,2025,,1,,\n"
        with self.assertRaises(ApplicationError) as caught:
            external_results_import(actor=self.w.leader, content=bad.encode(), filename="kq.csv")
        self.assertEqual([e["row"] for e in caught.exception.extra["errors"]], [8])

    def test_every_error_is_listed_and_nothing_is_written(self):
        bad = GOOD + ("pisa,92,2025,,1,,\npci,99999,20x5,,abc,first,\npar_index,92,2024,,70,,\n")
        with self.assertRaises(ApplicationError) as caught:
            external_results_import(actor=self.w.leader, content=bad.encode(), filename="kq.csv")
        errors = caught.exception.extra["errors"]
        self.assertEqual([e["row"] for e in errors], [6, 7, 8])
        self.assertIn("pisa", errors[0]["message"])
        self.assertEqual(errors[1]["message"].count(";"), 3)  # unit, year, score, rank
        self.assertIn("hai lần", errors[2]["message"])
        self.assertEqual(ExternalResult.objects.count(), 0)

    def test_an_excel_file(self):
        book = Workbook()
        sheet = book.active
        sheet.append(["index", "unit", "year", "score", "rank"])
        sheet.append(["pci", "92", 2025, 70.2, 5])
        out = BytesIO()
        book.save(out)
        self.assertEqual(
            external_results_import(
                actor=self.w.leader, content=out.getvalue(), filename="pci.xlsx"
            ),
            1,
        )
        with self.assertRaises(ApplicationError) as caught:
            external_results_import(actor=self.w.leader, content=b"not excel", filename="pci.xlsx")
        self.assertEqual(caught.exception.code, "unreadable")

    def test_the_page_imports_and_shows_the_trend(self):
        reform = self.w._user("cchc", "reform_officer", self.w.city)
        self.client.force_login(reform)
        url = f"/chi-so/{self.w.city.pk}/chi-so-ngoai/"
        response = self.client.post(
            url, {"file": SimpleUploadedFile("kq.csv", (GOOD + "x,92,2025,,1,,\n").encode())}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Dòng 6:", status_code=400)
        self.assertEqual(ExternalResult.objects.count(), 0)
        response = self.client.post(url, {"file": SimpleUploadedFile("kq.csv", GOOD.encode())})
        self.assertRedirects(response, url)
        response = self.client.get(url)
        self.assertContains(response, "<svg", count=2)  # PAR INDEX and SIPAS overall scores
        self.assertContains(response, "88,50")
        # A leader sees the page but may not import.
        self.client.force_login(self.w.leader)
        self.assertEqual(
            self.client.get(f"/chi-so/{self.w.ward.pk}/chi-so-ngoai/").status_code, 200
        )
        response = self.client.post(
            f"/chi-so/{self.w.ward.pk}/chi-so-ngoai/",
            {"file": SimpleUploadedFile("kq.csv", GOOD.encode())},
        )
        self.assertEqual(response.status_code, 403)


class EnteredFigureTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def test_saved_with_evidence_and_audited_then_corrected(self):
        save = dict(
            indicator_code="1.1", unit=self.w.ward, period="2026-Q1", evidence="QĐ 12/QĐ-UBND"
        )
        entered_figure_save(
            actor=self.w.leader, numerator=Decimal(5), denominator=Decimal(8), **save
        )
        entered_figure_save(
            actor=self.w.leader, numerator=Decimal(6), denominator=Decimal(8), **save
        )
        figure = EnteredFigure.objects.get()
        self.assertEqual((figure.numerator, figure.entered_by), (Decimal(6), self.w.leader))
        records = AuditEvent.objects.filter(action="indices.entered_figure_save").order_by("seq")
        self.assertEqual(
            [r.data["before"] for r in records], [None, ["5.00", "8.00", "QĐ 12/QĐ-UBND"]]
        )

    def test_every_problem_is_listed_and_nothing_is_written(self):
        with self.assertRaises(ApplicationError) as caught:
            entered_figure_save(
                actor=self.w.leader, indicator_code="2.1", unit=self.w.ward, period="2026-Q1",
                numerator=Decimal(9), denominator=Decimal(0), evidence="  ",
            )  # fmt: skip
        self.assertEqual(len(caught.exception.extra["errors"]), 4)
        self.assertEqual(EnteredFigure.objects.count(), 0)


__all__ = ["Role", "role_assignment_create"]
