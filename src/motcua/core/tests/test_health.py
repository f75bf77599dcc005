from unittest import mock

from django.db.utils import OperationalError
from django.test import TestCase


class HealthTests(TestCase):
    def test_healthz_answers_ok_when_the_database_answers(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})

    def test_healthz_answers_503_when_the_database_fails(self):
        with mock.patch(
            "motcua.core.views.connection.cursor", side_effect=OperationalError("down")
        ):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "unavailable"})

    def test_home_page_is_vietnamese_by_default(self):
        response = self.client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="vi">')
        self.assertContains(response, "Tìm thủ tục")

    def test_english_is_available(self):
        self.client.cookies["django_language"] = "en"
        response = self.client.get("/")
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Search procedures")

    def test_openapi_document_is_served(self):
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["openapi"][:3], "3.1")


class ErrorPageTests(TestCase):
    def test_404_page_is_vietnamese(self):
        response = self.client.get("/khong-co-trang-nay/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Không tìm thấy trang", status_code=404)

    def test_500_and_csrf_pages_are_vietnamese(self):
        from django.template.loader import render_to_string
        from django.utils import translation

        with translation.override("vi"):
            self.assertIn("Hệ thống gặp sự cố", render_to_string("500.html"))
            self.assertIn("Biểu mẫu đã hết hiệu lực", render_to_string("403_csrf.html"))

    def test_csrf_failure_uses_the_vietnamese_page(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        response = client.post("/dang-nhap/", {"username": "x", "password": "y"})
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "Biểu mẫu đã hết hiệu lực", status_code=403)

    def test_django_form_messages_read_naturally(self):
        from django import forms
        from django.utils import translation

        class F(forms.Form):
            n = forms.IntegerField()

        with translation.override("vi"):
            self.assertEqual(F({"n": "1.5"}).errors["n"], ["Nhập một số nguyên."])
            self.assertEqual(F({}).errors["n"], ["Trường này là bắt buộc."])
