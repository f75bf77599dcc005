"""Sessions end when idle and with the browser; personal answers are never cached."""

from __future__ import annotations

import time

from django.contrib.auth import SESSION_KEY
from django.test import TestCase, override_settings
from django.urls import reverse

from motcua.api.services import api_token_create
from motcua.core.middleware import LAST_SEEN_SESSION_KEY
from motcua.org.tests.test_sign_in import PASSWORD, staff


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


class PrivateCachingTests(TestCase):
    def setUp(self):
        self.user = staff("tiepnhan", "intake_officer")

    def assertPrivate(self, response) -> None:
        self.assertLessEqual(
            {"private", "no-store"}, directives(response), response["Cache-Control"]
        )
        self.assertNotIn("public", directives(response))

    def test_every_page_for_a_signed_in_user_is_private(self):
        self.client.force_login(self.user)
        for url in ("/mot-cua/", "/tai-khoan/", "/", "/thu-tuc/", "/tra-cuu/"):
            with self.subTest(url=url):
                self.assertPrivate(self.client.get(url))

    def test_the_admin_is_private(self):
        admin = staff("quantri", is_staff=True, is_superuser=True)
        self.client.force_login(admin)
        self.assertPrivate(self.client.get("/admin/auth/user/"))

    def test_the_api_is_private_with_a_token_and_without_credentials(self):
        _token, text = api_token_create(actor="test", user=self.user, name="kiosk")
        response = self.client.get("/api/v1/dossiers/", HTTP_AUTHORIZATION=f"Bearer {text}")
        self.assertEqual(response.status_code, 200)
        self.assertPrivate(response)
        self.assertPrivate(self.client.get("/api/v1/dossiers/"))

    def test_the_sign_in_steps_are_private(self):
        self.assertPrivate(self.client.get(reverse("login")))

    def test_public_pages_for_visitors_stay_cacheable(self):
        response = self.client.get("/thu-tuc/")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("no-store", directives(response))


class IdleSessionTests(TestCase):
    def setUp(self):
        self.user = staff("tiepnhan", "intake_officer")
        self.client.force_login(self.user)
        self.client.get("/mot-cua/")  # the first request notes the time

    def idle_for(self, minutes: float) -> None:
        session = self.client.session
        session[LAST_SEEN_SESSION_KEY] = int(time.time() - minutes * 60)
        session.save()

    def test_a_session_idle_for_more_than_30_minutes_is_ended(self):
        self.idle_for(31)
        response = self.client.get("/mot-cua/")
        self.assertRedirects(
            response, f"{reverse('login')}?next=/mot-cua/", fetch_redirect_response=False
        )
        self.assertNotIn(SESSION_KEY, self.client.session)
        page = self.client.get(reverse("login"))
        self.assertContains(page, "Bạn đã được đăng xuất sau 30 phút không thao tác.")

    def test_a_session_used_within_30_minutes_goes_on(self):
        self.idle_for(29)
        response = self.client.get("/mot-cua/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.client.session[SESSION_KEY], str(self.user.pk))
        self.assertGreater(self.client.session[LAST_SEEN_SESSION_KEY], time.time() - 60)

    @override_settings(MOTCUA_SESSION_IDLE_MINUTES=5)
    def test_the_idle_time_is_a_setting(self):
        self.idle_for(6)
        self.assertEqual(self.client.get("/mot-cua/").status_code, 302)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_the_idle_time_is_noted_at_most_once_a_minute(self):
        """An active user costs one session write a minute, not one per request."""
        session = self.client.session
        noted = session[LAST_SEEN_SESSION_KEY]
        session[LAST_SEEN_SESSION_KEY] = noted - 10
        session.save()
        self.client.get("/mot-cua/")
        self.assertEqual(self.client.session[LAST_SEEN_SESSION_KEY], noted - 10)


class BrowserSessionTests(TestCase):
    def test_the_session_cookie_ends_with_the_browser_and_the_server_side_after_30_minutes(self):
        staff("tiepnhan", "intake_officer")
        response = self.client.post(
            reverse("login"), {"username": "tiepnhan", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)
        cookie = response.cookies["sessionid"]
        self.assertEqual(cookie["max-age"], "")
        self.assertEqual(cookie["expires"], "")
        self.assertTrue(cookie["httponly"])
        self.assertEqual(self.client.session.get_expiry_age(), 30 * 60)
        self.assertTrue(self.client.session.get_expire_at_browser_close())
