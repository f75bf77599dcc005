"""GET /api/v1/indices/service and …/drilldown: the contract, access and the 4xx answers."""

from __future__ import annotations

from django.test import TestCase

from motcua.catalog.models import ProcedureVersion
from motcua.core import clock
from motcua.indices.rollups import rollups_refresh
from motcua.indices.tests.helpers import World
from motcua.indices.tests.test_service_index import NOW, march_data


class IndicesApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        ProcedureVersion.objects.filter(pk=cls.w.restart_version.pk).update(online_level="partial")
        cls.rows = march_data(cls.w)
        rollups_refresh()

    def get(self, path, user=None, **params):
        if user is not None:
            self.client.force_login(user)
        with clock.frozen(NOW):
            return self.client.get(f"/api/v1/indices/{path}", params)

    def test_service_index_of_a_month(self):
        response = self.get("service", self.w.leader, unit_id=self.w.ward.pk, period="2026-03")
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(
            body["period"], {"key": "2026-03", "start": "2026-03-01", "end": "2026-03-31"}
        )
        self.assertEqual(
            [g["max"] for g in body["groups"]],
            ["18.00", "20.00", "12.00", "10.00", "18.00", "22.00"],
        )
        timeliness = body["groups"][1]["indicators"][0]
        self.assertEqual(
            {k: timeliness[k] for k in ("code", "max", "score", "numerator", "denominator", "source")},
            {"code": "2.1", "max": "20.00", "score": "13.33", "numerator": "4", "denominator": "6",
             "source": "computed"},
        )  # fmt: skip
        satisfaction = body["groups"][4]["indicators"][1]
        self.assertEqual(
            (satisfaction["code"], satisfaction["source"], satisfaction["score"]),
            ("5.2", "no_data", None),
        )
        self.assertEqual((body["total"], body["max_measured"]), ("27.55", "38.00"))

    def test_quarter_and_year_keys(self):
        for period in ("2026-Q1", "2026"):
            response = self.get("service", self.w.leader, unit_id=self.w.ward.pk, period=period)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.json()["period"]["key"], period)

    def test_drilldown(self):
        response = self.get(
            "service/drilldown",
            self.w.leader,
            unit_id=self.w.ward.pk,
            period="2026-03",
            indicator="2.1",
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["count"], 2)
        self.assertEqual(
            [(i["code"], i["reason"]) for i in body["items"]],
            [(self.rows["B"].code, "finished_late"), (self.rows["C"].code, "overdue")],
        )
        self.assertNotIn("applicant", str(body))

    def test_errors(self):
        cases = [
            ("service", None, {"unit_id": self.w.ward.pk, "period": "2026-03"}, 401, "not_authenticated"),
            ("service", self.w.leader, {"unit_id": self.w.city.pk, "period": "2026-03"}, 403, "forbidden"),
            ("service", self.w.handler, {"unit_id": self.w.ward.pk, "period": "2026-03"}, 403, "forbidden"),
            ("service", self.w.leader, {"unit_id": 99999, "period": "2026-03"}, 404, "unknown_unit"),
            ("service", self.w.leader, {"unit_id": self.w.ward.pk, "period": "2026-13"}, 422, "invalid_input"),
            ("service", self.w.leader, {"unit_id": self.w.ward.pk}, 422, "invalid_input"),
            ("service", self.w.leader, {"unit_id": self.w.ward.pk, "period": "1999"}, 400, "invalid_period"),
            ("service/drilldown", self.w.leader,
             {"unit_id": self.w.ward.pk, "period": "2026-03", "indicator": "9.9"}, 404, "unknown_indicator"),
            ("service/drilldown", self.w.leader,
             {"unit_id": self.w.ward.pk, "period": "2026-03", "indicator": "1.1"}, 404, "no_drilldown"),
        ]  # fmt: skip
        for path, user, params, status, code in cases:
            with self.subTest(path=path, params=params):
                self.client.logout()
                response = self.get(path, user, **params)
                self.assertEqual(response.status_code, status, response.content)
                self.assertEqual(response.json()["code"], code)

    def test_the_openapi_document_lists_both_operations_with_their_errors(self):
        document = self.client.get("/api/v1/openapi.json").json()
        for path in ("/api/v1/indices/service", "/api/v1/indices/service/drilldown"):
            responses = document["paths"][path]["get"]["responses"]
            self.assertEqual(sorted(responses), ["200", "400", "401", "403", "404", "422"])
