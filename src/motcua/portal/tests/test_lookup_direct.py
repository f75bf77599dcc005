"""The direct view in front of the JSON lookup answers exactly as django-ninja's operation does.

Every request is sent twice, once through the project's URLs (the direct
view, or ninja's when the request is not an ordinary one) and once through
URLs without the direct view (ninja's alone, ``ninja_urls``), and the two
answers must match byte for byte: status, body and headers.
"""

from __future__ import annotations

from django.test import override_settings
from django.urls import resolve

from motcua.portal import api as portal_api
from motcua.portal.tests.test_lookup_friendly import API, CODE, LookupTestCase

NINJA_ONLY = "motcua.portal.tests.ninja_urls"
HEADERS = ("Content-Type", "Cache-Control", "Vary", "Content-Language", "Content-Length")


class DirectViewTests(LookupTestCase):
    def both(self, query: str, **meta: str) -> tuple[object, object]:
        """Return (direct answer, ninja's answer) to ``GET API?query``, each from a fresh client."""
        direct = self.client.get(f"{API}?{query}", **meta)
        with override_settings(ROOT_URLCONF=NINJA_ONLY):
            ninja = self.client_class().get(f"{API}?{query}", **meta)
        return direct, ninja

    def assertSameAnswer(self, query: str, **meta: str) -> None:
        direct, ninja = self.both(query, **meta)
        with self.subTest(query=query, **meta):
            self.assertEqual(direct.status_code, ninja.status_code)
            self.assertEqual(direct.content, ninja.content)
            for header in HEADERS:
                self.assertEqual(direct.get(header), ninja.get(header), header)

    def test_the_direct_view_serves_the_published_path(self):
        self.assertIs(resolve(API).func, portal_api.public_lookup_direct)
        with override_settings(ROOT_URLCONF=NINJA_ONLY):
            self.assertEqual(resolve(API).url_name, "public_lookup")

    @override_settings(MOTCUA_LOOKUP_PER_MINUTE=0)
    def test_every_kind_of_answer_is_the_same(self):
        queries = [
            f"code={CODE}",
            "code=h33%2015-260302-0001",  # typed loosely
            "code=H3315-260302-0001",  # without dots: the folded index
            "code=H33.15-260302-9999",  # not found
            "code=%3Cscript%3E",  # malformed
            f"code={CODE}&phone_last4=5678",  # the history
            f"code={CODE}&phone_last4=1234",  # wrong digits
            # Not ordinary: ninja answers both times.
            "code=",
            "code=" + "X" * 81,
            "",
            f"code={CODE}&phone_last4=12a4",
            f"code={CODE}&phone_last4=%D9%A1%D9%A2%D9%A3%D9%A4",  # Arabic-Indic digits
            f"code={CODE}&code=H33.15-260302-9999",
            f"code={CODE}&other=1",
        ]
        for query in queries:
            self.assertSameAnswer(query)
        self.assertSameAnswer(f"code={CODE}", HTTP_COOKIE="django_language=en")

    @override_settings(MOTCUA_LOOKUP_PER_MINUTE=0)
    def test_a_paused_dossier_is_answered_the_same(self):
        self.pause()
        self.assertSameAnswer(f"code={CODE}")
        self.assertSameAnswer(f"code={CODE}&phone_last4=5678")

    @override_settings(MOTCUA_LOOKUP_PER_MINUTE=1)
    def test_the_limit_answers_the_same(self):
        direct, ninja = self.both(f"code={CODE}", REMOTE_ADDR="198.51.100.20")
        self.assertEqual((direct.status_code, ninja.status_code), (200, 429))
        direct_again = self.client.get(f"{API}?code={CODE}", REMOTE_ADDR="198.51.100.20")
        self.assertEqual(direct_again.status_code, 429)
        self.assertEqual(direct_again.content, ninja.content)
        self.assertEqual(direct_again["Content-Type"], ninja["Content-Type"])

    def test_other_methods_are_refused_as_ninja_refuses_them(self):
        for method in ("post", "put", "delete", "head"):
            with self.subTest(method=method):
                direct = getattr(self.client, method)(f"{API}?code={CODE}")
                with override_settings(ROOT_URLCONF=NINJA_ONLY):
                    ninja = getattr(self.client_class(), method)(f"{API}?code={CODE}")
                self.assertEqual(direct.status_code, ninja.status_code)
                self.assertEqual(direct.content, ninja.content)


class OtherDigitsTests(LookupTestCase):
    def test_digits_of_other_scripts_get_a_clear_answer_not_an_error(self):
        """Arabic-Indic or full-width digits once reached the comparison and answered 500."""
        for digits in ("١٢٣٤", "５６７８"):
            with self.subTest(digits=digits):
                page = self.page(phone=digits)
                self.assertEqual(page.status_code, 200)
                self.assertContains(page, "Nhập đúng 4 chữ số")
                api = self.api(phone=digits)
                self.assertEqual(api.status_code, 422)
                self.assertEqual(api.json()["code"], "invalid_input")
