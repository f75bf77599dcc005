"""Shared builders for catalogue tests."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

from motcua.catalog import services
from motcua.catalog.content import DocumentSpec, FeeSpec, StepSpec, VersionContent
from motcua.catalog.models import Field, Procedure
from motcua.org.models import Role

ROLE_NAMES = {
    "intake_officer": "Cán bộ một cửa",
    "case_handler": "Chuyên viên thụ lý",
    "division_head": "Lãnh đạo phòng",
    "agency_leader": "Lãnh đạo cơ quan",
    "commune_leader": "Lãnh đạo UBND xã",
}

ACTOR = "test"


def make_roles() -> dict[str, Role]:
    return {
        code: Role.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in ROLE_NAMES.items()
    }


def make_field(code: str = "civil-status", name: str = "Hộ tịch") -> Field:
    field = Field.objects.filter(code=code).first()
    return field or services.field_create(actor=ACTOR, code=code, name=name)


def content(**overrides: Any) -> VersionContent:
    """Return valid content: 3 working days, 4 steps filling 3 days, a fee, 2 documents."""
    base = VersionContent(
        name="Đăng ký khai sinh",
        field_code="civil-status",
        competent_level="commune",
        competent_agency="Ủy ban nhân dân cấp xã",
        time_limit_amount=3,
        time_limit_unit="working_days",
        online_level="full",
        result_type="both",
        supplement_policy="pause",
        legal_basis="Luật Hộ tịch 2014",
        documents=(
            DocumentSpec(order=1, name="Tờ khai đăng ký khai sinh", form="original"),
            DocumentSpec(
                order=2, name="Giấy chứng sinh", form="original", count=1, is_mandatory=True
            ),
        ),
        fees=(FeeSpec(order=1, name="Lệ phí đăng ký", amount=50000, kind="charge"),),
        steps=(
            StepSpec(
                order=1,
                name="Tiếp nhận",
                role_code="intake_officer",
                budget_amount=Decimal("0.5"),
                budget_unit="working_days",
            ),
            StepSpec(
                order=2,
                name="Thụ lý",
                role_code="case_handler",
                budget_amount=Decimal("1.5"),
                budget_unit="working_days",
            ),
            StepSpec(
                order=3,
                name="Ký duyệt",
                role_code="commune_leader",
                budget_amount=Decimal("4"),
                budget_unit="working_hours",
            ),
            StepSpec(
                order=4,
                name="Trả kết quả",
                role_code="intake_officer",
                budget_amount=Decimal("4"),
                budget_unit="working_hours",
            ),
        ),
    )
    return dataclasses.replace(base, **overrides)


def make_procedure(
    code: str = "1.001193",
    *,
    effective_from: date = date(2025, 7, 1),
    is_illustrative: bool = False,
    **overrides: Any,
) -> Procedure:
    make_roles()
    make_field()
    return services.procedure_create(
        actor=ACTOR,
        code=code,
        effective_from=effective_from,
        content=content(**overrides),
        is_illustrative=is_illustrative,
    )
