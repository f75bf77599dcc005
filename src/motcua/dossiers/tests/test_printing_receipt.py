"""The receipt and appointment (Form 01): its content and its pages."""

from __future__ import annotations

import io
import unicodedata

import segno
from django.test import TestCase, override_settings
from fpdf.fonts import TTFFont
from pypdf import PdfReader

from motcua.catalog.content import DocumentSpec, FeeSpec
from motcua.catalog.tests.factories import make_procedure
from motcua.core import clock
from motcua.dossiers import printing
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.printing import forms, layout, units
from motcua.dossiers.tests.helpers import at
from motcua.dossiers.tests.test_printing import LONG_PROCEDURE, PrintingTestCase, flat, pages_of
from motcua.org.services import unit_update


class ReceiptTests(PrintingTestCase):
    def test_receipt(self):
        """Mẫu 01 carries the code, applicant, documents, times, fees, log book place and QR."""
        d = self.receive()
        text = self.render("receipt", d)
        self.assertAllIn(
            [
                "Mẫu số 01",
                "ỦY BAN NHÂN DÂN PHƯỜNG NGÃ BẢY",
                "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG NGÃ BẢY",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "Số: H33.15-260302-0001",
                "Ngã Bảy, ngày 02 tháng 3 năm 2026",
                "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                "Mã hồ sơ: H33.15-260302-0001",
                "Tên tổ chức, cá nhân: Trần Thị Bích Ngọc",
                "Số định danh cá nhân: 092190001234",
                "Địa chỉ: Số 12 đường Lê Lợi, phường Ngã Bảy, thành phố Cần Thơ",
                "Số điện thoại: 0912345678",
                "ngoc.tran@example.vn",
                "Nội dung yêu cầu giải quyết: Đăng ký khai sinh (mã thủ tục: 1.001193)",
                "TT Tên giấy tờ Hình thức Số lượng",
                "1 Tờ khai đăng ký khai sinh Bản chính 01",
                "2 Giấy chứng sinh Bản chính 01",
                "Số lượng hồ sơ: 01 (bộ); Thời gian giải quyết hồ sơ theo quy định: "
                "03 ngày làm việc",
                "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 02/3/2026",
                "Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 05/3/2026",
                "Đăng ký nhận kết quả tại: Trung tâm Phục vụ hành chính công phường Ngã Bảy",
                "Phí, lệ phí: Lệ phí đăng ký: 50.000 đồng",
                "Vào Sổ theo dõi hồ sơ, Quyển số: 2026 (lĩnh vực Hộ tịch), Số thứ tự: 1.",
                "NGƯỜI NỘP HỒ SƠ",
                "NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) Nguyễn Thị Hoa",
                "http://127.0.0.1:8000/tra-cuu/?ma=H33.15-260302-0001",
            ],
            text,
        )
        self.assertNotIn("Cần Thơ, ngày", text)
        self.assertEqual(printing.pdf_filename("receipt", d), "mau-01-H33.15-260302-0001.pdf")

    def test_the_log_book_entry_counts_the_year_per_field(self):
        self.receive()
        second = self.receive(when=at(2026, 3, 3, 8))
        self.assertIn("Số thứ tự: 2.", self.render("receipt", second))

    def test_representative_and_postal_return(self):
        d = self.receive(
            applicant=self.w.applicant(
                representative_name="Trần Văn Hùng",
                representative_phone="0987654321",
                authorisation_document="Giấy ủy quyền số 12/UQ ngày 01/3/2026",
            ),
            postal_address="Số 5 đường Hòa Bình, phường Ninh Kiều, thành phố Cần Thơ",
        )
        text = self.render("receipt", d)
        self.assertAllIn(
            [
                "Người được ủy quyền nộp hồ sơ: Trần Văn Hùng",
                "Số điện thoại: 0987654321",
                "Văn bản ủy quyền: Giấy ủy quyền số 12/UQ ngày 01/3/2026",
                "Qua dịch vụ bưu chính công ích, địa chỉ: Số 5 đường Hòa Bình",
            ],
            text,
        )
        # The representative signs as the person who handed the dossier in.
        self.assertRegex(text, r"NGƯỜI NỘP HỒ SƠ .*Trần Văn Hùng")

    def test_qr_code_encodes_the_tracking_address(self):
        """The one image on the receipt is the QR code of the tracking address, module by module."""
        d = self.receive()
        data = printing.render_pdf("receipt", d)
        images = [image for page in PdfReader(io.BytesIO(data)).pages for image in page.images]
        self.assertEqual(len(images), 1)
        url = "http://127.0.0.1:8000/tra-cuu/?ma=H33.15-260302-0001"
        expected = [
            [bool(bit) for bit in row] for row in segno.make(url, error="m", micro=False).matrix
        ]
        assert images[0].image is not None
        picture = images[0].image.convert("L")
        modules = len(expected) + 2 * layout.QR_BORDER
        self.assertEqual(picture.size, (modules * layout.QR_SCALE, modules * layout.QR_SCALE))
        half = layout.QR_SCALE // 2

        def dark(x: int, y: int) -> bool:
            level = picture.getpixel((x, y))
            assert isinstance(level, int)  # one grey level a pixel ("L")
            return level < 128

        found = [
            [
                dark(
                    (layout.QR_BORDER + col) * layout.QR_SCALE + half,
                    (layout.QR_BORDER + row) * layout.QR_SCALE + half,
                )
                for col in range(len(expected))
            ]
            for row in range(len(expected))
        ]
        self.assertEqual(found, expected)
        self.assertIn("H33.15-260302-0001", flat(data))

    @override_settings(MOTCUA_PUBLIC_URL="https://motcua.cantho.gov.vn/")
    def test_the_public_address_comes_from_the_settings(self):
        d = self.receive()
        self.assertIn(
            "https://motcua.cantho.gov.vn/tra-cuu/?ma=H33.15-260302-0001",
            self.render("receipt", d),
        )

    def test_decomposed_text_is_printed_composed(self):
        """Text stored decomposed (NFD) comes out NFC, each letter one glyph."""
        d = self.receive()
        address = "Ấp Thạnh Lợi, xã Phụng Hiệp, thành phố Cần Thơ"
        Dossier.objects.filter(pk=d.pk).update(
            applicant_address=unicodedata.normalize("NFD", address)
        )
        d.refresh_from_db()
        pdf = forms.draw_receipt(d, "tt03_2025")
        text = flat(bytes(pdf.output()))
        self.assertIn(f"Địa chỉ: {address}", text)
        self.assertEqual(
            [font.missing_glyphs for font in pdf.fonts.values() if isinstance(font, TTFFont)],
            [[], [], []],
        )
        self.assertEqual(len(pdf.fonts), 3)

    def test_long_names_wrap_inside_the_margins(self):
        long_name = (
            "Công ty trách nhiệm hữu hạn một thành viên thương mại dịch vụ xuất nhập khẩu "
            "nông sản Đồng bằng sông Cửu Long chi nhánh thành phố Cần Thơ"
        )
        d = self.receive(applicant=self.w.applicant(name=long_name))
        data = printing.render_pdf("receipt", d)
        first_page = pages_of(data)[0]
        # Wrapped onto two lines, whole.
        self.assertNotIn(long_name, first_page)
        self.assertIn(long_name, " ".join(first_page.split()))
        reader = PdfReader(io.BytesIO(data))
        width = float(reader.pages[0].mediabox.width)
        starts: list[float] = []

        def visit(text, cm, tm, font_dict, font_size):
            if text.strip():
                starts.append(tm[4] * cm[0] + cm[4])

        reader.pages[0].extract_text(visitor_text=visit)
        # 30 mm left margin, 15 mm right margin, in points.
        self.assertGreaterEqual(min(starts), 30 * 72 / 25.4 - 1)
        self.assertLess(max(starts), width - 15 * 72 / 25.4)

    def test_two_documents_in_a_row_are_both_whole(self):
        """Each document embeds its own font subset; the cached fonts are not consumed."""
        d = self.receive()
        first = printing.render_pdf("receipt", d)
        second = printing.render_pdf("receipt", d)
        self.assertEqual(flat(first), flat(second))
        self.assertIn("Trần Thị Bích Ngọc", flat(second))

    def test_only_a_received_dossier_has_a_receipt(self):
        with clock.frozen(at(2026, 3, 2, 9)):
            refused = s.dossier_refuse_at_intake(
                actor=self.w.intake,
                receiving_unit=self.w.centre,
                applicant=self.w.applicant(),
                reasons="Không thuộc thẩm quyền",
                procedure_version=self.w.pause_version,
            )
        with self.assertRaisesMessage(ValueError, "hồ sơ đã được tiếp nhận"):
            printing.render_pdf("receipt", refused)
        with self.assertRaises(ValueError):
            printing.render_pdf("control", refused)


class ReceiptPageTests(PrintingTestCase):
    """Mẫu 01 fits on one page with its notes, up to the limit in dossier-lifecycle.md."""

    def crowded(self, code: str, documents: list[str], **kwargs) -> Dossier:
        version = make_procedure(
            code,
            name=LONG_PROCEDURE,
            documents=tuple(
                DocumentSpec(order=n, name=name, form="certified_copy")
                for n, name in enumerate(documents, start=1)
            ),
            fees=(
                FeeSpec(order=1, name="Lệ phí đăng ký", amount=50000, kind="charge"),
                FeeSpec(order=2, name="Phí cung cấp thông tin", amount=20000, kind="fee"),
            ),
        ).versions.get()
        applicant = self.w.applicant(
            representative_name="Trần Văn Hùng",
            representative_id_number="092190001235",
            representative_phone="0987654321",
            representative_address="Số 5 đường Hòa Bình, phường Ninh Kiều, thành phố Cần Thơ",
            authorisation_document="Giấy ủy quyền số 12/UQ ngày 01/3/2026",
        )
        return self.receive(
            version=version,
            applicant=applicant,
            postal_address="Số 5 đường Hòa Bình, phường Ninh Kiều, thành phố Cần Thơ",
            **kwargs,
        )

    def assertOnePage(self, d: Dossier, documents: list[str]) -> None:
        data = printing.render_pdf("receipt", d)
        self.assertEqual(len(pages_of(data)), 1)
        text = flat(data)
        self.assertAllIn(
            [
                LONG_PROCEDURE,
                *(f"{n} {name} Bản sao chứng thực 01" for n, name in enumerate(documents, 1)),
                "NGƯỜI TIẾP NHẬN HỒ SƠ",
                "Nguyễn Thị Hoa",
                "Ghi chú:",
                "Phí, lệ phí: Lệ phí đăng ký: 50.000 đồng; Phí cung cấp thông tin: 20.000 đồng "
                "(tổng cộng: 70.000 đồng)",
                "http://127.0.0.1:8000/tra-cuu/?ma=",
            ],
            text,
        )

    def test_ten_one_line_documents_with_everything_else(self):
        """The limit: a long procedure, a representative, postal return, two fees, ten documents."""
        documents = [f"Giấy đề nghị đăng ký hộ kinh doanh (bản chính) số {n}" for n in range(1, 11)]
        self.assertOnePage(self.crowded("9.000010", documents), documents)

    def test_five_two_line_documents_with_everything_else(self):
        documents = [
            f"Bản sao giấy tờ chứng minh quyền sử dụng hợp pháp địa điểm kinh doanh số {n} kèm "
            "theo bản vẽ sơ đồ vị trí"
            for n in range(1, 6)
        ]
        self.assertOnePage(self.crowded("9.000005", documents), documents)

    def test_sixteen_documents_of_a_plain_receipt(self):
        version = make_procedure(
            "9.000016",
            name="Đăng ký hộ kinh doanh",
            documents=tuple(
                DocumentSpec(order=n, name=f"Giấy tờ kèm theo hồ sơ số {n}", form="copy")
                for n in range(1, 17)
            ),
        ).versions.get()
        data = printing.render_pdf("receipt", self.receive(version=version))
        self.assertEqual(len(pages_of(data)), 1)
        self.assertIn("16 Giấy tờ kèm theo hồ sơ số 16", flat(data))

    def test_a_usual_receipt_keeps_the_full_size(self):
        """Only a crowded receipt is drawn smaller; a usual one keeps 12-point type."""
        self.assertEqual(forms.draw_receipt(self.receive(), "tt03_2025").form_scale, 1.0)

    def test_beyond_the_limit_it_flows_on_with_the_signatures_whole(self):
        documents = [f"Giấy tờ kèm theo hồ sơ đăng ký hộ kinh doanh số {n}" for n in range(1, 26)]
        pages = pages_of(printing.render_pdf("receipt", self.crowded("9.000025", documents)))
        self.assertEqual(len(pages), 2)
        last = " ".join(pages[-1].split())
        self.assertIn("NGƯỜI NỘP HỒ SƠ", last)
        self.assertIn("NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) Nguyễn Thị Hoa", last)


class PlaceTests(PrintingTestCase):
    """The date line names where the issuing body sits (NĐ 30/2020, Phụ lục I)."""

    def test_the_place_set_on_the_desk_is_printed(self):
        unit_update(actor="test", unit=self.w.centre, data={"place_name": "Hiệp Thành"})
        text = self.render("receipt", self.receive())
        self.assertIn("Hiệp Thành, ngày 02 tháng 3 năm 2026", text)
        self.assertNotIn("Ngã Bảy, ngày", text)

    def test_a_body_of_the_city_prints_the_city(self):
        self.assertEqual(units.unit_names(self.w.tax).place, "Cần Thơ")
        self.assertEqual(units.unit_names(self.w.centre).place, "Ngã Bảy")


class HeaderTests(TestCase):
    """The issuing body's name breaks between words, never inside a place name."""

    @staticmethod
    def header_lines(header: layout.Header) -> list[str]:
        pdf = layout.FormPDF()
        pdf.header_block(header)
        return pages_of(bytes(pdf.output()))[0].splitlines()

    def test_the_place_stays_on_one_line(self):
        lines = self.header_lines(
            layout.Header(
                agency="Trung tâm Phục vụ hành chính công phường Ngã Bảy",
                parent="Ủy ban nhân dân\nPhường Ngã Bảy",
                keep=("Ngã Bảy", "Phường Ngã Bảy"),
            )
        )
        self.assertIn("PHƯỜNG NGÃ BẢY", lines)
        self.assertEqual(lines[:3], ["ỦY BAN NHÂN DÂN", "PHƯỜNG NGÃ BẢY", "TRUNG TÂM PHỤC VỤ"])
        self.assertFalse([line for line in lines if line.endswith("NGÃ")], lines)

    def test_the_forms_keep_the_place_whole(self):
        for agency in (
            "Trung tâm Phục vụ hành chính công phường Ngã Bảy",
            "Điểm tiếp nhận và trả kết quả số 1 phường Ngã Bảy",
            "Trung tâm Phục vụ hành chính công phường Long Mỹ",
        ):
            with self.subTest(agency=agency):
                place = agency.rsplit("phường ", 1)[1]
                lines = self.header_lines(
                    layout.Header(agency=agency, keep=(place, f"Phường {place}"))
                )
                self.assertTrue(
                    [line for line in lines if f"PHƯỜNG {place.upper()}" in line], lines
                )

    def test_a_phrase_wider_than_the_column_is_printed_smaller(self):
        place = "Phường Trung Tâm Hành Chính Mới"
        lines = self.header_lines(layout.Header(agency=f"Ủy ban nhân dân\n{place}", keep=(place,)))
        self.assertIn(place.upper(), lines)
        _text, size = layout.FormPDF()._fit_name(place, [place], "B", 70)
        self.assertLess(size, layout.BODY)

    def test_a_phrase_too_wide_even_smaller_breaks_between_words(self):
        place = "Phường Trung Tâm Hành Chính Mới Phía Nam Sông Hậu"
        lines = self.header_lines(layout.Header(agency=f"Ủy ban nhân dân\n{place}", keep=(place,)))
        words = place.upper().split()
        name_lines = lines[1 : lines.index(layout.MOTTO)]
        printed = [word for line in name_lines for word in line.split()]
        self.assertEqual(printed, words, lines)

    def test_keep_together_joins_the_words_whatever_their_case(self):
        self.assertEqual(
            layout.keep_together("TRUNG TÂM PHƯỜNG NGÃ BẢY", ["Ngã Bảy"]),
            f"TRUNG TÂM PHƯỜNG NGÃ{layout.NBSP}BẢY",
        )
