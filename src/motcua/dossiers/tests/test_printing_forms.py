"""The other printed forms: supplement request, refusal, apology, answer, stop and the control slip."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from motcua.api.services import api_token_create
from motcua.core import clock
from motcua.dossiers import printing
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, Pause
from motcua.dossiers.tests.helpers import at
from motcua.dossiers.tests.test_printing import PrintingTestCase, flat
from motcua.org.models import RoleAssignment
from motcua.org.services import role_assignment_update


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
        return self.w.signed(
            d,
            handed_at=at(2026, 3, 2, 11),
            decided_at=at(2026, 3, 3, 9),
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
        auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
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
