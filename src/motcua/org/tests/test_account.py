"""The account pages: one's own password and two-step verification; the password rules."""

from __future__ import annotations

import re

from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import TestCase, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core.models import AuditEvent
from motcua.org import accounts
from motcua.org.tests.helpers import ACTOR, totp_code
from motcua.org.tests.test_sign_in import PASSWORD, staff

NEW_PASSWORD = "bong-sen-vang-giua-dong-2027"


def audit_actions(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(stream=f"auth.user:{user.pk}")
        .order_by("seq")
        .values_list("action", flat=True)
    )


class AccountPageTests(TestCase):
    def test_the_staff_menu_leads_to_the_account_page(self):
        user = staff("thuly", "case_handler")
        self.client.force_login(user)
        home = self.client.get("/")
        self.assertContains(home, 'href="/tai-khoan/"')
        page = self.client.get("/tai-khoan/")
        self.assertContains(page, "Tài khoản của tôi")
        self.assertContains(page, "Đổi mật khẩu")
        self.assertContains(page, "Bật xác thực hai bước")

    def test_the_account_pages_need_a_sign_in(self):
        for name in ("account:overview", "account:password", "account:second_factor"):
            with self.subTest(name=name):
                response = self.client.get(reverse(name))
                self.assertRedirects(
                    response,
                    f"{reverse('login')}?next={reverse(name)}",
                    fetch_redirect_response=False,
                )


class PasswordChangeTests(TestCase):
    def setUp(self):
        self.user = staff("thuly", "case_handler", first_name="Phúc", last_name="Trần Văn")
        self.client.force_login(self.user)

    def change(self, old: str, new: str, again: str | None = None):
        return self.client.post(
            reverse("account:password"),
            {"old_password": old, "new_password1": new, "new_password2": again or new},
        )

    def assertUnchanged(self):
        self.user.refresh_from_db()
        self.assertTrue(self.user.check_password(PASSWORD))
        self.assertNotIn("account.password_changed", audit_actions(self.user))

    def test_the_rules_are_shown(self):
        page = self.client.get(reverse("account:password"))
        self.assertContains(page, "Mật khẩu của bạn phải chứa ít nhất 12 ký tự.")

    def test_a_password_shorter_than_12_characters_is_refused(self):
        response = self.change(PASSWORD, "Ngan-qua-11")
        self.assertContains(response, "Mật khẩu quá ngắn: hãy dùng ít nhất 12 ký tự.")
        self.assertUnchanged()

    def test_a_common_password_is_refused(self):
        for common in ("password1234", "qwertyuiop123", "123456789123"):
            with self.subTest(password=common):
                response = self.change(PASSWORD, common)
                self.assertContains(response, "Mật khẩu này quá phổ biến.")
        self.assertUnchanged()

    def test_a_wrong_old_password_is_refused(self):
        response = self.change("not-the-password", NEW_PASSWORD)
        self.assertContains(response, "Mật khẩu cũ không chính xác")
        self.assertContains(response, "<title>Lỗi: ")
        self.assertContains(response, '<li><a href="#id_old_password">Mật khẩu cũ không chính xác')
        self.assertUnchanged()

    def test_the_new_password_twice_must_match(self):
        response = self.change(PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x")
        self.assertContains(response, "Hai trường mật khẩu không giống nhau.")
        self.assertUnchanged()

    def test_a_good_password_is_set_audited_and_the_session_stays(self):
        response = self.change(PASSWORD, NEW_PASSWORD)
        self.assertRedirects(response, reverse("account:overview"), fetch_redirect_response=False)
        self.user.refresh_from_db()
        self.assertTrue(self.user.check_password(NEW_PASSWORD))
        self.assertEqual(audit_actions(self.user), ["account.password_changed"])
        event = AuditEvent.objects.get(stream=f"auth.user:{self.user.pk}")
        self.assertEqual(event.actor_id, self.user.pk)
        self.assertNotIn(NEW_PASSWORD, str(event.data))
        self.assertEqual(self.client.session[SESSION_KEY], str(self.user.pk))
        self.assertContains(
            self.client.get(reverse("account:overview")), "Mật khẩu của bạn đã được thay đổi"
        )


@override_settings(LANGUAGE_CODE="vi")
class AdminPasswordRuleTests(TestCase):
    def setUp(self):
        self.admin = staff("quantri", is_staff=True, is_superuser=True)
        self.client.force_login(self.admin)

    def test_the_admin_refuses_a_short_or_common_password_for_a_new_user(self):
        for password, message in (
            ("Ngan-qua-11", "Mật khẩu quá ngắn"),
            ("password1234", "Mật khẩu này quá phổ biến."),
        ):
            with self.subTest(password=password):
                response = self.client.post(
                    reverse("admin:auth_user_add"),
                    {
                        "username": "moi",
                        "usable_password": "true",
                        "password1": password,
                        "password2": password,
                        "role_assignments-TOTAL_FORMS": "0",
                        "role_assignments-INITIAL_FORMS": "0",
                    },
                )
                self.assertContains(response, message)
        self.assertFalse(get_user_model().objects.filter(username="moi").exists())

    def test_the_admin_refuses_a_short_password_when_setting_one(self):
        user = staff("thuly", "case_handler")
        url = reverse("admin:auth_user_password_change", args=[user.pk])
        response = self.client.post(
            url, {"usable_password": "true", "password1": "Ngan-qua-11", "password2": "Ngan-qua-11"}
        )
        self.assertContains(response, "Mật khẩu quá ngắn")
        user.refresh_from_db()
        self.assertTrue(user.check_password(PASSWORD))


class SecondFactorPageTests(TestCase):
    def secret(self, page) -> str:
        match = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page.content.decode())
        assert match is not None
        return match.group(1)

    def test_an_officer_turns_it_on_with_a_first_code_and_off_with_a_current_one(self):
        user = staff("thuly", "case_handler")
        self.client.force_login(user)
        url = reverse("account:second_factor")
        page = self.client.get(url)
        self.assertContains(page, "data:image/svg+xml")
        secret = self.secret(page)
        self.assertContains(self.client.post(url, {"code": "000000"}), "Mã không khớp")
        self.assertFalse(TOTPDevice.objects.filter(user=user).exists())

        response = self.client.post(url, {"code": totp_code(secret)})
        self.assertRedirects(response, reverse("account:overview"), fetch_redirect_response=False)
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        self.assertContains(self.client.get(reverse("account:overview")), "Đang bật")

        response = self.client.post(url, {"code": totp_code(device, steps_ahead=1)})
        self.assertRedirects(response, reverse("account:overview"), fetch_redirect_response=False)
        self.assertFalse(TOTPDevice.objects.filter(user=user).exists())
        self.assertEqual(
            audit_actions(user),
            ["account.second_factor_enabled", "account.second_factor_disabled"],
        )

    def test_turning_it_off_needs_a_right_code(self):
        user = staff("thuly", "case_handler")
        accounts.second_factor_provision(actor=ACTOR, user=user)
        self.client.force_login(user)
        response = self.client.post(reverse("account:second_factor"), {"code": "000000"})
        self.assertContains(response, "Mã không đúng")
        self.assertTrue(TOTPDevice.objects.filter(user=user).exists())
        self.assertNotIn("account.second_factor_disabled", audit_actions(user))

    def test_a_leader_cannot_turn_it_off(self):
        leader = staff("lanhdao", "commune_leader")
        device = accounts.second_factor_provision(actor=ACTOR, user=leader)
        self.client.force_login(leader)
        url = reverse("account:second_factor")
        page = self.client.get(url)
        self.assertContains(page, "không thể tắt")
        self.assertNotContains(page, 'name="code"')
        response = self.client.post(url, {"code": totp_code(device)})
        self.assertContains(response, "không thể tắt")
        self.assertTrue(TOTPDevice.objects.filter(user=leader).exists())

    def test_a_second_device_cannot_be_added_behind_the_first(self):
        user = staff("thuly", "case_handler")
        accounts.second_factor_provision(actor=ACTOR, user=user)
        key = accounts.new_totp_key()
        with self.assertRaisesMessage(Exception, "đã được bật"):
            accounts.second_factor_enable(user=user, key=key, code=totp_code(key))
        self.assertEqual(TOTPDevice.objects.filter(user=user).count(), 1)
