"""The synthetic province's world: wards, service centres, staff and procedures.

Created through the services and found again by its codes (see the package docstring).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from motcua.catalog import services as catalog_services
from motcua.catalog.models import Field, Procedure, ProcedureVersion
from motcua.demo.calendars import load_demo_calendars
from motcua.demo.synthetic.catalogue import _content
from motcua.demo.synthetic.constants import (
    ACTOR,
    FIELD_CODE,
    PROVINCE_CODE,
    USERNAME_PREFIX,
    VALID_FROM,
)
from motcua.org.models import Role, RoleAssignment, Unit, UnitKind
from motcua.org.services import role_assignment_create, unit_create

# --- the world -----------------------------------------------------------------------------------


@dataclass
class Commune:
    """A synthetic ward with its service centre and staff."""

    unit: Unit
    centre: Unit
    intake: User
    handlers: list[User]
    leader: User
    director: User


@dataclass
class SyntheticWorld:
    province: Unit
    tax: Unit
    tax_officer: User
    communes: list[Commune]
    versions: list[ProcedureVersion]


def _kinds() -> dict[str, UnitKind]:
    return {kind.code: kind for kind in UnitKind.objects.all()}


def _unit(
    *, name: str, kind: UnitKind, parent: Unit | None, agency_code: str, admin_code: str = ""
) -> Unit:
    existing = Unit.objects.filter(agency_code=agency_code, valid_to__isnull=True).first()
    if existing is not None:
        return existing
    return unit_create(
        actor=ACTOR,
        name=name,
        kind=kind,
        parent=parent,
        admin_code=admin_code,
        agency_code=agency_code,
        valid_from=VALID_FROM,
    )


def _staff(username: str, full_name: str, role: Role, unit: Unit) -> User:
    users = get_user_model().objects
    user = users.filter(username=username).first()
    if user is None:
        family, _space, given = full_name.rpartition(" ")
        user = users.create_user(
            username=username,
            password=None,
            first_name=given,
            last_name=family,
            email=f"{username}@example.invalid",
        )
    if not RoleAssignment.objects.filter(user=user, role=role, unit=unit).exists():
        role_assignment_create(actor=ACTOR, user=user, role=role, unit=unit)
    return user


def synthetic_world(*, units: int = 10, procedures: int = 10) -> SyntheticWorld:
    """Create (or find) the synthetic province with ``units`` wards and ``procedures`` procedures.

    Staff per ward: an intake officer at the centre, two case handlers and
    a commune leader at the ward, the centre's director; and one case
    handler at the province's tax office. Passwords are unusable: give a
    user an API token (``motcua api_token create``) to drive the API.
    """
    if not 1 <= units <= 999:
        raise ValueError("units must be between 1 and 999")
    if not 1 <= procedures <= 99_999:
        raise ValueError("procedures must be between 1 and 99999")
    load_demo_calendars("motcua seed synthetic")  # intake "now" needs this year confirmed
    kinds = _kinds()
    roles = {role.code: role for role in Role.objects.all()}
    with transaction.atomic():
        province = _unit(
            name="Tỉnh Tổng Hợp (dữ liệu thử)",
            kind=kinds["province"],
            parent=None,
            agency_code=PROVINCE_CODE,
        )
        tax = _unit(
            name="Thuế cơ sở Tổng Hợp",
            kind=kinds["vertical_agency"],
            parent=province,
            agency_code=f"{PROVINCE_CODE}.90",
        )
        tax_officer = _staff(f"{USERNAME_PREFIX}.thue", "Phạm Thu Thuế", roles["case_handler"], tax)
        communes: list[Commune] = []
        for i in range(1, units + 1):
            ward = _unit(
                name=f"Phường Tổng Hợp {i:03d}",
                kind=kinds["ward"],
                parent=province,
                agency_code=f"{PROVINCE_CODE}.{i}",
            )
            centre = _unit(
                name=f"Trung tâm Phục vụ hành chính công phường Tổng Hợp {i:03d}",
                kind=kinds["service_centre"],
                parent=ward,
                agency_code=f"{PROVINCE_CODE}.{i}.1",
            )
            prefix = f"{USERNAME_PREFIX}.{i:03d}"
            communes.append(
                Commune(
                    unit=ward,
                    centre=centre,
                    intake=_staff(
                        f"{prefix}.tiepnhan", "Nguyễn Thị Tiếp", roles["intake_officer"], centre
                    ),
                    handlers=[
                        _staff(
                            f"{prefix}.thuly{k}", f"Trần Văn Lý {k}", roles["case_handler"], ward
                        )
                        for k in (1, 2)
                    ],
                    leader=_staff(
                        f"{prefix}.lanhdao", "Lê Minh Đạo", roles["commune_leader"], ward
                    ),
                    director=_staff(
                        f"{prefix}.giamdoc", "Võ Thanh Đốc", roles["centre_director"], centre
                    ),
                )
            )
        if not Field.objects.filter(code=FIELD_CODE).exists():
            catalog_services.field_create(
                actor=ACTOR, code=FIELD_CODE, name="Thủ tục tổng hợp (dữ liệu thử)"
            )
        existing = set(
            Procedure.objects.filter(code__startswith="9.9").values_list("code", flat=True)
        )
        for i in range(procedures):
            code = f"9.9{i + 1:05d}"
            if code not in existing:
                catalog_services.procedure_create(
                    actor=ACTOR,
                    code=code,
                    effective_from=VALID_FROM,
                    content=_content(i),
                    is_illustrative=True,
                )
    versions = list(
        ProcedureVersion.objects.filter(
            procedure__code__in=[f"9.9{i + 1:05d}" for i in range(procedures)]
        )
        .select_related("procedure")
        .prefetch_related("documents", "fees")
        .order_by("procedure__code", "number")
    )
    return SyntheticWorld(province, tax, tax_officer, communes, versions)
