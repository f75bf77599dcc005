"""The client's address: the peer, or what trusted proxies say, read from the right."""

import os
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, SimpleTestCase, override_settings

from motcua.core.net import client_address, client_bucket, parse_address
from motcua.settings.env import env_networks


def request(peer: str = "10.0.0.2", forwarded: str | None = None):
    meta = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


class ClientAddressTests(SimpleTestCase):
    def test_without_trusted_proxies_the_header_is_ignored(self):
        self.assertEqual(client_address(request("10.0.0.2", "198.51.100.7")), "10.0.0.2")

    @override_settings(MOTCUA_TRUSTED_PROXIES=["10.0.0.0/24"])
    def test_a_peer_that_is_not_trusted_is_the_client_whatever_it_says(self):
        self.assertEqual(client_address(request("203.0.113.9", "198.51.100.7")), "203.0.113.9")

    @override_settings(MOTCUA_TRUSTED_PROXIES=["10.0.0.0/24"])
    def test_a_trusted_proxy_names_the_client(self):
        self.assertEqual(client_address(request("10.0.0.2", "198.51.100.7")), "198.51.100.7")

    @override_settings(MOTCUA_TRUSTED_PROXIES=["10.0.0.0/24", "192.0.2.10"])
    def test_the_header_is_read_from_the_right_skipping_trusted_hops(self):
        # The client forged the first entry; the outer proxy (192.0.2.10)
        # appended the real client; the inner one appended the outer one.
        forwarded = "1.2.3.4, 198.51.100.7, 192.0.2.10"
        self.assertEqual(client_address(request("10.0.0.2", forwarded)), "198.51.100.7")

    @override_settings(MOTCUA_TRUSTED_PROXIES=["10.0.0.0/24"])
    def test_when_every_hop_is_trusted_the_farthest_is_the_client(self):
        self.assertEqual(client_address(request("10.0.0.2", "10.0.0.7, 10.0.0.3")), "10.0.0.7")
        self.assertEqual(client_address(request("10.0.0.2")), "10.0.0.2")
        self.assertEqual(client_address(request("10.0.0.2", "")), "10.0.0.2")

    @override_settings(MOTCUA_TRUSTED_PROXIES=["10.0.0.0/24"])
    def test_garbage_stops_at_the_last_address_a_trusted_hop_vouched_for(self):
        self.assertEqual(client_address(request("10.0.0.2", "unknown, 10.0.0.3")), "10.0.0.3")
        self.assertEqual(client_address(request("10.0.0.2", "<script>")), "10.0.0.2")

    @override_settings(MOTCUA_TRUSTED_PROXIES=["10.0.0.0/24", "fd00::/8"])
    def test_ports_brackets_and_mapped_addresses_are_read(self):
        self.assertEqual(client_address(request("10.0.0.2", "198.51.100.7:4711")), "198.51.100.7")
        self.assertEqual(client_address(request("fd00::2", "[2001:db8::5]:443")), "2001:db8::5")
        self.assertEqual(client_address(request("::ffff:10.0.0.2", "198.51.100.7")), "198.51.100.7")

    def test_a_missing_peer_is_one_known_bucket(self):
        self.assertEqual(client_address(RequestFactory().get("/", REMOTE_ADDR="")), "0.0.0.0")
        self.assertIsNone(parse_address("not an address"))

    def test_an_ipv6_client_counts_as_its_64(self):
        self.assertEqual(client_bucket(request("2001:db8:1:2:a:b:c:d")), "2001:db8:1:2::")
        self.assertEqual(client_bucket(request("198.51.100.7")), "198.51.100.7")


class UnlistedProxyWarningTests(SimpleTestCase):
    def test_a_private_peer_forwarding_for_others_is_reported_once(self):
        from motcua.core import net

        net._warned.clear()
        with self.assertLogs("motcua.core.net", "WARNING") as logs:
            client_address(request("10.9.9.9", "198.51.100.7"))
            client_address(request("10.9.9.9", "198.51.100.8"))
        self.assertEqual(len(logs.output), 1)
        self.assertIn("10.9.9.9", logs.output[0])
        self.assertIn("MOTCUA_TRUSTED_PROXIES", logs.output[0])

    def test_a_public_client_sending_the_header_is_not_reported(self):
        # (the documentation ranges 198.51.100.0/24 and the like count as private)
        with self.assertNoLogs("motcua.core.net", "WARNING"):
            client_address(request("8.8.4.4", "198.51.100.7"))


class TrustedProxySettingTests(SimpleTestCase):
    def test_addresses_and_networks_are_accepted(self):
        with mock.patch.dict(os.environ, {"X_PROXIES": "10.0.0.1, 10.1.0.0/16,fd00::/8"}):
            self.assertEqual(env_networks("X_PROXIES", []), ["10.0.0.1", "10.1.0.0/16", "fd00::/8"])

    def test_anything_else_stops_the_start_with_the_setting_named(self):
        with (
            mock.patch.dict(os.environ, {"X_PROXIES": "10.0.0.1,proxy.local"}),
            self.assertRaisesMessage(ImproperlyConfigured, "X_PROXIES"),
        ):
            env_networks("X_PROXIES", [])
