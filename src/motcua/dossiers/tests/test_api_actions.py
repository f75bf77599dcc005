"""The dossier actions through the API: each endpoint, its answers and its refusals."""

from __future__ import annotations

from datetime import date

from motcua.core.models import AuditEvent
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.helpers import at
from motcua.dossiers.tests.test_api import BASE, ApiTestCase


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
                self.assertError(self.call("get", f"{BASE}{d.code}", who=who), 404, "not_found")
                r = self.call("post", f"{BASE}{d.code}/claim", {"expected_version": 1}, who=who)
                self.assertError(r, 404, "not_found")
                self.assertEqual(self.call("get", BASE, who=who).json()["count"], 0)
        self.assertError(self.call("get", BASE + "H33.15-000000-9999"), 404, "not_found")

    def test_a_coordinating_agency_sees_dossiers_with_a_step_there(self):
        d = self.receive(version=self.w.inter_version)
        plain = self.receive()
        r = self.call("get", BASE, who="tax_officer")
        self.assertEqual([item["code"] for item in r.json()["items"]], [d.code])
        self.assertEqual(
            self.call("get", f"{BASE}{plain.code}", who="tax_officer").status_code, 404
        )

    def test_reading_personal_data_is_audited(self):
        d = self.receive()
        before = AuditEvent.objects.filter(action="dossiers.view").count()
        self.call("get", BASE)
        self.assertEqual(AuditEvent.objects.filter(action="dossiers.view").count(), before)
        r = self.call("get", f"{BASE}{d.code}", who="handler", when=at(2026, 3, 2, 10))
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
        body = self.call("get", f"{BASE}{d.code}").json()
        self.assertEqual(body["pauses"][0]["items"], ["A"])
        self.assertEqual(body["apology"]["reason"], "Cần xác minh")
        self.assertEqual(body["status"], "awaiting_supplement")
