from django.test import TestCase

from motcua.core import clock
from motcua.dossiers.tests.helpers import World, at


class LookupTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        with clock.frozen(at(2026, 3, 2, 9)):
            cls.dossier = cls.w.receive()

    def test_lookup_shows_status_and_appointment_but_nothing_personal(self):
        response = self.client.get("/tra-cuu/", {"ma": self.dossier.code.lower()})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.dossier.code)
        self.assertContains(response, "Đang giải quyết")  # intake handed it to the ward
        self.assertContains(response, "17:00 05/03/2026")
        for secret in ("Trần", "Ngọc", "092190001234", "0912", "ngoc.tran", "Lê Lợi"):
            self.assertNotContains(response, secret)
        self.assertEqual(response["Cache-Control"], "no-store")

    def test_unknown_and_malformed_codes(self):
        for code in ("H33.15-260302-9999", "<script>", "x" * 500):
            with self.subTest(code=code[:20]):
                response = self.client.get("/tra-cuu/", {"ma": code})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Không có hồ sơ nào mang mã")

    def test_lookup_is_one_query(self):
        with self.assertNumQueries(1):
            self.client.get("/tra-cuu/", {"ma": self.dossier.code})

    def test_look_ups_are_limited_per_client(self):
        from django.core.cache import cache
        from django.test import override_settings

        cache.clear()
        with override_settings(MOTCUA_LOOKUP_PER_MINUTE=3):
            codes = [
                self.client.get("/tra-cuu/", {"ma": self.dossier.code}).status_code
                for _ in range(4)
            ]
        self.assertEqual(codes, [200, 200, 200, 429])
        cache.clear()
