"""Admin pages: unit changes through services, the upload page, user roles inline."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from motcua.core.models import AuditEvent
from motcua.org.demo import load_demo_units
from motcua.org.models import Role, RoleAssignment, Unit, UnitKind
from motcua.org.tests.helpers import ACTOR, make_unit
from motcua.org.tests.test_importers import TWO_TIER_HEADER, csv_bytes

IMPORT_URL = "/admin/org/unit/import/"


class AdminTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = load_demo_units(ACTOR)
        users = get_user_model().objects
        cls.admin = users.create_superuser("quantri", "quantri@example.vn", "x")
        cls.staff = users.create_user("canbo", password="x", is_staff=True)

    def setUp(self):
        self.client.force_login(self.admin)


class UnitAdminTests(AdminTestCase):
    def test_changelist_filters_and_search(self):
        """The list shows the import link, filters by validity and finds names without accents."""
        url = reverse("admin:org_unit_changelist")
        response = self.client.get(url)
        self.assertContains(response, IMPORT_URL)
        today = self.client.get(url, {"valid_today": "yes"})
        self.assertContains(today, "Phường Đại Thành")
        self.assertNotContains(today, "Phường Lái Hiếu")
        found = self.client.get(url, {"q": "lai hieu"})
        self.assertContains(found, "Phường Lái Hiếu")
        self.assertNotContains(found, "Phường Hiệp Thành")
        by_code = self.client.get(url, {"q": "31411"})
        self.assertEqual(by_code.context["cl"].result_count, 2)

    def test_changelist_query_count_is_flat(self):
        """Kind and parent are joined, so the page costs a fixed number of queries."""
        url = reverse("admin:org_unit_changelist")
        self.client.get(url)  # warm the session and content types
        # session, user, kinds for the filter, two counts, the page
        with self.assertNumQueries(6):
            self.client.get(url)
        for n in range(10):
            make_unit(
                f"Đơn vị {n}", "service_centre", self.units["can-tho"], valid_from=date(2025, 7, 1)
            )
        with self.assertNumQueries(6):
            self.client.get(url)

    def test_adding_a_unit_goes_through_the_service(self):
        """A unit added in the admin gets its path and an audit record."""
        response = self.client.post(
            reverse("admin:org_unit_add"),
            {
                "name": "Điểm tiếp nhận số 2 phường Ngã Bảy",
                "kind": UnitKind.objects.get(code="intake_point").pk,
                "parent": self.units["nga-bay-centre"].pk,
                "valid_from": "2025-08-01",
                **_empty_inlines(),
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:3000])
        unit = Unit.objects.get(name="Điểm tiếp nhận số 2 phường Ngã Bảy")
        self.assertEqual(unit.path, f"{self.units['nga-bay-centre'].path}{unit.pk}/")
        self.assertEqual(unit.search_name, "diem tiep nhan so 2 phuong nga bay")
        event = AuditEvent.objects.get(object_type="org.unit", object_id=str(unit.pk))
        self.assertEqual((event.action, event.actor_id), ("org.unit.create", self.admin.pk))

    def test_a_broken_rule_is_shown_on_the_form(self):
        """A unit outside its parent's validity is refused with the reason; nothing is saved."""
        count = Unit.objects.count()
        response = self.client.post(
            reverse("admin:org_unit_add"),
            {
                "name": "Phường Sai",
                "kind": UnitKind.objects.get(code="ward").pk,
                "parent": self.units["tp-nga-bay"].pk,
                "valid_from": "2025-08-01",
                **_empty_inlines(),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Thành phố Ngã Bảy")
        self.assertTrue(response.context["adminform"].form.non_field_errors())
        self.assertEqual(Unit.objects.count(), count)

    def test_moving_a_unit_in_the_admin_rewrites_the_subtree(self):
        """Changing the parent moves the children too; a cycle is refused."""
        centre = self.units["nga-bay-centre"]
        url = reverse("admin:org_unit_change", args=[centre.pk])
        data = {
            "name": centre.name,
            "short_name": centre.short_name,
            "kind": centre.kind_id,
            "parent": self.units["dai-thanh"].pk,
            "valid_from": "2025-07-01",
            **_empty_inlines(),
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        intake = Unit.objects.get(pk=self.units["nga-bay-intake"].pk)
        self.assertTrue(intake.path.startswith(self.units["dai-thanh"].path))
        data["parent"] = self.units["nga-bay-intake"].pk
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["adminform"].form.non_field_errors())

    def test_units_cannot_be_deleted(self):
        """Units end by date; the admin offers no deletion."""
        response = self.client.get(
            reverse("admin:org_unit_delete", args=[self.units["lai-hieu"].pk])
        )
        self.assertEqual(response.status_code, 403)


class ImportPageTests(AdminTestCase):
    def post(self, data: bytes, name: str = "danh-muc.csv", **fields):
        upload = SimpleUploadedFile(name, data, content_type="text/csv")
        return self.client.post(IMPORT_URL, {"file": upload, "valid_from": "2025-07-01", **fields})

    def test_page_shows_the_form(self):
        """The page has the file and date fields."""
        response = self.client.get(IMPORT_URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="file"')
        self.assertContains(response, 'name="valid_from"')

    def test_good_file_is_imported(self):
        """A good file is imported and the user returns to the list with a summary."""
        rows = [["Thành phố Hải Phòng", "31", "Phường Hồng Bàng", "11111", "Phường"]]
        response = self.post(csv_bytes(TWO_TIER_HEADER[:5], rows))
        self.assertRedirects(
            response, reverse("admin:org_unit_changelist"), fetch_redirect_response=False
        )
        self.assertEqual(Unit.objects.get(admin_code="11111").parent.name, "Thành phố Hải Phòng")

    def test_bad_file_lists_every_error_and_writes_nothing(self):
        """Each row error appears in the table; the database is unchanged."""
        rows = [
            ["Thành phố Hải Phòng", "31", "Phường A", "x1", "Phường"],
            ["Thành phố Hải Phòng", "31", "Phường B", "11112", "Khu phố"],
            ["Thành phố Hải Phòng", "31", "Phường Lạ", "31340", "Phường"],
        ]
        count, events = Unit.objects.count(), AuditEvent.objects.count()
        response = self.post(csv_bytes(TWO_TIER_HEADER[:5], rows))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["errors"]), 3)
        self.assertContains(response, "x1")
        self.assertContains(response, "Khu phố")
        self.assertContains(response, "Phường Ngã Bảy")  # the unit holding 31340
        self.assertContains(response, 'id="import-errors"')
        self.assertEqual((Unit.objects.count(), AuditEvent.objects.count()), (count, events))

    def test_dry_run_reports_without_writing(self):
        """“Check only” shows the counts and writes nothing."""
        rows = [["Thành phố Hải Phòng", "31", "Phường C", "11113", "Phường"]]
        count = Unit.objects.count()
        response = self.post(csv_bytes(TWO_TIER_HEADER[:5], rows), dry_run="on")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["summary"],
            "Chỉ kiểm tra, chưa ghi dữ liệu. Đã tạo 2, cập nhật 0, giữ nguyên 0 đơn vị.",
        )
        self.assertEqual(Unit.objects.count(), count)

    def test_staff_without_permission_is_refused(self):
        """Only users who may add and change units can import."""
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(IMPORT_URL).status_code, 403)


class RoleAdminTests(AdminTestCase):
    def test_user_page_has_the_role_assignments_inline(self):
        """The user admin shows the user's role assignments."""
        response = self.client.get(reverse("admin:auth_user_change", args=[self.staff.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "role_assignments-TOTAL_FORMS")

    def test_assignment_added_on_the_user_page_goes_through_the_service(self):
        """Saving the inline creates the assignment and its audit record."""
        url = reverse("admin:auth_user_change", args=[self.staff.pk])
        form = self.client.get(url).context["adminform"].form
        data = {
            name: value
            for name, value in form.initial.items()
            if name in {"username", "first_name", "last_name", "email", "is_active", "is_staff"}
            and value is not None
        }
        data.update(
            {
                "date_joined_0": "2026-01-01",
                "date_joined_1": "08:00:00",
                "role_assignments-TOTAL_FORMS": "1",
                "role_assignments-INITIAL_FORMS": "0",
                "role_assignments-MIN_NUM_FORMS": "0",
                "role_assignments-MAX_NUM_FORMS": "1000",
                "role_assignments-0-role": Role.objects.get(code="intake_officer").pk,
                "role_assignments-0-unit": self.units["nga-bay"].pk,
                "role_assignments-0-valid_from": "2025-07-01",
            }
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        assignment = RoleAssignment.objects.get(user=self.staff)
        self.assertEqual(assignment.valid_from, date(2025, 7, 1))
        self.assertTrue(
            AuditEvent.objects.filter(
                action="org.assignment.create", object_id=str(assignment.pk)
            ).exists()
        )

    def test_assignment_admin_refuses_a_duplicate(self):
        """A second identical assignment is refused on the form."""
        role = Role.objects.get(code="case_handler")
        data = {"user": self.staff.pk, "role": role.pk, "unit": self.units["so-tu-phap"].pk}
        url = reverse("admin:org_roleassignment_add")
        self.assertEqual(self.client.post(url, data).status_code, 302)
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(RoleAssignment.objects.filter(user=self.staff).count(), 1)


def _empty_inlines() -> dict[str, str]:
    data = {}
    for prefix in ("predecessor_links", "successor_links"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


class CodedAdminTests(AdminTestCase):
    def test_kinds_and_roles_are_created_and_changed_through_the_services(self):
        """The code is given once, then read only; each save leaves one audit record."""
        self.client.post(
            reverse("admin:org_role_add"),
            {"code": "archivist", "name": "Lưu trữ viên", "description": "", "order": 9},
        )
        role = Role.objects.get(code="archivist")
        self.client.post(
            reverse("admin:org_role_change", args=[role.pk]),
            {"code": "changed", "name": "Lưu trữ", "description": "", "order": 9},
        )
        role.refresh_from_db()
        self.assertEqual((role.code, role.name), ("archivist", "Lưu trữ"))
        self.client.post(
            reverse("admin:org_unitkind_add"),
            {"code": "hamlet", "name": "Thôn", "tier": "commune", "gso_levels": "", "order": 99},
        )
        self.assertEqual(UnitKind.objects.get(code="hamlet").name, "Thôn")
        self.assertEqual(
            list(
                AuditEvent.objects.filter(action__startswith="org.role.")
                .order_by("pk")
                .values_list("action", "data")
            )
            + list(
                AuditEvent.objects.filter(action="org.unit_kind.create").values_list(
                    "action", "data"
                )
            ),
            [
                ("org.role.create", {"code": "archivist", "name": "Lưu trữ viên"}),
                ("org.role.update", {"changes": {"name": ["Lưu trữ viên", "Lưu trữ"]}}),
                ("org.unit_kind.create", {"code": "hamlet", "name": "Thôn"}),
            ],
        )
        delete = reverse("admin:org_role_delete", args=[role.pk])
        self.assertEqual(self.client.get(delete).status_code, 403)


class SecondFactorResetAdminTests(AdminTestCase):
    """django-otp's English, unaudited device admin is replaced by an audited user action."""

    def test_the_device_admin_is_gone(self):
        self.assertEqual(self.client.get("/admin/otp_totp/totpdevice/").status_code, 404)
        self.assertNotContains(self.client.get("/admin/"), "TOTP")

    def test_the_user_action_removes_the_devices_and_audits_it(self):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from motcua.org import accounts

        accounts.second_factor_provision(actor=ACTOR, user=self.staff)
        before = AuditEvent.objects.filter(action="account.second_factor_reset").count()
        response = self.client.post(
            reverse("admin:auth_user_changelist"),
            {"action": "reset_second_factor", "_selected_action": [self.staff.pk, self.admin.pk]},
            follow=True,
        )
        self.assertContains(response, "Đã đặt lại xác thực hai bước cho: canbo.")
        self.assertFalse(TOTPDevice.objects.filter(user=self.staff).exists())
        event = AuditEvent.objects.filter(action="account.second_factor_reset").get()
        self.assertEqual(
            (before, event.stream, event.actor_id), (0, f"auth.user:{self.staff.pk}", self.admin.pk)
        )
        again = self.client.post(
            reverse("admin:auth_user_changelist"),
            {"action": "reset_second_factor", "_selected_action": [self.staff.pk]},
            follow=True,
        )
        self.assertContains(again, "Không người dùng nào đã chọn có xác thực hai bước.")
        self.assertEqual(AuditEvent.objects.filter(action="account.second_factor_reset").count(), 1)
