"""The shared spreadsheet import machinery: headers, typed cells, errors, all or nothing."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from unittest import mock

from django.contrib.auth.models import Group
from django.test import SimpleTestCase, TestCase
from django.utils import translation
from openpyxl import Workbook, load_workbook

from motcua.core import spreadsheets
from motcua.core.errors import ApplicationError
from motcua.core.spreadsheets import (
    CellError,
    Column,
    Problems,
    Table,
    add_sheet,
    date_cell,
    find_sheet,
    match_header,
    read_table,
    read_workbook,
    text_cell,
    typed_rows,
    write_all_or_nothing,
)

COLUMNS = (
    Column("code", "Mã số", "code"),
    Column("name", "Tên gọi"),
    Column("count", "Số lượng", "int"),
    Column("day", "Ngày hiệu lực", "date", required=False),
    Column("fee", "Số tiền", "money", required=False),
    Column("share", "Tỷ lệ", "decimal", required=False),
    Column("mandatory", "Bắt buộc", "bool", required=False),
    Column(
        "kind", "Loại", "choice", required=False, choices={"fee": ("Phí",), "charge": ("Lệ phí",)}
    ),
)


def table(*lines: list[object], name: str = "Danh sách") -> Table:
    return Table(name, [(number, tuple(line)) for number, line in enumerate(lines, start=1)])


def xlsx(*sheets: tuple[str, list[list[object]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, lines in sheets:
        ws = wb.create_sheet(title)
        for line in lines:
            ws.append(line)
    stream = io.BytesIO()
    wb.save(stream)
    return stream.getvalue()


class HeaderTests(SimpleTestCase):
    def test_headers_match_without_accents_case_spaces_or_punctuation(self):
        problems = Problems()
        header = match_header(
            table(["  TEN GOI ", "so-luong", "Mã  số", "Ghi chú lạ"]), COLUMNS[:3], problems
        )
        assert header is not None
        self.assertEqual(header.positions, {"name": 0, "count": 1, "code": 2})
        self.assertEqual(header.letters, {"name": "A", "count": "B", "code": "C"})
        self.assertEqual(problems.errors, [])

    def test_an_alias_names_the_same_column(self):
        column = Column("province", "Tỉnh / Thành Phố", aliases=("Tên tỉnh",))
        header = match_header(table(["Tên tỉnh"]), (column,), Problems())
        assert header is not None
        self.assertEqual(header.positions, {"province": 0})

    def test_missing_and_repeated_columns_are_listed_and_no_row_is_read(self):
        problems = Problems()
        header = match_header(
            table(["Mã số", "Tên gọi", "Mã số"], ["1", "x", "2"]), COLUMNS, problems
        )
        self.assertIsNone(header)
        self.assertEqual(
            problems.sorted(),
            [
                CellError("Danh sách", 1, "", "Số lượng", "Thiếu cột “Số lượng”."),
                CellError("Danh sách", 1, "C", "Mã số", "Cột này xuất hiện hai lần."),
            ],
        )

    def test_the_header_is_the_first_row_naming_a_column_within_the_search(self):
        lines = (["DANH MỤC ĐƠN VỊ"], ["Ngày 01/07/2025"], ["Mã số", "Tên gọi", "Số lượng"])
        problems = Problems()
        header = match_header(table(*lines), COLUMNS, problems, search_rows=3)
        assert header is not None
        self.assertEqual(header.row, 3)
        self.assertIsNone(match_header(table(*lines), COLUMNS, problems, search_rows=2))
        self.assertEqual(
            [str(e) for e in problems.errors],
            [
                "Trang “Danh sách”: Không tìm thấy dòng tiêu đề: cần có các cột “Mã số”, “Tên "
                "gọi”, “Số lượng”."
            ],
        )

    def test_require_asks_for_more_columns_once_the_layout_is_known(self):
        optional = (Column("a", "Cột A"), Column("b", "Cột B", required=False))
        problems = Problems()
        header = match_header(table(["Cột A"]), optional, problems)
        assert header is not None
        self.assertFalse(header.require(["b"], problems))
        self.assertEqual(
            [(e.row, e.header, e.message) for e in problems.errors],
            [(1, "Cột B", "Thiếu cột “Cột B”.")],
        )

    def test_find_sheet_ignores_accents_and_case(self):
        sheets = [table(name="Thu tuc"), table(name="QUY TRÌNH")]
        self.assertEqual(find_sheet(sheets, "Quy trình"), sheets[1])
        self.assertEqual(find_sheet(sheets, "Thủ tục"), sheets[0])
        self.assertIsNone(find_sheet(sheets, "Phí, lệ phí"))


class TypedRowTests(SimpleTestCase):
    def rows(self, *lines: list[object]) -> tuple[list[dict[str, object]], Problems]:
        problems = Problems()
        data = table([c.header for c in COLUMNS], *lines)
        header = match_header(data, COLUMNS, problems)
        assert header is not None
        return [row.values for row in typed_rows(data, header, problems)], problems

    def test_every_kind_is_read(self):
        values, problems = self.rows(
            [
                2.000635,
                "Tờ khai\u0301 ",
                3.0,
                datetime(2026, 1, 5, 0, 0),
                "1.500.000 đ",
                0.5,
                "x",
                "lệ phí",
            ],
            ["1.001193", 7, "2", "05/01/2026", "Miễn phí", "2,25", "Không", "Phí"],
        )
        self.assertEqual(problems.errors, [])
        self.assertEqual(
            values,
            [
                {
                    "code": "2.000635",
                    "name": "Tờ khaí",
                    "count": 3,
                    "day": date(2026, 1, 5),
                    "fee": 1500000,
                    "share": Decimal("0.5"),
                    "mandatory": True,
                    "kind": "charge",
                },
                {
                    "code": "1.001193",
                    "name": "7",
                    "count": 2,
                    "day": date(2026, 1, 5),
                    "fee": 0,
                    "share": Decimal("2.25"),
                    "mandatory": False,
                    "kind": "fee",
                },
            ],
        )

    def test_bad_cells_are_named_by_sheet_row_column_and_header(self):
        values, problems = self.rows(
            ["1.001193", "", "ba", "31/02/2026", "1500.5", "nửa", "có lẽ", "thuế"],
            [None, None, None, None, None, None, None, None],  # blank: skipped
            ["", "Tên", 1],
        )
        self.assertEqual(len(values), 2)
        self.assertEqual(
            [(e.sheet, e.row, e.column, e.header, e.message) for e in problems.sorted()],
            [
                ("Danh sách", 2, "B", "Tên gọi", "Ô này đang để trống."),
                ("Danh sách", 2, "C", "Số lượng", "“ba” không phải số nguyên."),
                (
                    "Danh sách",
                    2,
                    "D",
                    "Ngày hiệu lực",
                    "“31/02/2026” không phải ngày; hãy viết theo dạng 31/12/2026.",
                ),
                (
                    "Danh sách",
                    2,
                    "E",
                    "Số tiền",
                    "Số tiền phải là số nguyên đồng; “1500.5” không phải.",
                ),
                ("Danh sách", 2, "F", "Tỷ lệ", "“nửa” không phải là số."),
                ("Danh sách", 2, "G", "Bắt buộc", "Hãy ghi “Có” hoặc “Không”, không ghi “có lẽ”."),
                (
                    "Danh sách",
                    2,
                    "H",
                    "Loại",
                    "“thuế” không phải giá trị của cột này; hãy dùng một trong các giá trị “Phí”, “Lệ phí”.",
                ),
                ("Danh sách", 4, "A", "Mã số", "Ô này đang để trống."),
            ],
        )

    def test_a_cell_keeps_its_first_problem_and_marks_its_row(self):
        problems = Problems()
        data = table(["Mã số", "Tên gọi", "Số lượng"], ["1", "", 2])
        header = match_header(data, COLUMNS[:3], problems)
        assert header is not None
        (row,) = typed_rows(data, header, problems)
        self.assertFalse(row.ok)
        problems.at(row, "name", "second problem")
        problems.at(row, "count", "a problem of another cell", value="2")
        self.assertEqual(
            [(e.column, e.message, e.value) for e in problems.errors],
            [("B", "Ô này đang để trống.", ""), ("C", "a problem of another cell", "2")],
        )
        self.assertTrue(problems.flagged(row, "name"))
        self.assertFalse(problems.flagged(row, "code"))

    def test_allow_blank_leaves_empty_cells_to_the_importer(self):
        for allow_blank, expected in ((True, []), (False, [("A", "Ô này đang để trống.")])):
            with self.subTest(allow_blank=allow_blank):
                columns = (Column("level", "Cấp", allow_blank=allow_blank), Column("name", "Tên"))
                problems = Problems()
                data = table(["Cấp", "Tên"], ["", "Xã A"])
                header = match_header(data, columns, problems)
                assert header is not None
                rows = [r.values for r in typed_rows(data, header, problems)]
                self.assertEqual(rows, [{"level": "", "name": "Xã A"}])
                self.assertEqual([(e.column, e.message) for e in problems.errors], expected)


class CellErrorTests(SimpleTestCase):
    def test_errors_read_as_vietnamese_sentences(self):
        cases = [
            (
                CellError("Thủ tục", 3, "A", "Mã thủ tục", "Sai."),
                "Trang “Thủ tục”, dòng 3, cột A (Mã thủ tục): Sai.",
            ),
            (
                CellError("", 4, "D", "Mã PX", "Sai.", value="3111A"),
                "Dòng 4, cột D (Mã PX), giá trị “3111A”: Sai.",
            ),
            (CellError("", 1, "", "Cấp", "Thiếu."), "Dòng 1, cột “Cấp”: Thiếu."),
            (CellError("Quy trình", None, "", "", "Thiếu."), "Trang “Quy trình”: Thiếu."),
            (CellError("", None, "", "", "Hỏng."), "Tệp: Hỏng."),
        ]
        with translation.override("vi"):
            for error, text in cases:
                with self.subTest(text=text):
                    self.assertEqual(str(error), text)
                    self.assertEqual(CellError(**error.as_dict()), error)

    def test_failure_sorts_by_sheet_then_file_then_row_and_column(self):
        problems = Problems(["Thủ tục", "Quy trình"])
        problems.add("d", sheet="Quy trình", row=2, column="B")
        problems.add("c", sheet="Thủ tục", row=3, column="AA")
        problems.add("b", sheet="Thủ tục", row=3, column="C")
        problems.add("a", sheet="Thủ tục")
        problems.add("e", sheet="Khác", row=1)
        with translation.override("vi"):
            failure = problems.failure("%(count)s lỗi.", code="bad_file")
        self.assertEqual(failure.message, "5 lỗi.")
        self.assertEqual(failure.code, "bad_file")
        self.assertEqual([e["message"] for e in failure.extra["errors"]], ["a", "b", "c", "d", "e"])
        self.assertEqual(failure.extra["lines"][1], "Trang “Thủ tục”, dòng 3, cột C: b")


class ReadTests(SimpleTestCase):
    def test_csv_with_bom_semicolons_and_decomposed_text(self):
        data = "\ufeffMã số;Tên gọi\n\n1;Xa\u0303 A\n".encode()
        found = read_table(data)
        self.assertEqual(found.name, "")
        self.assertEqual(found.rows, [(1, ("Mã số", "Tên gọi")), (3, ("1", "Xã A"))])

    def test_xlsx_first_sheet_or_every_sheet(self):
        data = xlsx(("Một", [["a", 1], [], ["b", 2]]), ("Hai", [["c"]]))
        self.assertEqual(read_table(data).rows, [(1, ("a", 1)), (3, ("b", 2))])
        self.assertEqual(
            [(t.name, t.rows) for t in read_workbook(io.BytesIO(data))],
            [("Một", [(1, ("a", 1)), (3, ("b", 2))]), ("Hai", [(1, ("c",))])],
        )

    def test_unreadable_files_are_one_file_error(self):
        cases = [
            (
                b"PK\x03\x04broken",
                "invalid_workbook",
                "Tệp không phải sổ tính Excel (.xlsx) đọc được.",
            ),
            (
                b"\xd0\xcf\x11\xe0" + b"\x00" * 20,
                "invalid_file",
                "Không hỗ trợ tệp Excel cũ (.xls): hãy lưu tệp dưới dạng .xlsx.",
            ),
            (
                "Mã,Tên\n".encode("utf-16"),
                "invalid_file",
                "Tệp không phải văn bản UTF-8 cũng không phải bảng tính Excel: hãy lưu lại dưới dạng “CSV UTF-8” hoặc .xlsx.",
            ),
        ]
        for data, code, message in cases:
            with self.subTest(code=code, message=message):
                with self.assertRaises(ApplicationError) as caught:
                    read_table(data)
                self.assertEqual((caught.exception.code, caught.exception.message), (code, message))
                self.assertEqual(
                    caught.exception.extra["errors"],
                    [
                        {
                            "sheet": "",
                            "row": None,
                            "column": "",
                            "header": "",
                            "message": message,
                            "value": "",
                        }
                    ],
                )

    def test_a_file_over_the_limit_is_refused(self):
        with (
            mock.patch.object(spreadsheets, "MAX_FILE_BYTES", 10),
            self.assertRaisesMessage(ApplicationError, "Tệp lớn hơn 0 MB."),
        ):
            read_table(b"a,b\n1,2\n3,4\n")


class ExportTests(SimpleTestCase):
    def test_text_is_never_a_formula_and_days_show_as_dd_mm_yyyy(self):
        wb = Workbook(write_only=True)
        ws = add_sheet(wb, "Xuất", (Column("a", "Cột A", width=30), Column("b", "Cột B")))
        ws.append([text_cell(ws, "=1+1"), date_cell(ws, date(2026, 1, 5))])
        ws.append([text_cell(ws, "thường"), None])
        stream = io.BytesIO()
        wb.save(stream)
        sheet = load_workbook(stream)["Xuất"]
        self.assertEqual([c.value for c in sheet[1]], ["Cột A", "Cột B"])
        self.assertTrue(sheet["A1"].font.bold)
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.column_dimensions["A"].width, 30)
        self.assertEqual((sheet["A2"].value, sheet["A2"].data_type), ("=1+1", "s"))
        self.assertEqual(sheet["B2"].number_format, "DD/MM/YYYY")
        self.assertEqual(sheet["A3"].value, "thường")


class AllOrNothingTests(TestCase):
    def write(self, problems: Problems, *, fail: bool = False):
        def write() -> int:
            Group.objects.create(name="một")
            if fail:
                problems.add("refused by a service", row=2)
            return Group.objects.count()

        return write

    def test_a_clean_import_is_kept(self):
        problems = Problems()
        result = write_all_or_nothing(
            self.write(problems), problems=problems, dry_run=False, message="%(count)s", code="x"
        )
        self.assertEqual(result, 1)
        self.assertEqual(Group.objects.count(), 1)

    def test_a_dry_run_returns_the_counts_and_writes_nothing(self):
        problems = Problems()
        result = write_all_or_nothing(
            self.write(problems), problems=problems, dry_run=True, message="%(count)s", code="x"
        )
        self.assertEqual(result, 1)
        self.assertEqual(Group.objects.count(), 0)

    def test_a_problem_found_while_writing_rolls_everything_back(self):
        problems = Problems()
        with self.assertRaises(ApplicationError) as caught:
            write_all_or_nothing(
                self.write(problems, fail=True),
                problems=problems,
                dry_run=False,
                message="%(count)s errors",
                code="bad",
            )
        self.assertEqual((caught.exception.message, caught.exception.code), ("1 errors", "bad"))
        self.assertEqual(Group.objects.count(), 0)

    def test_earlier_problems_stop_before_writing_unless_asked_to_go_on(self):
        problems = Problems()
        problems.add("bad cell", row=3, column="B")
        calls = []

        def write() -> None:
            calls.append(1)
            Group.objects.create(name="hai")
            problems.add("refused by a service", row=4)

        with self.assertRaises(ApplicationError) as caught:
            write_all_or_nothing(
                write, problems=problems, dry_run=False, message="%(count)s", code="x"
            )
        self.assertEqual((calls, caught.exception.message), ([], "1"))
        with self.assertRaises(ApplicationError) as caught:
            write_all_or_nothing(
                write,
                problems=problems,
                dry_run=False,
                message="%(count)s",
                code="x",
                despite_problems=True,
            )
        self.assertEqual((calls, caught.exception.message), ([1], "2"))
        self.assertEqual(
            [e["message"] for e in caught.exception.extra["errors"]],
            ["bad cell", "refused by a service"],
        )
        self.assertEqual(Group.objects.count(), 0)
