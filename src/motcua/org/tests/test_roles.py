"""Roles: the shipped codes, assignments and scoping to a subtree."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import TestCase

from motcua.core.errors import ApplicationError
from motcua.core.models import AuditEvent
from motcua.org.codes import RoleCode, UnitKindCode
from motcua.org.demo import load_demo_units
from motcua.org.models import Role, RoleAssignment, Unit, UnitKind
from motcua.org.selectors import user_has_role, user_scope_q, user_units_for_role
from motcua.org.services import (
    role_assignment_create,
    role_assignment_delete,
    role_assignment_update,
)
from motcua.org.tests.helpers import ACTOR

TODAY = date(2026, 11, 26)


class ReferenceDataTests(TestCase):
    def test_every_kind_and_role_code_is_shipped(self):
        """The data migration creates every code of the contract, in Vietnamese."""
        self.assertEqual(
            set(UnitKind.objects.values_list("code", flat=True)), {c.value for c in UnitKindCode}
        )
        self.assertEqual(
            set(Role.objects.values_list("code", flat=True)), {c.value for c in RoleCode}
        )
        self.assertEqual(
            UnitKind.objects.get(code="central_city").gso_level_values(), ["Thành phố Trung ương"]
        )
        self.assertEqual(
            UnitKind.objects.get(code="district_city").gso_level_values(), ["Thành phố"]
        )
        self.assertTrue(UnitKind.objects.get(code="township").is_historical)
        self.assertFalse(UnitKind.objects.get(code="ward").is_historical)
        self.assertEqual(Role.objects.get(code="intake_officer").name, "Cán bộ tiếp nhận (một cửa)")


class RoleScopeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = load_demo_units(ACTOR)
        users = get_user_model().objects
        cls.officer = users.create_user("canbo.ngabay", password="x")
        cls.director = users.create_user("giamdoc", password="x")
        cls.former = users.create_user("nghihuu", password="x")
        cls.intake = Role.objects.get(code=RoleCode.INTAKE_OFFICER)
        cls.director_role = Role.objects.get(code=RoleCode.CENTRE_DIRECTOR)
        role_assignment_create(
            actor=ACTOR, user=cls.officer, role=cls.intake, unit=cls.units["nga-bay"]
        )
        role_assignment_create(
            actor=ACTOR, user=cls.director, role=cls.director_role, unit=cls.units["can-tho"]
        )
        role_assignment_create(
            actor=ACTOR,
            user=cls.former,
            role=cls.intake,
            unit=cls.units["dai-thanh"],
            valid_from=date(2025, 7, 1),
            valid_to=date(2026, 1, 1),
        )

    def test_a_role_covers_the_unit_and_everything_below(self):
        """An intake officer of phường Ngã Bảy acts at its centre and desk, not elsewhere."""
        u = self.units
        for slug in ("nga-bay", "nga-bay-centre", "nga-bay-intake"):
            with self.subTest(unit=slug):
                self.assertIs(
                    user_has_role(self.officer, "intake_officer", u[slug], on=TODAY), True
                )
        for slug in ("can-tho", "dai-thanh", "dai-thanh-intake", "ninh-kieu-centre", "lai-hieu"):
            with self.subTest(unit=slug):
                self.assertIs(
                    user_has_role(self.officer, "intake_officer", u[slug], on=TODAY), False
                )
        self.assertIs(user_has_role(self.officer, "case_handler", u["nga-bay"], on=TODAY), False)

    def test_a_role_on_the_city_covers_every_ward(self):
        """A role on Cần Thơ reaches every unit below it, in one query."""
        with self.assertNumQueries(1):
            allowed = user_has_role(
                self.director, "centre_director", self.units["nga-bay-intake"], on=TODAY
            )
        self.assertIs(allowed, True)
        self.assertIs(
            user_has_role(self.director, "centre_director", self.units["hau-giang"], on=TODAY),
            False,
        )

    def test_assignment_validity_counts(self):
        """An assignment outside its dates grants nothing."""
        unit = self.units["dai-thanh-intake"]
        self.assertIs(user_has_role(self.former, "intake_officer", unit, on=date(2025, 9, 1)), True)
        self.assertIs(user_has_role(self.former, "intake_officer", unit, on=TODAY), False)
        self.assertIs(
            user_has_role(self.former, "intake_officer", unit, on=date(2025, 6, 30)), False
        )

    def test_inactive_and_anonymous_users_hold_no_role(self):
        """No query is needed to refuse them."""
        self.assertIs(
            user_has_role(AnonymousUser(), "intake_officer", self.units["nga-bay"]), False
        )
        get_user_model().objects.filter(pk=self.officer.pk).update(is_active=False)
        self.officer.refresh_from_db()
        self.assertIs(
            user_has_role(self.officer, "intake_officer", self.units["nga-bay"], on=TODAY), False
        )

    def test_units_and_scope_for_a_role(self):
        """The assigned units, and a filter keeping rows inside their subtrees."""
        self.assertEqual(
            list(user_units_for_role(self.officer, "intake_officer", on=TODAY)),
            [self.units["nga-bay"]],
        )
        self.assertEqual(list(user_units_for_role(self.former, "intake_officer", on=TODAY)), [])
        scoped = Unit.objects.filter(
            user_scope_q(self.officer, "intake_officer", field="", on=TODAY)
        )
        self.assertEqual(
            set(scoped.values_list("pk", flat=True)),
            {self.units[s].pk for s in ("nga-bay", "nga-bay-centre", "nga-bay-intake")},
        )
        by_unit = RoleAssignment.objects.filter(
            user_scope_q(self.officer, "intake_officer", on=TODAY)
        )
        self.assertEqual(set(by_unit.values_list("unit__name", flat=True)), {"Phường Ngã Bảy"})
        self.assertEqual(
            RoleAssignment.objects.filter(user_scope_q(self.officer, "judge", on=TODAY)).count(), 0
        )


class RoleAssignmentServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = load_demo_units(ACTOR)
        cls.user = get_user_model().objects.create_user("canbo", password="x")
        cls.role = Role.objects.get(code=RoleCode.CASE_HANDLER)

    def test_duplicate_assignment_is_refused(self):
        """The same role on the same unit twice is refused with a clear message."""
        role_assignment_create(
            actor=ACTOR, user=self.user, role=self.role, unit=self.units["so-tu-phap"]
        )
        with self.assertRaises(ApplicationError) as caught:
            role_assignment_create(
                actor=ACTOR, user=self.user, role=self.role, unit=self.units["so-tu-phap"]
            )
        self.assertEqual(caught.exception.code, "assignment_exists")
        self.assertEqual(RoleAssignment.objects.count(), 1)

    def test_assignment_on_a_unit_that_no_longer_exists_is_refused(self):
        """An assignment must overlap the unit's life."""
        with self.assertRaises(ApplicationError) as caught:
            role_assignment_create(
                actor=ACTOR,
                user=self.user,
                role=self.role,
                unit=self.units["lai-hieu"],
                valid_from=date(2025, 8, 1),
            )
        self.assertEqual(caught.exception.code, "assignment_outside_unit")
        with self.assertRaises(ApplicationError) as caught:
            role_assignment_create(
                actor=ACTOR,
                user=self.user,
                role=self.role,
                unit=self.units["so-tu-phap"],
                valid_from=date(2026, 1, 1),
                valid_to=date(2025, 1, 1),
            )
        self.assertEqual(caught.exception.code, "invalid_interval")

    def test_update_and_delete_are_audited(self):
        """Each change writes one audit record on the assignment's chain."""
        assignment = role_assignment_create(
            actor=ACTOR, user=self.user, role=self.role, unit=self.units["so-tu-phap"]
        )
        role_assignment_update(
            actor=ACTOR, assignment=assignment, data={"valid_to": date(2027, 1, 1)}
        )
        role_assignment_delete(actor=ACTOR, assignment=assignment)
        actions = list(
            AuditEvent.objects.filter(
                object_type="org.roleassignment", object_id=str(assignment.pk)
            )
            .order_by("seq")
            .values_list("action", flat=True)
        )
        self.assertEqual(
            actions, ["org.assignment.create", "org.assignment.update", "org.assignment.delete"]
        )
