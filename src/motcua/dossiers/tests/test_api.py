"""The dossiers API: intake, every action, conflicts, scope, audit and the work queues."""

from __future__ import annotations

import json
from datetime import date

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from motcua.api.services import api_token_create
from motcua.core import clock
from motcua.core.models import AuditEvent
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, DossierEvent, IntakeGuidance
from motcua.dossiers.tests.helpers import World, at

BASE = "/api/v1/dossiers/"


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
        d = self.receive(version=version)
        return self.act(
            at(2026, 3, 2, 10),
            s.dossier_hand_over,
            dossier=d,
            actor=self.w.intake,
            to_user=self.w.handler,
        )

    def assertError(self, response, status, code):
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response.json()["code"], code, response.json())


class IntakeTests(ApiTestCase):
    def test_counter_intake_then_replay_returns_the_same_dossier(self):
        first = self.call("post", BASE, self.intake_body(), idempotency_key="abc-1")
        self.assertEqual(first.status_code, 201, first.content)
        body = first.json()
        self.assertEqual(body["code"], "H33.15-260302-0001")
        self.assertEqual(body["status"], "received")
        self.assertEqual(body["due_at"], "2026-03-05T17:00:00+07:00")
        self.assertEqual(body["d0"], "2026-03-02")
        self.assertEqual(body["agency"]["id"], self.w.ward.pk)
        self.assertEqual(body["current_handler"]["username"], "tiepnhan")
        self.assertEqual(body["fee_total"], 50000)
        again = self.call(
            "post", BASE, self.intake_body(), idempotency_key="abc-1", when=at(2026, 3, 2, 9, 1)
        )
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json(), body)
        self.assertEqual(Dossier.objects.count(), 1)
        other = self.call("post", BASE, self.intake_body(), idempotency_key="abc-2")
        self.assertEqual(other.json()["code"], "H33.15-260302-0002")

    def test_a_key_reused_for_another_request_is_a_conflict(self):
        self.call("post", BASE, self.intake_body(), idempotency_key="k")
        body = self.intake_body()
        body["applicant"]["name"] = "Nguyễn Văn An"
        response = self.call("post", BASE, body, idempotency_key="k")
        self.assertError(response, 409, "idempotency_key_reused")
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
            "no applicant": self.intake_body(applicant=None),
            "both procedure keys": self.intake_body(procedure_version_id=self.w.pause_version.pk),
            "neither procedure key": self.intake_body(procedure_code=None),
            "name too long": self.intake_body(applicant={"name": "A" * 201}),
            "NUL in a name": self.intake_body(applicant={"name": "An\x00"}),
            "channel": self.intake_body(channel="online"),
            "document id": self.intake_body(provided_document_ids=["x"]),
            "unit id": self.intake_body(receiving_unit_id=0),
            "huge id": self.intake_body(receiving_unit_id=2**70),
        }
        for label, body in cases.items():
            with self.subTest(label):
                response = self.call("post", BASE, body)
                self.assertEqual(response.status_code, 422, response.content)
        response = self.call("post", BASE, self.intake_body(), idempotency_key="x" * 101)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(Dossier.objects.count(), 0)

    def test_unreadable_bodies_and_odd_codes_never_answer_500(self):
        auth = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens['intake']}"}
        for body in ("{not json", "[1, 2]", ""):
            with self.subTest(body=body):
                r = self.client.post(BASE, data=body, content_type="application/json", **auth)
                self.assertIn(r.status_code, (400, 422))
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
            ("received", "2026-03-06T17:00:00+07:00"),
        )
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
        r = self.post(
            d,
            "hand-over",
            {"expected_version": 1, "to_user_id": self.w.handler.pk},
            when=at(2026, 3, 2, 10),
        )
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
            ["receive", "hand_over", "hand_over", "claim", "decide", "return_result"],
        )

    def test_hand_over_errors(self):
        d = self.receive()
        r = self.post(d, "hand-over", {"expected_version": 1, "to_user_id": 999999})
        self.assertError(r, 400, "unknown_user")
        r = self.post(d, "hand-over", {"expected_version": 1, "to_user_id": self.w.tax_officer.pk})
        self.assertError(r, 400, "invalid_handler")
        r = self.post(d, "hand-over", {"expected_version": 1}, who="handler")
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
        self.assertEqual(r.json()["extra"], {"version": 1, "status": "received"})
        self.assertEqual(self.version(d), 1)
        r = self.post(d, "accept", {"expected_version": 1})
        self.assertError(r, 409, "not_allowed_now")
        self.assertEqual(r.json()["extra"]["status"], "received")
        r = self.post(d, "hand-over", {})
        self.assertEqual(r.status_code, 422)

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
        self.assertEqual(r.status_code, 422)


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
        self.assertEqual([e["action"] for e in body["events"]], ["receive"])
        self.assertEqual(
            body["available_actions"], ["hand-over", "request-supplement", "apologise", "stop"]
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
        unclaimed = self.receive(when=at(2026, 3, 2, 11))
        self.act(at(2026, 3, 2, 12), s.dossier_hand_over, dossier=unclaimed, actor=self.w.intake)
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
            [unclaimed.code],
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
            "get", BASE, {"status": ["awaiting_payment", "received"]}, who="leader", when=now
        )
        self.assertEqual(sorted(self.codes(r)), sorted([waiting.code, fresh.code]))
        self.assertEqual(self.call("get", BASE, {"queue": "nope"}).status_code, 422)

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
        self.assertEqual(self.call("get", BASE, {"page_size": 101}).status_code, 422)

    def test_list_query_count_does_not_grow(self):
        """Token, scope, count, page ids, page rows: five queries for any number of dossiers."""
        first = self.receive()
        self.act(at(2026, 3, 2, 10), s.dossier_hand_over, dossier=first, actor=self.w.intake)
        self.call("get", BASE)  # sets last_used_at
        self.call("get", BASE, who="handler")
        counts = []
        for extra in (0, 4):
            for minute in range(extra):
                d = self.receive(when=at(2026, 3, 2, 9, minute + 1))
                self.act(at(2026, 3, 2, 10), s.dossier_hand_over, dossier=d, actor=self.w.intake)
            with CaptureQueriesContext(connection) as queries:
                r = self.call("get", BASE, {"queue": "unit"}, who="handler")
                r2 = self.call("get", BASE)
            self.assertEqual(r.status_code, 200)
            self.assertEqual(r2.json()["count"], 1 + extra)
            counts.append(len(queries))
        self.assertEqual(counts, [10, 10])
