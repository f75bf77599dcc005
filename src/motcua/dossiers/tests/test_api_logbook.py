"""The log book through the API."""

from __future__ import annotations

from io import BytesIO

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from motcua.api.services import api_token_create
from motcua.core import clock
from motcua.core.models import AuditEvent
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import at
from motcua.dossiers.tests.test_api import LOGBOOK_QUERIES, ApiTestCase, vietnamese
from motcua.org.services import role_assignment_create


class LogbookApiTests(ApiTestCase):
    february: Dossier
    first: Dossier
    second: Dossier
    elsewhere: Dossier

    URL = "/api/v1/logbook"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        w = cls.w
        other_desk = get_user_model().objects.create_user("tiepnhan2", password="x")
        role_assignment_create(
            actor="test", user=other_desk, role=w.roles["intake_officer"], unit=w.other_ward
        )
        cls.tokens["other_desk"] = api_token_create(actor="test", user=other_desk, name="t")[1]
        cls.tokens["director"] = api_token_create(actor="test", user=w.director, name="t")[1]
        with clock.frozen(at(2026, 2, 27, 9)):
            cls.february = w.receive()
        with clock.frozen(at(2026, 3, 2, 9)):
            cls.first = w.receive()
        with clock.frozen(at(2026, 3, 3, 9)):
            cls.second = w.receive(
                version=w.restart_version, applicant=w.applicant(name="Lê Văn Bình", phone="")
            )
            cls.elsewhere = w.receive(
                actor=other_desk,
                receiving_unit=w.other_ward,
                applicant=w.applicant(name="Lý Thị Đào"),
            )

    def logbook(self, params, *, who="intake", when=None):
        return self.call("get", self.URL, params, who=who, when=when or at(2026, 3, 10, 9))

    def march(self, **extra):
        return {"unit_id": self.w.centre.pk, "start": "2026-03-01", "end": "2026-03-31", **extra}

    def exports(self):
        """The audit records of log book reads: rows shown (JSON) or files built."""
        return list(
            AuditEvent.objects.filter(
                action__in=["dossiers.logbook.view", "dossiers.logbook.export"]
            )
            .order_by("id")
            .values_list("actor__username", "stream", "data")
        )

    def test_json_rows(self):
        response = self.logbook(self.march())
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["count"], 2)
        self.assertEqual([r["code"] for r in body["rows"]], [self.first.code, self.second.code])
        self.assertEqual(
            (body["start"], body["end"], body["field"]), ("2026-03-01", "2026-03-31", None)
        )
        self.assertEqual(body["unit"]["id"], self.w.centre.pk)
        self.assertIn("Từ ngày 01/3/2026 đến ngày 31/3/2026", body["title"])
        row = body["rows"][0]
        self.assertEqual(row["number"], 2)  # the volume of 2026 began with February's
        self.assertEqual(row["volume"], "2026 (lĩnh vực Hộ tịch)")
        self.assertEqual(row["phone"], "0912345678")
        self.assertTrue(row["address"].startswith("Số 12 đường Lê Lợi"))
        self.assertEqual(row["received_at"], "2026-03-02T09:00:00+07:00")
        self.assertEqual(row["appointment_at"], "2026-03-05T17:00:00+07:00")
        self.assertEqual((row["returned_at"], row["return_method"]), (None, ""))
        self.assertEqual(body["rows"][1]["procedure_name"], "Đăng ký kết hôn")
        self.assertEqual(
            self.exports(),
            [
                (
                    "tiepnhan",
                    f"dossiers.logbook:{self.w.centre.pk}",
                    {
                        "unit": self.w.centre.pk,
                        "start": "2026-03-01",
                        "end": "2026-03-31",
                        "field": "",
                        "format": "json",
                        "rows": 2,
                        "via": "api",
                    },
                )
            ],
        )

    def test_default_period_is_this_month_and_field_filters(self):
        body = self.logbook({"unit_id": self.w.centre.pk}).json()
        self.assertEqual((body["start"], body["end"]), ("2026-03-01", "2026-03-10"))
        self.assertEqual(body["count"], 2)
        body = self.logbook({"unit_id": self.w.centre.pk, "end": "2026-02-28"}).json()
        self.assertEqual([r["code"] for r in body["rows"]], [self.february.code])
        body = self.logbook(self.march(field="civil-status")).json()
        self.assertEqual(body["field"], {"code": "civil-status", "name": "Hộ tịch"})
        self.assertEqual(body["count"], 2)
        response = self.logbook(self.march(field="no-such-field"))
        self.assertError(response, 400, "unknown_field")
        self.assertEqual(response.json()["extra"]["errors"][0]["field"], "field")

    def test_excel_and_pdf(self):
        xlsx = self.logbook(self.march(format="xlsx"))
        self.assertEqual(xlsx.status_code, 200, xlsx.content[:300])
        self.assertEqual(
            xlsx["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.assertEqual(
            xlsx["Content-Disposition"],
            'attachment; filename="mau-07-so-theo-doi-20260301-20260331.xlsx"',
        )
        sheet = load_workbook(BytesIO(xlsx.content)).active
        codes = [row[2] for row in sheet.iter_rows(min_row=5, values_only=True)]
        self.assertEqual(codes, [self.first.code, self.second.code])
        pdf = self.logbook(self.march(format="pdf"), who="director")
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertEqual(
            pdf["Content-Disposition"],
            'attachment; filename="mau-07-so-theo-doi-20260301-20260331.pdf"',
        )
        self.assertTrue(pdf.content.startswith(b"%PDF"))
        self.assertEqual(
            [(who, data["format"]) for who, _stream, data in self.exports()],
            [("tiepnhan", "xlsx"), ("giamdoc", "pdf")],
        )

    def test_only_the_desks_intake_roles(self):
        for who in ("handler", "leader", "outsider", "nobody", "other_desk"):
            with self.subTest(who):
                self.assertError(self.logbook(self.march(), who=who), 403, "forbidden")
        # The role covers the desk and below, not the ward above it.
        self.assertError(self.logbook(self.march(unit_id=self.w.ward.pk)), 403, "forbidden")
        body = self.logbook(self.march(unit_id=self.w.other_ward.pk), who="other_desk").json()
        self.assertEqual([r["code"] for r in body["rows"]], [self.elsewhere.code])
        response = self.logbook(self.march(unit_id=999999))
        self.assertError(response, 400, "unknown_unit")
        self.assertEqual(self.logbook(self.march(), who=None).status_code, 401)
        self.assertEqual(len(self.exports()), 1)

    def test_the_period_is_checked(self):
        response = self.logbook(self.march(start="2026-03-31", end="2026-03-01"))
        self.assertError(response, 400, "invalid_period")
        self.assertEqual(
            response.json()["detail"],
            vietnamese(
                "The end of the period (%(end)s) is before its start (%(start)s).",
                end="01/03/2026",
                start="31/03/2026",
            ),
        )
        self.assertEqual(response.json()["extra"]["errors"][0]["field"], "end")
        response = self.logbook(self.march(start="2025-03-02", end="2026-03-02"))
        self.assertError(response, 400, "period_too_long")
        self.assertIn("01/03/2026", response.json()["detail"])
        response = self.logbook(self.march(start="2025-03-02", end="2026-03-01"))
        self.assertEqual(response.status_code, 200, response.content)
        response = self.logbook(self.march(start="2024-02-29", end="2025-03-01"))
        self.assertError(response, 400, "period_too_long")
        self.assertEqual(
            self.logbook(self.march(start="2024-02-29", end="2025-02-28")).status_code, 200
        )
        for start, end, field in (
            ("9999-12-31", "9999-12-31", "start"),
            ("2026-03-01", "9999-12-31", "end"),
            ("0001-01-01", "2026-03-01", "start"),
        ):
            response = self.logbook(self.march(start=start, end=end))
            self.assertError(response, 400, "invalid_period")
            self.assertEqual(response.json()["extra"]["errors"][0]["field"], field)
        self.assertEqual(len(self.exports()), 2)

    def test_bad_parameters_answer_422_in_vietnamese(self):
        cases = {
            "format": ({"format": "csv"}, "query.format", "literal_error"),
            "date": ({"start": "01/03/2026"}, "query.start", "date_from_datetime_parsing"),
            "unit": ({"unit_id": "abc"}, "query.unit_id", "int_parsing"),
        }
        for label, (params, field, kind) in cases.items():
            with self.subTest(label):
                response = self.logbook(self.march(**params))
                self.assertError(response, 422, "invalid_input")
                problem = response.json()["extra"]["errors"][0]
                self.assertEqual((problem["field"], problem["type"]), (field, kind))
                self.assertNotIn("Input should", problem["message"])
        response = self.logbook({})
        self.assertError(response, 422, "invalid_input")
        self.assertEqual(
            response.json()["extra"]["errors"],
            [
                {
                    "field": "query.unit_id",
                    "message": vietnamese("This field is required."),
                    "type": "missing",
                }
            ],
        )
        self.assertEqual(self.exports(), [])

    def test_json_query_count_does_not_grow(self):
        """The JSON log book costs :data:`LOGBOOK_QUERIES` whatever the number of rows."""
        self.logbook(self.march())  # sets last_used_at, caches the unit
        counts = []
        for extra in (0, 5):
            for minute in range(extra):
                with clock.frozen(at(2026, 3, 4, 9, minute)):
                    self.w.receive()
            with CaptureQueriesContext(connection) as queries:
                response = self.logbook(self.march())
            self.assertEqual(response.json()["count"], 2 + extra)
            counts.append(len(queries))
        self.assertEqual(counts, [LOGBOOK_QUERIES, LOGBOOK_QUERIES])
