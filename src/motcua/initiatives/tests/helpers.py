"""A small province for the initiatives tests: a city, wards, an officer, procedures."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model

from motcua.catalog.models import Procedure
from motcua.org.models import Role, Unit, UnitKind
from motcua.org.services import role_assignment_create, unit_create

ACTOR = "tests"
SINCE = date(2025, 7, 1)


class Province:
    """The units and people the initiatives tests share (built in setUpTestData)."""

    def __init__(self, wards: int = 3) -> None:
        kinds = {kind.code: kind for kind in UnitKind.objects.all()}
        self.city = unit_create(
            actor=ACTOR, name="Thành phố Cần Thơ", kind=kinds["central_city"], valid_from=SINCE
        )
        self.wards: list[Unit] = [
            unit_create(
                actor=ACTOR,
                name=f"Phường Số {i + 1}",
                kind=kinds["ward"],
                parent=self.city,
                valid_from=SINCE,
            )
            for i in range(wards)
        ]
        self.procedure = Procedure.objects.create(code="2.000635")
        self.other_procedure = Procedure.objects.create(code="1.001193")
        self.officer = self.user("cchc", "reform_officer", self.city)
        self.ward_officer = self.user("cchc.phuong1", "reform_officer", self.wards[0])
        self.clerk = self.user("motcua", "intake_officer", self.city)

    def user(self, username: str, role: str, unit: Unit) -> Any:
        user = get_user_model().objects.create_user(
            username, password="x", email=f"{username}@example.invalid"
        )
        role_assignment_create(actor=ACTOR, user=user, role=Role.objects.get(code=role), unit=unit)
        return user
