"""The office that applies is shown on the receipt (Mẫu 01) and in the applicant's e-mails."""

from __future__ import annotations

from motcua.core.models import Notification
from motcua.dossiers import services as s
from motcua.dossiers.tests.helpers import ACTOR, at
from motcua.dossiers.tests.test_printing import PrintingTestCase
from motcua.org.models import Unit
from motcua.org.services import unit_update

HOURS = "Thứ Hai đến thứ Sáu: 7 giờ 00 – 17 giờ 00\nSáng thứ Bảy: 7 giờ 30 – 11 giờ 30"


class OfficeContactTests(PrintingTestCase):
    office: Unit

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.office = unit_update(
            actor=ACTOR,
            unit=cls.w.centre,
            data={
                "serves_public": True,
                "address": "Số 1 Hùng Vương, phường Ngã Bảy",
                "opening_hours": HOURS,
                "phone": "0293 3 866 240",
                "hotline": "1900 0000",
                "email": "motcua@ngabay.example.invalid",
                "map_url": "https://www.openstreetmap.org/?mlat=9.81&mlon=105.82",
            },
        )

    def test_the_receipt_says_where_when_and_whom_to_call(self):
        text = self.render("receipt", self.receive())
        self.assertAllIn(
            [
                "Đăng ký nhận kết quả tại: Trung tâm Phục vụ hành chính công phường Ngã Bảy, "
                "Số 1 Hùng Vương, phường Ngã Bảy",
                "Giờ tiếp nhận và trả kết quả: Thứ Hai đến thứ Sáu: 7 giờ 00 – 17 giờ 00; "
                "Sáng thứ Bảy: 7 giờ 30 – 11 giờ 30.",
                "điện thoại 0293 3 866 240, đường dây nóng 1900 0000, thư điện tử "
                "motcua@ngabay.example.invalid.",
            ],
            text,
        )

    def test_a_postal_return_keeps_the_postal_address_and_no_hours(self):
        text = self.render("receipt", self.receive(postal_address="Số 9 Lê Lợi, Cần Thơ"))
        self.assertIn("Qua dịch vụ bưu chính công ích, địa chỉ: Số 9 Lê Lợi, Cần Thơ", text)
        self.assertNotIn("Giờ tiếp nhận và trả kết quả", text)

    def test_the_e_mails_name_the_office_with_its_details(self):
        dossier = self.receive()
        self.act(at(2026, 3, 2, 10), self.w.to_handler, dossier=dossier)
        self.act(
            at(2026, 3, 2, 11),
            s.dossier_request_supplement,
            dossier=dossier,
            actor=self.w.handler,
            items=["Bản sao giấy chứng sinh"],
            reason="Thiếu giấy tờ",
        )
        bodies = dict(Notification.objects.filter(channel="email").values_list("event", "body"))
        expected = (
            "Nơi tiếp nhận và trả kết quả: Trung tâm Phục vụ hành chính công phường Ngã Bảy\n"
            "Địa chỉ: Số 1 Hùng Vương, phường Ngã Bảy\n"
            "Giờ làm việc: Thứ Hai đến thứ Sáu: 7 giờ 00 – 17 giờ 00; "
            "Sáng thứ Bảy: 7 giờ 30 – 11 giờ 30\n"
            "Điện thoại: 0293 3 866 240\n"
            "Đường dây nóng: 1900 0000\n"
            "Thư điện tử: motcua@ngabay.example.invalid\n"
            "Bản đồ: https://www.openstreetmap.org/?mlat=9.81&mlon=105.82"
        )
        for event in ("dossier.received", "dossier.supplement_requested"):
            with self.subTest(event=event):
                self.assertIn(expected, bodies[event])

    def test_without_an_office_the_e_mail_is_unchanged(self):
        unit_update(actor=ACTOR, unit=self.w.centre, data={"serves_public": False})
        self.receive()
        body = Notification.objects.get(channel="email", event="dossier.received").body
        self.assertNotIn("Nơi tiếp nhận", body)
        self.assertTrue(body.endswith("/tra-cuu/?ma=H33.15-260302-0001"), body)
