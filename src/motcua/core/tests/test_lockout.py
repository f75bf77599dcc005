"""Sign-in lockout: per username and address, per address, never an account for everyone."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from motcua.org import accounts
from motcua.org.tests.helpers import ACTOR, totp_code
from motcua.org.tests.test_sign_in import PASSWORD, staff

ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"
PROXY = "10.0.0.2"


@override_settings(
    AXES_ENABLED=True,
    AXES_FAILURE_LIMIT=5,
    MOTCUA_LOGIN_FAILURES_PER_ADDRESS=20,
    MOTCUA_TRUSTED_PROXIES=[],
)
class LockoutTests(TestCase):
    def client_at(self, address: str, *, via_proxy: bool = False) -> Client:
        if via_proxy:
            return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
        return Client(REMOTE_ADDR=address)

    def sign_in(self, client: Client, username: str, password: str = PASSWORD):
        return client.post(reverse("login"), {"username": username, "password": password})

    def assertLockedOut(self, response) -> None:
        self.assertContains(response, "Đăng nhập sai quá nhiều lần", status_code=429)

    def test_guesses_spread_over_many_accounts_lock_the_address(self):
        """96 wrong passwords on 24 accounts from one address: the address is stopped."""
        for n in range(24):
            staff(f"canbo{n}")
        staff("tiepnhan")
        attacker = self.client_at(ATTACKER)
        for n in range(24):
            for guess in range(4):
                self.sign_in(attacker, f"canbo{n}", f"doan-sai-{guess}")
        locked = self.sign_in(attacker, "tiepnhan")
        self.assertLockedOut(locked)
        self.assertNotIn(SESSION_KEY, attacker.session)
        owner = self.client_at(OWNER)
        self.assertEqual(self.sign_in(owner, "tiepnhan").status_code, 302)
        self.assertIn(SESSION_KEY, owner.session)

    def test_colleagues_behind_one_address_are_not_all_stopped_by_a_few_typos(self):
        for n in range(5):
            staff(f"canbo{n}")
        office = self.client_at(OWNER)
        for n in range(4):
            self.sign_in(office, f"canbo{n}", "go-nham")  # one typo each, 4 in all
            self.sign_in(office, f"canbo{n}", "go-nham-lan-nua")
        response = self.sign_in(office, "canbo4")
        self.assertEqual(response.status_code, 302)

    def test_five_wrong_passwords_lock_the_account_from_that_address_only(self):
        staff("tiepnhan")
        attacker = self.client_at(ATTACKER)
        for guess in range(5):
            self.sign_in(attacker, "tiepnhan", f"doan-sai-{guess}")
        self.assertLockedOut(self.sign_in(attacker, "tiepnhan"))
        self.assertEqual(self.sign_in(self.client_at(OWNER), "tiepnhan").status_code, 302)

    @override_settings(MOTCUA_TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_behind_a_proxy_a_stranger_cannot_lock_an_account_for_its_owner(self):
        staff("tiepnhan")
        attacker = self.client_at(ATTACKER, via_proxy=True)
        for guess in range(5):
            self.sign_in(attacker, "tiepnhan", f"doan-sai-{guess}")
        self.assertLockedOut(self.sign_in(attacker, "tiepnhan"))
        owner = self.client_at(OWNER, via_proxy=True)
        self.assertEqual(self.sign_in(owner, "tiepnhan").status_code, 302)
        self.assertIn(SESSION_KEY, owner.session)

    def test_a_forged_forwarded_for_does_not_spread_the_guesses(self):
        """Without a trusted proxy, a client naming other addresses is still one address."""
        staff("tiepnhan")
        for guess in range(5):
            client = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{guess}")
            self.sign_in(client, "tiepnhan", f"doan-sai-{guess}")
        client = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.99")
        self.assertLockedOut(self.sign_in(client, "tiepnhan"))

    def test_wrong_codes_count_like_wrong_passwords(self):
        leader = staff("lanhdao", "commune_leader")
        device = accounts.second_factor_provision(actor=ACTOR, user=leader)
        attacker = self.client_at(ATTACKER)  # knows the password, not the phone
        self.assertRedirects(
            self.sign_in(attacker, "lanhdao"),
            reverse("sign_in_code"),
            fetch_redirect_response=False,
        )
        responses = [
            attacker.post(reverse("sign_in_code"), {"code": f"{n:06d}"}) for n in range(1, 6)
        ]
        self.assertEqual([r.status_code for r in responses[:4]], [200] * 4)
        self.assertLockedOut(responses[4])
        right = attacker.post(reverse("sign_in_code"), {"code": totp_code(device)})
        self.assertLockedOut(right)
        self.assertNotIn(SESSION_KEY, attacker.session)

        owner = self.client_at(OWNER)
        self.sign_in(owner, "lanhdao")
        owner.post(reverse("sign_in_code"), {"code": totp_code(device, steps_ahead=1)})
        self.assertEqual(owner.session[SESSION_KEY], str(leader.pk))

    def test_wrong_old_passwords_on_the_password_page_count_too(self):
        user = staff("thuly")
        client = self.client_at(ATTACKER)
        client.force_login(user)
        url = reverse("account:password")
        for guess in range(5):
            response = client.post(
                url,
                {
                    "old_password": f"doan-sai-{guess}",
                    "new_password1": "mat-khau-moi-rat-dai-2027",
                    "new_password2": "mat-khau-moi-rat-dai-2027",
                },
            )
        self.assertLockedOut(response)
        user.refresh_from_db()
        self.assertTrue(user.check_password(PASSWORD))


class LockoutSettingsTests(TestCase):
    def test_the_deployment_counts_per_pair_and_per_address(self):
        from django.conf import settings

        self.assertEqual(
            settings.AXES_LOCKOUT_PARAMETERS, [["username", "ip_address"], "ip_address"]
        )
        self.assertEqual(settings.AXES_CLIENT_IP_CALLABLE, "motcua.core.net.client_bucket")
        self.assertGreater(settings.MOTCUA_LOGIN_FAILURES_PER_ADDRESS, settings.AXES_FAILURE_LIMIT)
        self.assertIs(get_user_model().USERNAME_FIELD == "username", True)
