"""The printed forms: built from real dossiers through the services, read back with pypdf."""

from __future__ import annotations

import io
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import segno
from django.test import TestCase, override_settings
from pypdf import PdfReader

from motcua.core import clock
from motcua.dossiers import printing
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, Pause
from motcua.dossiers.printing import forms, layout
from motcua.dossiers.printing.words import date_words, money, place_and_date, time_text
from motcua.dossiers.tests.helpers import World, at


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
            ["01", "02", "03", "04", "05", "06", "07"],
        )
        self.assertEqual(
            [printing.form_number(form, "tt01_2018") for form in printing.FORMS],
            ["01", "02", "03", "04", None, "05", "06"],
        )

    def test_apology_title_changed_in_2025(self):
        self.assertEqual(
            printing.form_title("apology", "tt03_2025"),
            "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết",
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
                "Cần Thơ, ngày 02 tháng 3 năm 2026",
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
                "Số lượng hồ sơ: 01 (bộ)",
                "Thời gian giải quyết hồ sơ theo quy định: 03 ngày làm việc",
                "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 02/3/2026",
                "Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 05/3/2026",
                "Đăng ký nhận kết quả tại: Trung tâm Phục vụ hành chính công phường Ngã Bảy",
                "Phí, lệ phí: Lệ phí đăng ký: 50.000 đồng",
                "Vào Sổ theo dõi hồ sơ, Quyển số: 2026 (lĩnh vực Hộ tịch), Số thứ tự: 1.",
                "NGƯỜI NỘP HỒ SƠ",
                "NGƯỜI TIẾP NHẬN",
                "Nguyễn Thị Hoa",
                "http://127.0.0.1:8000/tra-cuu/?ma=H33.15-260302-0001",
            ],
            text,
        )
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
                "Cần Thơ, ngày 03 tháng 3 năm 2026",
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
                f"Số: {guidance.pk}/HDHS",
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
            printing.pdf_filename("supplement", guidance), f"mau-02-huong-dan-{guidance.pk}.pdf"
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
                f"Số: {d.pk}/PTC",
                "Tên tổ chức, cá nhân: Trần Thị Bích Ngọc",
                "từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
                "Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân phường",
                "được biết và thực hiện",
                "Nguyễn Thị Hoa",
            ],
            text,
        )
        self.assertEqual(printing.pdf_filename("refusal", d), f"mau-03-ho-so-{d.pk}.pdf")

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
    def apologised(self) -> Dossier:
        d = self.receive()
        self.act(
            at(2026, 3, 4, 9),
            s.dossier_apologise,
            dossier=d,
            actor=self.w.leader,
            reason="Cần xác minh thêm với cơ quan khác",
            new_date=date(2026, 3, 9),
        )
        return d

    def test_apology_under_tt03_2025(self):
        d = self.apologised()
        text = self.render("apology", d)
        self.assertAllIn(
            [
                "Mẫu số 04",
                "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
                "ỦY BAN NHÂN DÂN PHƯỜNG NGÃ BẢY",
                "Số: H33.15-260302-0001/PXL",
                "Cần Thơ, ngày 04 tháng 3 năm 2026",
                "Kính gửi: Trần Thị Bích Ngọc",
                "Ngày 02/3/2026, Trung tâm Phục vụ hành chính công phường Ngã Bảy tiếp nhận",
                "Mã hồ sơ: H33.15-260302-0001",
                "Thời gian hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 05/3/2026",
                "Lý do: Cần xác minh thêm với cơ quan khác",
                "đề nghị gia hạn thời gian giải quyết hồ sơ đến 17 giờ 00 phút, ngày 09/3/2026",
                "THỦ TRƯỞNG CƠ QUAN",
                "Phạm Quốc Bảo",
                "Nơi nhận:",
                "- Như trên;",
                "- Lưu: VT.",
            ],
            text,
        )

    def test_apology_under_tt01_2018(self):
        d = self.apologised()
        text = self.render("apology", d, numbering="tt01_2018")
        self.assertAllIn(
            [
                "Mẫu số 04",
                "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
                "hẹn lại thời gian trả kết quả vào 17 giờ 00 phút, ngày 09/3/2026",
                "Thông tư số 01/2018/TT-VPCP",
            ],
            text,
        )
        self.assertNotIn("GIA HẠN", text)

    def test_no_apology_no_form(self):
        with self.assertRaisesMessage(ValueError, "đã có văn bản xin lỗi"):
            printing.render_pdf("apology", self.receive())


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
                "Cần Thơ, ngày 03 tháng 3 năm 2026",
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
        self.assertEqual(
            forms.control_rows(d),
            [
                [
                    f"1. Giao: {desk}\n2. Nhận: {ward}",
                    "09 giờ 00 phút, ngày 02/3/2026\n"
                    "Người giao: Nguyễn Thị Hoa\nNgười nhận: Lê Văn Minh",
                    "Đúng hạn",
                    "",
                ],
                [
                    f"1. Giao: {ward}\n2. Nhận: {ward}",
                    "11 giờ 00 phút, ngày 02/3/2026\n"
                    "Người giao: Lê Văn Minh\nNgười nhận: Phạm Quốc Bảo",
                    "Trước hạn",
                    "",
                ],
                [
                    f"1. Giao: {ward}\n2. Nhận: {desk}",
                    "09 giờ 00 phút, ngày 03/3/2026\n"
                    "Người giao: Phạm Quốc Bảo\nNgười nhận: Nguyễn Thị Hoa",
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
                "Mã hồ sơ: H33.15-260302-0001",
                "Cơ quan giải quyết hồ sơ: Ủy ban nhân dân phường Ngã Bảy",
                "Cơ quan phối hợp giải quyết hồ sơ: Không",
                "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 02/3/2026",
                "Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 05/3/2026",
                "TÊN CƠ QUAN/ĐƠN VỊ",
                "THỜI GIAN GIAO, NHẬN HỒ SƠ",
                "(Trước hạn/Đúng hạn/Quá hạn)",
                "GHI CHÚ",
                "1. Giao: Trung tâm Phục vụ hành chính công phường Ngã Bảy",
                "2. Nhận: Ủy ban nhân dân phường Ngã Bảy",
                "09 giờ 00 phút, ngày 02/3/2026 Người giao: Nguyễn Thị Hoa "
                "Người nhận: Lê Văn Minh Đúng hạn",
                "Người giao: Lê Văn Minh Người nhận: Phạm Quốc Bảo Trước hạn",
                "Người giao: Phạm Quốc Bảo Người nhận: Nguyễn Thị Hoa Quá hạn",
            ],
            text,
        )
        old = self.render("control", d, numbering="tt01_2018")
        self.assertIn("Mẫu số 05", old)
        self.assertNotIn("Mẫu số 06", old)
        with override_settings(MOTCUA_FORM_NUMBERING="tt01_2018"):
            self.assertIn("Mẫu số 05", self.render("control", d))
            self.assertEqual(printing.pdf_filename("control", d), "mau-05-H33.15-260302-0001.pdf")

    def test_coordinating_agency_and_steps_not_reached(self):
        d = self.receive(version=self.w.inter_version)
        d = self.w.to_handler(d)
        d = self.act(at(2026, 3, 3, 10), s.dossier_hand_over, dossier=d, actor=self.w.handler)
        text = self.render("control", d)
        self.assertAllIn(
            [
                "Cơ quan phối hợp giải quyết hồ sơ: Thuế cơ sở 6",
                "1. Giao: Ủy ban nhân dân phường Ngã Bảy 2. Nhận: Thuế cơ sở 6",
                "Người giao: Lê Văn Minh Người nhận: …………",
                "Liên thông",
            ],
            text,
        )
        # Hand-overs not reached yet print blanks to fill by hand.
        rows = forms.control_rows(d)
        self.assertEqual(len(rows), 4)
        self.assertEqual(rows[-1][1], f"{time_text(None)}\nNgười giao: …………\nNgười nhận: …………")
        self.assertEqual(rows[-1][2], "")


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
