"""The dossiers API: intake, every action, conflicts, scope, audit, queues, forms, log book."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from motcua.api.services import api_token_create
from motcua.catalog.content import DocumentSpec
from motcua.catalog.models import RequiredDocument
from motcua.catalog.tests.factories import make_procedure
from motcua.core import clock
from motcua.core.models import AuditEvent
from motcua.dossiers.models import Dossier, DossierEvent, IntakeGuidance
from motcua.dossiers.tests.helpers import DossierTestCase, at
from motcua.org.services import role_assignment_create

BASE = "/api/v1/dossiers/"
LOGBOOK_QUERIES = 7
"""Token, scope, rows; the audit record: its chain's last entry, then the insert, which the
test's transaction wraps in a savepoint (two more statements)."""


class ApiTestCase(DossierTestCase):
    tokens: dict[str, str]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tokens = {}
        for name in ("intake", "handler", "handler2", "leader", "tax_officer", "outsider"):
            user = getattr(cls.w, name)
            cls.tokens[name] = api_token_create(actor="test", user=user, name="tests")[1]
        cls.tokens["nobody"] = api_token_create(actor="test", user=cls.w.nobody, name="t")[1]

    def call(self, method, path, body=None, *, who="intake", when=None, **headers):
        extra: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[who]}"} if who else {}
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
        assert dossier.current_step is not None
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
        auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens['intake']}"}
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


def vietnamese(msgid, **values):
    with translation.override("vi"):
        text = translation.gettext(msgid)
    return text % values if values else text
