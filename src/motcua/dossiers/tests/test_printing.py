"""The printed forms: built from real dossiers through the services, read back with pypdf."""

from __future__ import annotations

import io
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import segno
from django.test import TestCase, override_settings
from django.urls import reverse
from pypdf import PdfReader

from motcua.api.services import api_token_create
from motcua.catalog.content import DocumentSpec, FeeSpec
from motcua.catalog.tests.factories import make_procedure
from motcua.core import clock
from motcua.dossiers import printing
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, Pause
from motcua.dossiers.printing import forms, layout
from motcua.dossiers.printing.words import date_words, money, place_and_date, time_text
from motcua.dossiers.tests.helpers import World, at
from motcua.org.models import RoleAssignment
from motcua.org.services import role_assignment_update, unit_update


def pages_of(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(data: bytes) -> str:
    """Return the PDF's text with every run of blanks and line breaks as one space."""
    return " ".join("\n".join(pages_of(data)).split())


def named(user, family: str, given: str) -> None:
    user.last_name, user.first_name = family, given
    user.save(update_fields=["last_name", "first_name"])


class PrintingTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
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

    def act(self, when, func, **kwargs):
        with clock.frozen(when):
            return func(**kwargs)

    def receive(self, when=None, **kwargs) -> Dossier:
        with clock.frozen(when or at(2026, 3, 2, 9)):
            return self.w.receive(**kwargs)

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
        picture = images[0].image.convert("L")
        modules = len(expected) + 2 * layout.QR_BORDER
        self.assertEqual(picture.size, (modules * layout.QR_SCALE, modules * layout.QR_SCALE))
        half = layout.QR_SCALE // 2
        found = [
            [
                picture.getpixel(
                    (
                        (layout.QR_BORDER + col) * layout.QR_SCALE + half,
                        (layout.QR_BORDER + row) * layout.QR_SCALE + half,
                    )
                )
                < 128
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
        self.assertEqual([font.missing_glyphs for font in pdf.fonts.values()], [[], [], []])

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


LONG_PROCEDURE = (
    "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh, chuyển đổi hộ kinh doanh thành doanh "
    "nghiệp, đăng ký tạm ngừng kinh doanh và tiếp tục kinh doanh trước thời hạn đã thông báo "
    "của hộ kinh doanh trên địa bàn phường theo cơ chế liên thông điện tử"
)


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
        self.assertEqual(forms.unit_names(self.w.tax).place, "Cần Thơ")
        self.assertEqual(forms.unit_names(self.w.centre).place, "Ngã Bảy")


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


class SupplementTests(PrintingTestCase):
    ITEMS = [
        "Bản sao giấy chứng sinh có chứng thực",
        "Giấy xác nhận nơi cư trú của người mẹ",
        "Văn bản thỏa thuận của cha, mẹ về việc chọn quốc tịch cho con",
    ]

    def test_supplement_request_during_handling(self):
        """Mẫu 02 lists every item at once, the reason, the officer and the deadline."""
        d = self.receive()
        d = self.w.to_handler(d)
        pause = self.act(
            at(2026, 3, 3, 10),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.handler,
            items=self.ITEMS,
            reason="Bản sao không rõ, thiếu giấy tờ về quốc tịch",
        )
        text = self.render("supplement", pause)
        self.assertAllIn(
            [
                "Mẫu số 02",
                "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
                "Số: H33.15-260302-0001/PBS",
                "Ngã Bảy, ngày 03 tháng 3 năm 2026",
                "Mã hồ sơ: H33.15-260302-0001",
                "Hồ sơ của: Trần Thị Bích Ngọc",
                "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:",
                *(f"{n}. {item}" for n, item in enumerate(self.ITEMS, start=1)),
                "Lý do: Bản sao không rõ, thiếu giấy tờ về quốc tịch",
                "Thời hạn bổ sung, hoàn thiện hồ sơ: trước 17 giờ 00 phút, ngày 24/3/2026",
                "liên hệ với Lê Văn Minh",
                "NGƯỜI HƯỚNG DẪN",
            ],
            text,
        )
        self.assertRegex(text, r"NGƯỜI HƯỚNG DẪN \(Ký và ghi rõ họ tên\) Lê Văn Minh")
        self.assertEqual(
            printing.pdf_filename("supplement", pause), "mau-02-H33.15-260302-0001.pdf"
        )

    def test_form_02_names_the_agency_of_the_step_that_asked(self):
        """The handler of the ward asks: the contact is the ward's People's Committee."""
        d = self.w.to_handler(self.receive())
        pause = self.act(
            at(2026, 3, 3, 10),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.handler,
            items=self.ITEMS[:1],
            reason="Thiếu giấy tờ",
        )
        text = self.render("supplement", pause)
        self.assertIn("liên hệ với Lê Văn Minh (Ủy ban nhân dân phường Ngã Bảy)", text)
        self.assertNotIn("(Trung tâm Phục vụ hành chính công phường Ngã Bảy)", text)

    def test_form_02_of_a_coordinating_agency_names_it(self):
        d = self.w.to_handler(self.receive(version=self.w.inter_version))
        d = self.act(
            at(2026, 3, 2, 14),
            s.dossier_hand_over,
            dossier=d,
            actor=self.w.handler,
            to_user=self.w.tax_officer,
        )
        pause = self.act(
            at(2026, 3, 3, 10),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.tax_officer,
            items=["Tờ khai thuế"],
            reason="Thiếu tờ khai thuế",
        )
        self.assertIn(
            "liên hệ với Võ Thị Ánh Tuyết (Thuế cơ sở 6)", self.render("supplement", pause)
        )

    def test_form_02_asked_at_the_desk_names_the_desk(self):
        # Before intake: an online submission the desk asks to complete (after intake the
        # dossier is already at the ward's step, whose unit Form 02 names).
        with clock.frozen(at(2026, 3, 2, 8)):
            d = s.dossier_submit_online(
                applicant=self.w.applicant(),
                procedure_code=self.w.pause_version.procedure.code,
                receiving_unit=self.w.centre,
                provided_documents=[],
            ).dossier
        pause = self.act(
            at(2026, 3, 2, 10),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.intake,
            items=["Giấy chứng sinh bản chính"],
            reason="Bản sao không rõ",
        )
        self.assertIn(
            "liên hệ với Nguyễn Thị Hoa (Trung tâm Phục vụ hành chính công phường Ngã Bảy)",
            self.render("supplement", pause),
        )

    def test_guidance_at_the_counter(self):
        with clock.frozen(at(2026, 3, 2, 9)):
            guidance = s.dossier_guide_incomplete(
                actor=self.w.intake,
                receiving_unit=self.w.centre,
                applicant=self.w.applicant(),
                provided_documents=[],
                extra_items=["Ảnh chân dung 4x6"],
                reason="Hồ sơ chưa đủ thành phần",
                procedure_version=self.w.pause_version,
            )
        text = self.render("supplement", guidance)
        self.assertAllIn(
            [
                "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
                "Số: 1/PBS",
                "Ngã Bảy, ngày 02 tháng 3 năm 2026",
                "1. Tờ khai đăng ký khai sinh",
                "2. Giấy chứng sinh",
                "3. Ảnh chân dung 4x6",
                "Lý do: Hồ sơ chưa đủ thành phần",
                "Hồ sơ của: Trần Thị Bích Ngọc",
                "Nội dung yêu cầu giải quyết: Đăng ký khai sinh (mã thủ tục: 1.001193)",
                "Nguyễn Thị Hoa",
            ],
            text,
        )
        self.assertNotIn("Thời hạn bổ sung", text)
        self.assertEqual(
            printing.pdf_filename("supplement", guidance), "mau-02-huong-dan-2026-1.pdf"
        )

    def test_the_window_and_the_closure_are_printed_only_when_the_procedure_has_a_window(self):
        """Mẫu 02 names a deadline and the closure only for a procedure with a window."""
        for version, has_window in ((self.w.pause_version, True), (self.w.inter_version, False)):
            with self.subTest(window=version.supplement_window_days):
                d = self.w.to_handler(self.receive(version=version))
                pause = self.act(
                    at(2026, 3, 3, 10),
                    s.dossier_request_supplement,
                    dossier=d,
                    actor=self.w.handler,
                    items=self.ITEMS,
                    reason="Thiếu giấy tờ",
                )
                text = self.render("supplement", pause)
                self.assertIn("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:", text)
                self.assertEqual("Thời hạn bổ sung, hoàn thiện hồ sơ" in text, has_window)
                self.assertEqual("hồ sơ được kết thúc" in text, has_window)

    def test_a_payment_wait_is_not_a_supplement_request(self):
        d = self.receive()
        d = self.w.to_handler(d)
        pause = self.act(
            at(2026, 3, 3, 10),
            s.dossier_request_payment,
            dossier=d,
            actor=self.w.handler,
            items=["Lệ phí trước bạ"],
        )
        self.assertIsInstance(pause, Pause)
        with self.assertRaises(ValueError):
            printing.render_pdf("supplement", pause)


class RefusalTests(PrintingTestCase):
    def test_refusal_at_the_counter_has_no_code(self):
        with clock.frozen(at(2026, 3, 2, 9)):
            d = s.dossier_refuse_at_intake(
                actor=self.w.intake,
                receiving_unit=self.w.centre,
                applicant=self.w.applicant(),
                reasons="Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân phường",
                procedure_version=self.w.pause_version,
            )
        text = self.render("refusal", d)
        self.assertAllIn(
            [
                "Mẫu số 03",
                "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
                "Mã hồ sơ (nếu có): không có",
                "Số: 1/PTC",
                "Tên tổ chức, cá nhân: Trần Thị Bích Ngọc",
                "từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
                "Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân phường",
                "được biết và thực hiện",
                "Nguyễn Thị Hoa",
            ],
            text,
        )
        self.assertEqual(printing.pdf_filename("refusal", d), "mau-03-tu-choi-2026-1.pdf")

    def test_refused_online_submission_prints_its_code(self):
        with clock.frozen(at(2026, 3, 2, 21)):
            online = s.dossier_submit_online(
                applicant=self.w.applicant(),
                procedure_code="1.001193",
                receiving_unit=self.w.centre,
                provided_documents=[],
            ).dossier
        refused = self.act(
            at(2026, 3, 3, 8),
            s.dossier_refuse,
            dossier=online,
            actor=self.w.intake,
            reasons="Hồ sơ thiếu giấy chứng sinh",
        )
        text = self.render("refusal", refused)
        self.assertAllIn(
            [
                "Mã hồ sơ (nếu có): H33.15-260302-0001",
                "Số: H33.15-260302-0001/PTC",
                "Hồ sơ thiếu giấy chứng sinh",
            ],
            text,
        )

    def test_a_dossier_being_handled_is_not_refused(self):
        with self.assertRaisesMessage(ValueError, "hồ sơ đã bị từ chối tiếp nhận"):
            printing.render_pdf("refusal", self.receive())


class ApologyTests(PrintingTestCase):
    def apologised(self, when=None) -> Dossier:
        d = self.receive()
        self.act(
            when or at(2026, 3, 4, 9),
            s.dossier_apologise,
            dossier=d,
            actor=self.w.leader,
            reason="Cần xác minh thêm với cơ quan khác",
            new_date=date(2026, 3, 9),
        )
        return d

    def test_apology_under_tt03_2025(self):
        """Mẫu 04 of TT 03/2025 is a "văn bản", signed with the leader's position and name."""
        d = self.apologised()
        text = self.render("apology", d)
        self.assertAllIn(
            [
                "Mẫu số 04",
                "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
                "ỦY BAN NHÂN DÂN PHƯỜNG NGÃ BẢY",
                "Số: H33.15-260302-0001/PXL",
                "Ngã Bảy, ngày 04 tháng 3 năm 2026",
                "Kính gửi: Trần Thị Bích Ngọc",
                "Ngày 02/3/2026, Trung tâm Phục vụ hành chính công phường Ngã Bảy tiếp nhận",
                "Mã hồ sơ: H33.15-260302-0001",
                "Thời gian hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 05/3/2026",
                "Lý do: Cần xác minh thêm với cơ quan khác",
                "đề nghị gia hạn thời gian giải quyết hồ sơ đến 17 giờ 00 phút, ngày 09/3/2026",
                "Nơi nhận:",
                "- Như trên;",
                "- Lưu: VT.",
                "PHÓ CHỦ TỊCH Phạm Quốc Bảo",
            ],
            text,
        )
        self.assertNotIn("PHIẾU XIN LỖI", text)
        self.assertNotIn("THỦ TRƯỞNG CƠ QUAN", text)
        self.assertNotIn("(Ký, ghi rõ họ tên và đóng dấu)", text)
        self.assertNotIn("Cần Thơ, ngày", text)

    def test_the_position_is_the_one_signed_with(self):
        """A later change of the leader's position does not rewrite an issued apology."""
        d = self.apologised()
        role_assignment_update(
            actor="test",
            assignment=RoleAssignment.objects.get(user=self.w.leader),
            data={"position": "Chủ tịch"},
        )
        text = self.render("apology", d)
        self.assertIn("PHÓ CHỦ TỊCH Phạm Quốc Bảo", text)

    def test_without_a_position_the_role_is_printed(self):
        role_assignment_update(
            actor="test",
            assignment=RoleAssignment.objects.get(user=self.w.leader),
            data={"position": ""},
        )
        text = self.render("apology", self.apologised())
        self.assertIn("LÃNH ĐẠO UBND CẤP XÃ Phạm Quốc Bảo", text)

    def test_apology_under_tt01_2018(self):
        d = self.apologised()
        text = self.render("apology", d, numbering="tt01_2018")
        self.assertAllIn(
            [
                "Mẫu số 04",
                "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
                "hẹn lại thời gian trả kết quả vào 17 giờ 00 phút, ngày 09/3/2026",
                "Thông tư số 01/2018/TT-VPCP",
                "PHÓ CHỦ TỊCH Phạm Quốc Bảo",
            ],
            text,
        )
        self.assertNotIn("GIA HẠN", text)

    def test_before_the_appointment_the_text_says_it_cannot_be_kept(self):
        text = self.render("apology", self.apologised(at(2026, 3, 4, 9)))
        self.assertIn(
            "Hồ sơ chưa giải quyết xong, Ủy ban nhân dân phường Ngã Bảy không thể trả kết quả "
            "giải quyết hồ sơ cho ông/bà (tổ chức) đúng thời gian hẹn nêu trên.",
            text,
        )
        self.assertNotIn("quá thời gian hẹn", text)

    def test_after_the_appointment_the_text_says_it_was_not_kept(self):
        """An apology signed once the dossier is overdue does not pretend it is on time."""
        text = self.render("apology", self.apologised(at(2026, 3, 6, 9)))
        self.assertAllIn(
            [
                "Ngã Bảy, ngày 06 tháng 3 năm 2026",
                "Thời gian hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 05/3/2026",
                "Đến nay đã quá thời gian hẹn nêu trên nhưng Ủy ban nhân dân phường Ngã Bảy "
                "chưa trả kết quả giải quyết hồ sơ cho ông/bà (tổ chức).",
                "đề nghị gia hạn thời gian giải quyết hồ sơ đến 17 giờ 00 phút, ngày 09/3/2026",
            ],
            text,
        )
        self.assertNotIn("không thể trả kết quả", text)

    def test_no_apology_no_form(self):
        with self.assertRaisesMessage(ValueError, "đã có văn bản xin lỗi"):
            printing.render_pdf("apology", self.receive())


class AnswerTests(PrintingTestCase):
    """The written answer to a dossier decided "not granted"."""

    REASONS = "Người yêu cầu không cư trú trên địa bàn phường (Điều 13 Luật Hộ tịch)"

    def decided(self, decision="not_granted", reasons=REASONS) -> Dossier:
        d = self.receive()
        d = self.w.to_handler(d)
        d = self.act(
            at(2026, 3, 2, 11),
            s.dossier_hand_over,
            dossier=d,
            actor=self.w.handler,
            to_user=self.w.leader,
        )
        return self.act(
            at(2026, 3, 3, 9),
            s.dossier_decide,
            dossier=d,
            actor=self.w.leader,
            decision=decision,
            reasons=reasons,
        )

    def test_the_answer_gives_the_reasons_and_the_signer(self):
        d = self.decided()
        text = self.render("answer", d)
        self.assertAllIn(
            [
                "ỦY BAN NHÂN DÂN PHƯỜNG NGÃ BẢY",
                "Số: H33.15-260302-0001/TB",
                "Ngã Bảy, ngày 03 tháng 3 năm 2026",
                "THÔNG BÁO KHÔNG CHẤP THUẬN GIẢI QUYẾT HỒ SƠ",
                "Mã hồ sơ: H33.15-260302-0001",
                "Kính gửi: Trần Thị Bích Ngọc",
                "Số định danh cá nhân: 092190001234",
                "Ngày 02/3/2026, Trung tâm Phục vụ hành chính công phường Ngã Bảy tiếp nhận hồ sơ "
                "của ông/bà (tổ chức) đề nghị giải quyết thủ tục hành chính: Đăng ký khai sinh "
                "(mã thủ tục: 1.001193).",
                "Ủy ban nhân dân phường Ngã Bảy không chấp thuận yêu cầu giải quyết hồ sơ nêu trên "
                "với lý do cụ thể như sau: " + self.REASONS,
                "có quyền khiếu nại hoặc khởi kiện",
                "- Trung tâm Phục vụ hành chính công phường Ngã Bảy;",
                "PHÓ CHỦ TỊCH Phạm Quốc Bảo",
                "Văn bản hành chính theo Nghị định số 30/2020/NĐ-CP",
            ],
            text,
        )
        self.assertNotIn("Mẫu số", text)
        self.assertEqual(
            printing.pdf_filename("answer", d), "thong-bao-khong-chap-thuan-H33.15-260302-0001.pdf"
        )

    def test_it_stays_printable_after_the_result_is_returned(self):
        d = self.decided()
        d = self.act(
            at(2026, 3, 3, 10),
            s.dossier_return,
            dossier=d,
            actor=self.w.intake,
            method="counter",
            received_by="Trần Thị Bích Ngọc",
        )
        self.assertIn(self.REASONS, self.render("answer", d))

    def test_the_dossier_page_and_the_api_link_it(self):
        d = self.decided()
        url = reverse("dossiers:print", args=[d.code, "answer"])
        self.client.force_login(self.w.intake)
        with clock.frozen(at(2026, 3, 3, 10)):
            page = self.client.get(reverse("dossiers:detail", args=[d.code]))
            self.assertContains(page, url)
            self.assertContains(page, "Thông báo không chấp thuận")
            pdf = self.client.get(url)
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertIn(self.REASONS, flat(pdf.content))
        token = api_token_create(actor="test", user=self.w.intake, name="t")[1]
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        with clock.frozen(at(2026, 3, 3, 10)):
            detail = self.client.get(f"/api/v1/dossiers/{d.code}", **auth).json()
            (link,) = [f for f in detail["forms"] if f["form"] == "answer"]
            self.assertEqual(
                (link["number"], link["title"]),
                (None, "Thông báo không chấp thuận giải quyết hồ sơ"),
            )
            response = self.client.get(link["url"], **auth)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.REASONS, flat(response.content))

    def test_a_granted_dossier_lists_no_answer(self):
        d = self.decided(decision="granted", reasons="")
        self.client.force_login(self.w.intake)
        with clock.frozen(at(2026, 3, 3, 10)):
            page = self.client.get(reverse("dossiers:detail", args=[d.code]))
            self.assertNotContains(page, reverse("dossiers:print", args=[d.code, "answer"]))
            response = self.client.get(reverse("dossiers:print", args=[d.code, "answer"]))
        self.assertEqual(response.status_code, 404)

    def test_only_a_dossier_not_granted_has_one(self):
        granted = self.decided(decision="granted", reasons="")
        with self.assertRaisesMessage(ValueError, "không chấp thuận"):
            printing.render_pdf("answer", granted)
        with self.assertRaises(ValueError):
            printing.render_pdf("answer", self.receive(when=at(2026, 3, 3, 8)))


class StopTests(PrintingTestCase):
    def stopped(self) -> Dossier:
        d = self.receive()
        d = self.w.to_handler(d)
        return self.act(
            at(2026, 3, 3, 9),
            s.dossier_stop,
            dossier=d,
            actor=self.w.intake,
            reason="Công dân có đơn xin rút hồ sơ",
            requested_on=date(2026, 3, 2),
        )

    def test_stop_notice_is_form_05_of_tt03_2025(self):
        d = self.stopped()
        text = self.render("stop", d)
        self.assertAllIn(
            [
                "Mẫu số 05",
                "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
                "Số: H33.15-260302-0001/TBD",
                "Ngã Bảy, ngày 03 tháng 3 năm 2026",
                "Kính gửi: Trần Thị Bích Ngọc",
                "Ngày tổ chức, cá nhân đề nghị dừng giải quyết: 02/3/2026",
                "Lý do: Công dân có đơn xin rút hồ sơ",
                "Giai đoạn giải quyết tại thời điểm dừng: Đang giải quyết; bước 2. Thụ lý "
                "(Ủy ban nhân dân phường Ngã Bảy)",
                "Thời điểm dừng giải quyết hồ sơ: 09 giờ 00 phút, ngày 03/3/2026",
                "Phí, lệ phí của thủ tục: 50.000 đồng",
                "Nguyễn Thị Hoa",
            ],
            text,
        )
        self.assertEqual(printing.pdf_filename("stop", d), "mau-05-H33.15-260302-0001.pdf")

    def test_tt01_2018_had_no_such_form(self):
        d = self.stopped()
        text = self.render("stop", d, numbering="tt01_2018")
        self.assertIn("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", text)
        self.assertNotIn("Mẫu số", text)
        self.assertIn("Thông tư số 01/2018/TT-VPCP không có mẫu thông báo này", text)
        self.assertEqual(
            printing.pdf_filename("stop", d, numbering="tt01_2018"),
            "thong-bao-dung-H33.15-260302-0001.pdf",
        )


class ControlSlipTests(PrintingTestCase):
    def handled(self) -> Dossier:
        """Intake hands over at once, on time, the handler early, the leader signs late."""
        d = self.receive(to_user=self.w.handler)
        d = self.act(
            at(2026, 3, 2, 11),
            s.dossier_hand_over,
            dossier=d,
            actor=self.w.handler,
            to_user=self.w.leader,
        )
        d = self.act(
            at(2026, 3, 3, 9), s.dossier_decide, dossier=d, actor=self.w.leader, decision="granted"
        )
        return self.act(
            at(2026, 3, 3, 10),
            s.dossier_return,
            dossier=d,
            actor=self.w.intake,
            method="counter",
            received_by="Trần Thị Bích Ngọc",
        )

    def test_rows_from_the_steps(self):
        d = self.handled()
        desk = "Trung tâm Phục vụ hành chính công phường Ngã Bảy"
        ward = "Ủy ban nhân dân phường Ngã Bảy"
        room = forms.SIGN_ROOM
        self.assertEqual(
            forms.control_rows(d),
            [
                [
                    f"1. Giao: {desk}\n2. Nhận: {ward}",
                    "09 giờ 00 phút, ngày 02/3/2026",
                    f"{room}Nguyễn Thị Hoa",
                    f"{room}Lê Văn Minh",
                    "Đúng hạn",
                    "",
                ],
                [
                    f"1. Giao: {ward}\n2. Nhận: {ward}",
                    "11 giờ 00 phút, ngày 02/3/2026",
                    f"{room}Lê Văn Minh",
                    f"{room}Phạm Quốc Bảo",
                    "Trước hạn",
                    "",
                ],
                [
                    f"1. Giao: {ward}\n2. Nhận: {desk}",
                    "09 giờ 00 phút, ngày 03/3/2026",
                    f"{room}Phạm Quốc Bảo",
                    f"{room}Nguyễn Thị Hoa",
                    "Quá hạn",
                    "",
                ],
            ],
        )

    def test_control_slip_pdf(self):
        d = self.handled()
        text = self.render("control", d)
        self.assertAllIn(
            [
                "Mẫu số 06",
                "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
                "Ngã Bảy, ngày 02 tháng 3 năm 2026",
                "Mã hồ sơ: H33.15-260302-0001",
                "Cơ quan giải quyết hồ sơ: Ủy ban nhân dân phường Ngã Bảy",
                "Cơ quan phối hợp giải quyết hồ sơ: Không",
                "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 02/3/2026",
                "Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 05/3/2026",
                "TÊN CƠ QUAN/ĐƠN VỊ",
                "THỜI GIAN GIAO, NHẬN HỒ SƠ",
                "(Trước hạn/Đúng hạn/Quá hạn)",
                "GHI CHÚ",
                "Thời gian Người giao (ký, ghi rõ họ tên) Người nhận (ký, ghi rõ họ tên)",
                "1. Giao: Trung tâm Phục vụ hành chính công phường Ngã Bảy",
                "2. Nhận: Ủy ban nhân dân phường Ngã Bảy",
                "09 giờ 00 phút, ngày 02/3/2026 Nguyễn Thị Hoa Lê Văn Minh Đúng hạn",
                "11 giờ 00 phút, ngày 02/3/2026 Lê Văn Minh Phạm Quốc Bảo Trước hạn",
                "09 giờ 00 phút, ngày 03/3/2026 Phạm Quốc Bảo Nguyễn Thị Hoa Quá hạn",
            ],
            text,
        )
        old = self.render("control", d, numbering="tt01_2018")
        self.assertIn("Mẫu số 05", old)
        self.assertNotIn("Mẫu số 06", old)
        with override_settings(MOTCUA_FORM_NUMBERING="tt01_2018"):
            self.assertIn("Mẫu số 05", self.render("control", d))
            self.assertEqual(printing.pdf_filename("control", d), "mau-05-H33.15-260302-0001.pdf")

    def test_every_hand_over_has_room_for_both_signatures(self):
        """Each printed name stands well below the top of its row: room to sign above it."""
        d = self.handled()
        reader = PdfReader(io.BytesIO(printing.render_pdf("control", d)))
        found: dict[str, list[float]] = {}

        def visit(text, cm, tm, font_dict, font_size):
            if text.strip():
                found.setdefault(" ".join(text.split()), []).append(tm[5] * cm[3] + cm[5])

        reader.pages[0].extract_text(visitor_text=visit)
        mm = 72 / 25.4
        # The intake's hand-over (09:00 on 2/3) and the return's (09:00 on 3/3) share a time.
        for time, nth, giver, receiver in [
            ("09 giờ 00 phút,", 0, "Nguyễn Thị Hoa", "Lê Văn Minh"),
            ("11 giờ 00 phút,", 0, "Lê Văn Minh", "Phạm Quốc Bảo"),
            ("09 giờ 00 phút,", 1, "Phạm Quốc Bảo", "Nguyễn Thị Hoa"),
        ]:
            with self.subTest(time=time, nth=nth):
                row_top = sorted(found[time], reverse=True)[nth]  # the page's y grows upwards
                # The name nearest below the row's first line is the one in this row.
                for name in (giver, receiver):
                    below = [y for y in found[name] if y < row_top]
                    self.assertTrue(below, name)
                    self.assertGreaterEqual(row_top - max(below), 12 * mm, name)

    def test_coordinating_agency_and_steps_not_reached(self):
        d = self.receive(version=self.w.inter_version)
        d = self.w.to_handler(d)
        d = self.act(at(2026, 3, 3, 10), s.dossier_hand_over, dossier=d, actor=self.w.handler)
        text = self.render("control", d)
        self.assertAllIn(
            [
                "Cơ quan phối hợp giải quyết hồ sơ: Thuế cơ sở 6",
                "1. Giao: Ủy ban nhân dân phường Ngã Bảy 2. Nhận: Thuế cơ sở 6",
                "10 giờ 00 phút, ngày 03/3/2026 Lê Văn Minh …………",
                "Liên thông",
            ],
            text,
        )
        # Hand-overs not reached yet print blanks to fill by hand, with room to sign.
        rows = forms.control_rows(d)
        self.assertEqual(len(rows), 4)
        room = forms.SIGN_ROOM
        self.assertEqual(rows[-1][1:4], [time_text(None), f"{room}…………", f"{room}…………"])
        self.assertEqual(rows[-1][4], "")


class FontTests(TestCase):
    def test_documents_share_tables_but_not_what_output_writes(self):
        first, second = layout.FormPDF(), layout.FormPDF()
        a, b = first.fonts["liberationserif"], second.fonts["liberationserif"]
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
