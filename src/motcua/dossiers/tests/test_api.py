"""The dossiers API: intake, every action, conflicts, scope, audit, queues, forms, log book."""

from __future__ import annotations

import json
from datetime import date
from io import BytesIO

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.api.services import api_token_create
from motcua.catalog.content import DocumentSpec
from motcua.catalog.models import RequiredDocument
from motcua.catalog.tests.factories import make_procedure
from motcua.core import clock
from motcua.core.models import AuditEvent
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, DossierEvent, IntakeGuidance
from motcua.dossiers.tests.helpers import World, at
from motcua.org.services import role_assignment_create

BASE = "/api/v1/dossiers/"
LOGBOOK_QUERIES = 7
"""Token, scope, rows; the audit record: its chain's last entry, then the insert, which the
test's transaction wraps in a savepoint (two more statements)."""


class ApiTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        cls.tokens = {}
        for name in ("intake", "handler", "handler2", "leader", "tax_officer", "outsider"):
            user = getattr(cls.w, name)
            cls.tokens[name] = api_token_create(actor="test", user=user, name="tests")[1]
        cls.tokens["nobody"] = api_token_create(actor="test", user=cls.w.nobody, name="t")[1]

    def call(self, method, path, body=None, *, who="intake", when=None, **headers):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[who]}"} if who else {}
        for key, value in headers.items():
            extra[f"HTTP_{key.upper()}"] = value
        with clock.frozen(when or at(2026, 3, 2, 9)):
            if method == "get":
                return self.client.get(path, body or {}, **extra)
            return self.client.post(
                path,
                data=json.dumps(body if body is not None else {}),
                content_type="application/json",
                **extra,
            )

    def intake_body(self, **overrides):
        body = {
            "procedure_code": "1.001193",
            "receiving_unit_id": self.w.centre.pk,
            "applicant": {
                "name": "Trần Thị Bích Ngọc",
                "id_number": "092190001234",
                "phone": "0912 345 678",
                "email": "ngoc.tran@example.vn",
                "address": "Số 12 đường Lê Lợi, phường Ngã Bảy",
            },
            "provided_document_ids": self.w.documents(self.w.pause_version),
            "note": "Nộp trực tiếp",
        }
        body.update(overrides)
        return body

    def receive(self, when=None, version=None, **kwargs):
        with clock.frozen(when or at(2026, 3, 2, 9)):
            return self.w.receive(version, **kwargs)

    def act(self, when, func, **kwargs):
        with clock.frozen(when):
            return func(**kwargs)

    def in_progress(self, version=None):
        return self.w.to_handler(self.receive(version=version))

    def assertError(self, response, status, code):
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response.json()["code"], code, response.json())

    def assertInvalid(self, response, *fields):
        """A 422 in the service errors' shape, naming ``fields`` in Vietnamese."""
        self.assertError(response, 422, "invalid_input")
        errors = response.json()["extra"]["errors"]
        self.assertEqual([e["field"] for e in errors], list(fields))
        for error in errors:
            self.assertNotIn("original", error)
            self.assertNotIn("Input should", error["message"])
        return errors


class IntakeTests(ApiTestCase):
    def test_counter_intake_then_replay_returns_the_same_dossier(self):
        first = self.call("post", BASE, self.intake_body(), idempotency_key="abc-1")
        self.assertEqual(first.status_code, 201, first.content)
        body = first.json()
        self.assertEqual(body["code"], "H33.15-260302-0001")
        # Intake hands over at once: the dossier waits in the ward's review queue.
        self.assertEqual(body["status"], "in_progress")
        self.assertEqual(body["due_at"], "2026-03-05T17:00:00+07:00")
        self.assertEqual(body["d0"], "2026-03-02")
        self.assertEqual(body["agency"]["id"], self.w.ward.pk)
        self.assertIsNone(body["current_handler"])
        self.assertEqual(body["fee_total"], 50000)
        again = self.call(
            "post", BASE, self.intake_body(), idempotency_key="abc-1", when=at(2026, 3, 2, 9, 1)
        )
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json(), body)
        self.assertEqual(Dossier.objects.count(), 1)
        other = self.call("post", BASE, self.intake_body(), idempotency_key="abc-2")
        self.assertEqual(other.json()["code"], "H33.15-260302-0002")

    def test_counter_intake_hands_over_to_the_chosen_handler(self):
        body = self.intake_body(to_user_id=self.w.handler.pk)
        response = self.call("post", BASE, body, idempotency_key="to-1")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(
            (response.json()["status"], response.json()["current_handler"]["id"]),
            ("in_progress", self.w.handler.pk),
        )
        response = self.call("post", BASE, self.intake_body(to_user_id=999999))
        self.assertError(response, 400, "unknown_user")
        self.assertEqual(response.json()["extra"]["errors"][0]["field"], "to_user_id")
        response = self.call("post", BASE, self.intake_body(to_user_id=self.w.leader.pk))
        self.assertError(response, 400, "invalid_handler")
        self.assertEqual(Dossier.objects.count(), 1)

    def test_intake_writes_each_row_once(self):
        # The hot path (docs/performance.md): the steps go in under the dossier's
        # reserved key, then the dossier row already pointing at its first step.
        with CaptureQueriesContext(connection) as queries:
            response = self.call("post", BASE, self.intake_body(), idempotency_key="once-1")
        self.assertEqual(response.status_code, 201, response.content)
        writes = [
            " ".join(q["sql"].replace('"', "").split()[:3])
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
            and "api_apitoken" not in q["sql"]  # last use, written at most once a minute
        ]
        self.assertEqual(
            writes,
            [
                "INSERT INTO dossiers_dossiercodesequence",
                "INSERT INTO dossiers_logbook",  # its entry number in the log book
                "INSERT INTO dossiers_dossierstep",
                "INSERT INTO dossiers_dossier",
                "INSERT INTO dossiers_dossierdocument",
                "INSERT INTO dossiers_dossierevent",
                "INSERT INTO core_auditevent",
                "INSERT INTO core_notification",
            ],
        )
        dossier = Dossier.objects.select_related("current_step").get(code=response.json()["code"])
        self.assertEqual(dossier.current_step.dossier_id, dossier.pk)
        # The intake's hand-over is in the same statements: two history rows, two records.
        self.assertEqual(dossier.current_step.order, 2)
        self.assertIsNone(dossier.current_handler)
        self.assertEqual(DossierEvent.objects.filter(dossier=dossier).count(), 2)
        self.assertEqual(
            AuditEvent.objects.filter(stream=f"dossiers.dossier:{dossier.pk}").count(), 2
        )
        self.assertGreater(
            Dossier.objects.create(
                status="received",
                channel="counter",
                procedure=dossier.procedure,
                procedure_version=dossier.procedure_version,
                agency=dossier.agency,
                receiving_unit=dossier.receiving_unit,
                applicant_name="Sau",
            ).pk,
            dossier.pk,
        )  # the ORM's own numbering goes on past the reserved key

    def test_a_key_reused_for_another_request_is_a_conflict(self):
        self.call("post", BASE, self.intake_body(), idempotency_key="k")
        body = self.intake_body()
        body["applicant"]["name"] = "Nguyễn Văn An"
        response = self.call("post", BASE, body, idempotency_key="k")
        self.assertError(response, 409, "idempotency_key_reused")
        self.assertEqual(Dossier.objects.count(), 1)

    def test_a_key_reused_with_any_field_changed_is_a_conflict_and_loses_nothing_silently(self):
        first = self.call("post", BASE, self.intake_body(), idempotency_key="k-all").json()
        changes = {
            "phone": lambda b: b["applicant"].update(phone="0987 654 321"),
            "id_number": lambda b: b["applicant"].update(id_number="092190009999"),
            "address": lambda b: b["applicant"].update(address="Số 1 đường Hùng Vương"),
            "email": lambda b: b["applicant"].update(email="an@example.vn"),
            "kind": lambda b: b["applicant"].update(kind="organisation", id_number="1801234567"),
            "representative": lambda b: b["applicant"].update(
                representative={"name": "Lê Văn Bình", "authorisation_document": "GUQ số 1"}
            ),
            "note": lambda b: b.update(note="Nộp qua bưu điện"),
            "channel": lambda b: b.update(channel="post"),
            "postal_address": lambda b: b.update(postal_address="Số 3 đường Trần Phú"),
            "receiving_unit": lambda b: b.update(receiving_unit_id=self.w.ward.pk),
            "procedure": lambda b: b.update(
                procedure_code="1.000656",
                provided_document_ids=self.w.documents(self.w.restart_version),
            ),
        }
        role_assignment_create(
            actor="test", user=self.w.intake, role=self.w.roles["intake_officer"], unit=self.w.ward
        )
        for name, change in changes.items():
            with self.subTest(changed=name):
                body = self.intake_body()
                change(body)
                response = self.call("post", BASE, body, idempotency_key="k-all")
                self.assertError(response, 409, "idempotency_key_reused")
                self.assertIn("Idempotency-Key", response.json()["detail"])
                # Nothing of the earlier dossier (maybe another applicant's) is shown.
                self.assertNotIn(first["code"], response.content.decode())
                self.assertNotIn("Bích Ngọc", response.content.decode())
        self.assertEqual(Dossier.objects.count(), 1)
        # The one intake's history: received, then handed over at the counter.
        self.assertEqual(
            list(DossierEvent.objects.order_by("pk").values_list("action", flat=True)),
            ["receive", "hand_over"],
        )

    def test_a_key_reused_with_another_document_list_is_a_conflict(self):
        make_procedure(
            "1.000001",
            name="Cấp bản sao trích lục",
            documents=(
                DocumentSpec(order=1, name="Tờ khai", form="original"),
                DocumentSpec(order=2, name="Giấy ủy quyền", form="copy", is_mandatory=False),
            ),
        )
        mandatory, optional = RequiredDocument.objects.filter(
            version__procedure__code="1.000001"
        ).order_by("order")
        body = self.intake_body(procedure_code="1.000001", provided_document_ids=[mandatory.pk])
        self.assertEqual(self.call("post", BASE, body, idempotency_key="d").status_code, 201)
        body["provided_document_ids"] = [mandatory.pk, optional.pk]
        response = self.call("post", BASE, body, idempotency_key="d")
        self.assertError(response, 409, "idempotency_key_reused")
        self.assertEqual(Dossier.objects.get().documents.filter(provided=True).count(), 1)

    def test_a_first_request_with_a_key_looks_nothing_up(self):
        # The fingerprint goes into the dossier row; only a failed insert reads the key.
        online = {
            key: self.intake_body()[key]
            for key in ("procedure_code", "receiving_unit_id", "applicant", "provided_document_ids")
        }
        for path, body in [(BASE, self.intake_body()), (BASE + "online", online)]:
            with self.subTest(path=path), CaptureQueriesContext(connection) as queries:
                response = self.call("post", path, body, idempotency_key=f"first-{path}")
                self.assertEqual(response.status_code, 201, response.content)
                lookups = [
                    q["sql"]
                    for q in queries
                    if q["sql"].lstrip().upper().startswith("SELECT")
                    and "idempotency_key" in q["sql"]
                ]
                self.assertEqual(lookups, [])

    def test_the_same_request_in_another_spelling_is_a_retry(self):
        first = self.call("post", BASE, self.intake_body(), idempotency_key="same")
        body = self.intake_body(
            procedure_code=None,
            procedure_version_id=self.w.pause_version.pk,
            provided_document_ids=[*reversed(self.w.documents(self.w.pause_version))] * 2,
            note="  Nộp trực tiếp ",
        )
        body["applicant"].update(phone="0912345678", name=" Trần Thị Bích Ngọc")
        again = self.call("post", BASE, body, idempotency_key="same")
        self.assertEqual(again.status_code, 200, again.content)
        self.assertEqual(again.json(), first.json())
        self.assertEqual(Dossier.objects.count(), 1)

    def test_an_online_submissions_key_is_not_a_counter_intakes(self):
        online = {
            key: self.intake_body()[key]
            for key in ("procedure_code", "receiving_unit_id", "applicant", "provided_document_ids")
        }
        response = self.call("post", BASE + "online", online, idempotency_key="shared")
        self.assertEqual(response.status_code, 201, response.content)
        counter = self.intake_body(note="")
        response = self.call("post", BASE, counter, idempotency_key="shared")
        self.assertError(response, 409, "idempotency_key_reused")
        self.assertNotIn("awaiting_intake", response.content.decode())
        response = self.call("post", BASE + "online", online, idempotency_key="shared")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(Dossier.objects.count(), 1)

    def test_intake_by_version_id_and_by_post(self):
        body = self.intake_body(
            procedure_code=None,
            procedure_version_id=self.w.pause_version.pk,
            channel="post",
            postal_address="Số 1 Hùng Vương",
        )
        response = self.call("post", BASE, body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["channel"], "post")
        self.assertEqual(Dossier.objects.get().postal_address, "Số 1 Hùng Vương")

    def test_representative_needs_the_authorisation(self):
        body = self.intake_body()
        body["applicant"]["representative"] = {"name": "Lê Văn Bình", "phone": "0987654321"}
        response = self.call("post", BASE, body)
        self.assertError(response, 400, "invalid_applicant")
        body["applicant"]["representative"]["authorisation_document"] = "Giấy ủy quyền số 12"
        response = self.call("post", BASE, body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(Dossier.objects.get().representative_name, "Lê Văn Bình")

    def test_incomplete_dossier_is_refused_with_the_missing_list(self):
        response = self.call("post", BASE, self.intake_body(provided_document_ids=[]))
        self.assertError(response, 400, "incomplete")
        self.assertEqual(
            response.json()["extra"]["missing"], ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
        )
        self.assertEqual(Dossier.objects.count(), 0)

    def test_every_applicant_problem_is_listed(self):
        body = self.intake_body()
        body["applicant"].update(id_number="12345", phone="abc", email="x@")
        response = self.call("post", BASE, body)
        self.assertError(response, 400, "invalid_applicant")
        fields = [e["field"] for e in response.json()["extra"]["errors"]]
        self.assertEqual(fields, ["applicant_id_number", "applicant_phone", "applicant_email"])
        self.assertEqual(Dossier.objects.count(), 0)
        self.assertFalse(AuditEvent.objects.filter(action__startswith="dossiers.").exists())

    def test_malformed_input_answers_422_and_writes_nothing(self):
        cases = {
            "no applicant": (self.intake_body(applicant=None), "body.applicant.name"),
            "both procedure keys": (
                self.intake_body(procedure_version_id=self.w.pause_version.pk),
                "body",
            ),
            "neither procedure key": (self.intake_body(procedure_code=None), "body"),
            "name too long": (
                self.intake_body(applicant={"name": "A" * 201}),
                "body.applicant.name",
            ),
            "NUL in a name": (
                self.intake_body(applicant={"name": "An\x00"}),
                "body.applicant.name",
            ),
            "channel": (self.intake_body(channel="online"), "body.channel"),
            "document id": (
                self.intake_body(provided_document_ids=["x"]),
                "body.provided_document_ids.0",
            ),
            "unit id": (self.intake_body(receiving_unit_id=0), "body.receiving_unit_id"),
            "huge id": (self.intake_body(receiving_unit_id=2**70), "body.receiving_unit_id"),
        }
        for label, (body, field) in cases.items():
            with self.subTest(label):
                self.assertInvalid(self.call("post", BASE, body), field)
        [error] = self.assertInvalid(
            self.call("post", BASE, self.intake_body(applicant={"name": "A" * 201})),
            "body.applicant.name",
        )
        self.assertEqual(
            (error["type"], error["message"]), ("string_too_long", "Nhập tối đa 200 ký tự.")
        )
        response = self.call("post", BASE, self.intake_body(), idempotency_key="x" * 101)
        self.assertInvalid(response, "header.Idempotency-Key")
        self.assertEqual(Dossier.objects.count(), 0)

    def test_unreadable_bodies_and_odd_codes_never_answer_500(self):
        auth = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens['intake']}"}
        for body in ("{not json", "[1, 2]", ""):
            with self.subTest(body=body):
                r = self.client.post(BASE, data=body, content_type="application/json", **auth)
                self.assertIn(r.status_code, (400, 422))
                self.assertIn(r.json()["code"], ("invalid_json", "invalid_input"))
        for code in ("%00", "x" * 300, "9" * 40):
            with self.subTest(code=code[:10]):
                self.assertEqual(self.client.get(BASE + code, **auth).status_code, 404)
                r = self.client.post(
                    f"{BASE}{code}/claim",
                    data='{"expected_version": 1}',
                    content_type="application/json",
                    **auth,
                )
                self.assertEqual(r.status_code, 404)
        self.assertEqual(Dossier.objects.count(), 0)

    def test_unknown_references(self):
        response = self.call("post", BASE, self.intake_body(receiving_unit_id=999999))
        self.assertError(response, 400, "unknown_unit")
        self.assertEqual(response.json()["extra"]["errors"][0]["field"], "receiving_unit_id")
        response = self.call("post", BASE, self.intake_body(procedure_code="9.999999"))
        self.assertError(response, 404, "not_found")
        response = self.call(
            "post", BASE, self.intake_body(procedure_code=None, procedure_version_id=999999)
        )
        self.assertError(response, 400, "unknown_procedure_version")

    def test_only_intake_officers_receive(self):
        response = self.call("post", BASE, self.intake_body(), who="handler")
        self.assertError(response, 403, "forbidden")
        self.assertEqual(Dossier.objects.count(), 0)

    def test_guidance_and_refusal_at_the_counter(self):
        response = self.call(
            "post",
            BASE + "guidance",
            self.intake_body(provided_document_ids=[], extra_items=["Ảnh 4x6"]),
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(
            response.json()["items"], ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Ảnh 4x6"]
        )
        self.assertEqual(IntakeGuidance.objects.count(), 1)
        response = self.call("post", BASE + "guidance", self.intake_body())
        self.assertError(response, 400, "nothing_missing")

        body = self.intake_body(reasons="Không thuộc thẩm quyền của phường")
        response = self.call("post", BASE + "refusals", body)
        self.assertEqual(response.status_code, 201, response.content)
        refused = response.json()
        self.assertEqual((refused["code"], refused["status"]), (None, "refused"))
        detail = self.call("get", BASE + str(refused["id"]))
        self.assertEqual(detail.json()["refusal_reasons"], "Không thuộc thẩm quyền của phường")
        response = self.call("post", BASE + "refusals", self.intake_body(reasons=" "))
        self.assertError(response, 400, "reasons_required")

    def test_online_submission_then_accept_or_refuse(self):
        body = {
            "procedure_code": "1.001193",
            "receiving_unit_id": self.w.centre.pk,
            "applicant": self.intake_body()["applicant"],
            "provided_document_ids": self.w.documents(self.w.pause_version)[:1],
        }
        response = self.call(
            "post", BASE + "online", body, when=at(2026, 3, 2, 20), idempotency_key="o-1"
        )
        self.assertEqual(response.status_code, 201, response.content)
        online = response.json()
        self.assertEqual(
            (online["status"], online["missing"]), ("awaiting_intake", ["Giấy chứng sinh"])
        )
        replay = self.call("post", BASE + "online", body, idempotency_key="o-1")
        self.assertEqual((replay.status_code, replay.json()), (200, online))
        self.assertError(self.call("post", BASE + "online", body, who="handler"), 403, "forbidden")

        url = BASE + online["code"]
        response = self.call(
            "post", url + "/accept", {"expected_version": 1}, when=at(2026, 3, 3, 8)
        )
        self.assertError(response, 400, "incomplete")
        response = self.call(
            "post", url + "/refuse", {"expected_version": 1, "reasons": "Thiếu giấy chứng sinh"}
        )
        self.assertEqual(response.json()["status"], "refused")

        body["provided_document_ids"] = self.w.documents(self.w.pause_version)
        second = self.call("post", BASE + "online", body, when=at(2026, 3, 2, 20)).json()
        response = self.call(
            "post",
            BASE + second["code"] + "/accept",
            {"expected_version": 1},
            when=at(2026, 3, 3, 8),
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            (response.json()["status"], response.json()["due_at"]),
            ("in_progress", "2026-03-06T17:00:00+07:00"),
        )
        chosen = self.call("post", BASE + "online", body, when=at(2026, 3, 2, 20)).json()
        response = self.call(
            "post",
            BASE + chosen["code"] + "/accept",
            {"expected_version": 1, "to_user_id": self.w.handler2.pk},
            when=at(2026, 3, 3, 8),
        )
        self.assertEqual(response.json()["current_handler"]["id"], self.w.handler2.pk)
        third = self.call("post", BASE + "online", body).json()
        response = self.call(
            "post", BASE + third["code"] + "/withdraw", {"expected_version": 1, "reason": "Rút"}
        )
        self.assertEqual(response.json()["status"], "withdrawn")


class ActionTests(ApiTestCase):
    def post(self, d, action, body, *, who="intake", when=None):
        return self.call("post", f"{BASE}{d.code}/{action}", body, who=who, when=when)

    def version(self, d):
        return Dossier.objects.get(pk=d.pk).version

    def test_plain_path_through_the_api(self):
        d = self.receive()
        r = self.post(d, "claim", {"expected_version": 1}, who="handler", when=at(2026, 3, 2, 10))
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual((r.json()["status"], r.json()["version"]), ("in_progress", 2))
        self.assertEqual(r.json()["current_handler"]["id"], self.w.handler.pk)
        r = self.post(
            d, "hand-over", {"expected_version": 2}, who="handler", when=at(2026, 3, 3, 9)
        )
        self.assertEqual(r.json()["status"], "awaiting_signature")
        self.assertIsNone(r.json()["current_handler"])
        r = self.post(d, "claim", {"expected_version": 3}, who="leader", when=at(2026, 3, 3, 10))
        self.assertEqual(r.json()["current_handler"]["id"], self.w.leader.pk)
        r = self.post(
            d,
            "decide",
            {"expected_version": 4, "decision": "not_granted"},
            who="leader",
            when=at(2026, 3, 4, 8),
        )
        self.assertError(r, 400, "reasons_required")
        r = self.post(
            d,
            "decide",
            {"expected_version": 4, "decision": "granted"},
            who="leader",
            when=at(2026, 3, 4, 8),
        )
        self.assertEqual((r.json()["status"], r.json()["timeliness"]), ("result_ready", "early"))
        r = self.post(
            d, "return", {"expected_version": 5, "method": "counter"}, when=at(2026, 3, 4, 10)
        )
        self.assertError(r, 400, "receiver_required")
        r = self.post(
            d,
            "return",
            {"expected_version": 5, "method": "counter", "received_by": "Trần Thị Bích Ngọc"},
            when=at(2026, 3, 4, 10),
        )
        self.assertEqual(r.json()["status"], "returned")
        self.assertEqual(
            list(DossierEvent.objects.filter(dossier=d).values_list("action", flat=True)),
            ["receive", "hand_over", "claim", "hand_over", "claim", "decide", "return_result"],
        )

    def test_hand_over_errors(self):
        d = self.receive()  # at the ward's review step
        r = self.post(d, "hand-over", {"expected_version": 1, "to_user_id": 999999}, who="handler")
        self.assertError(r, 400, "unknown_user")
        r = self.post(
            d,
            "hand-over",
            {"expected_version": 1, "to_user_id": self.w.tax_officer.pk},
            who="handler",
        )
        self.assertError(r, 400, "invalid_handler")
        r = self.post(d, "hand-over", {"expected_version": 1})
        self.assertError(r, 403, "forbidden")
        self.assertEqual(self.version(d), 1)

    def test_claim_taken_by_someone_else_is_a_conflict_with_the_version(self):
        d = self.in_progress()  # handed to thuly
        r = self.post(d, "claim", {"expected_version": 2}, who="handler2")
        self.assertError(r, 409, "taken")
        self.assertEqual(r.json()["extra"], {"version": 2, "status": "in_progress"})

    def test_stale_version_is_a_conflict_and_changes_nothing(self):
        d = self.receive()
        r = self.post(d, "hand-over", {"expected_version": 7})
        self.assertError(r, 409, "conflict")
        self.assertEqual(r.json()["extra"], {"version": 1, "status": "in_progress"})
        self.assertEqual(self.version(d), 1)
        r = self.post(d, "accept", {"expected_version": 1})
        self.assertError(r, 409, "not_allowed_now")
        self.assertEqual(r.json()["extra"]["status"], "in_progress")
        r = self.post(d, "hand-over", {})
        self.assertError(r, 422, "invalid_input")
        self.assertEqual(
            r.json()["extra"]["errors"],
            [
                {
                    "field": "body.expected_version",
                    "message": "Trường này là bắt buộc.",
                    "type": "missing",
                }
            ],
        )

    def test_supplement_requested_then_received(self):
        d = self.in_progress()
        body = {"expected_version": 2, "items": ["Bản sao giấy chứng sinh"], "reason": "Không rõ"}
        r = self.post(d, "request-supplement", body, who="handler", when=at(2026, 3, 3, 10))
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["dossier"]["status"], "awaiting_supplement")
        self.assertEqual(r.json()["pause"]["respond_by"], "2026-03-24T17:00:00+07:00")
        r = self.post(d, "supplement-received", {"expected_version": 3}, when=at(2026, 3, 9, 9))
        self.assertEqual(
            (r.json()["status"], r.json()["due_at"]), ("in_progress", "2026-03-11T17:00:00+07:00")
        )
        body["expected_version"] = 4
        r = self.post(d, "request-supplement", body, who="handler", when=at(2026, 3, 9, 10))
        self.assertError(r, 400, "supplement_once")

    def test_close_unsupplemented(self):
        d = self.in_progress()
        self.act(
            at(2026, 3, 3, 10),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.handler,
            items=["A"],
            reason="r",
        )
        r = self.post(d, "close-unsupplemented", {"expected_version": 3}, when=at(2026, 3, 24, 16))
        self.assertError(r, 400, "too_early")
        r = self.post(d, "close-unsupplemented", {"expected_version": 3}, when=at(2026, 3, 25, 8))
        self.assertEqual(r.json()["status"], "closed")

    def test_payment_wait(self):
        d = self.in_progress()
        r = self.post(d, "request-payment", {"expected_version": 2, "items": []}, who="handler")
        self.assertInvalid(r, "body.items")  # the schema says minItems 1
        r = self.post(d, "request-payment", {"expected_version": 2, "items": [" "]}, who="handler")
        self.assertError(r, 400, "items_required")
        r = self.post(
            d,
            "request-payment",
            {"expected_version": 2, "items": ["Lệ phí trước bạ"]},
            who="handler",
            when=at(2026, 3, 3, 10),
        )
        self.assertEqual(r.json()["pause"]["kind"], "payment")
        r = self.post(d, "payment-received", {"expected_version": 3}, when=at(2026, 3, 9, 9))
        self.assertEqual(r.json()["due_at"], "2026-03-11T17:00:00+07:00")
        r = self.post(d, "payment-received", {"expected_version": 4})
        self.assertError(r, 409, "not_allowed_now")

    def test_apology(self):
        d = self.receive()
        body = {"expected_version": 1, "reason": "Cần xác minh thêm", "new_date": "2026-03-07"}
        r = self.post(d, "apologise", body, who="leader", when=at(2026, 3, 4, 9))
        self.assertError(r, 400, "invalid_new_date")  # a Saturday
        body["new_date"] = "2026-03-09"
        r = self.post(d, "apologise", body, who="leader", when=at(2026, 3, 4, 9))
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["apology"]["new_due_at"], "2026-03-09T17:00:00+07:00")
        self.assertEqual(r.json()["dossier"]["extended_due_at"], "2026-03-09T17:00:00+07:00")
        body["expected_version"] = 2
        r = self.post(d, "apologise", body, who="leader", when=at(2026, 3, 4, 9))
        self.assertError(r, 400, "apology_once")

    def test_stop(self):
        d = self.in_progress()
        r = self.post(d, "stop", {"expected_version": 2, "reason": ""})
        self.assertError(r, 400, "reason_required")
        r = self.post(
            d,
            "stop",
            {"expected_version": 2, "reason": "Đơn xin dừng", "requested_on": "2026-03-02"},
            when=at(2026, 3, 2, 11),
        )
        self.assertEqual(r.json()["status"], "stopped")

    def test_decide_needs_the_signing_step(self):
        d = self.receive()
        r = self.post(d, "decide", {"expected_version": 1, "decision": "granted"}, who="leader")
        self.assertError(r, 409, "not_allowed_now")
        r = self.post(d, "decide", {"expected_version": 1, "decision": "maybe"}, who="leader")
        self.assertError(r, 422, "invalid_input")
        self.assertEqual(
            r.json()["extra"]["errors"][0]["message"],
            "Chỉ dùng một trong các giá trị: 'granted', 'not_granted'.",
        )


class ScopeAndAuditTests(ApiTestCase):
    def test_outside_the_dossiers_units_is_not_found(self):
        d = self.receive()
        for who in ("outsider", "nobody"):
            with self.subTest(who):
                self.assertError(self.call("get", BASE + d.code, who=who), 404, "not_found")
                r = self.call("post", f"{BASE}{d.code}/claim", {"expected_version": 1}, who=who)
                self.assertError(r, 404, "not_found")
                self.assertEqual(self.call("get", BASE, who=who).json()["count"], 0)
        self.assertError(self.call("get", BASE + "H33.15-000000-9999"), 404, "not_found")

    def test_a_coordinating_agency_sees_dossiers_with_a_step_there(self):
        d = self.receive(version=self.w.inter_version)
        plain = self.receive()
        r = self.call("get", BASE, who="tax_officer")
        self.assertEqual([item["code"] for item in r.json()["items"]], [d.code])
        self.assertEqual(self.call("get", BASE + plain.code, who="tax_officer").status_code, 404)

    def test_reading_personal_data_is_audited(self):
        d = self.receive()
        before = AuditEvent.objects.filter(action="dossiers.view").count()
        self.call("get", BASE)
        self.assertEqual(AuditEvent.objects.filter(action="dossiers.view").count(), before)
        r = self.call("get", BASE + d.code, who="handler", when=at(2026, 3, 2, 10))
        self.assertEqual(r.status_code, 200)
        body = r.json()
        self.assertEqual(body["applicant"]["id_number"], "092190001234")
        self.assertEqual(body["applicant"]["phone"], "0912345678")
        self.assertEqual([st["order"] for st in body["steps"]], [1, 2, 3, 4])
        self.assertEqual(body["steps"][0]["handler"]["username"], "tiepnhan")
        self.assertEqual(len(body["documents"]), 2)
        self.assertEqual([e["action"] for e in body["events"]], ["receive", "hand_over"])
        self.assertEqual(
            body["available_actions"],
            ["claim", "hand-over", "request-supplement", "request-payment", "apology-draft"],
        )
        view = AuditEvent.objects.get(action="dossiers.view")
        self.assertEqual((view.actor, view.object_id), (self.w.handler, str(d.pk)))
        self.assertEqual(view.data, {"code": d.code, "via": "api"})

    def test_detail_shows_pauses_and_apology(self):
        d = self.in_progress()
        self.act(
            at(2026, 3, 3, 9),
            s.dossier_apologise,
            dossier=d,
            actor=self.w.leader,
            reason="Cần xác minh",
            new_date=date(2026, 3, 9),
        )
        self.act(
            at(2026, 3, 3, 10),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.handler,
            items=["A"],
            reason="r",
        )
        body = self.call("get", BASE + d.code).json()
        self.assertEqual(body["pauses"][0]["items"], ["A"])
        self.assertEqual(body["apology"]["reason"], "Cần xác minh")
        self.assertEqual(body["status"], "awaiting_supplement")


class QueueTests(ApiTestCase):
    def codes(self, response):
        self.assertEqual(response.status_code, 200, response.content)
        return [item["code"] for item in response.json()["items"]]

    def test_queues(self):
        fresh = self.receive(when=at(2026, 3, 2, 9))
        mine = self.in_progress()  # handed to thuly
        unclaimed = self.receive(when=at(2026, 3, 2, 11))  # intake leaves it in the ward's queue
        waiting = self.in_progress()
        self.act(
            at(2026, 3, 3, 9),
            s.dossier_request_payment,
            dossier=waiting,
            actor=self.w.handler,
            items=["Thuế"],
        )
        now = at(2026, 3, 5, 10)
        # A paused dossier stays in its handler's queue.
        self.assertEqual(
            self.codes(self.call("get", BASE, {"queue": "mine"}, who="handler", when=now)),
            [mine.code, waiting.code],
        )
        self.assertEqual(
            self.codes(self.call("get", BASE, {"queue": "unit"}, who="handler2", when=now)),
            [fresh.code, unclaimed.code],
        )
        self.assertEqual(
            self.codes(self.call("get", BASE, {"queue": "waiting"}, who="handler", when=now)),
            [waiting.code],
        )
        due_soon = self.codes(self.call("get", BASE, {"queue": "due_soon"}, who="leader", when=now))
        self.assertEqual(sorted(due_soon), sorted([fresh.code, mine.code, unclaimed.code]))
        later = at(2026, 3, 6, 9)
        overdue = self.codes(self.call("get", BASE, {"queue": "overdue"}, who="leader", when=later))
        self.assertEqual(sorted(overdue), sorted([fresh.code, mine.code, unclaimed.code]))
        everything = self.call("get", BASE, who="leader", when=now).json()
        self.assertEqual(everything["count"], 4)
        r = self.call(
            "get", BASE, {"status": ["awaiting_payment", "result_ready"]}, who="leader", when=now
        )
        self.assertEqual(self.codes(r), [waiting.code])
        r = self.call("get", BASE, {"queue": "nope"})
        self.assertError(r, 422, "invalid_input")
        self.assertEqual(r.json()["extra"]["errors"][0]["field"], "query.queue")

    def test_online_submissions_have_their_own_queue(self):
        with clock.frozen(at(2026, 3, 2, 20)):
            online = s.dossier_submit_online(
                applicant=self.w.applicant(),
                procedure_code=self.w.pause_version.procedure.code,
                receiving_unit=self.w.centre,
                provided_documents=[],
            ).dossier
        paused = self.in_progress()
        self.act(
            at(2026, 3, 3, 9),
            s.dossier_request_supplement,
            dossier=paused,
            actor=self.w.handler,
            items=["A"],
            reason="r",
        )
        now = at(2026, 3, 3, 10)
        self.assertEqual(
            self.codes(self.call("get", BASE, {"queue": "intake"}, when=now)), [online.code]
        )
        self.assertEqual(
            self.codes(self.call("get", BASE, {"queue": "waiting"}, when=now)), [paused.code]
        )

    def test_filters_and_pages(self):
        first = self.receive(when=at(2026, 3, 2, 9))
        second = self.receive(when=at(2026, 3, 3, 9), version=self.w.restart_version)
        third = self.receive(when=at(2026, 3, 4, 9))
        when = at(2026, 3, 4, 10)
        r = self.call("get", BASE, {"procedure": "1.000656"}, when=when)
        self.assertEqual(self.codes(r), [second.code])
        r = self.call(
            "get", BASE, {"received_from": "2026-03-03", "received_to": "2026-03-03"}, when=when
        )
        self.assertEqual(self.codes(r), [second.code])
        r = self.call("get", BASE, {"page_size": 2}, when=when).json()
        self.assertEqual((r["count"], r["pages"]), (3, 2))
        self.assertEqual([i["code"] for i in r["items"]], [third.code, second.code])
        r = self.call("get", BASE, {"page_size": 2, "page": 2}, when=when).json()
        self.assertEqual([i["code"] for i in r["items"]], [first.code])
        r = self.call("get", BASE, {"page": 9}, when=when).json()
        self.assertEqual(r["items"], [])
        r = self.call("get", BASE, {"page_size": 101})
        self.assertError(r, 422, "invalid_input")
        self.assertEqual(
            r.json()["extra"]["errors"],
            [
                {
                    "field": "query.page_size",
                    "message": "Hãy nhập giá trị không quá 100.",
                    "type": "less_than_equal",
                }
            ],
        )

    def test_list_query_count_does_not_grow(self):
        """Token, scope, count, page ids, page rows: five queries for any number of dossiers."""
        self.receive()
        self.call("get", BASE)  # sets last_used_at
        self.call("get", BASE, who="handler")
        counts = []
        for extra in (0, 4):
            for minute in range(extra):
                self.receive(when=at(2026, 3, 2, 9, minute + 1))
            with CaptureQueriesContext(connection) as queries:
                r = self.call("get", BASE, {"queue": "unit"}, who="handler")
                r2 = self.call("get", BASE)
            self.assertEqual(r.status_code, 200)
            self.assertEqual(r2.json()["count"], 1 + extra)
            counts.append(len(queries))
        self.assertEqual(counts, [10, 10])


def vietnamese(msgid, **values):
    with translation.override("vi"):
        text = translation.gettext(msgid)
    return text % values if values else text


class FormTests(ApiTestCase):
    def form(self, d, form, *, who="intake", when=None):
        key = d.code or d.pk
        return self.call("get", f"{BASE}{key}/forms/{form}", who=who, when=when)

    def assertPdf(self, response, filename):
        self.assertEqual(response.status_code, 200, response.content[:300])
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["Content-Disposition"], f'attachment; filename="{filename}"')
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertTrue(response.content.startswith(b"%PDF"))

    def views(self):
        return list(
            AuditEvent.objects.filter(action="dossiers.view")
            .order_by("id")
            .values_list("actor__username", "data")
        )

    def test_receipt_and_control_slip_of_a_received_dossier(self):
        d = self.receive()
        self.assertPdf(self.form(d, "receipt"), "mau-01-H33.15-260302-0001.pdf")
        self.assertPdf(self.form(d, "control", who="handler"), "mau-06-H33.15-260302-0001.pdf")
        self.assertEqual(
            self.views(),
            [
                ("tiepnhan", {"code": d.code, "via": "api:print:receipt"}),
                ("thuly", {"code": d.code, "via": "api:print:control"}),
            ],
        )
        text = "".join(
            p.extract_text() for p in PdfReader(BytesIO(self.form(d, "receipt").content)).pages
        )
        self.assertIn(d.code, text)

    def test_a_form_that_does_not_apply_is_not_found_with_the_reason(self):
        d = self.receive()
        cases = {
            "refusal": "The refusal slip is printed only for a refused dossier.",
            "apology": "The apology is printed only for a dossier with an apology.",
            "stop": "The notice of stopping is printed only for a stopped dossier.",
        }
        for form, msgid in cases.items():
            with self.subTest(form):
                response = self.form(d, form)
                self.assertError(response, 404, "form_not_applicable")
                self.assertEqual(response.json()["detail"], vietnamese(msgid))
        response = self.form(d, "supplement/1")
        self.assertError(response, 404, "form_not_applicable")
        self.assertIn(d.code, response.json()["detail"])
        for form in ("nope", "supplement", "logbook", "x" * 300):
            with self.subTest(form=form[:10]):
                self.assertError(self.form(d, form), 404, "unknown_form")
        self.assertEqual(self.views(), [])

    def test_apology_and_stop_once_they_exist(self):
        d = self.in_progress()
        self.act(
            at(2026, 3, 3, 9),
            s.dossier_apologise,
            dossier=d,
            actor=self.w.leader,
            reason="Cần xác minh",
            new_date=date(2026, 3, 9),
        )
        self.assertPdf(self.form(d, "apology"), "mau-04-H33.15-260302-0001.pdf")
        self.act(
            at(2026, 3, 3, 10),
            s.dossier_stop,
            dossier=Dossier.objects.get(pk=d.pk),
            actor=self.w.intake,
            reason="Đơn xin dừng",
        )
        self.assertPdf(self.form(d, "stop"), "mau-05-H33.15-260302-0001.pdf")

    def test_supplement_requests_by_number(self):
        d = self.in_progress()
        self.act(
            at(2026, 3, 3, 10),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.handler,
            items=["Bản sao giấy chứng sinh"],
            reason="Không rõ",
        )
        self.assertPdf(self.form(d, "supplement/1"), "mau-02-H33.15-260302-0001.pdf")
        self.assertEqual(self.views()[-1][1], {"code": d.code, "via": "api:print:supplement"})
        self.assertError(self.form(d, "supplement/2"), 404, "form_not_applicable")
        response = self.form(d, "supplement/0")
        self.assertError(response, 422, "invalid_input")
        self.assertEqual(response.json()["extra"]["errors"][0]["field"], "path.number")

    def test_a_refusal_at_the_counter_prints_by_its_number(self):
        body = self.intake_body(reasons="Không thuộc thẩm quyền của phường")
        refused = Dossier.objects.get(pk=self.call("post", BASE + "refusals", body).json()["id"])
        # Its number in the desk's register of refusals for the year.
        self.assertPdf(self.form(refused, "refusal"), "mau-03-tu-choi-2026-1.pdf")
        response = self.form(refused, "receipt")
        self.assertError(response, 404, "form_not_applicable")
        self.assertEqual(
            response.json()["detail"],
            vietnamese("This form is printed only for a received dossier."),
        )

    def test_only_callers_who_see_the_dossier(self):
        d = self.receive()
        for who in ("outsider", "nobody", "tax_officer"):
            with self.subTest(who):
                self.assertError(self.form(d, "receipt", who=who), 404, "not_found")
                self.assertError(self.form(d, "supplement/1", who=who), 404, "not_found")
        self.assertEqual(self.form(d, "receipt", who=None).status_code, 401)
        self.assertEqual(self.views(), [])

    def test_the_detail_lists_the_forms_that_apply(self):
        d = self.in_progress()
        detail = self.call("get", BASE + d.code).json()
        self.assertEqual([f["form"] for f in detail["forms"]], ["receipt", "control"])
        self.act(
            at(2026, 3, 3, 9),
            s.dossier_apologise,
            dossier=d,
            actor=self.w.leader,
            reason="Cần xác minh",
            new_date=date(2026, 3, 9),
        )
        self.act(
            at(2026, 3, 3, 10),
            s.dossier_request_supplement,
            dossier=Dossier.objects.get(pk=d.pk),
            actor=self.w.handler,
            items=["A"],
            reason="r",
        )
        forms = self.call("get", BASE + d.code).json()["forms"]
        self.assertEqual(
            [(f["form"], f["number"], f["pause_number"]) for f in forms],
            [
                ("receipt", "01", None),
                ("supplement", "02", 1),
                ("apology", "04", None),
                ("control", "06", None),
            ],
        )
        self.assertEqual(forms[0]["title"], "Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
        for link in forms:
            with self.subTest(link["url"]):
                self.assertEqual(self.call("get", link["url"]).status_code, 200)


class LogbookApiTests(ApiTestCase):
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
