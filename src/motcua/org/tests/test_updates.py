"""The update services share one change loop: what each writes in its audit record."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.test import TestCase

from motcua.core.models import AuditEvent
from motcua.org.models import Role, UnitKind
from motcua.org.services import (
    role_assignment_create,
    role_assignment_update,
    role_update,
    unit_kind_update,
    unit_succession_create,
    unit_succession_update,
    unit_update,
)
from motcua.org.tests.helpers import ACTOR, kind, make_unit


def last_changes(obj: object) -> tuple[str, dict]:
    """Return the action and changes of the last update record of ``obj``."""
    event = (
        AuditEvent.objects.filter(object_id=str(obj.pk), action__endswith=".update")
        .order_by("-seq")
        .first()
    )
    return event.action, event.data["changes"]


class UpdateAuditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city = make_unit("Thành phố Cần Thơ", "central_city")
        cls.other = make_unit("Tỉnh Hậu Giang", "province", valid_to=date(2025, 7, 1))
        cls.ward = make_unit("Phường Ngã Bảy", "ward", cls.city, valid_from=date(2025, 7, 1))

    def test_a_unit_records_its_relations_by_id_or_code_and_days_in_iso_form(self):
        moved = unit_update(
            actor=ACTOR,
            unit=self.ward,
            data={
                "kind": kind("commune"),
                "parent": self.other,
                "valid_to": date(2025, 7, 1),
                "valid_from": date(2025, 1, 1),
                "name": "Xa\u0303 Ngã Bảy ",
                "short_name": "",
            },
        )
        self.assertEqual(
            last_changes(self.ward),
            (
                "org.unit.update",
                {
                    "kind": ["ward", "commune"],
                    "parent": [self.city.pk, self.other.pk],
                    "valid_to": [None, "2025-07-01"],
                    "valid_from": ["2025-07-01", "2025-01-01"],
                    "name": ["Phường Ngã Bảy", "Xã Ngã Bảy"],
                },
            ),
        )
        self.assertEqual(moved.path, f"{self.other.path}{self.ward.pk}/")

    def test_a_succession_records_its_day_in_iso_form(self):
        successor = make_unit("Thành phố Cần Thơ mới", "central_city", valid_from=date(2025, 1, 1))
        link = unit_succession_create(
            actor=ACTOR, predecessor=self.other, successor=successor, effective_on=date(2025, 7, 1)
        )
        unit_succession_update(
            actor=ACTOR,
            succession=link,
            data={
                "effective_on": date(2025, 6, 1),
                "legal_basis": " NQ 1668 ",
                "carries_statistics": True,
            },
        )
        self.assertEqual(
            last_changes(link),
            (
                "org.succession.update",
                {"effective_on": ["2025-07-01", "2025-06-01"], "legal_basis": ["", "NQ 1668"]},
            ),
        )

    def test_kinds_and_roles_record_plain_values(self):
        role = Role.objects.get(code="case_handler")
        role_update(actor=ACTOR, role=role, data={"name": "Chuyên viên", "order": 99})
        self.assertEqual(
            last_changes(role),
            ("org.role.update", {"name": [role.name, "Chuyên viên"], "order": [role.order, 99]}),
        )
        ward = UnitKind.objects.get(code="ward")
        unit_kind_update(
            actor=ACTOR, kind=ward, data={"gso_levels": "Phường mới", "order": ward.order}
        )
        self.assertEqual(
            last_changes(ward),
            ("org.unit_kind.update", {"gso_levels": [ward.gso_levels, "Phường mới"]}),
        )

    def test_an_assignment_records_role_and_unit_by_id(self):
        user = get_user_model().objects.create_user("canbo")
        handler, head = (
            Role.objects.get(code="case_handler"),
            Role.objects.get(code="division_head"),
        )
        assignment = role_assignment_create(actor=ACTOR, user=user, role=handler, unit=self.city)
        role_assignment_update(
            actor=ACTOR,
            assignment=assignment,
            data={"role": head, "unit": self.city, "position": " Trưởng phòng "},
        )
        self.assertEqual(
            last_changes(assignment),
            (
                "org.assignment.update",
                {"role": [handler.pk, head.pk], "position": ["", "Trưởng phòng"]},
            ),
        )
