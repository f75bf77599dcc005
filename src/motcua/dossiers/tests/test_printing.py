"""The printed forms: built from real dossiers through the services, read back with pypdf."""

from __future__ import annotations

import io
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from django.test import TestCase, override_settings
from fpdf.fonts import TTFFont
from pypdf import PdfReader

from motcua.dossiers import printing
from motcua.dossiers.printing import layout
from motcua.dossiers.printing.words import date_words, money, place_and_date, time_text
from motcua.dossiers.tests.helpers import DossierTestCase, at
from motcua.org.models import RoleAssignment
from motcua.org.services import role_assignment_update


def pages_of(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(data: bytes) -> str:
    """Return the PDF's text with every run of blanks and line breaks as one space."""
    return " ".join("\n".join(pages_of(data)).split())


def named(user, family: str, given: str) -> None:
    user.last_name, user.first_name = family, given
    user.save(update_fields=["last_name", "first_name"])


class PrintingTestCase(DossierTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        named(cls.w.intake, "Nguyễn Thị", "Hoa")
        named(cls.w.handler, "Lê Văn", "Minh")
        named(cls.w.leader, "Phạm Quốc", "Bảo")
        named(cls.w.tax_officer, "Võ Thị Ánh", "Tuyết")
        # The leader signs as vice-chairman of the ward's People's Committee.
        role_assignment_update(
            actor="test",
            assignment=RoleAssignment.objects.get(user=cls.w.leader),
            data={"position": "Phó Chủ tịch"},
        )

    def render(self, form, obj, **kwargs) -> str:
        data = printing.render_pdf(form, obj, **kwargs)
        self.assertTrue(data.startswith(b"%PDF-"))
        text = "\n".join(pages_of(data))
        self.assertIs(unicodedata.is_normalized("NFC", text), True)
        self.assertNotIn("\ufffd", text)
        return " ".join(text.split())

    def assertAllIn(self, needles, text):
        for needle in needles:
            with self.subTest(needle=needle):
                self.assertIn(needle, text)


class WordingTests(TestCase):
    def test_dates_follow_the_decree_on_leading_zeros(self):
        self.assertEqual(
            place_and_date("Cần Thơ", date(2026, 3, 2)), "Cần Thơ, ngày 02 tháng 3 năm 2026"
        )
        self.assertEqual(date_words(date(2026, 2, 15)), "ngày 15 tháng 02 năm 2026")
        self.assertEqual(date_words(date(2026, 12, 1)), "ngày 01 tháng 12 năm 2026")

    def test_times_are_local(self):
        self.assertEqual(time_text(at(2026, 3, 5, 17)), "17 giờ 00 phút, ngày 05/3/2026")
        # 23:30 UTC on 4 March is 06:30 on 5 March in Việt Nam.
        utc = at(2026, 3, 5, 6, 30).astimezone(__import__("datetime").UTC)
        self.assertEqual(time_text(utc), "06 giờ 30 phút, ngày 05/3/2026")

    def test_amounts(self):
        self.assertEqual(money(50000), "50.000 đồng")
        self.assertEqual(money(1250000), "1.250.000 đồng")
        self.assertEqual(money(0), "0 đồng")


class NumberingTests(TestCase):
    def test_numbers_under_both_sets(self):
        self.assertEqual(
            [printing.form_number(form, "tt03_2025") for form in printing.FORMS],
            ["01", "02", "03", "04", "05", "06", "07", None],
        )
        self.assertEqual(
            [printing.form_number(form, "tt01_2018") for form in printing.FORMS],
            ["01", "02", "03", "04", None, "05", "06", None],
        )

    def test_apology_title_changed_in_2025(self):
        """TT 03/2025, Phụ lục I calls Mẫu 04 a "văn bản"; TT 01/2018 keeps its "phiếu"."""
        self.assertEqual(
            printing.form_title("apology", "tt03_2025"),
            "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
        )
        self.assertEqual(
            printing.form_title("apology", "tt01_2018"),
            "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        )

    def test_the_setting_chooses_the_default(self):
        self.assertEqual(printing.form_number("control"), "06")
        with override_settings(MOTCUA_FORM_NUMBERING="tt01_2018"):
            self.assertEqual(printing.form_number("control"), "05")
            self.assertIsNone(printing.form_number("stop"))

    def test_unknown_names_are_clear_errors(self):
        with self.assertRaisesMessage(ValueError, "tt02_2020"):
            printing.form_number("receipt", "tt02_2020")
        with self.assertRaisesMessage(ValueError, "invoice"):
            printing.form_title("invoice")
        with self.assertRaisesMessage(ValueError, "invoice"):
            printing.render_pdf("invoice", object())
        with (
            override_settings(MOTCUA_FORM_NUMBERING="tt99"),
            self.assertRaisesMessage(ValueError, "tt99"),
        ):
            printing.form_number("receipt")


LONG_PROCEDURE = (
    "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh, chuyển đổi hộ kinh doanh thành doanh "
    "nghiệp, đăng ký tạm ngừng kinh doanh và tiếp tục kinh doanh trước thời hạn đã thông báo "
    "của hộ kinh doanh trên địa bàn phường theo cơ chế liên thông điện tử"
)


class FontTests(TestCase):
    def test_documents_share_tables_but_not_what_output_writes(self):
        first, second = layout.FormPDF(), layout.FormPDF()
        a, b = first.fonts["liberationserif"], second.fonts["liberationserif"]
        assert isinstance(a, TTFFont) and isinstance(b, TTFFont)
        self.assertIs(a.cmap, b.cmap)
        for name in ("ttfont", "desc", "subset", "cw", "glyph_ids", "missing_glyphs"):
            with self.subTest(name=name):
                self.assertIsNot(getattr(a, name), getattr(b, name))

    def test_documents_written_by_several_threads_stay_whole(self):
        texts = [f"Hồ sơ số {n}: Nguyễn Văn Ánh, Đỗ Thị Hường, Lưu Quốc Việt" for n in range(8)]
        documents = []
        for text in texts:
            pdf = layout.FormPDF()
            pdf.heading("Phiếu thử", text)
            pdf.para(text, style="I")
            documents.append(pdf)
        with ThreadPoolExecutor(max_workers=4) as pool:
            outputs = list(pool.map(lambda pdf: bytes(pdf.output()), documents))
        for text, data in zip(texts, outputs, strict=True):
            with self.subTest(text=text):
                self.assertEqual(flat(data).count(text), 2)
