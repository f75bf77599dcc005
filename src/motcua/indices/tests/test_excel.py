"""The indices' workbooks: decimals as numbers, names as text even when they look like formulas."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.test import SimpleTestCase
from openpyxl import load_workbook

from motcua.indices.excel import workbook_bytes


class WorkbookTests(SimpleTestCase):
    def test_names_stay_text_and_decimals_are_numbers(self):
        content = workbook_bytes([("Đơn vị", ["Tên", "Điểm"], [["=1+1", Decimal("13.33")]])])
        row = next(load_workbook(BytesIO(content)).active.iter_rows(min_row=2))
        self.assertEqual([(c.value, c.data_type) for c in row], [("=1+1", "s"), (13.33, "n")])
