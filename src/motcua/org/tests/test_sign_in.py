"""Sign-in: the password, then a one-time code for who has or needs a second factor."""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import TestCase, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core.models import AuditEvent
from motcua.org import accounts
from motcua.org.models import Role
from motcua.org.services import role_assignment_create
from motcua.org.tests.helpers import ACTOR, make_unit, totp_code
from motcua.org.views import PENDING_SESSION_KEY

PASSWORD = "hoa-sen-no-trong-ao-2026"


def staff(username: str, role: str | None = None, **fields) -> object:
    """A user with ``role`` over a ward (valid since 2025, so today too)."""
    user = get_user_model().objects.create_user(username, password=PASSWORD, **fields)
    if role is not None:
        unit = make_unit(f"Phường {username}", "ward", valid_from=date(2025, 7, 1))
        role_assignment_create(actor=ACTOR, user=user, role=Role.objects.get(code=role), unit=unit)
    return user


class SignInTestCase(TestCase):
    def sign_in(self, username: str, password: str = PASSWORD, **extra):
        return self.client.post(
            reverse("login"), {"username": username, "password": password, **extra}
        )

    def code(self, code: str):
        return self.client.post(reverse("sign_in_code"), {"code": code})

    def signed_in_as(self):
        return self.client.session.get(SESSION_KEY)


class WhoNeedsASecondFactorTests(TestCase):
    def test_decision_roles_director_administrator_and_admin_users_need_it(self):
        for role in ("commune_leader", "agency_leader", "centre_director", "administrator"):
            with self.subTest(role=role):
                self.assertTrue(accounts.second_factor_required(staff(f"u-{role}", role)))
        self.assertTrue(accounts.second_factor_required(staff("admin", is_staff=True)))
        self.assertTrue(accounts.second_factor_required(staff("root", is_superuser=True)))

    def test_other_roles_may_use_it(self):
        for role in ("intake_officer", "case_handler", "division_head", "reform_officer"):
            with self.subTest(role=role):
                self.assertFalse(accounts.second_factor_required(staff(f"u-{role}", role)))

    def test_an_ended_role_no_longer_requires_it(self):
        user = staff("former")
        unit = make_unit("Phường cũ", "ward", valid_from=date(2025, 7, 1))
        role_assignment_create(
            actor=ACTOR,
            user=user,
            role=Role.objects.get(code="commune_leader"),
            unit=unit,
            valid_from=date(2025, 7, 1),
            valid_to=date(2025, 12, 31),
        )
        self.assertFalse(accounts.second_factor_required(user))

    @override_settings(MOTCUA_SECOND_FACTOR_ROLES=["case_handler"])
    def test_the_roles_are_a_setting(self):
        self.assertTrue(accounts.second_factor_required(staff("handler", "case_handler")))
        self.assertFalse(accounts.second_factor_required(staff("leader", "commune_leader")))


class PasswordOnlySignInTests(SignInTestCase):
    def test_an_officer_without_a_second_factor_signs_in_with_the_password(self):
        user = staff("tiepnhan", "intake_officer")
        response = self.sign_in("tiepnhan", next="/mot-cua/")
        self.assertRedirects(response, "/mot-cua/", fetch_redirect_response=False)
        self.assertEqual(self.signed_in_as(), str(user.pk))

    def test_a_wrong_password_says_so_in_vietnamese(self):
        staff("tiepnhan", "intake_officer")
        response = self.sign_in("tiepnhan", "sai-mat-khau")
        # The project's own words, not Django's ("… cả hai khung thông tin …").
        self.assertContains(response, "Tên đăng nhập hoặc mật khẩu không đúng")
        self.assertIsNone(self.signed_in_as())


class SecondFactorSignInTests(SignInTestCase):
    def setUp(self):
        self.leader = staff("lanhdao", "commune_leader", first_name="Tuấn", last_name="Lê Minh")
        self.device = accounts.second_factor_provision(actor=ACTOR, user=self.leader)

    def test_the_password_alone_signs_nobody_in(self):
        response = self.sign_in("lanhdao", next="/mot-cua/")
        self.assertRedirects(response, reverse("sign_in_code"), fetch_redirect_response=False)
        self.assertIsNone(self.signed_in_as())
        for url in ("/mot-cua/", "/tai-khoan/", "/api/v1/dossiers/"):
            with self.subTest(url=url):
                self.assertIn(self.client.get(url).status_code, (302, 401))
        page = self.client.get(reverse("sign_in_code"))
        self.assertContains(page, "Lê Minh Tuấn")
        self.assertContains(page, 'autocomplete="one-time-code"')

    def test_the_code_finishes_the_sign_in_and_goes_where_the_user_was_going(self):
        self.sign_in("lanhdao", next="/mot-cua/")
        response = self.code(totp_code(self.device))
        self.assertRedirects(response, "/mot-cua/", fetch_redirect_response=False)
        self.assertEqual(self.signed_in_as(), str(self.leader.pk))
        self.assertNotIn(PENDING_SESSION_KEY, self.client.session)

    def test_a_wrong_code_signs_nobody_in_and_says_so(self):
        self.sign_in("lanhdao")
        right = totp_code(self.device)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        response = self.code(wrong)
        self.assertContains(response, "Mã không đúng")
        # Summarised the GOV.UK way, like every staff form (core/templatetags/form_errors.py).
        self.assertContains(response, "<title>Lỗi: ")
        self.assertContains(response, '<div class="error-summary"')
        self.assertContains(response, '<li><a href="#id_code">Mã không đúng')
        self.assertIsNone(self.signed_in_as())
        for bad in ("12345", "abcdef", "1234567"):
            with self.subTest(code=bad):
                self.assertContains(self.code(bad), "Hãy nhập 6 chữ số")

    def test_a_code_is_accepted_once(self):
        code = totp_code(self.device)
        self.sign_in("lanhdao")
        self.code(code)
        self.client.logout()
        self.sign_in("lanhdao")
        self.code(code)
        self.assertIsNone(self.signed_in_as())

    def test_spaces_in_the_code_are_ignored(self):
        self.sign_in("lanhdao")
        code = totp_code(self.device)
        self.code(f"{code[:3]} {code[3:]}")
        self.assertEqual(self.signed_in_as(), str(self.leader.pk))

    def test_the_code_step_expires(self):
        self.sign_in("lanhdao")
        session = self.client.session
        session[PENDING_SESSION_KEY] = session[PENDING_SESSION_KEY] | {"since": 0}
        session.save()
        response = self.code(totp_code(self.device))
        self.assertRedirects(response, reverse("login"), fetch_redirect_response=False)
        self.assertIsNone(self.signed_in_as())

    def test_a_password_changed_meanwhile_ends_the_waiting_sign_in(self):
        self.sign_in("lanhdao")
        self.leader.set_password("mat-khau-moi-do-quan-tri-dat")
        self.leader.save()
        response = self.code(totp_code(self.device))
        self.assertRedirects(response, reverse("login"), fetch_redirect_response=False)
        self.assertIsNone(self.signed_in_as())

    def test_the_code_step_without_a_password_goes_back_to_the_password(self):
        response = self.code(totp_code(self.device))
        self.assertRedirects(response, reverse("login"), fetch_redirect_response=False)

    def test_an_officer_who_turned_it_on_is_asked_too(self):
        handler = staff("thuly", "case_handler")
        device = accounts.second_factor_provision(actor=ACTOR, user=handler)
        response = self.sign_in("thuly")
        self.assertRedirects(response, reverse("sign_in_code"), fetch_redirect_response=False)
        self.code(totp_code(device))
        self.assertEqual(self.signed_in_as(), str(handler.pk))


class EnrolmentAtSignInTests(SignInTestCase):
    def setUp(self):
        self.leader = staff("lanhdao", "commune_leader")

    def secret(self, page) -> str:
        match = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page.content.decode())
        assert match is not None, "the secret is shown for manual entry"
        return match.group(1)

    def test_a_leader_without_a_device_sets_one_up_before_being_signed_in(self):
        response = self.sign_in("lanhdao", next="/mot-cua/")
        self.assertRedirects(response, reverse("sign_in_enrol"), fetch_redirect_response=False)
        self.assertIsNone(self.signed_in_as())
        page = self.client.get(reverse("sign_in_enrol"))
        self.assertContains(page, "data:image/svg+xml")  # the QR code
        secret = self.secret(page)
        self.assertEqual(secret, self.secret(self.client.get(reverse("sign_in_enrol"))))
        self.assertFalse(TOTPDevice.objects.filter(user=self.leader).exists())

        wrong = self.client.post(reverse("sign_in_enrol"), {"code": "000000"})
        self.assertContains(wrong, "Mã không khớp")
        self.assertFalse(TOTPDevice.objects.filter(user=self.leader).exists())
        self.assertIsNone(self.signed_in_as())

        response = self.client.post(reverse("sign_in_enrol"), {"code": totp_code(secret)})
        self.assertRedirects(response, "/mot-cua/", fetch_redirect_response=False)
        self.assertEqual(self.signed_in_as(), str(self.leader.pk))
        device = TOTPDevice.objects.get(user=self.leader)
        self.assertTrue(device.confirmed)
        self.assertEqual(accounts.totp_key_base32(device.key), secret)
        self.assertTrue(
            AuditEvent.objects.filter(
                stream=f"auth.user:{self.leader.pk}", action="account.second_factor_enabled"
            ).exists()
        )

    def test_the_next_sign_in_asks_for_the_code(self):
        self.sign_in("lanhdao")
        secret = self.secret(self.client.get(reverse("sign_in_enrol")))
        self.client.post(reverse("sign_in_enrol"), {"code": totp_code(secret)})
        self.client.logout()
        response = self.sign_in("lanhdao")
        self.assertRedirects(response, reverse("sign_in_code"), fetch_redirect_response=False)
        self.assertEqual(
            self.client.get(reverse("sign_in_enrol")).status_code, 302
        )  # no second device through the sign-in
        self.code(totp_code(secret, steps_ahead=1))
        self.assertEqual(self.signed_in_as(), str(self.leader.pk))


class AdminSignInTests(SignInTestCase):
    def test_the_admin_signs_in_through_the_staff_sign_in(self):
        response = self.client.get("/admin/")
        login = response["Location"]
        response = self.client.get(login)
        self.assertRedirects(
            response, f"{reverse('login')}?next=/admin/", fetch_redirect_response=False
        )

    def test_an_admin_user_needs_the_code_for_the_admin(self):
        admin = staff("quantri", is_staff=True, is_superuser=True)
        device = accounts.second_factor_provision(actor=ACTOR, user=admin)
        self.sign_in("quantri", next="/admin/")
        self.assertEqual(self.client.get("/admin/").status_code, 302)
        response = self.code(totp_code(device))
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_a_signed_in_officer_without_admin_rights_is_told_so(self):
        user = staff("thuly", "case_handler")
        self.client.force_login(user)
        response = self.client.get("/admin/", follow=True)
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "không dùng được các trang quản trị", status_code=403)

    def test_the_admin_password_link_is_the_audited_page(self):
        admin = staff("quantri", is_staff=True, is_superuser=True)
        self.client.force_login(admin)
        response = self.client.get(reverse("admin:password_change"))
        self.assertRedirects(response, reverse("account:password"), fetch_redirect_response=False)
