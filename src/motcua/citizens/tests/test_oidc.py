import http.client
from urllib.parse import parse_qs, urlparse

from django.conf import settings
from django.test import TestCase, override_settings
from django.urls import reverse

from motcua.citizens.codes import citizen_create
from motcua.citizens.models import Citizen
from motcua.citizens.tests.oidc_provider import Provider
from motcua.core.models import AuditEvent

BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "motcua.citizens.oidc.CitizenOIDCBackend"]


def follow_provider(location: str) -> str:
    """Do what the browser does at the provider: GET /authorize, return where it sends us back."""
    url = urlparse(location)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    connection.request("GET", f"{url.path}?{url.query}")
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 302, response.status
    return response.getheader("Location")


class OpenIDConnectTests(TestCase):
    def setUp(self):
        self.provider = Provider()
        self.provider.__enter__()
        self.addCleanup(self.provider.__exit__, None, None, None)
        overridden = override_settings(AUTHENTICATION_BACKENDS=BACKENDS, **self.provider.settings())
        overridden.enable()
        self.addCleanup(overridden.disable)

    def sign_in(self):
        start = self.client.get(reverse("citizens:oidc_start"))
        self.assertEqual(start.status_code, 302)
        self.assertTrue(start["Location"].startswith(f"{self.provider.base}/authorize?"))
        query = parse_qs(urlparse(start["Location"]).query)
        self.assertEqual(query["client_id"], ["motcua"])
        self.assertEqual(query["scope"], ["openid email profile"])
        back = urlparse(follow_provider(start["Location"]))
        self.assertEqual(back.path, reverse("citizens:oidc_callback"))
        return self.client.get(f"{back.path}?{back.query}")

    def test_authorization_code_flow_signs_a_new_citizen_in(self):
        response = self.sign_in()
        self.assertRedirects(response, reverse("citizens:dossiers"), fetch_redirect_response=False)
        citizen = Citizen.objects.get()
        self.assertEqual(citizen.full_name, "Nguyễn Văn An")
        self.assertEqual(citizen.email, "an.nguyen@example.vn")
        self.assertEqual(citizen.oidc_subject, "079190000001")
        self.assertEqual(citizen.oidc_issuer, self.provider.issuer)
        self.assertEqual(int(self.client.session["_auth_user_id"]), citizen.user_id)
        self.assertEqual(self.provider.requests, ["/authorize", "/token", "/jwks", "/userinfo"])
        self.assertTrue(
            AuditEvent.objects.filter(action="citizens.created", object_id=str(citizen.pk)).exists()
        )
        self.client.logout()
        self.sign_in()
        self.assertEqual(Citizen.objects.count(), 1)

    def test_existing_citizen_with_the_same_address_is_linked(self):
        citizen = citizen_create(email="an.nguyen@example.vn")
        self.sign_in()
        citizen.refresh_from_db()
        self.assertEqual(citizen.oidc_subject, "079190000001")
        self.assertEqual(Citizen.objects.count(), 1)

    def test_forged_answers_sign_nobody_in(self):
        for tamper in ("key", "audience", "nonce"):
            with self.subTest(tamper=tamper):
                self.provider.tamper = tamper
                response = self.sign_in()
                self.assertRedirects(
                    response,
                    reverse("citizens:sign_in") + "?oidc=failed",
                    fetch_redirect_response=False,
                )
                self.assertNotIn("_auth_user_id", self.client.session)
                self.assertFalse(Citizen.objects.exists())

    def test_failure_is_explained_on_the_sign_in_page(self):
        page = self.client.get(
            reverse("citizens:sign_in") + "?oidc=failed", HTTP_ACCEPT_LANGUAGE="vi"
        )
        self.assertContains(page, "Đăng nhập bằng VNeID")
        self.assertContains(page, "Đăng nhập qua nền tảng định danh không thành công")


class NotConfiguredTests(TestCase):
    @override_settings(OIDC_RP_CLIENT_ID="")
    def test_without_a_client_id_there_is_no_button_and_no_flow(self):
        self.assertEqual(self.client.get(reverse("citizens:oidc_start")).status_code, 404)
        page = self.client.get(reverse("citizens:sign_in"))
        self.assertNotContains(page, reverse("citizens:oidc_start"))
