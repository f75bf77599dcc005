"""The dossier log book: rows by unit subtree, period and field; Excel and PDF."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.test import TestCase
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.catalog.models import Field, ProcedureVersion
from motcua.catalog.tests.factories import make_field, make_procedure
from motcua.core import clock
from motcua.dossiers import printing
from motcua.dossiers import services as s
from motcua.dossiers.logbook import (
    HEADINGS,
    LogbookRow,
    logbook_page,
    logbook_rows,
    logbook_xlsx,
)
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import ACTOR, World, at
from motcua.org.services import role_assignment_create


class LogbookTests(TestCase):
    w: World
    civil: Field
    business: Field
    business_version: ProcedureVersion
    before: Dossier
    business_dossier: Dossier
    other_ward_dossier: Dossier
    late_afternoon: Dossier
    after_midnight: Dossier
    first: Dossier

    @classmethod
    def setUpTestData(cls):
        w = cls.w = World()
        cls.civil = make_field()
        cls.business = make_field("household-business", "Thành lập và hoạt động của hộ kinh doanh")
        cls.business_version = make_procedure(
            "2.000046", name="Đăng ký thành lập hộ kinh doanh", field_code="household-business"
        ).versions.get()
        other_desk = get_user_model().objects.create_user("tiepnhan2", password="x")
        role_assignment_create(
            actor=ACTOR, user=other_desk, role=w.roles["intake_officer"], unit=w.other_ward
        )

        def receive(when, **kwargs):
            with clock.frozen(when):
                return w.receive(**kwargs)

        def act(when, func, **kwargs):
            with clock.frozen(when):
                return func(**kwargs)

        cls.before = receive(at(2026, 2, 27, 9))
        first = receive(
            at(2026, 3, 2, 9),
            applicant=w.applicant(
                representative_name="Trần Văn Hùng",
                authorisation_document="Giấy ủy quyền số 12/UQ",
            ),
        )
        cls.business_dossier = receive(
            at(2026, 3, 2, 10),
            version=cls.business_version,
            applicant=w.applicant(name="Hộ kinh doanh Quán cơm Ngọc Ánh"),
        )
        cls.other_ward_dossier = receive(
            at(2026, 3, 3, 9),
            actor=other_desk,
            receiving_unit=w.other_ward,
            applicant=w.applicant(name="Lý Thị Đào"),
        )
        cls.late_afternoon = receive(
            at(2026, 3, 3, 16), applicant=w.applicant(name="Đặng Hữu Phước", phone="")
        )
        cls.after_midnight = receive(at(2026, 3, 4, 0, 30))
        act(
            at(2026, 3, 4, 9),
            s.dossier_apologise,
            dossier=cls.late_afternoon,
            actor=w.leader,
            reason="Cần xác minh thêm",
            new_date=date(2026, 3, 10),
        )
        first = act(at(2026, 3, 2, 10), s.dossier_claim, dossier=first, actor=w.handler)
        first = act(
            at(2026, 3, 3, 9), s.dossier_hand_over, dossier=first, actor=w.handler, to_user=w.leader
        )
        first = act(
            at(2026, 3, 3, 10), s.dossier_decide, dossier=first, actor=w.leader, decision="granted"
        )
        cls.first = act(
            at(2026, 3, 4, 10),
            s.dossier_return,
            dossier=first,
            actor=w.intake,
            method="counter",
            received_by="Trần Văn Hùng",
        )

    def rows(self, unit=None, field=None, start=date(2026, 3, 2), end=date(2026, 3, 3)):
        return logbook_rows(unit=unit or self.w.ward, start=start, end=end, field=field)

    def test_rows_for_a_period_and_field(self):
        self.assertEqual(
            [row.code for row in self.rows(field=self.civil)],
            [self.first.code, self.late_afternoon.code],
        )
        # Volume by volume (the field's book), each in entry order.
        self.assertEqual(
            [(row.volume, row.number, row.code) for row in self.rows()],
            [
                ("2026 (lĩnh vực Hộ tịch)", 2, self.first.code),
                ("2026 (lĩnh vực Hộ tịch)", 3, self.late_afternoon.code),
                (
                    "2026 (lĩnh vực Thành lập và hoạt động của hộ kinh doanh)",
                    1,
                    self.business_dossier.code,
                ),
            ],
        )
        self.assertEqual(
            [row.code for row in self.rows(field=self.business)], [self.business_dossier.code]
        )

    def test_days_are_local_dates(self):
        """Intake at 00:30 on 4 March (17:30 UTC on the 3rd) is not in a book ending on the 3rd."""
        codes = [row.code for row in self.rows()]
        self.assertNotIn(self.after_midnight.code, codes)
        self.assertNotIn(self.before.code, codes)
        self.assertEqual(
            [row.code for row in self.rows(start=date(2026, 3, 4), end=date(2026, 3, 4))],
            [self.after_midnight.code],
        )

    def test_scope_is_the_unit_subtree(self):
        self.assertNotIn(self.other_ward_dossier.code, [row.code for row in self.rows()])
        self.assertEqual(
            [row.code for row in self.rows(unit=self.w.other_ward)],
            [self.other_ward_dossier.code],
        )
        self.assertEqual(
            [(row.desk_name, row.code) for row in self.rows(unit=self.w.city)],
            [
                (self.w.centre.name, self.first.code),
                (self.w.centre.name, self.late_afternoon.code),
                (self.w.centre.name, self.business_dossier.code),
                (self.w.other_ward.name, self.other_ward_dossier.code),
            ],
        )
        self.assertEqual(len(self.rows(unit=self.w.centre)), 3)

    def test_one_query(self):
        with self.assertNumQueries(1):
            rows = self.rows(unit=self.w.city)
        self.assertEqual(len(rows), 4)
        with self.assertNumQueries(1):
            self.rows(field=self.civil)

    def test_a_full_row(self):
        first, late, _business = self.rows()
        self.assertEqual(
            first,
            LogbookRow(
                number=2,  # the civil-status volume of 2026 began on 27 February
                volume="2026 (lĩnh vực Hộ tịch)",
                book_id=self.first.logbook_id,
                desk_name="Trung tâm Phục vụ hành chính công phường Ngã Bảy",
                dossier_id=self.first.pk,
                code="H33.15-260302-0001",
                procedure_code="1.001193",
                procedure_name="Đăng ký khai sinh",
                applicant_name="Trần Thị Bích Ngọc",
                address="Số 12 đường Lê Lợi, phường Ngã Bảy, thành phố Cần Thơ",
                phone="0912345678",
                agency_name="Ủy ban nhân dân phường Ngã Bảy",
                received_at=at(2026, 3, 2, 9),
                appointment_at=at(2026, 3, 5, 17),
                new_appointment_at=None,
                returned_at=at(2026, 3, 4, 10),
                return_method="counter",
                return_method_label="Trực tiếp tại Bộ phận Một cửa",
                returned_to="Trần Văn Hùng",
            ),
        )
        self.assertEqual(
            first.contact, "Số 12 đường Lê Lợi, phường Ngã Bảy, thành phố Cần Thơ; ĐT: 0912345678"
        )
        # The receipt's appointment stays; the apology's new date has its own column.
        self.assertEqual(late.number, 3)
        self.assertEqual(late.appointment_at, at(2026, 3, 6, 17))
        self.assertEqual(late.new_appointment_at, at(2026, 3, 10, 17))
        self.assertEqual(
            (late.returned_at, late.return_method_label, late.returned_to), (None, "", "")
        )
        self.assertEqual(late.contact, "Số 12 đường Lê Lợi, phường Ngã Bảy, thành phố Cần Thơ")

    def test_excel_keeps_formula_like_text_as_text(self):
        with clock.frozen(at(2026, 3, 2, 11)):
            self.w.receive(
                applicant=self.w.applicant(name='=HYPERLINK("http://x.invalid","Bấm")'),
            )
        page = logbook_page(unit=self.w.ward, start=date(2026, 3, 2), end=date(2026, 3, 2))
        stream = io.BytesIO()
        logbook_xlsx(page.rows, stream, title=page.title)
        sheet = load_workbook(io.BytesIO(stream.getvalue())).active
        names = [row[4] for row in sheet.iter_rows(min_row=5)]
        odd = [cell for cell in names if str(cell.value).startswith("=")]
        self.assertEqual([cell.value for cell in odd], ['=HYPERLINK("http://x.invalid","Bấm")'])
        self.assertEqual(odd[0].data_type, "s")

    def test_excel(self):
        page = logbook_page(
            unit=self.w.ward, start=date(2026, 3, 2), end=date(2026, 3, 3), field=self.civil
        )
        stream = io.BytesIO()
        logbook_xlsx(page.rows, stream, title=page.title)
        sheet = load_workbook(io.BytesIO(stream.getvalue())).active
        self.assertEqual(sheet.title, "Sổ theo dõi hồ sơ")
        self.assertEqual(sheet["A1"].value, "SỔ THEO DÕI HỒ SƠ")
        self.assertEqual(
            sheet["A2"].value,
            "Phường Ngã Bảy - Lĩnh vực: Hộ tịch - Từ ngày 02/3/2026 đến ngày 03/3/2026",
        )
        self.assertEqual([cell.value for cell in sheet[4]], ["Quyển số", *HEADINGS])
        self.assertEqual(
            [cell.value for cell in sheet[5]],
            [
                "2026 (lĩnh vực Hộ tịch)",
                2,
                "H33.15-260302-0001",
                "Đăng ký khai sinh",
                "Trần Thị Bích Ngọc",
                "Số 12 đường Lê Lợi, phường Ngã Bảy, thành phố Cần Thơ; ĐT: 0912345678",
                "Ủy ban nhân dân phường Ngã Bảy",
                datetime(2026, 3, 2, 9, 0),
                datetime(2026, 3, 5, 17, 0),
                None,  # no apology
                datetime(2026, 3, 4, 10, 0),
                "Trực tiếp tại Bộ phận Một cửa",
                None,  # "Ký nhận": for the signature, never a typed name
            ],
        )
        self.assertTrue(sheet["H5"].is_date)
        self.assertEqual(sheet["H5"].number_format, "dd/mm/yyyy hh:mm")
        self.assertEqual([cell.value for cell in sheet[6]][1:3], [3, self.late_afternoon.code])
        self.assertEqual(
            [cell.value for cell in sheet[6]][8:11],
            [datetime(2026, 3, 6, 17, 0), datetime(2026, 3, 10, 17, 0), None],
        )
        self.assertEqual(sheet.max_row, 6)
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    self.assertIs(unicodedata.is_normalized("NFC", value), True)

    def test_pdf(self):
        page = logbook_page(
            unit=self.w.ward, start=date(2026, 3, 2), end=date(2026, 3, 3), field=self.civil
        )
        data = printing.render_pdf("logbook", page)
        reader = PdfReader(io.BytesIO(data))
        box = reader.pages[0].mediabox
        self.assertGreater(float(box.width), float(box.height))
        raw = "\n".join(p.extract_text() for p in reader.pages)
        self.assertIs(unicodedata.is_normalized("NFC", raw), True)
        self.assertNotIn("\ufffd", raw)
        text = " ".join(raw.split())
        for needle in [
            "Mẫu số 07",
            "SỔ THEO DÕI HỒ SƠ",
            "Lĩnh vực: Hộ tịch",
            "Từ ngày 02/3/2026 đến ngày 03/3/2026",
            "ỦY BAN NHÂN DÂN PHƯỜNG NGÃ BẢY",
            *HEADINGS,
            "2 H33.15-260302-0001 Đăng ký khai sinh Trần Thị Bích Ngọc",
            "Ủy ban nhân dân phường Ngã Bảy",
            "09:00 02/3/2026 17:00 05/3/2026 10:00 04/3/2026",
            "Trực tiếp tại Bộ phận Một cửa",
            "Quyển số: 2026 (lĩnh vực Hộ tịch)",
            "3 H33.15-260303-0001",
            "Đặng Hữu Phước",
            "16:00 03/3/2026 17:00 06/3/2026 17:00 10/3/2026",
            "Trang 1/1",
        ]:
            with self.subTest(needle=needle):
                self.assertIn(needle, text)
        self.assertNotIn("Hộ kinh doanh Quán cơm Ngọc Ánh", text)
        self.assertNotIn("Trần Văn Hùng", text)  # who collected signs "Ký nhận" by hand
        self.assertIn(
            "Mẫu số 06",
            " ".join(
                "\n".join(
                    p.extract_text()
                    for p in PdfReader(
                        io.BytesIO(printing.render_pdf("logbook", page, numbering="tt01_2018"))
                    ).pages
                ).split()
            ),
        )
        self.assertEqual(
            printing.pdf_filename("logbook", page), "mau-07-so-theo-doi-20260302-20260303.pdf"
        )

    def test_an_empty_period_still_prints(self):
        page = logbook_page(unit=self.w.ward, start=date(2026, 1, 5), end=date(2026, 1, 9))
        self.assertEqual(page.rows, ())
        text = " ".join(
            PdfReader(io.BytesIO(printing.render_pdf("logbook", page)))
            .pages[0]
            .extract_text()
            .split()
        )
        self.assertIn("Không có hồ sơ nào trong thời gian này.", text)
        with self.assertRaises(ValueError):
            printing.render_pdf("logbook", list(page.rows))
