"""The citizen API: code sign-in to a bearer token, my dossiers, drafts, submission, supplement."""

import hashlib
from datetime import timedelta

from django.core import mail
from django.test import TestCase, override_settings

from motcua.citizens.codes import citizen_create
from motcua.citizens.models import Attachment, CitizenToken, Draft, SupplementAnswer
from motcua.citizens.tests.test_codes import sent_code
from motcua.citizens.tests.test_submission import T0, pdf, png
from motcua.citizens.tokens import citizen_token_issue
from motcua.core import clock
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_accept, dossier_request_supplement
from motcua.dossiers.tests.helpers import World

API = "/api/v1/citizens"


@override_settings(MOTCUA_SMS_GATEWAY_URL="", MOTCUA_CITIZEN_TOKEN_TTL=3600)
class CitizenApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        cls.version = cls.w.pause_version
        cls.code = cls.version.procedure.code
        with clock.frozen(T0):
            cls.citizen = citizen_create(email="ngoc@example.vn", full_name="Trần Thị Bích Ngọc")
            cls.citizen.phone = "0912345678"
            cls.citizen.save()
            cls.other = citizen_create(email="khac@example.vn", full_name="Người khác")

    def setUp(self):
        self.enterContext(clock.frozen(T0))
        self.token = self.issue(self.citizen)

    def issue(self, citizen):
        with clock.frozen(T0):
            return citizen_token_issue(citizen=citizen)[1]

    def call(self, method, path, token=None, **kwargs):
        headers = kwargs.pop("headers", {})
        token = self.token if token is None else token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return getattr(self.client, method)(
            f"{API}{path}", headers=headers, HTTP_ACCEPT_LANGUAGE="vi", **kwargs
        )

    def ready_draft(self, token=None) -> str:
        start = self.call(
            "post",
            "/drafts",
            token,
            data={"procedure_code": self.code},
            content_type="application/json",
        )
        self.assertEqual(start.status_code, 200, start.content)
        key = start.json()["key"]
        saved = self.call(
            "put",
            f"/drafts/{key}",
            token,
            data={
                "full_name": "Trần Thị Bích Ngọc",
                "email": "ngoc@example.vn",
                "address": "Số 1 Lê Lợi",
                "receiving_unit_id": self.w.centre.pk,
            },
            content_type="application/json",
        )
        self.assertEqual(saved.status_code, 200, saved.content)
        for slot in saved.json()["slots"]:
            upload = self.call(
                "post",
                f"/drafts/{key}/documents/{slot['document_id']}",
                token,
                data={"file": pdf()},
            )
            self.assertEqual(upload.status_code, 201, upload.content)
        return key

    # --- sign-in and tokens ---------------------------------------------------------------------

    def test_a_one_time_code_gives_an_expiring_token_stored_hashed(self):
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            asked = self.call(
                "post",
                "/sign-in/code",
                "",
                data={"destination": "moi@example.vn"},
                content_type="application/json",
            )
        self.assertEqual(asked.status_code, 201, asked.content)
        challenge = asked.json()["challenge"]
        wrong = self.call(
            "post",
            "/sign-in/token",
            "",
            data={"challenge": challenge, "code": "000000"},
            content_type="application/json",
        )
        if sent_code("moi@example.vn") != "000000":
            self.assertEqual(wrong.status_code, 400)
            self.assertEqual(wrong.json()["code"], "code_wrong")
        signed = self.call(
            "post",
            "/sign-in/token",
            "",
            data={"challenge": challenge, "code": sent_code("moi@example.vn")},
            content_type="application/json",
        )
        self.assertEqual(signed.status_code, 201, signed.content)
        text = signed.json()["token"]
        self.assertTrue(text.startswith("ct_"))
        prefix, secret = text.split("_", 2)[1:]
        row = CitizenToken.objects.get(prefix=prefix)
        self.assertEqual(row.secret_hash, hashlib.sha256(secret.encode()).hexdigest())
        self.assertNotIn(secret, row.secret_hash)
        self.assertEqual(row.expires_at, T0 + timedelta(hours=1))
        me = self.call("get", "/me", text)
        self.assertEqual(me.status_code, 200)
        self.assertEqual(me.json()["email"], "moi@example.vn")
        reused = self.call(
            "post",
            "/sign-in/token",
            "",
            data={"challenge": challenge, "code": sent_code("moi@example.vn")},
            content_type="application/json",
        )
        self.assertEqual(reused.json()["code"], "code_used")
        with clock.frozen(T0 + timedelta(hours=1, seconds=1)):
            expired = self.call("get", "/me", text)
        self.assertEqual(expired.status_code, 401)
        self.assertEqual(expired.json()["code"], "token_expired")
        self.assertIn("hết hạn", expired.json()["detail"])

    def test_signing_out_revokes_the_token(self):
        self.assertEqual(self.call("post", "/sign-out").status_code, 204)
        again = self.call("get", "/me")
        self.assertEqual(again.status_code, 401)
        self.assertEqual(again.json()["code"], "token_revoked")

    def test_no_token_a_bad_token_and_a_staff_token_are_refused(self):
        from motcua.api.services import api_token_create

        staff = api_token_create(actor="test", user=self.w.intake, name="x")[1]
        for token, code in (
            ("", "not_authenticated"),
            ("ct_abc_def", "token_invalid"),
            (staff, "token_invalid"),
        ):
            with self.subTest(token=token):
                response = self.call("get", "/me", token)
                self.assertEqual(response.status_code, 401)
                self.assertEqual(response.json()["code"], code)
                self.assertIn("Bearer", response["WWW-Authenticate"])
        staff_api = self.client.get(
            "/api/v1/dossiers/", headers={"Authorization": f"Bearer {self.token}"}
        )
        self.assertEqual(staff_api.status_code, 401)

    # --- profile --------------------------------------------------------------------------------

    def test_my_details_are_checked_as_at_the_counter(self):
        bad = self.call(
            "put",
            "/me",
            data={"full_name": "Ngọc", "id_number": "123", "email": "ngoc@example.vn"},
            content_type="application/json",
        )
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(bad.json()["extra"]["errors"][0]["field"], "id_number")
        good = self.call(
            "put",
            "/me",
            data={
                "full_name": "Trần Thị Bích Ngọc",
                "id_number": "092190001234",
                "email": "ngoc@example.vn",
            },
            content_type="application/json",
        )
        self.assertEqual(good.status_code, 200, good.content)
        self.assertEqual(good.json()["id_number"], "092190001234")

    # --- drafts, submission ---------------------------------------------------------------------

    def test_submission_with_an_idempotency_key_makes_one_dossier(self):
        key = self.ready_draft()
        with self.captureOnCommitCallbacks(execute=True):
            first = self.call("post", f"/drafts/{key}/submit", headers={"Idempotency-Key": "k-1"})
        self.assertEqual(first.status_code, 201, first.content)
        replay = self.call("post", f"/drafts/{key}/submit", headers={"Idempotency-Key": "k-1"})
        self.assertEqual(replay.status_code, 200)
        self.assertEqual(replay.json(), first.json())
        self.assertEqual(Dossier.objects.count(), 1)
        body = first.json()
        self.assertEqual(body["status"], "awaiting_intake")
        self.assertEqual(body["receiving_unit"], self.w.centre.name)
        self.assertIn("kiểm tra", body["asked"])
        other = self.ready_draft_for_other_procedure()
        reused = self.call("post", f"/drafts/{other}/submit", headers={"Idempotency-Key": "k-1"})
        self.assertEqual(reused.status_code, 409)
        self.assertEqual(reused.json()["code"], "idempotency_key_reused")
        self.assertEqual(Dossier.objects.count(), 1)
        self.assertIsNone(Draft.objects.get(key=other).dossier_id)

    def ready_draft_for_other_procedure(self) -> str:
        start = self.call(
            "post",
            "/drafts",
            data={"procedure_code": self.w.restart_version.procedure.code},
            content_type="application/json",
        )
        self.assertEqual(start.status_code, 200, start.content)
        return start.json()["key"]

    def test_an_incomplete_draft_is_refused_with_every_problem(self):
        start = self.call(
            "post", "/drafts", data={"procedure_code": self.code}, content_type="application/json"
        )
        key = start.json()["key"]
        self.assertEqual(len(start.json()["missing"]), 2)
        refused = self.call("post", f"/drafts/{key}/submit")
        self.assertEqual(refused.status_code, 400)
        fields = [p["field"] for p in refused.json()["extra"]["errors"]]
        self.assertEqual(fields, ["receiving_unit", "documents"])
        self.assertFalse(Dossier.objects.exists())

    def test_a_disguised_upload_is_refused_and_nothing_is_stored(self):
        start = self.call(
            "post", "/drafts", data={"procedure_code": self.code}, content_type="application/json"
        )
        slot = start.json()["slots"][0]["document_id"]
        key = start.json()["key"]
        fake = pdf("giay.pdf")
        fake.file.seek(0)
        fake = type(fake)("giay.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
        refused = self.call("post", f"/drafts/{key}/documents/{slot}", data={"file": fake})
        self.assertEqual(refused.status_code, 400, refused.content)
        self.assertFalse(Attachment.objects.exists())
        unknown = self.call("post", f"/drafts/{key}/documents/999999", data={"file": png()})
        self.assertEqual(unknown.status_code, 400)

    def test_another_citizens_draft_and_dossier_answer_404(self):
        key = self.ready_draft()
        with self.captureOnCommitCallbacks(execute=True):
            code = self.call("post", f"/drafts/{key}/submit").json()["code"]
        other = self.issue(self.other)
        self.assertEqual(self.call("get", f"/drafts/{key}", other).status_code, 404)
        self.assertEqual(self.call("get", f"/dossiers/{code}", other).status_code, 404)
        self.assertEqual(self.call("get", "/dossiers", other).json(), [])
        mine = self.call("get", "/dossiers")
        self.assertEqual([d["code"] for d in mine.json()], [code])

    # --- supplement -----------------------------------------------------------------------------

    def test_the_supplement_is_answered_online_once_into_the_same_slots(self):
        key = self.ready_draft()
        with self.captureOnCommitCallbacks(execute=True):
            code = self.call("post", f"/drafts/{key}/submit").json()["code"]
        dossier = Dossier.objects.get(code=code)
        with clock.frozen(T0 + timedelta(minutes=30)):
            dossier_accept(dossier=dossier, actor=self.w.intake)
        dossier = self.w.to_handler(Dossier.objects.get(pk=dossier.pk))
        dossier_request_supplement(
            dossier=dossier, actor=self.w.handler, items=["Giấy chứng sinh"], reason="Bản mờ"
        )
        detail = self.call("get", f"/dossiers/{code}").json()
        self.assertTrue(detail["can_answer_supplement"])
        self.assertIn("Bản mờ", detail["asked"])
        slot = detail["documents"][0]["document_id"]
        mismatch = self.call(
            "post", f"/dossiers/{code}/supplement", data={"document_ids": [slot], "files": []}
        )
        self.assertIn(mismatch.status_code, (400, 422))
        answered = self.call(
            "post",
            f"/dossiers/{code}/supplement",
            data={"document_ids": [slot], "files": [pdf()], "note": "Bản rõ"},
        )
        self.assertEqual(answered.status_code, 201, answered.content)
        self.assertFalse(answered.json()["dossier"]["can_answer_supplement"])
        self.assertEqual(SupplementAnswer.objects.count(), 1)
        again = self.call(
            "post", f"/dossiers/{code}/supplement", data={"document_ids": [slot], "files": [pdf()]}
        )
        self.assertEqual(again.status_code, 400)
        self.assertEqual(again.json()["code"], "supplement_answered")
        kinds = [f["kind"] for f in self.call("get", f"/dossiers/{code}").json()["files"]]
        self.assertEqual(kinds.count("supplement"), 1)

    # --- files ----------------------------------------------------------------------------------

    def test_the_file_url_the_api_gives_serves_the_file_to_its_bearer_only(self):
        key = self.ready_draft()
        slot = self.call("get", f"/drafts/{key}").json()["slots"][0]["file"]
        served = self.call("get", slot["url"].removeprefix(API))
        self.assertEqual(served.status_code, 200, getattr(served, "content", b"")[:200])
        body = b"".join(served.streaming_content)
        self.assertTrue(body.startswith(b"%PDF"))
        self.assertEqual(len(body), slot["size"])
        self.assertEqual(served["Content-Type"], "application/pdf")
        self.assertEqual(served["X-Content-Type-Options"], "nosniff")
        self.assertIn("no-store", served["Cache-Control"])
        other = self.issue(self.other)
        refused = self.call("get", slot["url"].removeprefix(API), other)
        self.assertEqual(refused.status_code, 404)
        self.assertEqual(refused.json()["code"], "not_found")
        self.assertEqual(self.call("get", "/files/999999").status_code, 404)
        anonymous = self.client.get(slot["url"])
        self.assertEqual(anonymous.status_code, 401)
