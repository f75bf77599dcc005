"""Where a unit sits (the place before the date on its documents) and the position leaders sign with."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from motcua.core.models import AuditEvent
from motcua.org.demo import load_demo_units
from motcua.org.models import Role, RoleAssignment, Unit
from motcua.org.selectors import place_of_administrative_unit, signing_position, unit_place_name
from motcua.org.services import role_assignment_create, unit_update
from motcua.org.tests.helpers import ACTOR, make_unit


class PlaceNameTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = load_demo_units(ACTOR)

    def test_an_administrative_unit_is_named_without_its_kind(self):
        """NĐ 30/2020, Phụ lục I: "Ngã Bảy, ngày …"; a unit named by a number keeps its kind."""
        self.assertEqual(place_of_administrative_unit("Phường Ngã Bảy"), "Ngã Bảy")
        self.assertEqual(place_of_administrative_unit("Xã Phong Điền"), "Phong Điền")
        self.assertEqual(place_of_administrative_unit("Thành phố Cần Thơ"), "Cần Thơ")
        self.assertEqual(place_of_administrative_unit("Tỉnh Hậu Giang"), "Hậu Giang")
        self.assertEqual(place_of_administrative_unit("Đặc khu Phú Quốc"), "Phú Quốc")
        self.assertEqual(place_of_administrative_unit("Phường 3"), "Phường 3")

    def test_a_body_sits_where_its_nearest_administrative_unit_is(self):
        """The ward's centre and intake point sit in Ngã Bảy; a city department in Cần Thơ."""
        expected = {
            "nga-bay": "Ngã Bảy",
            "nga-bay-centre": "Ngã Bảy",
            "nga-bay-intake": "Ngã Bảy",
            "dai-thanh-centre": "Đại Thành",
            "so-tu-phap": "Cần Thơ",
            "thue-co-so": "Cần Thơ",
            "can-tho": "Cần Thơ",
            "tp-nga-bay": "Ngã Bảy",
        }
        for slug, place in expected.items():
            with self.subTest(slug=slug):
                unit = Unit.objects.select_related("kind").get(pk=self.units[slug].pk)
                self.assertEqual(unit_place_name(unit), place)

    def test_the_place_is_derived_when_the_field_is_empty(self):
        since = {"valid_from": date(2025, 7, 1)}
        ward = make_unit(
            "Phường Tân An", "ward", self.units["can-tho"], admin_code="31399", **since
        )
        centre = make_unit(
            "Trung tâm Phục vụ hành chính công phường Tân An", "service_centre", ward, **since
        )
        self.assertEqual(centre.place_name, "")
        self.assertEqual(unit_place_name(centre), "Tân An")

    def test_a_place_name_set_on_the_unit_wins(self):
        """A provincial agency seated in a ward prints that ward's name, once recorded."""
        tax = unit_update(
            actor=ACTOR, unit=self.units["thue-co-so"], data={"place_name": "Ngã Bảy"}
        )
        self.assertEqual(unit_place_name(tax), "Ngã Bảy")
        event = AuditEvent.objects.filter(action="org.unit.update", object_id=str(tax.pk)).get()
        self.assertEqual(event.data["changes"]["place_name"], ["", "Ngã Bảy"])

    def test_the_demo_units_carry_their_place_names(self):
        self.assertEqual(Unit.objects.get(pk=self.units["nga-bay"].pk).place_name, "Ngã Bảy")
        self.assertEqual(Unit.objects.get(pk=self.units["can-tho"].pk).place_name, "Cần Thơ")


class SigningPositionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = load_demo_units(ACTOR)
        cls.roles = {role.code: role for role in Role.objects.all()}
        cls.user = get_user_model().objects.create_user("lanhdao", password="x")

    def test_the_position_of_the_assignment_nearest_the_unit(self):
        role_assignment_create(
            actor=ACTOR,
            user=self.user,
            role=self.roles["commune_leader"],
            unit=self.units["nga-bay"],
            position="Phó Chủ tịch",
        )
        centre = self.units["nga-bay-centre"]
        self.assertEqual(signing_position(self.user, ["commune_leader"], centre), "Phó Chủ tịch")
        self.assertEqual(signing_position(self.user, ["agency_leader"], centre), "")
        self.assertEqual(signing_position(None, ["commune_leader"], centre), "")

    def test_without_a_position_the_role_name(self):
        role_assignment_create(
            actor=ACTOR,
            user=self.user,
            role=self.roles["commune_leader"],
            unit=self.units["nga-bay"],
        )
        self.assertEqual(
            signing_position(self.user, ["commune_leader"], self.units["nga-bay"]),
            self.roles["commune_leader"].name,
        )

    def test_an_ended_assignment_does_not_sign(self):
        role_assignment_create(
            actor=ACTOR,
            user=self.user,
            role=self.roles["commune_leader"],
            unit=self.units["nga-bay"],
            valid_to=date(2026, 1, 1),
            position="Chủ tịch",
        )
        unit = self.units["nga-bay"]
        self.assertEqual(
            signing_position(self.user, ["commune_leader"], unit, on=date(2025, 12, 31)), "Chủ tịch"
        )
        self.assertEqual(
            signing_position(self.user, ["commune_leader"], unit, on=date(2026, 1, 2)), ""
        )


class AdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = load_demo_units(ACTOR)
        users = get_user_model().objects
        cls.admin = users.create_superuser("quantri", "quantri@example.vn", "x")
        cls.leader = users.create_user("lanhdao", password="x")

    def setUp(self):
        self.client.force_login(self.admin)

    def test_the_place_name_is_edited_in_the_unit_admin(self):
        tax = self.units["thue-co-so"]
        url = reverse("admin:org_unit_change", args=[tax.pk])
        self.assertContains(self.client.get(url), 'name="place_name"')
        data = {
            "name": tax.name,
            "short_name": tax.short_name,
            "kind": tax.kind_id,
            "parent": self.units["can-tho"].pk,
            "agency_code": tax.agency_code,
            "valid_from": "2025-07-01",
            "place_name": "Ngã Bảy",
        }
        for prefix in ("predecessor_links", "successor_links"):
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        self.assertEqual(Unit.objects.get(pk=tax.pk).place_name, "Ngã Bảy")
        self.assertTrue(
            AuditEvent.objects.filter(action="org.unit.update", object_id=str(tax.pk)).exists()
        )

    def test_the_position_is_edited_with_the_assignment(self):
        role = Role.objects.get(code="commune_leader")
        url = reverse("admin:org_roleassignment_add")
        data = {
            "user": self.leader.pk,
            "role": role.pk,
            "unit": self.units["nga-bay"].pk,
            "position": "Phó Chủ tịch",
        }
        self.assertEqual(self.client.post(url, data).status_code, 302)
        assignment = RoleAssignment.objects.get(user=self.leader)
        self.assertEqual(assignment.position, "Phó Chủ tịch")
        event = AuditEvent.objects.get(action="org.assignment.create", object_id=str(assignment.pk))
        self.assertEqual(event.data["position"], "Phó Chủ tịch")
