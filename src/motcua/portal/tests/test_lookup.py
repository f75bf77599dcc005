from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.cache import get_max_age

from motcua.core import clock
from motcua.dossiers.tests.helpers import World, at


def directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


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
        self.assertLessEqual({"private", "no-store"}, directives(response))
        self.assertIsNone(get_max_age(response))

    def test_unknown_and_malformed_codes(self):
        for code in ("H33.15-260302-9999", "<script>", "x" * 500):
            with self.subTest(code=code[:20]):
                response = self.client.get("/tra-cuu/", {"ma": code})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Không có hồ sơ nào mang mã")

    def test_lookup_reads_the_dossier_in_one_query(self):
        """Besides the shared counter, whose statements are pinned in the next test.

        The office's contact details are reference data, cached per process
        after the first look-up.
        """
        self.client.get("/tra-cuu/", {"ma": self.dossier.code})
        with CaptureQueriesContext(connection) as queries:
            self.client.get("/tra-cuu/", {"ma": self.dossier.code})
        reads = [q["sql"] for q in queries if "motcua_cache" not in q["sql"]]
        reads = [sql for sql in reads if "SAVEPOINT" not in sql]
        self.assertEqual(len(reads), 1, reads)
        self.assertIn("dossiers_dossier", reads[0])

    def test_the_counter_costs_two_statements_once_its_window_is_open(self):
        self.client.get("/tra-cuu/", {"ma": self.dossier.code})
        with CaptureQueriesContext(connection) as queries:
            self.client.get("/tra-cuu/", {"ma": self.dossier.code})
        counter = [q["sql"] for q in queries if "motcua_cache" in q["sql"]]
        self.assertEqual(len(counter), 2, counter)  # the locked read, the update

    def statuses(self, count: int, **meta: str) -> list[int]:
        return [
            self.client.get("/tra-cuu/", {"ma": self.dossier.code}, **meta).status_code
            for _ in range(count)
        ]

    @override_settings(MOTCUA_LOOKUP_PER_MINUTE=3)
    def test_look_ups_are_limited_per_client(self):
        self.assertEqual(self.statuses(4), [200, 200, 200, 429])
        self.assertEqual(self.statuses(1, REMOTE_ADDR="198.51.100.7"), [200])

    @override_settings(MOTCUA_LOOKUP_PER_MINUTE=3, MOTCUA_TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_citizens_behind_a_trusted_proxy_have_a_bucket_each(self):
        proxy = {"REMOTE_ADDR": "10.0.0.2"}
        first = self.statuses(4, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
        second = self.statuses(1, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy)
        self.assertEqual(first, [200, 200, 200, 429])
        self.assertEqual(second, [200])

    @override_settings(MOTCUA_LOOKUP_PER_MINUTE=3, MOTCUA_TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_a_forged_forwarded_for_does_not_open_a_new_bucket(self):
        """A client that is not a trusted proxy cannot name another client."""
        forged = [
            self.client.get(
                "/tra-cuu/",
                {"ma": self.dossier.code},
                REMOTE_ADDR="203.0.113.9",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            ).status_code
            for n in range(4)
        ]
        # Through the proxy the client's own entry comes last: one bucket still.
        chained = self.statuses(
            1, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.9"
        )
        self.assertEqual(forged, [200, 200, 200, 429])
        self.assertEqual(chained, [429])

    @override_settings(MOTCUA_LOOKUP_PER_MINUTE=3)
    def test_an_ipv6_client_is_counted_per_64_network(self):
        hosts = [f"2001:db8:7:1::{n:x}" for n in range(1, 5)]
        codes = [self.statuses(1, REMOTE_ADDR=host)[0] for host in hosts]
        other = self.statuses(1, REMOTE_ADDR="2001:db8:7:2::1")
        self.assertEqual(codes, [200, 200, 200, 429])
        self.assertEqual(other, [200])
