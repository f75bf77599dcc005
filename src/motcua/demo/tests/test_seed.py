import os
import stat
import tempfile
from io import StringIO

from django.contrib.auth import SESSION_KEY, authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from motcua.catalog.models import Procedure
from motcua.demo.staff import STAFF, logins_file
from motcua.org.models import RoleAssignment, Unit
from motcua.org.selectors import user_has_role
from motcua.org.tests.helpers import totp_code


class DataDirTestCase(TestCase):
    """Each test writes the demo logins into its own temporary data directory."""

    def setUp(self):
        tmp = self.enterContext(tempfile.TemporaryDirectory())
        self.enterContext(override_settings(DATA_DIR=tmp))


class SeedDemoTests(DataDirTestCase):
    def test_seed_is_idempotent_and_prints_working_logins(self):
        out = StringIO()
        call_command("seed", "demo", stdout=out)
        counts = (Unit.objects.count(), Procedure.objects.count(), RoleAssignment.objects.count())
        self.assertGreaterEqual(counts[1], 30)
        self.assertTrue(Procedure.objects.filter(is_illustrative=True).count() == counts[1])
        call_command("seed", "demo", stdout=StringIO())
        self.assertEqual(
            (Unit.objects.count(), Procedure.objects.count(), RoleAssignment.objects.count()),
            counts,
        )

        mode = stat.S_IMODE(os.stat(logins_file()).st_mode)
        self.assertEqual(mode, 0o600)
        printed = out.getvalue()
        self.assertIn("tiepnhan.ngabay", printed)
        with_code = set()
        for line in logins_file().read_text(encoding="utf-8").splitlines():
            username, password, secret, _ = line.split("\t")
            self.assertIsNotNone(authenticate(username=username, password=password), username)
            self.assertIn(password, printed)
            if secret:
                with_code.add(username)
                self.assertIn(secret, printed)
        self.assertEqual(
            with_code,
            {"lanhdao.ngabay", "lanhdao.daithanh", "giamdoc.trungtam", "lanhdao.tuphap", "quantri"},
        )

    def test_every_demo_account_signs_in_through_the_sign_in_page(self):
        """Password, then for the leaders the code of the printed secret or of demo_code."""
        call_command("seed", "demo", stdout=StringIO())
        for line in logins_file().read_text(encoding="utf-8").splitlines():
            username, password, secret, _ = line.split("\t")
            with self.subTest(username=username):
                client = Client()
                response = client.post(
                    reverse("login"), {"username": username, "password": password}
                )
                if secret:
                    self.assertRedirects(
                        response, reverse("sign_in_code"), fetch_redirect_response=False
                    )
                    self.assertNotIn(SESSION_KEY, client.session)
                    code = totp_code(secret)
                    if username == "quantri":
                        out = StringIO()
                        call_command("demo_code", username, stdout=out)
                        code = out.getvalue().strip()
                    response = client.post(reverse("sign_in_code"), {"code": code})
                self.assertEqual(response.status_code, 302)
                user = get_user_model().objects.get(username=username)
                self.assertEqual(client.session[SESSION_KEY], str(user.pk))

    def test_demo_code_serves_demo_accounts_only(self):
        call_command("seed", "demo", stdout=StringIO())
        # A real account may carry a demo username: it has a real e-mail address.
        get_user_model().objects.filter(username="quantri").update(email="quantri@cantho.gov.vn")
        for username in ("quantri", "tiepnhan.ngabay", "nobody"):
            with self.subTest(username=username), self.assertRaises(CommandError):
                call_command("demo_code", username, stdout=StringIO())

    def test_every_role_has_a_demo_account_in_scope(self):
        call_command("seed", "demo", stdout=StringIO())
        users = get_user_model().objects
        covered = {role for _u, _n, role, _s, _st in STAFF}
        self.assertEqual(
            covered,
            {
                "intake_officer",
                "case_handler",
                "division_head",
                "agency_leader",
                "centre_director",
                "commune_leader",
                "registry_clerk",
                "reform_officer",
                "judge",
                "administrator",
            },
        )
        ward = Unit.objects.get(name="Phường Ngã Bảy", valid_to__isnull=True)
        self.assertTrue(user_has_role(users.get(username="thuly.ngabay"), "case_handler", ward))
        self.assertFalse(user_has_role(users.get(username="thuly.daithanh"), "case_handler", ward))


class SeedDemoDossierTests(DataDirTestCase):
    def test_demo_has_a_dossier_in_every_state_and_loads_once(self):
        from datetime import datetime

        from django.utils import timezone

        from motcua.core import clock
        from motcua.core.audit import audit_verify
        from motcua.dossiers.models import Dossier

        # A Wednesday afternoon well inside the confirmed years, so every scenario fits.
        with clock.frozen(timezone.make_aware(datetime(2026, 10, 14, 16, 0))):
            call_command("seed", "demo", stdout=StringIO())
            call_command("seed", "demo", stdout=StringIO())
        statuses = set(Dossier.objects.values_list("status", flat=True))
        # Every status of the lifecycle but "received", which intake passes through at
        # once when it hands the dossier to the ward's queue.
        self.assertEqual(
            statuses,
            {
                "in_progress",
                "awaiting_supplement",
                "awaiting_signature",
                "awaiting_coordination",
                "result_ready",
                "returned",
                "refused",
                "stopped",
                "awaiting_intake",
                "awaiting_payment",
                "closed",
                "withdrawn",
            },
        )
        self.assertEqual(Dossier.objects.count(), 15)
        self.assertEqual(len(statuses), 12)
        self.assertTrue(Dossier.objects.filter(timeliness="late", apology__isnull=False).exists())
        # The overdue dossier has a handler's apology draft waiting for the leader.
        self.assertTrue(Dossier.objects.filter(apology_draft__isnull=False).exists())
        self.assertEqual(audit_verify(), [])


class DemoInANewYearTests(DataDirTestCase):
    """Loaded after the shipped calendars end, the demo confirms its own years and says so."""

    def test_seed_in_january_2027_has_every_dossier(self):
        from datetime import datetime
        from zoneinfo import ZoneInfo

        from motcua.core import clock
        from motcua.dossiers.models import Dossier
        from motcua.workdays.models import CalendarStatus, CalendarYear

        self.assertFalse(CalendarYear.objects.filter(year=2027).exists())
        out = StringIO()
        with clock.frozen(datetime(2027, 1, 5, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
            call_command("seed", "demo", stdout=out)
        printed = out.getvalue()
        self.assertIn("Lịch làm việc năm 2027: đề xuất tự động", printed)
        self.assertIn("Lịch làm việc năm 2028", printed)
        self.assertNotIn("Lịch làm việc năm 2026", printed)  # shipped confirmed: untouched
        self.assertNotIn("bỏ qua", printed)
        self.assertEqual(
            set(CalendarYear.objects.filter(year__gte=2027).values_list("year", "status")),
            {(2027, CalendarStatus.CONFIRMED), (2028, CalendarStatus.CONFIRMED)},
        )
        self.assertEqual(Dossier.objects.count(), 15)
        # Tết 2027 (from 6/2) is a holiday in the confirmed year.
        from motcua.workdays.loader import calendar_for_unit

        self.assertFalse(calendar_for_unit().is_working_day(datetime(2027, 2, 8).date()))
