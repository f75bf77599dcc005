"""Offices open to the public: contact details as data, found for a desk, listed by tier."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from motcua.core import clock
from motcua.core.models import AuditEvent
from motcua.org.demo import load_demo_units
from motcua.org.models import Unit, UnitTier
from motcua.org.selectors import office_for_unit, office_list, offices_for_tier
from motcua.org.tests.helpers import ACTOR
from motcua.org.tests.test_admin import _empty_inlines

TODAY = date(2026, 3, 2)
VN = ZoneInfo("Asia/Ho_Chi_Minh")


class OfficeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = load_demo_units(ACTOR)

    def setUp(self):
        self.enterContext(clock.frozen(datetime(2026, 3, 2, 9, 0, tzinfo=VN)))

    def test_the_demo_offices_carry_their_contact_details(self):
        centre = Unit.objects.get(pk=self.units["nga-bay-centre"].pk)
        self.assertTrue(centre.serves_public)
        self.assertEqual(
            centre.address, "Số 1 Hùng Vương, khu vực 1, phường Ngã Bảy, thành phố Cần Thơ"
        )
        self.assertEqual(centre.phone, "0293 3 866 240")
        self.assertEqual(centre.email, "motcua.ngabay@cantho.example.invalid")
        self.assertIn("Thứ Hai đến thứ Sáu", centre.opening_hours)
        self.assertTrue(centre.map_url.startswith("https://www.openstreetmap.org/search?query="))
        self.assertEqual(Unit.objects.get(pk=self.units["can-tho-centre"].pk).hotline, "1900 0000")

    def test_a_desk_without_details_uses_the_office_above_it(self):
        """An intake point is served by its centre; a ward office by nothing above it."""
        intake = self.units["nga-bay-intake"]
        self.assertEqual(office_for_unit(intake.pk), self.units["nga-bay-centre"])
        self.assertEqual(
            office_for_unit(self.units["nga-bay-centre"].pk), self.units["nga-bay-centre"]
        )
        self.assertIsNone(office_for_unit(self.units["nga-bay"].pk))
        self.assertIsNone(office_for_unit(999_999))

    def test_offices_by_tier_follow_the_competent_level(self):
        commune = [u.name for u in offices_for_tier(UnitTier.COMMUNE, on=TODAY)]
        province = [u.name for u in offices_for_tier(UnitTier.PROVINCE, on=TODAY)]
        self.assertEqual(
            sorted(commune),
            [
                "Trung tâm Phục vụ hành chính công phường Ngã Bảy",
                "Trung tâm Phục vụ hành chính công phường Ninh Kiều",
                "Trung tâm Phục vụ hành chính công phường Đại Thành",
            ],
        )
        self.assertEqual(province, ["Trung tâm Phục vụ hành chính công thành phố Cần Thơ"])
        self.assertEqual(len(office_list(on=TODAY)), 4)
        self.assertEqual(office_list(on=date(2025, 6, 30)), [])  # before the reorganisation


class OfficeAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = load_demo_units(ACTOR)
        cls.admin = get_user_model().objects.create_superuser("quantri", "q@example.vn", "x")

    def setUp(self):
        self.client.force_login(self.admin)

    def post(self, unit: Unit, **changes: str):
        unit = Unit.objects.get(pk=unit.pk)
        data = {
            "name": unit.name,
            "short_name": unit.short_name,
            "kind": unit.kind_id,
            "parent": unit.parent_id or "",
            "admin_code": unit.admin_code,
            "agency_code": unit.agency_code,
            "valid_from": unit.valid_from.isoformat() if unit.valid_from else "",
            "valid_to": "",
            "address": unit.address,
            "phone": unit.phone,
            "place_name": unit.place_name,
            "serves_public": "on" if unit.serves_public else "",
            "opening_hours": unit.opening_hours,
            "hotline": unit.hotline,
            "email": unit.email,
            "map_url": unit.map_url,
            **_empty_inlines(),
            **changes,
        }
        return self.client.post(reverse("admin:org_unit_change", args=[unit.pk]), data)

    def test_an_administrator_edits_the_contact_details(self):
        """The change goes through the service: one audit record with old and new values."""
        intake = self.units["nga-bay-intake"]
        response = self.post(
            intake,
            serves_public="on",
            address="Số 5 Trần Hưng Đạo, phường Ngã Bảy",
            opening_hours="Thứ Hai đến thứ Sáu: 7 giờ 00 – 17 giờ 00",
            hotline="0293 1234 567",
            email="diemso1@cantho.example.invalid",
            map_url="openstreetmap.org/?mlat=9.8&mlon=105.8",
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        intake.refresh_from_db()
        self.assertEqual(
            (intake.serves_public, intake.hotline, intake.map_url),
            (True, "0293 1234 567", "https://openstreetmap.org/?mlat=9.8&mlon=105.8"),
        )
        self.assertEqual(office_for_unit(intake.pk), intake)  # the process cache was dropped
        event = (
            AuditEvent.objects.filter(object_type="org.unit", object_id=str(intake.pk))
            .order_by("-id")
            .first()
        )
        assert event is not None
        self.assertEqual(event.action, "org.unit.update")
        self.assertEqual(event.data["changes"]["hotline"], ["", "0293 1234 567"])

    def test_a_bad_e_mail_or_link_is_refused_and_nothing_changes(self):
        intake = self.units["nga-bay-intake"]
        response = self.post(intake, email="not-an-address", map_url="javascript:alert(1)")
        self.assertEqual(response.status_code, 200)
        errors = response.context["adminform"].form.errors
        self.assertEqual(sorted(errors), ["email", "map_url"])
        intake.refresh_from_db()
        self.assertEqual((intake.email, intake.map_url), ("", ""))


class DemoUpgradeTests(TestCase):
    def test_an_older_demo_database_gets_the_contact_details_once(self):
        units = load_demo_units(ACTOR)
        centre = units["nga-bay-centre"]
        Unit.objects.filter(pk=centre.pk).update(serves_public=False, address="", phone="")
        load_demo_units(ACTOR)
        centre.refresh_from_db()
        self.assertEqual((centre.serves_public, centre.phone), (True, "0293 3 866 240"))
        count = AuditEvent.objects.count()
        load_demo_units(ACTOR)
        self.assertEqual(AuditEvent.objects.count(), count)
