"""Importer of the statistics office's list: layouts, errors, idempotency, command."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date
from pathlib import Path
from unittest import mock

import openpyxl
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from motcua.core.errors import ApplicationError
from motcua.core.models import AuditEvent
from motcua.org.importers import units_import
from motcua.org.management.commands.import_units import Command
from motcua.org.models import Unit
from motcua.org.selectors import unit_by_admin_code
from motcua.org.tests.helpers import ACTOR, make_unit

AFTER = date(2025, 7, 1)
CITY_FROM = date(2020, 2, 1)

TWO_TIER_HEADER = ["Tỉnh / Thành Phố", "Mã TP", "Phường Xã", "Mã PX", "Cấp", "Tên Tiếng Anh"]
TWO_TIER_ROWS = [
    ["Thành phố Cần Thơ", "92", "Phường Ninh Kiều", "31135", "Phường", "Ninh Kieu Ward"],
    ["Thành phố Cần Thơ", "92", "Phường Ngã Bảy", "31340", "Phường", ""],
    ["Thành phố Cần Thơ", "92", "Phường Đại Thành", "31411", "Phường", ""],
    ["Thành phố Cần Thơ", "92", "Xã Phong Điền", "31299", "Xã", ""],
    ["Tỉnh Lâm Đồng", "68", "Đặc khu Phú Quý", "22945", "Đặc khu", ""],
]
THREE_TIER_HEADER = ["Tỉnh Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp"]
THREE_TIER_ROWS = [
    ["Tỉnh Hậu Giang", 93, "Thành phố Ngã Bảy", 931, "Phường Ngã Bảy", 31340, "Phường"],
    ["Tỉnh Hậu Giang", 93, "Thành phố Ngã Bảy", 931, "Phường Lái Hiếu", 31341, "Phường"],
    ["Tỉnh Hậu Giang", 93, "Thành phố Ngã Bảy", 931, "Phường Hiệp Thành", 31343, "Phường"],
    ["Tỉnh Hậu Giang", 93, "Thành phố Ngã Bảy", 931, "Phường Hiệp Lợi", 31344, "Phường"],
    ["Tỉnh Hậu Giang", 93, "Thành phố Ngã Bảy", 931, "Xã Đại Thành", 31411, "Xã"],
    ["Tỉnh Hậu Giang", 93, "Thành phố Ngã Bảy", 931, "Xã Tân Thành", 31414, "Xã"],
    ["Tỉnh Hậu Giang", 93, "Huyện Châu Thành A", 932, "Thị trấn Một Ngàn", 31342, "Thị trấn"],
    # Codes typed as numbers lose their leading zeros in a spreadsheet.
    ["Thành phố Hà Nội", 1, "Quận Ba Đình", 1, "Phường Phúc Xá", 1, "Phường"],
]


def csv_bytes(header: list, rows: list[list], *, delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(header: list, rows: list[list], *, title_rows: int = 0) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for _ in range(title_rows):
        sheet.append(["DANH MỤC ĐƠN VỊ HÀNH CHÍNH"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def snapshot() -> list[tuple]:
    return list(
        Unit.objects.order_by("pk").values_list(
            "pk",
            "name",
            "kind__code",
            "parent_id",
            "path",
            "admin_code",
            "valid_from",
            "valid_to",
            "updated_at",
        )
    )


class TwoTierImportTests(TestCase):
    def test_two_tier_csv_creates_provinces_and_communes(self):
        """Provinces get their kind from the name, communes from “Cấp”."""
        result = units_import(
            actor=ACTOR, data=csv_bytes(TWO_TIER_HEADER, TWO_TIER_ROWS), valid_from=AFTER
        )
        self.assertEqual((result.layout, result.rows, result.created), ("two_tier", 5, 7))
        can_tho = unit_by_admin_code("92", on=AFTER)
        self.assertEqual(
            (can_tho.name, can_tho.kind.code, can_tho.parent_id),
            ("Thành phố Cần Thơ", "central_city", None),
        )
        self.assertEqual(unit_by_admin_code("68", on=AFTER).kind.code, "province")
        nga_bay = unit_by_admin_code("31340", on=AFTER)
        self.assertEqual(
            (nga_bay.kind.code, nga_bay.parent_id, nga_bay.valid_from), ("ward", can_tho.pk, AFTER)
        )
        self.assertEqual(nga_bay.path, f"/{can_tho.pk}/{nga_bay.pk}/")
        self.assertEqual(unit_by_admin_code("31299", on=AFTER).kind.code, "commune")
        self.assertEqual(unit_by_admin_code("22945", on=AFTER).kind.code, "special_zone")
        self.assertEqual(AuditEvent.objects.filter(action="org.unit.create").count(), 7)

    def test_importing_the_same_file_twice_changes_nothing(self):
        """The second import reuses every unit and writes no audit record."""
        data = csv_bytes(TWO_TIER_HEADER, TWO_TIER_ROWS)
        units_import(actor=ACTOR, data=data, valid_from=AFTER)
        before, events = snapshot(), AuditEvent.objects.count()
        result = units_import(actor=ACTOR, data=data, valid_from=AFTER)
        self.assertEqual((result.created, result.updated, result.unchanged), (0, 0, 7))
        self.assertEqual(snapshot(), before)
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_semicolon_bom_and_plain_headers(self):
        """A BOM, semicolons and unaccented lower-case headers are understood."""
        header = ["tinh thanh pho", "ma tp", "PHUONG XA", "Mã PX", "cap"]
        rows = [row[:5] for row in TWO_TIER_ROWS]
        result = units_import(
            actor=ACTOR, data=csv_bytes(header, rows, delimiter=";", bom=True), valid_from=AFTER
        )
        self.assertEqual(result.created, 7)
        self.assertEqual(unit_by_admin_code("31411", on=AFTER).name, "Phường Đại Thành")

    def test_an_existing_unit_is_reused_and_brought_up_to_date(self):
        """A unit with the same code and name is updated, not duplicated."""
        city = make_unit(
            "Thành phố Cần Thơ", "central_city", admin_code="92", valid_from=date(2004, 1, 1)
        )
        ward = make_unit("Phường Ngã Bảy", "commune", admin_code="31340", valid_from=AFTER)
        result = units_import(
            actor=ACTOR, data=csv_bytes(TWO_TIER_HEADER, TWO_TIER_ROWS), valid_from=AFTER
        )
        self.assertEqual((result.created, result.updated, result.unchanged), (5, 1, 1))
        ward.refresh_from_db()
        self.assertEqual((ward.kind.code, ward.parent_id), ("ward", city.pk))
        self.assertEqual(ward.path, f"/{city.pk}/{ward.pk}/")

    def test_dry_run_writes_nothing(self):
        """A dry run counts what it would do and leaves the database as it was."""
        result = units_import(
            actor=ACTOR,
            data=csv_bytes(TWO_TIER_HEADER, TWO_TIER_ROWS),
            valid_from=AFTER,
            dry_run=True,
        )
        self.assertEqual((result.created, result.dry_run), (7, True))
        self.assertEqual(Unit.objects.count(), 0)
        self.assertEqual(AuditEvent.objects.count(), 0)


class ThreeTierImportTests(TestCase):
    def test_three_tier_xlsx_with_title_rows(self):
        """Districts sit between provinces and communes; number cells are padded."""
        data = xlsx_bytes(THREE_TIER_HEADER, THREE_TIER_ROWS, title_rows=2)
        result = units_import(actor=ACTOR, data=data, valid_from=CITY_FROM, valid_to=AFTER)
        self.assertEqual((result.layout, result.rows, result.created), ("three_tier", 8, 13))
        city = unit_by_admin_code("931", on=CITY_FROM)
        self.assertEqual(
            (city.kind.code, city.parent.admin_code, city.valid_to), ("district_city", "93", AFTER)
        )
        lai_hieu = unit_by_admin_code("31341", on=CITY_FROM)
        self.assertEqual(lai_hieu.depth, 2)
        self.assertEqual(lai_hieu.parent_id, city.pk)
        self.assertEqual(unit_by_admin_code("932", on=CITY_FROM).kind.code, "district")
        self.assertEqual(unit_by_admin_code("31342", on=CITY_FROM).kind.code, "township")
        self.assertEqual(unit_by_admin_code("001", on=CITY_FROM).kind.code, "urban_district")
        self.assertEqual(unit_by_admin_code("01", on=CITY_FROM).kind.code, "central_city")
        self.assertEqual(unit_by_admin_code("00001", on=CITY_FROM).name, "Phường Phúc Xá")

    def test_lists_before_and_after_the_merger_share_reused_codes(self):
        """31340 is a ward of Ngã Bảy city until 2025 and a ward of Cần Thơ after."""
        units_import(
            actor=ACTOR,
            data=xlsx_bytes(THREE_TIER_HEADER, THREE_TIER_ROWS),
            valid_from=CITY_FROM,
            valid_to=AFTER,
        )
        units_import(actor=ACTOR, data=csv_bytes(TWO_TIER_HEADER, TWO_TIER_ROWS), valid_from=AFTER)
        old, new = (
            unit_by_admin_code("31340", on=date(2024, 1, 1)),
            unit_by_admin_code("31340", on=AFTER),
        )
        self.assertNotEqual(old.pk, new.pk)
        self.assertEqual(
            (old.parent.name, new.parent.name), ("Thành phố Ngã Bảy", "Thành phố Cần Thơ")
        )

    def test_historical_kinds_need_an_end_date(self):
        """A three-tier list without valid_to is refused as a whole."""
        with self.assertRaises(ApplicationError) as caught:
            units_import(
                actor=ACTOR,
                data=xlsx_bytes(THREE_TIER_HEADER, THREE_TIER_ROWS),
                valid_from=CITY_FROM,
            )
        errors = caught.exception.extra["errors"]
        self.assertEqual(len(errors), 1)
        self.assertIsNone(errors[0]["row"])
        self.assertEqual(
            errors[0]["message"],
            "Danh mục có loại đơn vị chỉ còn trong lịch sử (Huyện, Quận, Thành phố thuộc tỉnh, "
            "Thị trấn): hãy nhập ngày danh mục hết hiệu lực.",
        )
        self.assertEqual(Unit.objects.count(), 0)


class BadFileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.other = make_unit("Phường Khác", "ward", admin_code="31340", valid_from=AFTER)

    def assertRejected(self, data: bytes, **kwargs) -> list[tuple]:
        before, events = snapshot(), AuditEvent.objects.count()
        with self.assertRaises(ApplicationError) as caught:
            units_import(
                actor=ACTOR, data=data, valid_from=kwargs.pop("valid_from", AFTER), **kwargs
            )
        self.assertEqual(snapshot(), before)
        self.assertEqual(AuditEvent.objects.count(), events)
        return [(e["row"], e["header"], e["value"]) for e in caught.exception.extra["errors"]]

    def test_every_row_error_is_listed_and_nothing_is_written(self):
        """File errors and database conflicts come back together, with row and column."""
        rows = [
            ["Thành phố Cần Thơ", "92", "Phường Ninh Kiều", "31135", "Phường"],  # 2: fine
            ["Thành phố Cần Thơ", "92", "Phường Cái Khế", "3111A", "Phường"],  # 3: not digits
            ["Thành phố Cần Thơ", "92", "Phường X", "", "Phường"],  # 4: empty code
            ["Thành phố Cần Thơ", "92", "Phường Y", "31999", "Quận"],  # 5: unknown level
            [
                "Thành phố Cần Thơ",
                "92",
                "Phường Ninh Kiều Mới",
                "31135",
                "Phường",
            ],  # 6: renamed code
            ["", "99", "Xã Z", "31888", "Xã"],  # 7: unknown province
            ["Ba Đảo", "96", "Xã V", "31778", "Xã"],  # 8: kind cannot be told
            ["Thành phố Cần Thơ", "92", "", "31555", "Xã"],  # 9: no name
            [
                "Thành phố Cần Thơ",
                "92",
                "Phường Ngã Bảy",
                "31340",
                "Phường",
            ],  # 10: code held by another unit
            ["Thành phố Cần Thơ", "92", "Phường Z", "123456", "Phường"],  # 11: too long
            ["Thành phố Cần Thơ", "92", "Phường W", "31777", ""],  # 12: no level
            ["Tỉnh Cần Thơ", "92", "Phường V", "31776", "Phường"],  # 13: province renamed
        ]
        errors = self.assertRejected(csv_bytes(TWO_TIER_HEADER[:5], rows))
        self.assertEqual(
            errors,
            [
                (3, "Mã PX", "3111A"),
                (4, "Mã PX", ""),
                (5, "Cấp", "Quận"),
                (6, "Phường Xã", "Phường Ninh Kiều Mới"),
                (7, "Mã TP", "99"),
                (8, "Tỉnh / Thành Phố", "Ba Đảo"),
                (9, "Phường Xã", ""),
                (10, "Phường Xã", "Phường Ngã Bảy"),
                (11, "Mã PX", "123456"),
                (12, "Cấp", ""),
                (13, "Tỉnh / Thành Phố", "Tỉnh Cần Thơ"),
            ],
        )

    def test_errors_of_a_workbook_name_its_sheet_row_and_column(self):
        """In an .xlsx list an error names the sheet, the row and the column letter."""
        rows = [["Thành phố Cần Thơ", "92", "Phường A", "3111A", "Phường"]]
        with self.assertRaises(ApplicationError) as caught:
            units_import(
                actor=ACTOR, data=xlsx_bytes(TWO_TIER_HEADER, rows, title_rows=2), valid_from=AFTER
            )
        self.assertEqual(
            caught.exception.message, "Danh mục có lỗi (1 lỗi); chưa nhập dữ liệu nào."
        )
        self.assertEqual(
            caught.exception.extra["lines"],
            ["Trang “Sheet”, dòng 4, cột D (Mã PX), giá trị “3111A”: Mã chỉ được gồm chữ số."],
        )

    def test_missing_and_duplicate_columns(self):
        """Missing and repeated columns are reported on the header row."""
        header = ["Tỉnh / Thành Phố", "Mã TP", "Phường Xã", "Phường Xã"]
        with self.assertRaises(ApplicationError) as caught:
            units_import(
                actor=ACTOR, data=csv_bytes(header, [["a", "1", "b", "c"]]), valid_from=AFTER
            )
        errors = [(e["row"], e["column"], e["header"]) for e in caught.exception.extra["errors"]]
        # Missing columns have no letter and come first; the repeated one is column D.
        self.assertEqual(errors, [(1, "", "Mã PX"), (1, "", "Cấp"), (1, "D", "Phường Xã")])

    def test_three_tier_rows_need_a_district(self):
        """A three-tier row with neither district name nor code is an error."""
        rows = [
            [
                "Tỉnh Hậu Giang",
                "93",
                "Thành phố Ngã Bảy",
                "931",
                "Phường Lái Hiếu",
                "31341",
                "Phường",
            ],
            ["Tỉnh Hậu Giang", "93", "", "", "Phường Hiệp Thành", "31343", "Phường"],
            ["Tỉnh Hậu Giang", "93", "Ngã Bảy", "932", "Xã Tân Thành", "31414", "Xã"],
            ["Tỉnh Sóc Trăng", "94", "Thành phố Ngã Bảy", "931", "Xã Đại Thành", "31411", "Xã"],
        ]
        errors = self.assertRejected(
            csv_bytes(THREE_TIER_HEADER, rows), valid_from=CITY_FROM, valid_to=AFTER
        )
        self.assertEqual(
            errors, [(3, "Mã QH", ""), (4, "Quận Huyện", "Ngã Bảy"), (5, "Mã QH", "931")]
        )

    def test_unreadable_files(self):
        """Legacy encodings, old .xls and broken workbooks are refused with a file error."""
        for data in (
            b"T\xecnh / Th\xe0nh Ph\xf4,M\xe3 TP\n",  # a legacy 8-bit encoding
            b"\xd0\xcf\x11\xe0" + b"\x00" * 100,
            b"PK\x03\x04broken",
            b"",
        ):
            with self.subTest(data=data[:8]):
                errors = self.assertRejected(data)
                self.assertEqual(len(errors), 1)
                self.assertIsNone(errors[0][0])

    def test_end_before_start_is_refused(self):
        """valid_to must come after valid_from."""
        self.assertRejected(csv_bytes(TWO_TIER_HEADER, TWO_TIER_ROWS), valid_to=date(2025, 1, 1))


class ImportCommandTests(TestCase):
    def write(self, data: bytes, suffix: str = ".csv") -> Path:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        path = Path(directory.name) / f"danh-muc{suffix}"
        path.write_bytes(data)
        return path

    def run_command(self, *argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        command = Command(stdout=out, stderr=err)
        status = 0
        # run_from_argv closes connections when done; keep the test's open.
        with mock.patch("django.core.management.base.connections.close_all"):
            try:
                command.run_from_argv(["motcua", "import_units", *argv])
            except SystemExit as exc:
                status = int(exc.code or 0)
        return status, out.getvalue(), err.getvalue()

    def test_good_file_exits_zero(self):
        """The command imports the file and prints what it did."""
        path = self.write(xlsx_bytes(TWO_TIER_HEADER, TWO_TIER_ROWS), ".xlsx")
        status, out, _err = self.run_command(str(path), "--valid-from", "2025-07-01")
        self.assertEqual(status, 0)
        self.assertEqual(out, "Đã tạo 7, cập nhật 0, giữ nguyên 0 đơn vị.\n")
        self.assertEqual(Unit.objects.count(), 7)

    def test_bad_file_exits_non_zero_with_one_line_per_error(self):
        """Every error is printed on its own line and nothing is written."""
        rows = [
            ["Thành phố Cần Thơ", "92", "Phường A", "x", "Phường"],
            ["Thành phố Cần Thơ", "92", "Phường B", "31001", "Ấp"],
        ]
        path = self.write(csv_bytes(TWO_TIER_HEADER[:5], rows))
        status, _out, err = self.run_command(str(path), "--valid-from", "2025-07-01")
        self.assertEqual(status, 1)
        lines = err.strip().splitlines()
        self.assertEqual(
            lines,
            [
                "Dòng 2, cột D (Mã PX), giá trị “x”: Mã chỉ được gồm chữ số.",
                "Dòng 3, cột E (Cấp), giá trị “Ấp”: Cấp không hợp lệ; phải là một trong các "
                "giá trị: Phường, Thị trấn, Xã, Đặc khu.",
                "CommandError: Danh mục có lỗi (2 lỗi); chưa nhập dữ liệu nào.",
            ],
        )
        self.assertEqual(Unit.objects.count(), 0)

    def test_dry_run_and_call_command(self):
        """--dry-run writes nothing; a bad date is a usage error."""
        path = self.write(csv_bytes(TWO_TIER_HEADER, TWO_TIER_ROWS))
        out = io.StringIO()
        call_command(
            "import_units", str(path), "--valid-from", "2025-07-01", "--dry-run", stdout=out
        )
        self.assertEqual(Unit.objects.count(), 0)
        with self.assertRaises(CommandError):
            call_command("import_units", str(path), "--valid-from", "01/07/2025")
        with self.assertRaises(CommandError):
            call_command("import_units", "/nonexistent/file.csv", "--valid-from", "2025-07-01")


class DemoAfterImportTests(TestCase):
    def test_demo_loader_reuses_imported_units(self):
        """Units imported from the list are reused by the demo loader, twice over."""
        from motcua.org.demo import load_demo_units

        units_import(actor=ACTOR, data=csv_bytes(TWO_TIER_HEADER, TWO_TIER_ROWS), valid_from=AFTER)
        imported = unit_by_admin_code("31340", on=AFTER)
        units = load_demo_units(ACTOR)
        self.assertEqual(units["nga-bay"].pk, imported.pk)
        self.assertEqual(units["can-tho"].admin_code, "92")
        count = Unit.objects.count()
        load_demo_units(ACTOR)
        self.assertEqual(Unit.objects.count(), count)
