"""The control slip (phiếu kiểm soát quá trình giải quyết hồ sơ) as printed."""

from __future__ import annotations

import io

from django.test import override_settings
from pypdf import PdfReader

from motcua.dossiers import printing
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.printing import forms
from motcua.dossiers.printing.words import time_text
from motcua.dossiers.tests.helpers import at
from motcua.dossiers.tests.test_printing import PrintingTestCase


class ControlSlipTests(PrintingTestCase):
    def handled(self) -> Dossier:
        """Intake hands over at once, on time, the handler early, the leader signs late."""
        d = self.receive(to_user=self.w.handler)
        d = self.w.signed(d, handed_at=at(2026, 3, 2, 11), decided_at=at(2026, 3, 3, 9))
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
