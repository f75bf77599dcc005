"""The feedback exports keep what citizens typed as text: a leading "=" is not a formula."""

from __future__ import annotations

from io import BytesIO

from django.test import SimpleTestCase
from openpyxl import load_workbook

from motcua.feedback.excel import workbook


class ExportTextTests(SimpleTestCase):
    def test_a_formula_typed_by_a_citizen_stays_text(self):
        content = workbook([("PAKN", ["Tiêu đề", "Số"], [['=HYPERLINK("x")', 3], ["Chờ lâu", 1]])])
        rows = list(load_workbook(BytesIO(content)).active.iter_rows(min_row=2))
        self.assertEqual(
            [(c.value, c.data_type) for c in rows[0]], [('=HYPERLINK("x")', "s"), (3, "n")]
        )
        self.assertEqual(rows[1][0].value, "Chờ lâu")
