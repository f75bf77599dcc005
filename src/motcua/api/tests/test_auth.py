"""Staff API tokens: creation, the Bearer check, the session alternative, the command, the admin."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client, TestCase

from motcua.api.models import ApiToken
from motcua.api.services import api_token_create, api_token_revoke
from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.core.models import AuditEvent

URL = "/api/v1/dossiers/"


class TokenAuthTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("tiepnhan", password="x")
        cls.token, cls.text = api_token_create(actor="test", user=cls.user, name="kiosk")

    def get(self, authorization=None):
        headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
        return self.client.get(URL, **headers)

    def assert401(self, response, code):
        self.assertEqual(response.status_code, 401, response.content)
        self.assertEqual(response.json()["code"], code)
        self.assertTrue(response.json()["detail"])
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="motcua"')

    def test_a_valid_token_authenticates_its_user(self):
        response = self.get(f"Bearer {self.text}")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["count"], 0)

    def test_only_the_digest_of_the_secret_is_stored(self):
        prefix, secret = self.text.split("_", 2)[1:]
        self.assertEqual(self.token.prefix, prefix)
        self.assertEqual(self.token.secret_hash, hashlib.sha256(secret.encode()).hexdigest())
        self.assertNotIn(secret, str(ApiToken.objects.filter(pk=self.token.pk).values().get()))
        created = AuditEvent.objects.get(action="api.token.create")
        self.assertNotIn(secret, str(created.data))

    def test_missing_token(self):
        self.assert401(self.get(), "not_authenticated")
        self.assert401(self.get("Basic dXNlcjpwYXNz"), "not_authenticated")

    def test_bad_tokens(self):
        wrong_secret = self.text[:-4] + ("aaaa" if not self.text.endswith("aaaa") else "bbbb")
        for value in ("nonsense", "mc_unknown_secret", wrong_secret, "mc__x", "mc_" + "a" * 300):
            with self.subTest(value=value):
                self.assert401(self.get(f"Bearer {value}"), "token_invalid")

    def test_revoked_token(self):
        api_token_revoke(actor="test", token=self.token)
        self.assert401(self.get(f"Bearer {self.text}"), "token_revoked")

    def test_expired_token(self):
        ApiToken.objects.filter(pk=self.token.pk).update(
            expires_at=clock.now() - timedelta(seconds=1)
        )
        self.assert401(self.get(f"Bearer {self.text}"), "token_expired")

    def test_disabled_account(self):
        get_user_model().objects.filter(pk=self.user.pk).update(is_active=False)
        self.assert401(self.get(f"Bearer {self.text}"), "user_inactive")

    def test_last_use_is_written_at_most_once_a_minute(self):
        start = clock.now()
        with clock.frozen(start):
            self.get(f"Bearer {self.text}")
        self.token.refresh_from_db()
        self.assertEqual(self.token.last_used_at, start)
        with clock.frozen(start + timedelta(seconds=30)), self.assertNumQueries(2):
            # the token and the (empty) scope; no write of last_used_at
            self.get(f"Bearer {self.text}")
        self.token.refresh_from_db()
        self.assertEqual(self.token.last_used_at, start)
        with clock.frozen(start + timedelta(seconds=61)):
            self.get(f"Bearer {self.text}")
        self.token.refresh_from_db()
        self.assertEqual(self.token.last_used_at, start + timedelta(seconds=61))

    def test_creation_rules(self):
        for kwargs in (
            {"name": " "},
            {"name": "x" * 101},
            {"name": "ok", "expires_at": clock.now() - timedelta(days=1)},
        ):
            with self.subTest(kwargs), self.assertRaises(ApplicationError):
                api_token_create(actor="test", user=self.user, **kwargs)


class SessionAuthTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("thuly", password="x")

    def test_a_signed_in_user_reads_with_the_session(self):
        self.client.force_login(self.user)
        self.assertEqual(self.client.get(URL).status_code, 200)

    def test_unsafe_methods_need_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.user)
        response = client.post(URL, data="{}", content_type="application/json")
        self.assertEqual(response.status_code, 403)
        client.get("/admin/login/")  # sets the CSRF cookie
        token = client.cookies["csrftoken"].value
        response = client.post(
            URL, data="{}", content_type="application/json", HTTP_X_CSRFTOKEN=token
        )
        # authenticated; the body is what is wrong
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["code"], "invalid_input")

    def test_a_disabled_account_is_refused(self):
        self.client.force_login(self.user)
        get_user_model().objects.filter(pk=self.user.pk).update(is_active=False)
        self.assertEqual(self.client.get(URL).status_code, 401)


class CommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("tiepnhan", password="x")

    def test_create_list_revoke(self):
        out, err = StringIO(), StringIO()
        call_command(
            "api_token",
            "create",
            "tiepnhan",
            "--name",
            "quầy 2",
            "--expires-in-days",
            "30",
            stdout=out,
            stderr=err,
        )
        text = out.getvalue().strip()
        self.assertTrue(text.startswith("mc_"))
        self.assertIn("shown only once", err.getvalue())
        response = self.client.get(URL, HTTP_AUTHORIZATION=f"Bearer {text}")
        self.assertEqual(response.status_code, 200)
        token = ApiToken.objects.get()
        self.assertEqual(token.name, "quầy 2")
        self.assertIsNotNone(token.expires_at)

        listing = StringIO()
        call_command("api_token", "list", stdout=listing)
        self.assertIn(f"{token.prefix}\ttiepnhan\tactive", listing.getvalue())
        self.assertNotIn(text.split("_", 2)[2], listing.getvalue())

        call_command("api_token", "revoke", text, stdout=StringIO())
        response = self.client.get(URL, HTTP_AUTHORIZATION=f"Bearer {text}")
        self.assertEqual(response.json()["code"], "token_revoked")

    def test_errors(self):
        with self.assertRaises(CommandError):
            call_command("api_token", "create", "nobody", "--name", "x", stdout=StringIO())
        with self.assertRaises(CommandError):
            call_command("api_token", "revoke", "abc", stdout=StringIO())


class AdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = get_user_model().objects.create_superuser("admin", password="x")
        cls.user = get_user_model().objects.create_user("tiepnhan", password="x")

    def test_the_secret_is_shown_once_after_creation(self):
        self.client.force_login(self.admin)
        response = self.client.post(
            "/admin/api/apitoken/add/",
            {"user": self.user.pk, "name": "Ki-ốt 1", "expires_at_0": "", "expires_at_1": ""},
            follow=True,
        )
        self.assertEqual(response.status_code, 200)
        token = ApiToken.objects.get()
        messages = [str(m) for m in response.context["messages"]]
        shown = next(m for m in messages if f"mc_{token.prefix}_" in m)
        text = shown.split(f"mc_{token.prefix}_", 1)[1].split(" ")[0]
        full = f"mc_{token.prefix}_{text}"
        api = self.client.get(URL, HTTP_AUTHORIZATION=f"Bearer {full}")
        self.assertEqual(api.status_code, 200)
        page = self.client.get(f"/admin/api/apitoken/{token.pk}/change/")
        self.assertNotContains(page, text)
        self.assertNotContains(page, token.secret_hash)

    def test_revoke_action(self):
        token, _text = api_token_create(actor="test", user=self.user, name="x")
        self.client.force_login(self.admin)
        self.client.post(
            "/admin/api/apitoken/",
            {"action": "revoke", "_selected_action": [token.pk]},
        )
        token.refresh_from_db()
        self.assertTrue(token.revoked)


class OpenApiTests(TestCase):
    def test_every_dossier_operation_is_documented_with_the_bearer_scheme(self):
        doc = self.client.get("/api/v1/openapi.json").json()
        schemes = doc["components"]["securitySchemes"]
        bearer = [name for name, s in schemes.items() if s == {"type": "http", "scheme": "bearer"}]
        # Two bearer schemes: staff API tokens, and the citizens' own tokens
        # (/api/v1/citizens/), which no dossier operation accepts.
        self.assertEqual(sorted(bearer), ["ApiTokenAuth", "CitizenBearer"])
        bearer = ["ApiTokenAuth"]
        for path, operations in doc["paths"].items():
            for method, operation in operations.items():
                security = operation.get("security", [])
                if path.startswith("/api/v1/citizens/"):
                    self.assertNotIn({"ApiTokenAuth": []}, security, (method, path))
                else:
                    self.assertNotIn({"CitizenBearer": []}, security, (method, path))
        expected = {
            ("post", "/api/v1/dossiers/"),
            ("get", "/api/v1/dossiers/"),
            ("post", "/api/v1/dossiers/guidance"),
            ("post", "/api/v1/dossiers/refusals"),
            ("post", "/api/v1/dossiers/online"),
            ("get", "/api/v1/dossiers/{code}"),
        } | {
            ("post", f"/api/v1/dossiers/{{code}}/{action}")
            for action in (
                "accept",
                "refuse",
                "withdraw",
                "hand-over",
                "claim",
                "request-supplement",
                "supplement-received",
                "request-payment",
                "payment-received",
                "apologise",
                "apology-draft",
                "stop",
                "decide",
                "return",
                "close-unsupplemented",
            )
        }
        files = {
            ("get", "/api/v1/dossiers/{code}/forms/{form}"),
            ("get", "/api/v1/dossiers/{code}/forms/supplement/{number}"),
            ("get", "/api/v1/logbook"),
            ("get", "/api/v1/logbook/exports/{export_id}/file"),
        }
        export_status = ("get", "/api/v1/logbook/exports/{export_id}")
        found = {
            (method, path)
            for path, operations in doc["paths"].items()
            if path.startswith(("/api/v1/dossiers/", "/api/v1/logbook"))
            for method in operations
        }
        self.assertEqual(found, expected | files | {export_status})
        status = doc["paths"][export_status[1]]["get"]
        self.assertIn({bearer[0]: []}, status["security"])
        self.assertEqual(set(status["responses"]), {"200", "401", "404", "422"})
        for method, path in expected:
            with self.subTest(path=path, method=method):
                operation = doc["paths"][path][method]
                self.assertIn({bearer[0]: []}, operation["security"])
                self.assertTrue(operation["summary"])
                self.assertTrue(operation["description"])
                codes = set(operation["responses"])
                self.assertTrue({"400", "401", "403", "404", "409", "422"} <= codes, codes)
        binary = {"type": "string", "format": "binary"}
        for method, path in files:
            with self.subTest(path=path, method=method):
                operation = doc["paths"][path][method]
                self.assertIn({bearer[0]: []}, operation["security"])
                self.assertTrue(operation["description"])
                responses = operation["responses"]
                self.assertTrue({"200", "401", "422"} <= set(responses), responses)
                self.assertEqual(responses["200"]["content"]["application/pdf"]["schema"], binary)
        logbook = doc["paths"]["/api/v1/logbook"]["get"]["responses"]["200"]["content"]
        self.assertEqual(
            set(logbook),
            {
                "application/json",
                "application/pdf",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            },
        )
        problem = doc["paths"]["/api/v1/dossiers/"]["post"]["responses"]["422"]
        self.assertEqual(
            problem["content"]["application/json"]["schema"],
            {"$ref": "#/components/schemas/ValidationErrorOut"},
        )
        intake = doc["paths"]["/api/v1/dossiers/"]["post"]
        self.assertIn("Idempotency-Key", [p["name"] for p in intake["parameters"]])
        self.assertTrue({"200", "201"} <= set(intake["responses"]))


class AdminFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = get_user_model().objects.create_superuser("admin", password="x")
        cls.user = get_user_model().objects.create_user("cu", password="x", is_active=False)

    def test_bad_input_is_a_form_error_not_a_500(self):
        self.client.force_login(self.admin)
        response = self.client.post(
            "/admin/api/apitoken/add/",
            {
                "user": self.user.pk,
                "name": "x",
                "expires_at_0": "01/01/2020",
                "expires_at_1": "08:00",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ApiToken.objects.count(), 0)
        self.assertTrue(response.context["adminform"].form.errors)
