from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.test import TestCase

from motcua.catalog import services
from motcua.catalog.models import Procedure
from motcua.catalog.tests.factories import ACTOR, content, make_field, make_procedure
from motcua.core import clock

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BASE = "/api/v1/catalog"


class CatalogApiTests(TestCase):
    birth: Procedure

    @classmethod
    def setUpTestData(cls):
        cls.birth = make_procedure("1.001193", name="Đăng ký khai sinh")
        make_procedure("1.000894", name="Đăng ký kết hôn", fees=())
        make_field("certification", "Chứng thực")
        make_procedure(
            "2.000815",
            name="Chứng thực bản sao",
            field_code="certification",
            competent_level="province",
        )

    def setUp(self):
        self.enterContext(clock.frozen(datetime(2026, 3, 2, 9, 0, tzinfo=VN)))

    def test_search_is_paginated_and_accent_insensitive(self):
        with self.assertNumQueries(2):
            response = self.client.get(f"{BASE}/procedures", {"q": "KHAI SINH đăng ký"})
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(
            (body["count"], body["page"], body["pages"], body["page_size"]), (1, 1, 1, 20)
        )
        item = body["items"][0]
        self.assertEqual(item["code"], "1.001193")
        self.assertEqual(item["field"], {"code": "civil-status", "name": "Hộ tịch"})
        self.assertEqual(item["time_limit_unit"], "working_days")
        self.assertEqual(item["time_limit_text"], "3 ngày làm việc")
        self.assertEqual(item["url"], "/thu-tuc/1.001193/")

    def test_filters_and_pages(self):
        body = self.client.get(f"{BASE}/procedures", {"level": "province"}).json()
        self.assertEqual([i["code"] for i in body["items"]], ["2.000815"])
        body = self.client.get(f"{BASE}/procedures", {"field": "civil-status"}).json()
        self.assertEqual([i["code"] for i in body["items"]], ["1.000894", "1.001193"])
        for i in range(21):
            make_procedure(f"9.0002{i:02d}", name=f"Mẫu {i:02d}")
        body = self.client.get(f"{BASE}/procedures", {"q": "mau", "page": "2"}).json()
        self.assertEqual((body["count"], body["pages"], len(body["items"])), (21, 2, 1))
        body = self.client.get(f"{BASE}/procedures", {"q": "mau", "page": "9"}).json()
        self.assertEqual(body["items"], [])

    def test_bad_parameters_answer_422(self):
        self.assertEqual(
            self.client.get(f"{BASE}/procedures", {"level": "district"}).status_code, 422
        )
        self.assertEqual(self.client.get(f"{BASE}/procedures", {"page": 0}).status_code, 422)
        self.assertEqual(
            self.client.get(f"{BASE}/procedures/1.001193", {"on": "31/12/2026"}).status_code, 422
        )

    def test_detail_on_a_day(self):
        services.procedure_version_create(
            actor=ACTOR,
            procedure=self.birth,
            effective_from=date(2026, 6, 1),
            content=content(time_limit_amount=5, supplement_window_days=15),
        )
        with self.assertNumQueries(5):  # the version, its documents, fees, steps and forms
            body = self.client.get(f"{BASE}/procedures/1.001193").json()
        self.assertEqual(
            (body["version"], body["time_limit_amount"], body["effective_to"]), (1, 3, "2026-06-01")
        )
        first = self.birth.versions.get(number=1).documents.get(order=1)
        self.assertEqual(
            body["documents"][0],
            {
                "id": first.pk,
                "order": 1,
                "name": "Tờ khai đăng ký khai sinh",
                "form": "original",
                "count": 1,
                "is_mandatory": True,
                "note": "",
            },
        )
        self.assertEqual(
            body["fees"],
            [{"order": 1, "name": "Lệ phí đăng ký", "kind": "charge", "amount": 50000, "note": ""}],
        )
        self.assertEqual(
            [s["role_code"] for s in body["steps"]],
            ["intake_officer", "case_handler", "commune_leader", "intake_officer"],
        )
        self.assertEqual(body["steps"][0]["budget_amount"], "0.50")
        self.assertEqual(body["supplement_window_days"], None)
        self.assertEqual(
            [step["id"] for step in body["steps"]],
            list(
                self.birth.versions.get(number=1)
                .steps.order_by("order")
                .values_list("pk", flat=True)
            ),
        )
        self.assertEqual(body["version_id"], self.birth.versions.get(number=1).pk)
        body = self.client.get(f"{BASE}/procedures/1.001193", {"on": "2026-06-01"}).json()
        self.assertEqual(
            (body["version"], body["time_limit_amount"], body["effective_to"]), (2, 5, None)
        )
        self.assertEqual(body["supplement_window_days"], 15)

    def test_unknown_code_or_day_is_404(self):
        response = self.client.get(f"{BASE}/procedures/9.999999")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["code"], "not_found")
        self.assertEqual(
            response.json()["detail"],
            "Không có thủ tục mã “9.999999” có hiệu lực vào ngày 02/03/2026.",
        )
        self.assertEqual(
            self.client.get(f"{BASE}/procedures/1.001193", {"on": "2020-01-01"}).status_code, 404
        )

    def test_fields(self):
        with self.assertNumQueries(1):
            response = self.client.get(f"{BASE}/fields")
        self.assertEqual(
            response.json(),
            [
                {"code": "certification", "name": "Chứng thực"},
                {"code": "civil-status", "name": "Hộ tịch"},
            ],
        )

    def test_openapi_documents_the_catalog(self):
        paths = self.client.get("/api/v1/openapi.json").json()["paths"]
        self.assertIn(f"{BASE}/procedures", paths)
        self.assertIn(f"{BASE}/procedures/{{code}}", paths)
        self.assertIn(f"{BASE}/fields", paths)
