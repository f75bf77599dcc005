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
