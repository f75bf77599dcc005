"""The lookup page rendered from its cached layout is the page rendered in full."""

from __future__ import annotations

import re

from django.test import override_settings

from motcua.core import clock
from motcua.dossiers.tests.helpers import at
from motcua.portal.tests.test_lookup_friendly import CODE, LookupTestCase

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def same_bytes(html: bytes) -> str:
    """The page with its CSRF token (masked anew on every request) left out."""
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html.decode())


class CachedLayoutTests(LookupTestCase):
    def both(self, query: dict[str, str], **meta: str) -> tuple[object, object]:
        fast = self.client_class().get("/tra-cuu/", query, **meta)
        with override_settings(DEBUG=True):  # the ordinary render
            full = self.client_class().get("/tra-cuu/", query, **meta)
        return fast, full

    def assertSamePage(self, query: dict[str, str], **meta: str) -> None:
        fast, full = self.both(query, **meta)
        with self.subTest(query=query, **meta):
            self.assertEqual(fast.status_code, full.status_code)
            self.assertEqual(same_bytes(fast.content), same_bytes(full.content))
            for header in ("Content-Type", "Cache-Control", "Content-Language", "Vary"):
                self.assertEqual(fast.get(header), full.get(header), header)
            self.assertIn("csrftoken", fast.cookies)

    @override_settings(MOTCUA_LOOKUP_PER_MINUTE=0)
    def test_every_kind_of_page_is_the_same(self):
        self.assertSamePage({})
        self.assertSamePage({"ma": CODE})
        self.assertSamePage({"ma": "h33 15-260302-0001"})
        self.assertSamePage({"ma": "H33.15-260302-9999"})  # not found: the error summary
        self.assertSamePage({"ma": ""})
        self.assertSamePage({"ma": CODE, "so": "5678"})  # the history
        self.assertSamePage({"ma": CODE, "so": "12"})  # invalid digits
        self.assertSamePage({"ma": '"><script>x</script>'})  # the address is escaped
        self.assertSamePage({"ma": CODE}, HTTP_COOKIE="django_language=en")
        self.pause()
        self.assertSamePage({"ma": CODE})

    def test_the_language_switch_returns_to_this_page_with_a_valid_token(self):
        page = self.client.get("/tra-cuu/", {"ma": CODE})
        html = page.content.decode()
        self.assertIn(f'<input name="next" type="hidden" value="/tra-cuu/?ma={CODE}">', html)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        client = self.client_class(enforce_csrf_checks=True)
        client.cookies["csrftoken"] = page.cookies["csrftoken"].value
        switched = client.post(
            "/i18n/setlang/",
            {"language": "en", "next": f"/tra-cuu/?ma={CODE}", "csrfmiddlewaretoken": token},
        )
        self.assertEqual(switched.status_code, 302)
        self.assertEqual(switched.cookies["django_language"].value, "en")

    def test_a_signed_in_user_gets_the_full_render(self):
        self.client.force_login(self.w.intake)
        with clock.frozen(at(2026, 3, 3, 9)):
            page = self.client.get("/tra-cuu/", {"ma": CODE})
        self.assertContains(page, "Đăng xuất")

    def test_a_waiting_message_is_shown_by_the_full_render(self):
        from django.contrib.auth.models import AnonymousUser
        from django.contrib.messages import INFO, add_message
        from django.contrib.messages.storage.fallback import FallbackStorage
        from django.contrib.sessions.backends.db import SessionStore
        from django.test import RequestFactory

        from motcua.portal.views import lookup_page

        request = RequestFactory().get("/tra-cuu/")
        request.user = AnonymousUser()
        request.session = SessionStore()
        request._messages = FallbackStorage(request)
        add_message(request, INFO, "Thông báo đang chờ")
        self.assertContains(lookup_page(request), '<li class="info">Thông báo đang chờ</li>')
