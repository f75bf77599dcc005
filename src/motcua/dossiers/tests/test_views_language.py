"""The back office in Vietnamese and in English."""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from motcua.core.errors import ApplicationError
from motcua.dossiers import services as s
from motcua.dossiers.tests.test_views import NOW, ViewTestCase


class VietnameseTests(ViewTestCase):
    """The UI itself (templates, forms, choices, phrases) reaches the page in Vietnamese."""

    OFFICER_PRONOUN = re.compile(r"\b(bạn|đồng chí)\b", re.IGNORECASE)

    def test_the_dossier_page_speaks_vietnamese(self):
        d = self.receive()
        self.login(self.w.handler)
        response = self.client.get(reverse("dossiers:detail", args=[d.code]))
        self.assertEqual(response["Content-Language"], "vi")
        self.assertContains(response, '<html lang="vi">')
        for text in [
            "Tóm tắt",
            "Người nộp",
            "Hẹn trả kết quả",
            "còn 3 ngày làm việc",
            ">Đang giải quyết<",
            "Thao tác có thể thực hiện",
            "Chuyển bước tiếp theo",
            "Biểu mẫu để in",
            "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)",
            "Phiếu kiểm soát quá trình giải quyết hồ sơ",
            "Quá trình xử lý",
            "Tiếp nhận tại quầy",
        ]:
            with self.subTest(text=text):
                self.assertContains(response, text)

    def test_the_intake_form_and_its_errors_speak_vietnamese(self):
        self.login(self.w.intake)
        form = self.client.get(self.intake_url)
        for text in [
            "Kiểm tra hồ sơ",
            "Thành phần hồ sơ đã nộp",
            "Họ và tên / tên tổ chức",
            "Số định danh cá nhân / mã số tổ chức",
            "Tiếp nhận và in giấy hẹn",
            "Từ chối (Mẫu 03)",
        ]:
            with self.subTest(text=text):
                self.assertContains(form, text)
        response = self.client.post(self.intake_url, self.intake_data(applicant_email="x@"))
        self.assertContains(
            response, "Chưa lưu gì. Hãy sửa từng mục dưới đây rồi gửi lại.", status_code=400
        )

    def test_a_bad_id_number_is_explained_in_vietnamese(self):
        self.login(self.w.intake)
        with translation.override("vi"):
            expected = s.Applicant(name="A", id_number="12345").cleaned
        with self.assertRaises(ApplicationError) as caught, translation.override("vi"):
            expected(NOW.date())
        response = self.client.post(self.intake_url, self.intake_data(applicant_id_number="12345"))
        self.assertContains(response, caught.exception.message, status_code=400)
        self.assertRegex(
            caught.exception.message, "[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]"
        )

    def test_the_queue_and_the_log_book_speak_vietnamese(self):
        self.receive()
        self.login(self.w.handler)  # the dossier waits in the ward's queue
        queue = self.client.get(reverse("dossiers:queue"))
        for text in ["Hồ sơ cần xử lý", "Mã hồ sơ", "Hạn xử lý", "Tìm hồ sơ"]:
            with self.subTest(text=text):
                self.assertContains(queue, text)
        self.login(self.w.intake)
        self.assertContains(self.client.get(reverse("dossiers:queue")), "Tiếp nhận hồ sơ mới")
        logbook = self.client.get(reverse("dossiers:logbook"))
        for text in [
            "Sổ theo dõi hồ sơ",
            "Tất cả lĩnh vực",
            "Xuất ra Excel",
            "Địa chỉ, số điện thoại",
        ]:
            with self.subTest(text=text):
                self.assertContains(logbook, text)

    def test_officers_are_addressed_neutrally(self):
        d = self.receive()
        pages = []
        self.login(self.w.nobody)
        pages.append(self.client.get(reverse("dossiers:queue")))
        self.login(self.w.handler)
        pages.append(self.client.get(reverse("dossiers:intake")))
        pages.append(self.client.get(reverse("dossiers:detail", args=[d.code])))
        self.login(self.w.intake)
        pages.append(self.client.get(reverse("dossiers:detail", args=[d.code])))
        pages.append(self.client.get(self.intake_url))
        for response in pages:
            with self.subTest(url=response.request["PATH_INFO"]):
                self.assertIsNone(self.OFFICER_PRONOUN.search(response.content.decode()))


class EnglishTests(ViewTestCase):
    """With the English cookie the same pages are in English."""

    def setUp(self):
        super().setUp()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.login(self.w.intake)

    def test_pages_and_messages_are_in_english(self):
        d = self.receive()
        page = self.client.get(reverse("dossiers:detail", args=[d.code]))
        self.assertEqual(page["Content-Language"], "en")
        for text in ["Available actions", "3 working day(s) left", "Control slip", ">In progress<"]:
            with self.subTest(text=text):
                self.assertContains(page, text)
        queue = self.client.get(reverse("dossiers:queue"))
        self.assertContains(queue, "New dossier at the counter")
        data = self.intake_data(documents=[], idempotency_key="key-en")
        response = self.client.post(self.intake_url, data)
        self.assertContains(response, "The dossier is not complete", status_code=400)
