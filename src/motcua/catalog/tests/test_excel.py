import io
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from openpyxl import Workbook, load_workbook

from motcua.catalog import services
from motcua.catalog.content import StepSpec, content_of
from motcua.catalog.excel import procedure_export, procedure_import
from motcua.catalog.management.commands.import_procedures import Command as ImportCommand
from motcua.catalog.models import (
    FeeLine,
    Field,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    WorkflowStep,
)
from motcua.catalog.tests.factories import ACTOR, content, make_field, make_procedure, make_roles
from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.core.models import AuditEvent
from motcua.org.models import Unit, UnitKind

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def export_bytes(**kwargs) -> bytes:
    buffer = io.BytesIO()
    procedure_export(stream=buffer, **kwargs)
    return buffer.getvalue()


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def save(wb) -> io.BytesIO:
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


class ExcelTestCase(TestCase):
    def setUp(self):
        self.enterContext(clock.frozen(datetime(2026, 3, 2, 9, 0, tzinfo=VN)))
        make_roles()
        make_field()
        kind = UnitKind.objects.create(code="tax", name="Cơ quan thuế", tier="agency")
        self.tax = Unit.objects.create(name="Thuế cơ sở 1", kind=kind, agency_code="H30.99")

    def snapshot(self):
        """Return every stored version's content, by code and date."""
        versions = ProcedureVersion.objects.select_related("procedure", "field").prefetch_related(
            "documents", "fees", "steps__role", "steps__unit"
        )
        return {(v.procedure.code, v.effective_from): content_of(v) for v in versions}


class ExportImportTests(ExcelTestCase):
    def setUp(self):
        super().setUp()
        self.birth = make_procedure(
            "1.001193", effective_from=date(2025, 7, 1), supplement_window_days=15
        )
        services.procedure_version_create(
            actor=ACTOR,
            procedure=self.birth,
            effective_from=date(2026, 6, 1),
            content=content(
                time_limit_amount=0,
                time_limit_unit="same_day",
                steps=(
                    StepSpec(
                        order=1,
                        name="Thuế",
                        role_code="case_handler",
                        budget_amount=Decimal("7.5"),
                        budget_unit="working_hours",
                        agency_code="H30.99",
                        is_inter_agency=True,
                    ),
                ),
            ),
        )
        make_field("certification", "Chứng thực")
        make_procedure(
            "2.000815",
            name="Chứng thực bản sao từ bản chính",
            field_code="certification",
            fees=(),
            online_level="partial",
            supplement_policy="restart",
            result_type="paper",
        )

    def test_export_has_the_four_sheets_with_vietnamese_headers_and_values(self):
        wb = workbook(export_bytes())
        self.assertEqual(wb.sheetnames, ["Thủ tục", "Thành phần hồ sơ", "Phí, lệ phí", "Quy trình"])
        rows = list(wb["Thủ tục"].iter_rows(values_only=True))
        self.assertEqual(rows[0][:4], ("Mã thủ tục", "Tên thủ tục", "Mã lĩnh vực", "Tên lĩnh vực"))
        self.assertEqual(len(rows), 4)  # header + 2 versions of 1.001193 + 2.000815
        first = dict(zip(rows[0], rows[1], strict=True))
        self.assertEqual(first["Mã thủ tục"], "1.001193")
        self.assertEqual(first["Đơn vị thời hạn"], "ngày làm việc")
        self.assertEqual(first["Mức độ dịch vụ công trực tuyến"], "Toàn trình")
        self.assertEqual(first["Ngày hiệu lực"], datetime(2025, 7, 1))
        steps = list(wb["Quy trình"].iter_rows(values_only=True))
        self.assertIn(
            ("1.001193", 1, "Thuế", "case_handler", "H30.99", "Có", 7.5, "giờ làm việc"),
            [s[:8] for s in steps],
        )

    def test_the_supplement_window_is_a_column_empty_for_no_automatic_closure(self):
        rows = list(workbook(export_bytes())["Thủ tục"].iter_rows(values_only=True))
        header = rows[0]
        self.assertIn("Thời hạn bổ sung hồ sơ (ngày làm việc)", header)
        column = header.index("Thời hạn bổ sung hồ sơ (ngày làm việc)")
        windows = {
            (row[0], row[header.index("Ngày hiệu lực")].date()): row[column] for row in rows[1:]
        }
        self.assertEqual(
            windows,
            {
                ("1.001193", date(2025, 7, 1)): 15,
                ("1.001193", date(2026, 6, 1)): None,
                ("2.000815", date(2025, 7, 1)): None,
            },
        )
        # A window typed on the future version replaces it; a bad one is refused.
        wb = workbook(export_bytes())
        sheet = wb["Thủ tục"]
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == "1.001193" and row[header.index("Ngày hiệu lực")].value.year == 2026:
                row[column].value = 10
        procedure_import(actor=ACTOR, file=save(wb))
        future = ProcedureVersion.objects.get(procedure__code="1.001193", number=2)
        self.assertEqual(future.supplement_window_days, 10)
        for bad in (0, 400, "mười lăm"):
            with self.subTest(bad=bad):
                for row in sheet.iter_rows(min_row=2):
                    if row[0].value == "2.000815":
                        row[column].value = bad
                with self.assertRaises(ApplicationError) as caught:
                    procedure_import(actor=ACTOR, file=save(wb))
                errors = caught.exception.extra["errors"]
                self.assertEqual(
                    [(e["sheet"], e["header"]) for e in errors],
                    [("Thủ tục", "Thời hạn bổ sung hồ sơ (ngày làm việc)")],
                )

    def test_a_workbook_without_the_window_column_still_imports(self):
        wb = workbook(export_bytes())
        sheet = wb["Thủ tục"]
        header = [c.value for c in sheet[1]]
        sheet.delete_cols(header.index("Thời hạn bổ sung hồ sơ (ngày làm việc)") + 1)
        # An older workbook says nothing about the window: the stored ones are kept, and a
        # new version takes the previous version's.
        birth = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "1.001193")
        sheet.append([c.value for c in birth[: len(header) - 1]])
        sheet.cell(row=sheet.max_row, column=header.index("Ngày hiệu lực") + 1).value = date(
            2026, 9, 1
        )
        result = procedure_import(actor=ACTOR, file=save(wb))
        self.assertEqual((result.versions_unchanged, result.versions_created), (3, 1))
        self.assertEqual(
            list(
                ProcedureVersion.objects.filter(procedure__code="1.001193")
                .order_by("number")
                .values_list("supplement_window_days", flat=True)
            ),
            [15, None, None],
        )

    def test_export_then_import_changes_nothing(self):
        before = self.snapshot()
        events = AuditEvent.objects.count()
        result = procedure_import(actor=ACTOR, file=io.BytesIO(export_bytes()))
        self.assertEqual(result.versions_unchanged, 3)
        self.assertEqual(
            (result.procedures_created, result.versions_created, result.versions_replaced),
            (0, 0, 0),
        )
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_export_then_import_into_an_empty_catalogue_recreates_it(self):
        before = self.snapshot()
        data = export_bytes()
        WorkflowStep.objects.all().delete()
        ProcedureVersion.objects.all().delete()
        Procedure.objects.all().delete()
        Field.objects.all().delete()
        result = procedure_import(actor=ACTOR, file=io.BytesIO(data))
        self.assertEqual(
            (result.procedures_created, result.versions_created, result.fields_created), (2, 1, 2)
        )
        self.assertEqual(self.snapshot(), before)
        v1 = ProcedureVersion.objects.get(procedure__code="1.001193", number=1)
        self.assertEqual(v1.effective_to, date(2026, 6, 1))

    def test_a_new_effective_date_creates_a_new_version(self):
        wb = workbook(export_bytes(codes=["2.000815"]))
        for title in wb.sheetnames:
            for row in wb[title].iter_rows(min_row=2):
                for cell in row:
                    if cell.value == datetime(2025, 7, 1):
                        cell.value = "01/04/2026"
        wb["Thủ tục"]["G2"] = 4
        result = procedure_import(actor=ACTOR, file=save(wb))
        self.assertEqual(result.versions_created, 1)
        versions = ProcedureVersion.objects.filter(procedure__code="2.000815").order_by("number")
        self.assertEqual(
            [(v.number, v.effective_from, v.effective_to, v.time_limit_amount) for v in versions],
            [(1, date(2025, 7, 1), date(2026, 4, 1), 3), (2, date(2026, 4, 1), None, 4)],
        )
        self.assertEqual(versions[1].documents.count(), 2)

    def test_the_date_of_a_future_version_replaces_it(self):
        wb = workbook(export_bytes(codes=["1.001193"]))
        ws = wb["Thủ tục"]
        self.assertEqual(ws["M3"].value, datetime(2026, 6, 1))
        ws["B3"] = "Đăng ký khai sinh (mới)"
        result = procedure_import(actor=ACTOR, file=save(wb))
        self.assertEqual((result.versions_replaced, result.versions_unchanged), (1, 1))
        v2 = ProcedureVersion.objects.get(procedure__code="1.001193", number=2)
        self.assertEqual(v2.name, "Đăng ký khai sinh (mới)")

    def test_changing_a_version_in_force_is_an_error(self):
        wb = workbook(export_bytes(codes=["2.000815"]))
        wb["Thủ tục"]["B2"] = "Tên khác"
        with self.assertRaises(ApplicationError) as caught:
            procedure_import(actor=ACTOR, file=save(wb))
        self.assertEqual(len(caught.exception.extra["errors"]), 1)
        error = caught.exception.extra["errors"][0]
        self.assertEqual((error["sheet"], error["row"], error["column"]), ("Thủ tục", 2, "M"))
        self.assertEqual(
            error["message"],
            "Phiên bản 1 của thủ tục 2.000815 đã có hiệu lực từ 01/07/2025 nên không thể sửa "
            "nữa; hãy tạo phiên bản mới với ngày hiệu lực muộn hơn.",
        )

    def test_dry_run_reports_and_writes_nothing(self):
        wb = workbook(export_bytes(codes=["1.001193"]))
        wb["Thủ tục"]["B3"] = "Đăng ký khai sinh (mới)"
        result = procedure_import(actor=ACTOR, file=save(wb), dry_run=True)
        self.assertEqual(result.versions_replaced, 1)
        self.assertTrue(result.dry_run)
        self.assertEqual(
            ProcedureVersion.objects.get(procedure__code="1.001193", number=2).name,
            "Đăng ký khai sinh",
        )

    def test_choices_and_headers_are_accepted_without_accents(self):
        wb = workbook(export_bytes(codes=["2.000815"]))
        ws = wb["Thủ tục"]
        ws["E1"] = "cap thuc hien"
        ws["E2"] = "CAP XA"
        ws["H2"] = "Ngay lam viec"
        ws["I2"] = "muc do 3"
        ws["K2"] = "tinh lai tu dau"
        wb["Thành phần hồ sơ"]["F2"] = "co"
        result = procedure_import(actor=ACTOR, file=save(wb))
        self.assertEqual(result.versions_unchanged, 1)

    def test_text_that_looks_like_a_formula_stays_text(self):
        make_procedure("9.000001", name='=HYPERLINK("http://x")', legal_basis="+ Luật")
        data = export_bytes(codes=["9.000001"])
        cell = workbook(data)["Thủ tục"]["B2"]
        self.assertEqual((cell.data_type, cell.value), ("s", '=HYPERLINK("http://x")'))
        self.assertEqual(procedure_import(actor=ACTOR, file=io.BytesIO(data)).versions_unchanged, 1)

    def test_a_code_typed_as_a_number_keeps_its_zeros(self):
        wb = workbook(export_bytes(codes=["2.000815"]))
        for title in wb.sheetnames:
            for row in wb[title].iter_rows(min_row=2, max_col=1):
                row[0].value = 2.000815
        self.assertEqual(procedure_import(actor=ACTOR, file=save(wb)).versions_unchanged, 1)


def bad_workbook() -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = "Thủ tục"
    ws.append(
        [
            "Mã thủ tục",
            "Tên thủ tục",
            "Mã lĩnh vực",
            "Tên lĩnh vực",
            "Cấp thực hiện",
            "Cơ quan thực hiện",
            "Thời hạn giải quyết",
            "Đơn vị thời hạn",
            "Mức độ dịch vụ công trực tuyến",
            "Loại kết quả",
            "Khi yêu cầu bổ sung hồ sơ",
            "Căn cứ pháp lý",
            "Ngày hiệu lực",
        ]
    )
    ws.append(
        [
            "1.001193",
            "Đăng ký khai sinh",
            "civil-status",
            "Hộ tịch",
            "Cấp xã",
            "UBND xã",
            3,
            "ngày làm việc",
            "Toàn trình",
            "Bản giấy",
            "Tạm dừng tính thời gian",
            "",
            "01/07/2025",
        ]
    )
    ws.append(
        [
            "2.00063",
            "Trích lục",
            "civil-status",
            "Hộ tịch",
            "Cấp huyện",
            "UBND xã",
            0,
            "ngày làm việc",
            "Toàn trình",
            "Bản giấy",
            "Tạm dừng",
            "",
            "31/02/2025",
        ]
    )
    ws.append(
        [
            "2.000815",
            "",
            "land",
            "",
            "Cấp xã",
            "UBND xã",
            1,
            "trong ngày",
            "Toàn trình",
            "Bản giấy",
            "Tạm dừng",
            "",
            date(2025, 7, 1),
        ]
    )
    docs = wb.create_sheet("Thành phần hồ sơ")
    docs.append(["Mã thủ tục", "Thứ tự", "Tên giấy tờ", "Hình thức", "Số lượng", "Bắt buộc"])
    docs.append(["1.001193", 1, "Tờ khai", "Bản chính", 1, "Có"])
    docs.append(["1.001193", 1, "Giấy chứng sinh", "bản photo", 0, "có lẽ"])
    docs.append(["9.999999", 1, "Giấy tờ lạc", "Bản chính", 1, "Có"])
    fees = wb.create_sheet("Phí, lệ phí")
    fees.append(["Mã thủ tục", "Thứ tự", "Tên phí, lệ phí", "Loại", "Số tiền (đồng)"])
    fees.append(["1.001193", 1, "Lệ phí", "Lệ phí", "50.000"])
    fees.append(["1.001193", 2, "Phí lẻ", "Phí", 1500.5])
    fees.append(["1.001193", 3, "Phí âm", "Phí", -1000])
    steps = wb.create_sheet("Quy trình")
    steps.append(
        [
            "Mã thủ tục",
            "Thứ tự",
            "Tên bước",
            "Mã vai trò",
            "Mã định danh cơ quan",
            "Liên thông",
            "Thời gian",
            "Đơn vị thời gian",
        ]
    )
    steps.append(["1.001193", 1, "Tiếp nhận", "intake_officer", "", "Không", 1, "ngày làm việc"])
    steps.append(["1.001193", 2, "Thụ lý", "mayor", "H99.1", "Có", 2.5, "ngày làm việc"])
    steps.append(["1.001193", 3, "Trả", "intake_officer", "", "Không", "nửa ngày", "ngày làm việc"])
    return save(wb)


class BadWorkbookTests(ExcelTestCase):
    def test_every_error_is_listed_with_sheet_row_column_and_nothing_is_written(self):
        with self.assertRaises(ApplicationError) as caught:
            procedure_import(actor=ACTOR, file=bad_workbook())
        self.assertEqual(caught.exception.message, "Sổ tính có 15 lỗi; chưa nhập dữ liệu nào.")
        found = [
            (e["sheet"], e["row"], e["column"], e["message"])
            for e in caught.exception.extra["errors"]
        ]
        expected = [
            (
                "Thủ tục",
                3,
                "A",
                "“2.00063” không phải mã thủ tục quốc gia: mã có dạng 2.000635, gồm một chữ số, "
                "dấu chấm và sáu chữ số.",
            ),
            (
                "Thủ tục",
                3,
                "E",
                "“Cấp huyện” không phải giá trị của cột này; hãy dùng một trong các giá trị “Cấp "
                "bộ”, “Cấp tỉnh”, “Cấp xã”, “Cơ quan ngành dọc”.",
            ),
            ("Thủ tục", 3, "M", "“31/02/2025” không phải ngày; hãy viết theo dạng 31/12/2026."),
            ("Thủ tục", 4, "B", "Ô này đang để trống."),
            ("Thủ tục", 4, "C", "Không có lĩnh vực nào mã “land”."),
            ("Thủ tục", 4, "G", "Thời hạn “trong ngày” không ghi số: hãy nhập 0."),
            (
                "Thành phần hồ sơ",
                3,
                "D",
                "“bản photo” không phải giá trị của cột này; hãy dùng một trong các giá trị “Bản "
                "chính”, “Bản sao có chứng thực”, “Bản sao”, “Xuất trình”.",
            ),
            ("Thành phần hồ sơ", 3, "F", "Hãy ghi “Có” hoặc “Không”, không ghi “có lẽ”."),
            ("Thành phần hồ sơ", 4, "A", "Thủ tục 9.999999 không có trong trang “Thủ tục”."),
            ("Phí, lệ phí", 3, "E", "Số tiền phải là số nguyên đồng; “1500.5” không phải."),
            (
                "Phí, lệ phí",
                4,
                "E",
                "Phí, lệ phí phải là số nguyên đồng, không âm; “-1000” không hợp lệ.",
            ),
            (
                "Quy trình",
                2,
                "G",
                "Các bước của quy trình cần tổng cộng 28 giờ làm việc, vượt thời hạn 3 ngày làm "
                "việc (24 giờ làm việc, mỗi ngày 8 giờ làm việc).",
            ),
            ("Quy trình", 3, "D", "Không có vai trò nào mã “mayor”."),
            ("Quy trình", 3, "E", "Không có đơn vị nào mang mã định danh điện tử “H99.1”."),
            ("Quy trình", 4, "G", "“nửa ngày” không phải là số."),
        ]
        self.assertEqual(found, expected)
        self.assertFalse(Procedure.objects.exists())
        self.assertFalse(RequiredDocument.objects.exists())
        self.assertFalse(FeeLine.objects.exists())

    def test_a_file_that_is_not_a_workbook(self):
        with self.assertRaisesMessage(
            ApplicationError, "Tệp không phải sổ tính Excel (.xlsx) đọc được."
        ):
            procedure_import(actor=ACTOR, file=io.BytesIO(b"code,name\n1.001193,x\n"))

    def test_missing_sheets_and_columns(self):
        wb = Workbook()
        wb.active.title = "Thủ tục"
        wb.active.append(["Mã thủ tục", "Tên thủ tục"])
        with self.assertRaises(ApplicationError) as caught:
            procedure_import(actor=ACTOR, file=save(wb))
        missing_columns = (
            "Mã lĩnh vực",
            "Cấp thực hiện",
            "Cơ quan thực hiện",
            "Thời hạn giải quyết",
            "Đơn vị thời hạn",
            "Mức độ dịch vụ công trực tuyến",
            "Loại kết quả",
            "Khi yêu cầu bổ sung hồ sơ",
            "Ngày hiệu lực",
        )
        self.assertEqual(
            caught.exception.extra["lines"],
            [f"Trang “Thủ tục”, dòng 1, cột “{h}”: Thiếu cột “{h}”." for h in missing_columns]
            + [
                f"Trang “{title}”: Thiếu trang “{title}”."
                for title in ("Thành phần hồ sơ", "Phí, lệ phí", "Quy trình")
            ],
        )

    def test_a_repeated_column_is_an_error(self):
        wb = load_workbook(bad_workbook())
        ws = wb["Phí, lệ phí"]
        ws.cell(row=1, column=ws.max_column + 1).value = "Số tiền (đồng)"
        with self.assertRaises(ApplicationError) as caught:
            procedure_import(actor=ACTOR, file=save(wb))
        repeated = [e for e in caught.exception.extra["errors"] if e["sheet"] == "Phí, lệ phí"]
        self.assertEqual(
            [(e["row"], e["column"], e["header"], e["message"]) for e in repeated],
            [(1, "F", "Số tiền (đồng)", "Cột này xuất hiện hai lần.")],
        )
        self.assertFalse(Procedure.objects.exists())

    def test_a_half_valid_file_writes_nothing(self):
        """The valid procedure of a workbook with errors is not imported either."""
        wb = load_workbook(bad_workbook())
        for title in wb.sheetnames:
            ws = wb[title]
            for row in range(ws.max_row, 1, -1):
                if ws.cell(row, 1).value != "1.001193":
                    ws.delete_rows(row)
        wb["Quy trình"].delete_rows(3, 2)
        wb["Phí, lệ phí"].delete_rows(3, 2)
        wb["Thành phần hồ sơ"].delete_rows(3)
        self.assertEqual(procedure_import(actor=ACTOR, file=save(wb)).procedures_created, 1)
        Procedure.objects.all().delete()
        wb["Quy trình"]["D2"] = "mayor"
        with self.assertRaises(ApplicationError):
            procedure_import(actor=ACTOR, file=save(wb))
        self.assertFalse(Procedure.objects.exists())


class CommandTests(ExcelTestCase):
    def setUp(self):
        super().setUp()
        self.dir = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def test_export_then_import_commands(self):
        make_procedure("1.001193")
        path = self.dir / "catalogue.xlsx"
        out = io.StringIO()
        call_command("export_procedures", str(path), stdout=out)
        self.assertEqual(out.getvalue(), f"Đã ghi 1 phiên bản thủ tục vào {path}.\n")
        ProcedureVersion.objects.all().delete()
        Procedure.objects.all().delete()
        out = io.StringIO()
        call_command("import_procedures", str(path), "--dry-run", stdout=out)
        self.assertFalse(Procedure.objects.exists())
        call_command("import_procedures", str(path), stdout=out)
        self.assertTrue(Procedure.objects.filter(code="1.001193").exists())

    def test_import_of_a_bad_file_prints_every_error_and_fails(self):
        path = self.dir / "bad.xlsx"
        path.write_bytes(bad_workbook().getvalue())
        err = io.StringIO()
        with self.assertRaisesMessage(CommandError, "Sổ tính có 15 lỗi; chưa nhập dữ liệu nào."):
            call_command("import_procedures", str(path), stderr=err)
        lines = err.getvalue().strip().splitlines()
        self.assertEqual(len(lines), 15)
        self.assertTrue(
            lines[0].startswith("Trang “Thủ tục”, dòng 3, cột A (Mã thủ tục): "), lines[0]
        )
        self.assertFalse(Procedure.objects.exists())

    def test_import_of_a_missing_file_fails(self):
        with self.assertRaises(CommandError):
            call_command("import_procedures", str(self.dir / "none.xlsx"))

    def test_the_command_line_exits_with_status_1_on_a_bad_file(self):
        path = self.dir / "bad.xlsx"
        path.write_bytes(bad_workbook().getvalue())
        command = ImportCommand(stdout=io.StringIO(), stderr=io.StringIO())
        with self.assertRaises(SystemExit) as caught:
            command.run_from_argv(["motcua", "import_procedures", str(path), "--dry-run"])
        self.assertEqual(caught.exception.code, 1)
