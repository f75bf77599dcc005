"""A synthetic province for benchmarks: ``motcua seed synthetic --dossiers N``.

The world — a province, ``units`` communes (wards) each with its public
service centre, a tax office, ``procedures`` procedures with workflow
steps and staff holding every dossier role — is created through the
services, so it is audited like any other configuration, and looked up by
its codes first: running the seed again reuses it unchanged.

Dossiers take the **bulk path**: the services would cost a transaction and
some twenty queries per state change, far too slow for a million rows.
Instead each dossier's life is *simulated* in memory by the same rules
and the same helpers the services use (``dossiers.services``: agency,
code pattern, step template, status of a step, timeliness; the unit's
working calendar for D0, due dates, step dues and pauses), and its rows
are written in bulk (``COPY`` on PostgreSQL, ``bulk_create`` elsewhere),
one transaction per batch: the dossier, its checklist documents,
its steps (the control slip), its pauses, one ``DossierEvent`` per state
change and one audit record per event, sealed by ``core.audit.audit_event``
and carrying its history row's digest — exactly the rows the
services would have written had the officers acted at those instants
(``tests/test_synthetic.py`` replays the events through the real services
and compares every field). The per-agency, per-day code sequences, the
desks' registers of counter refusals and the log book volumes (each dossier
takes its entry number when it is received, in the order it is simulated)
are advanced to match. Two things are not written: notifications (the worker
would e-mail thousands of synthetic applicants) and the alert markers of
the periodic job.

Dossiers are spread over the confirmed calendar years up to now, a fifth
of them in the last twenty working days so that every status is present:
refused at the counter, online submissions awaiting intake, refused or
withdrawn, received, in progress, with a coordinating agency, awaiting a
supplement (resumed, or closed when it never came and its procedure has a supplement
window, or still waiting when it has none), awaiting signature,
result ready, returned (early, on time or late), stopped.

Speed on the 2-core reference machine: about 850 dossiers/s on PostgreSQL
(20,000 in 24 s, with some 18 rows each), about 550/s on SQLite; the
services manage about 30 intakes/s, before any later step.

Idempotence: the world is found by its codes; dossiers are topped up to
``N`` for the synthetic province (a second run with the same ``N`` adds
nothing, a larger ``N`` adds the difference). ``--seed`` fixes the random
draws; the dates still run up to the moment of the seed (``now``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog import services as catalog_services
from motcua.catalog.content import DocumentSpec, FeeSpec, StepSpec, VersionContent
from motcua.catalog.models import Field, Procedure, ProcedureVersion
from motcua.catalog.selectors import StepPlan, procedure_intake_plan
from motcua.core.audit import audit_event
from motcua.core.models import AuditEvent
from motcua.demo.calendars import load_demo_calendars
from motcua.dossiers import kernel
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import (
    ApplicantKind,
    Channel,
    CounterSlip,
    Decision,
    DossierStatus,
    PauseKind,
    PausePolicy,
    ReturnMethod,
)
from motcua.dossiers.models import (
    Apology,
    CounterSlipSequence,
    Dossier,
    DossierCodeSequence,
    DossierDocument,
    DossierEvent,
    DossierStep,
    Logbook,
    Pause,
)
from motcua.dossiers.search import dossier_search_text
from motcua.dossiers.workflow import LEADER_ROLES, SIGNING_ROLES
from motcua.org.models import Role, RoleAssignment, Unit, UnitKind
from motcua.org.selectors import signing_position
from motcua.org.services import role_assignment_create, unit_create
from motcua.workdays.core import CalendarMissingError, WorkCalendar
from motcua.workdays.loader import calendar_for_unit, national_calendar

ACTOR = "motcua seed synthetic"
PROVINCE_CODE = "Y99"
"""Agency code of the synthetic province; no real province uses the letter Y."""
FIELD_CODE = "synthetic"
VALID_FROM = date(2025, 1, 1)
USERNAME_PREFIX = "syn"

# --- the world -----------------------------------------------------------------------------------


@dataclass
class Commune:
    """A synthetic ward with its service centre and staff."""

    unit: Unit
    centre: Unit
    intake: Any
    handlers: list[Any]
    leader: Any
    director: Any


@dataclass
class SyntheticWorld:
    province: Unit
    tax: Unit
    tax_officer: Any
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


def _staff(username: str, full_name: str, role: Role, unit: Unit) -> Any:
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


PROCEDURE_NAMES = [
    "Đăng ký khai sinh",
    "Đăng ký kết hôn",
    "Chứng thực bản sao từ bản chính",
    "Đăng ký hộ kinh doanh",
    "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "Đăng ký khai tử",
    "Xác nhận tình trạng hôn nhân",
    "Trợ cấp xã hội hằng tháng",
    "Đăng ký thường trú",
    "Chuyển mục đích sử dụng đất",
    "Công nhận hộ nghèo, hộ cận nghèo",
    "Giải quyết khiếu nại lần đầu",
]
LIMITS = [(1, "working_days"), (3, "working_days"), (5, "working_days"), (8, "working_hours")]
LIMITS += [(7, "working_days"), (10, "working_days"), (15, "working_days")]


def _content(index: int) -> VersionContent:
    amount, unit = LIMITS[index % len(LIMITS)]
    inter_agency = index % 5 == 2
    name = f"{PROCEDURE_NAMES[index % len(PROCEDURE_NAMES)]} (tổng hợp {index + 1})"
    steps: tuple[StepSpec, ...]
    if unit == "working_hours" or amount < 3:
        steps = (
            StepSpec(1, "Tiếp nhận hồ sơ", "intake_officer", Decimal("1"), "working_hours"),
            StepSpec(2, "Thụ lý", "case_handler", Decimal("4"), "working_hours"),
            StepSpec(3, "Ký duyệt", "commune_leader", Decimal("2"), "working_hours"),
            StepSpec(4, "Trả kết quả", "intake_officer", Decimal("1"), "working_hours"),
        )
    else:
        handling = Decimal(amount) - Decimal("1.5") - (Decimal(1) if inter_agency else 0)
        middle: tuple[StepSpec, ...] = (
            StepSpec(
                2,
                "Thụ lý, thẩm định",
                "case_handler",
                max(handling, Decimal("0.5")),
                "working_days",
            ),
        )
        if inter_agency:
            middle += (
                StepSpec(
                    3,
                    "Xác nhận nghĩa vụ thuế",
                    "case_handler",
                    Decimal("1"),
                    "working_days",
                    agency_code=f"{PROVINCE_CODE}.90",
                    is_inter_agency=True,
                ),
            )
        last = len(middle) + 2
        steps = (
            StepSpec(1, "Tiếp nhận hồ sơ", "intake_officer", Decimal("0.5"), "working_days"),
            *middle,
            StepSpec(last, "Ký duyệt", "commune_leader", Decimal("0.5"), "working_days"),
            StepSpec(last + 1, "Trả kết quả", "intake_officer", Decimal("0.5"), "working_days"),
        )
    return VersionContent(
        name=name,
        field_code=FIELD_CODE,
        competent_level="commune",
        competent_agency="Ủy ban nhân dân cấp xã",
        time_limit_amount=amount,
        time_limit_unit=unit,
        online_level="full",
        result_type="both",
        supplement_policy="restart" if index % 4 == 1 else "pause",
        # 15 working days as in the interconnection decree; every third has none.
        supplement_window_days=None if index % 3 == 2 else 15,
        legal_basis="Dữ liệu tổng hợp cho đo hiệu năng",
        documents=(
            DocumentSpec(order=1, name="Tờ khai theo mẫu", form="original"),
            DocumentSpec(order=2, name="Giấy tờ chứng minh", form="certified_copy"),
            DocumentSpec(order=3, name="Ảnh chân dung 4x6", form="original", is_mandatory=False),
        ),
        fees=(FeeSpec(order=1, name="Lệ phí", amount=(index % 4) * 25000, kind="charge"),)
        if index % 4
        else (),
        steps=steps,
    )


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


# --- simulation ----------------------------------------------------------------------------------

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Thu", "Quốc", "Bảo", "Gia"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Linh", "Nam", "Ngọc", "Phúc", "Tâm"]
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Hùng Vương", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Tự Trọng"]


@dataclass(frozen=True)
class Mix:
    """How often each path of the lifecycle is taken (probabilities per dossier or step)."""

    refuse_at_counter: float = 0.03
    online: float = 0.15
    online_incomplete: float = 0.10
    withdraw: float = 0.03
    by_post: float = 0.10
    supplement: float = 0.08
    supplement_never: float = 0.15
    stop: float = 0.01
    payment: float = 0.0
    """Chance of a wait for financial obligations during the review (none by default, so the
    benchmark's province stays as it was)."""
    apology: float = 0.0
    """Chance that a leader apologises and sets a new date during the review (Mẫu 04; none
    by default, like ``payment``)."""
    late_step: float = 0.17
    claim: float = 0.3
    """Chance that a step left in its unit's queue is claimed before the work starts."""
    not_granted: float = 0.05
    return_by_post: float = 0.2
    recent: float = 0.2
    """Share of dossiers received in the last twenty working days."""


@dataclass
class _Sim:
    """One simulated dossier and the rows it will write."""

    dossier: Dossier
    version: ProcedureVersion
    commune: Commune
    documents: list[DossierDocument] = field(default_factory=list)
    steps: list[DossierStep] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)
    apologies: list[Apology] = field(default_factory=list)
    events: list[DossierEvent] = field(default_factory=list)
    audit: list[tuple[datetime, Any, str, dict[str, Any], DossierEvent]] = field(
        default_factory=list
    )


@dataclass
class SyntheticSummary:
    created: int = 0
    existing: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _iso_read(value: datetime | None) -> str | None:
    """Format a value the service has just read from the database, which gives UTC."""
    return value.astimezone(UTC).isoformat() if value else None


def _local_day(value: datetime) -> date:
    return timezone.localtime(value).date()


class _Simulator:
    """Apply the services' rules to in-memory rows (see the module docstring)."""

    def __init__(self, world: SyntheticWorld, rng: random.Random, now: datetime, mix: Mix) -> None:
        self.mix = mix
        self.world = world
        self.rng = rng
        self.now = now
        self.sequences: dict[tuple[int, date], int] = {}
        self.dirty: set[tuple[int, date]] = set()
        # Counter refusals are numbered per desk and year (dossiers.services).
        self.slips: dict[tuple[int, int], int] = dict(
            ((desk_id, year), last)
            for desk_id, year, last in CounterSlipSequence.objects.filter(
                kind=CounterSlip.REFUSAL
            ).values_list("desk_id", "year", "last_value")
        )
        self.assigned: tuple[int, date] | None = None
        agencies = {c.unit.pk for c in world.communes} | {c.centre.pk for c in world.communes}
        for agency_id, day, last in DossierCodeSequence.objects.filter(
            agency_id__in=agencies
        ).values_list("agency_id", "day", "last_value"):
            self.sequences[(agency_id, day)] = last
        # Log book volumes (desk, field, year) -> [volume id, last entry number].
        self.volumes: dict[tuple[int, int, int], list[int]] = {}
        self.dirty_volumes: set[tuple[int, int, int]] = set()
        for unit_id, field_id, year, pk, last in Logbook.objects.filter(
            unit_id__in=agencies
        ).values_list("unit_id", "field_id", "year", "id", "last_number"):
            self.volumes[(unit_id, field_id, year)] = [pk, last]
        self.template: dict[int, tuple[StepPlan, ...]] = {}
        self.intake_hand_over: dict[int, bool] = {}
        self.agency: dict[tuple[int, str], Unit] = {}
        self.stop_note = _("Stopped at the applicant's request")
        self.close_note = _("Closed: supplement not provided")
        self.positions: dict[tuple[int, int], str] = {}

    # helpers mirroring dossiers.services ------------------------------------------------------

    def calendar(self, unit: Unit) -> WorkCalendar:
        return calendar_for_unit(unit)

    def next_code(self, agency: Unit, at: datetime) -> str:
        day = _local_day(at)
        key = (agency.pk, day)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        self.dirty.add(key)
        self.assigned = key
        return dossier_services.dossier_code_for(agency, day, self.sequences[key])

    def event(
        self,
        sim: _Sim,
        *,
        at: datetime,
        actor: Any,
        action: str,
        from_status: str,
        note: str = "",
        step: DossierStep | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        d = sim.dossier
        user = actor if getattr(actor, "is_authenticated", False) else None
        history = DossierEvent(
            dossier=d,
            at=at,
            actor=user,
            action=action,
            from_status=from_status,
            to_status=d.status,
            step=step,
            note=note,
            data=data or {},
        )
        sim.events.append(history)
        payload = {"from": from_status, "to": d.status, "note": note, **(data or {})}
        sim.audit.append((at, actor, f"dossiers.{action}", payload, history))
        d.updated_at = at

    def record(self, sim: _Sim, *, at: datetime, actor: Any, change: kernel.Change) -> None:
        """Keep the history row and audit record of a kernel change (notices are not sent)."""
        self.event(
            sim,
            at=at,
            actor=actor,
            action=change.action,
            from_status=change.from_status,
            note=change.note,
            step=change.step,
            data=change.data,
        )

    def bump(self, sim: _Sim, at: datetime) -> None:
        sim.dossier.version += 1
        sim.dossier.updated_at = at

    def start_step(
        self, d: Dossier, step: DossierStep, *, at: datetime, giver: Any, handler: Any
    ) -> None:
        kernel.start_step(
            d, step, at=at, calendar=self.calendar(step.unit), giver=giver, handler=handler
        )

    def finish_step(self, step: DossierStep, *, at: datetime, actor: Any) -> None:
        kernel.finish_step(step, at=at, actor=actor)

    def steps_for(self, sim: _Sim) -> list[DossierStep]:
        version = sim.version
        if version.pk not in self.template:
            self.template[version.pk] = dossier_services.step_plan(procedure_intake_plan(version))
        d = sim.dossier
        return [
            DossierStep(
                dossier=d,
                order=spec.order,
                name=spec.name,
                role=spec.role,
                unit=spec.unit
                or (d.receiving_unit if spec.role.code == "intake_officer" else d.agency),
                is_inter_agency=spec.is_inter_agency,
                budget_seconds=spec.budget_seconds,
            )
            for spec in self.template[version.pk]
        ]

    # creation ---------------------------------------------------------------------------------

    def applicant(self) -> dict[str, str]:
        rng = self.rng
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        year = rng.randint(1950, 2006)
        century = "0" if year < 2000 else "2"
        id_number = (
            f"092{int(century) + rng.randint(0, 1)}{year % 100:02d}{rng.randint(0, 999999):06d}"
        )
        return {
            "applicant_kind": ApplicantKind.PERSON,
            "applicant_name": name,
            "applicant_id_number": id_number,
            "applicant_phone": f"09{rng.randint(0, 99_999_999):08d}",
            "applicant_email": f"nguoidan{rng.randint(1, 10**9)}@example.invalid"
            if rng.random() < 0.5
            else "",
            "applicant_address": f"Số {rng.randint(1, 300)} đường {rng.choice(STREETS)}",
            "representative_name": "",
            "representative_id_number": "",
            "representative_phone": "",
            "representative_address": "",
            "authorisation_document": "",
        }

    def new(
        self,
        commune: Commune,
        version: ProcedureVersion,
        *,
        status: str,
        channel: str,
        at: datetime,
        creator: Any,
        with_code: bool,
    ) -> _Sim:
        key = (commune.centre.pk, version.competent_level)
        if key not in self.agency:
            self.agency[key] = dossier_services.agency_for(commune.centre, version)
        agency = self.agency[key]
        d = Dossier(
            status=status,
            channel=channel,
            procedure=version.procedure,
            procedure_version=version,
            agency=agency,
            receiving_unit=commune.centre,
            created_by=creator if getattr(creator, "is_authenticated", False) else None,
            idempotency_key=None,
            fee_total=sum(fee.amount for fee in version.fees.all()),
            postal_address="",
            **self.applicant(),
        )
        d.created_at = at
        d.updated_at = at
        if with_code:
            d.code = self.next_code(agency, at)
        if channel == Channel.ONLINE:
            d.submitted_at = at
        d.search_text = dossier_search_text(
            code=d.code,
            applicant_name=d.applicant_name,
            applicant_id_number=d.applicant_id_number,
            applicant_phone=d.applicant_phone,
        )
        return _Sim(d, version, commune)

    def documents(self, sim: _Sim, provided: set[int]) -> None:
        sim.documents = [
            DossierDocument(
                dossier=sim.dossier,
                order=doc.order,
                required_document=doc,
                name=doc.name,
                form=doc.form,
                count=doc.count,
                is_mandatory=doc.is_mandatory,
                provided=doc.pk in provided,
            )
            for doc in sorted(sim.version.documents.all(), key=lambda doc: doc.order)
        ]

    def enter_logbook(self, d: Dossier, version: ProcedureVersion, at: datetime) -> None:
        """Give ``d`` the next entry of its log book volume (``logbook.logbook_enter``)."""
        key = (d.receiving_unit_id, version.field_id, timezone.localtime(at).year)
        entry = self.volumes.get(key)
        if entry is None:
            book, _created = Logbook.objects.get_or_create(
                unit_id=key[0], field_id=key[1], year=key[2]
            )
            entry = self.volumes[key] = [book.pk, book.last_number]
        entry[1] += 1
        self.dirty_volumes.add(key)
        d.logbook_id, d.logbook_number = entry[0], entry[1]

    def start_clock(self, sim: _Sim, *, at: datetime, actor: Any) -> None:
        d, version = sim.dossier, sim.version
        calendar = self.calendar(d.agency)
        d.received_at = at
        self.enter_logbook(d, version, at)
        d.d0 = calendar.d0(at)
        d.due_at = calendar.due(at, version.time_limit_amount, version.time_limit_unit)
        sim.steps = self.steps_for(sim)
        first = sim.steps[0]
        handler = actor if first.role.code == "intake_officer" else None
        self.start_step(d, first, at=at, giver=None, handler=handler)

    def hands_over_at_intake(self, sim: _Sim) -> bool:
        """Return whether intake hands this dossier to its second step at once (as the service)."""
        version = sim.version
        if version.pk not in self.intake_hand_over:
            target = dossier_services.intake_hand_over_for(
                procedure_intake_plan(version), sim.dossier.receiving_unit, sim.dossier.agency
            )
            self.intake_hand_over[version.pk] = target is not None
        return self.intake_hand_over[version.pk]

    def intake_hand_over_step(self, sim: _Sim, *, at: datetime, actor: Any) -> None:
        """Finish the intake step and start the next one in the same instant, as intake does."""
        if not self.hands_over_at_intake(sim):
            return
        d, commune = sim.dossier, sim.commune
        first, following = sim.steps[0], sim.steps[1]
        receiver = None
        if following.role.code == "case_handler" and following.unit == commune.unit:
            receiver = self.rng.choice(commune.handlers) if self.rng.random() < 0.5 else None
        before = d.status
        self.finish_step(first, at=at, actor=actor)
        self.start_step(d, following, at=at, giver=actor, handler=receiver)
        d.status = dossier_services.status_for_step(following)
        self.event(
            sim,
            at=at,
            actor=actor,
            action="hand_over",
            from_status=before,
            step=following,
            data={
                "from_step": first.order,
                "to_step": following.order,
                "step_timeliness": first.timeliness,
                "receiver": getattr(receiver, "pk", None),
                "at_intake": True,
            },
        )

    # the life of one dossier ------------------------------------------------------------------

    def later(self, unit: Unit, start: datetime, seconds: float) -> datetime:
        """Return when the next action happens: ``seconds`` of working time after ``start``.

        Beyond the confirmed calendar years it is certainly after ``now``.
        """
        try:
            return self.calendar(unit).add_working_time(
                start, timedelta(seconds=max(60, int(seconds)))
            )
        except CalendarMissingError:
            return self.now + timedelta(days=3650)

    def simulate(self, commune: Commune, version: ProcedureVersion, at: datetime) -> _Sim:
        """Return the dossier received (or submitted) at ``at`` as it stands now.

        A due date beyond the confirmed calendar years raises
        CalendarMissingError, as intake would; its code number is given back.
        """
        self.assigned = None
        try:
            return self._simulate(commune, version, at)
        except CalendarMissingError:
            if self.assigned is not None:
                self.sequences[self.assigned] -= 1
            raise

    def _simulate(self, commune: Commune, version: ProcedureVersion, at: datetime) -> _Sim:
        rng = self.rng
        mandatory = {doc.pk for doc in version.documents.all() if doc.is_mandatory}
        everything = {doc.pk for doc in version.documents.all()}
        draw = rng.random()
        if draw < self.mix.refuse_at_counter:
            return self.refuse_at_counter(commune, version, at)
        if draw < self.mix.refuse_at_counter + self.mix.online:
            return self.online(commune, version, at, mandatory, everything)
        sim = self.new(
            commune,
            version,
            status=DossierStatus.RECEIVED,
            channel=Channel.COUNTER,
            at=at,
            creator=commune.intake,
            with_code=True,
        )
        if rng.random() < self.mix.by_post:
            sim.dossier.channel = Channel.POST
        self.documents(sim, everything if rng.random() < 0.5 else mandatory)
        self.start_clock(sim, at=at, actor=commune.intake)
        d = sim.dossier
        self.event(
            sim,
            at=at,
            actor=commune.intake,
            action="receive",
            from_status="",
            step=d.current_step,
            data={"due": _iso(d.due_at), "channel": d.channel},
        )
        self.intake_hand_over_step(sim, at=at, actor=commune.intake)
        self.handle(sim, at)
        return sim

    def refuse_at_counter(self, commune: Commune, version: ProcedureVersion, at: datetime) -> _Sim:
        sim = self.new(
            commune,
            version,
            status=DossierStatus.REFUSED,
            channel=Channel.COUNTER,
            at=at,
            creator=commune.intake,
            with_code=False,
        )
        self.documents(sim, set())
        reasons = "Hồ sơ không thuộc thẩm quyền giải quyết của phường"
        sim.dossier.refusal_reasons = reasons
        sim.dossier.closed_at = at
        key = (sim.dossier.receiving_unit_id, _local_day(at).year)
        self.slips[key] = self.slips.get(key, 0) + 1
        sim.dossier.slip_number = self.slips[key]
        self.event(sim, at=at, actor=commune.intake, action="refuse", from_status="", note=reasons)
        return sim

    def online(
        self,
        commune: Commune,
        version: ProcedureVersion,
        at: datetime,
        mandatory: set[int],
        everything: set[int],
    ) -> _Sim:
        rng = self.rng
        sim = self.new(
            commune,
            version,
            status=DossierStatus.AWAITING_INTAKE,
            channel=Channel.ONLINE,
            at=at,
            creator=None,
            with_code=True,
        )
        complete = rng.random() >= self.mix.online_incomplete
        provided = (everything if rng.random() < 0.5 else mandatory) if complete else set()
        self.documents(sim, provided)
        missing = [doc.name for doc in sim.documents if doc.is_mandatory and not doc.provided]
        self.event(
            sim,
            at=at,
            actor=None,
            action="submit_online",
            from_status="",
            data={"missing": missing},
        )
        when = self.later(commune.centre, at, rng.uniform(600, 2 * 8 * 3600))
        if when > self.now:
            return sim
        d = sim.dossier
        officer = commune.intake
        before = d.status
        if not complete:
            reasons = "Hồ sơ trực tuyến thiếu thành phần bắt buộc"
            d.status = DossierStatus.REFUSED
            d.refusal_reasons = reasons
            d.closed_at = when
            self.bump(sim, when)
            self.event(
                sim, at=when, actor=officer, action="refuse", from_status=before, note=reasons
            )
            return sim
        if rng.random() < self.mix.withdraw:
            d.status = DossierStatus.WITHDRAWN
            d.closed_at = when
            self.bump(sim, when)
            self.event(
                sim,
                at=when,
                actor=officer,
                action="withdraw",
                from_status=before,
                note="Người nộp xin rút hồ sơ",
            )
            return sim
        d.status = DossierStatus.RECEIVED
        self.start_clock(sim, at=when, actor=officer)
        self.bump(sim, when)
        self.event(
            sim,
            at=when,
            actor=officer,
            action="accept",
            from_status=before,
            step=d.current_step,
            data={"due": _iso(d.due_at)},
        )
        self.intake_hand_over_step(sim, at=when, actor=officer)
        self.handle(sim, when)
        return sim

    def pace(self, step: DossierStep) -> float:
        """Return how much of its budget a step takes: mostly within, a sixth late."""
        rng = self.rng
        late = rng.random() < self.mix.late_step
        return rng.uniform(1.02, 2.2) if late else rng.uniform(0.15, 1.0)

    def handle(self, sim: _Sim, at: datetime) -> None:
        """Move the dossier through its steps until it is returned, closed, or ``now`` comes."""
        rng = self.rng
        d, commune = sim.dossier, sim.commune
        steps = sim.steps
        moment = at
        supplement = rng.random() < self.mix.supplement
        stop = rng.random() < self.mix.stop
        # Drawn only when asked for, so the default mix draws the same numbers as before.
        payment = self.mix.payment > 0 and rng.random() < self.mix.payment
        apology = self.mix.apology > 0 and rng.random() < self.mix.apology
        while True:
            step = d.current_step
            assert step is not None
            index = steps.index(step)
            following = steps[index + 1] if index + 1 < len(steps) else None
            if (
                step.handler is None
                and step.role.code != "intake_officer"
                and rng.random() < self.mix.claim
            ):
                # Taken from the unit's queue before the work starts.
                moment = self.claim(sim, step, self.holder(step, commune), moment)
                if moment > self.now:
                    return
            actor = step.handler or self.holder(step, commune)
            if step.role.code in SIGNING_ROLES:
                when = self.later(step.unit, moment, step.budget_seconds * self.pace(step))
                if when > self.now:
                    return
                # As the service does: from the signed decision straight to the return step.
                last = steps[-1] if steps[-1].order > step.order else None
                self.decide(
                    sim,
                    step,
                    last if last and last.role.code == "intake_officer" else None,
                    actor,
                    when,
                )
                moment = when
                break
            if index == 1 and (supplement or stop):
                when = self.later(step.unit, moment, step.budget_seconds * rng.uniform(0.1, 0.6))
                if when > self.now:
                    return
                if stop:
                    self.stop(sim, when)
                    return
                if not self.supplement(sim, step, actor, when):
                    return
                supplement = False
                moment = d.updated_at
                continue
            if index == 1 and apology:
                when = self.later(step.unit, moment, step.budget_seconds * rng.uniform(0.05, 0.3))
                if when > self.now:
                    return
                self.apologise(sim, when)
                apology = False
                moment = when
                continue
            if index == 1 and payment:
                when = self.later(step.unit, moment, step.budget_seconds * rng.uniform(0.1, 0.6))
                if when > self.now:
                    return
                if not self.payment(sim, step, actor, when):
                    return
                payment = False
                moment = d.updated_at
                continue
            when = self.later(step.unit, moment, step.budget_seconds * self.pace(step))
            if when > self.now:
                return
            assert following is not None
            receiver = None
            if following.role.code == "case_handler" and following.unit == commune.unit:
                receiver = rng.choice(commune.handlers) if rng.random() < 0.7 else None
            self.hand_over(sim, step, following, actor, receiver, when)
            moment = when
        # The result is ready: return it after a while.
        when = self.later(d.receiving_unit, moment, rng.uniform(0.05, 3) * 8 * 3600)
        if when > self.now:
            return
        self.return_result(sim, when)

    def holder(self, step: DossierStep, commune: Commune) -> Any:
        code = step.role.code
        if step.unit == self.world.tax:
            return self.world.tax_officer
        if code == "intake_officer":
            return commune.intake
        if code == "commune_leader":
            return commune.leader
        return commune.handlers[0]

    def claim(self, sim: _Sim, step: DossierStep, actor: Any, after: datetime) -> datetime:
        """Claim ``step`` a little after ``after``; return when (after ``now``: not yet)."""
        when = self.later(step.unit, after, self.rng.uniform(60, 1800))
        if when > self.now:
            return when
        change = kernel.claim(sim.dossier, step, actor=actor)
        self.bump(sim, when)
        self.record(sim, at=when, actor=actor, change=change)
        return when

    def hand_over(
        self,
        sim: _Sim,
        step: DossierStep,
        following: DossierStep,
        actor: Any,
        receiver: Any,
        when: datetime,
    ) -> None:
        change = kernel.hand_over(
            sim.dossier,
            step,
            following,
            at=when,
            actor=actor,
            receiver=receiver,
            calendar=self.calendar(following.unit),
        )
        self.bump(sim, when)
        self.record(sim, at=when, actor=actor, change=change)

    def decide(
        self,
        sim: _Sim,
        step: DossierStep,
        following: DossierStep | None,
        actor: Any,
        when: datetime,
    ) -> None:
        granted = self.rng.random() >= self.mix.not_granted
        change = kernel.decide(
            sim.dossier,
            step,
            following,
            at=when,
            actor=actor,
            decision=Decision.GRANTED if granted else Decision.NOT_GRANTED,
            reasons="" if granted else "Không đủ điều kiện theo quy định",
            calendar=self.calendar(following.unit) if following is not None else None,
        )
        self.bump(sim, when)
        self.record(sim, at=when, actor=actor, change=change)

    def return_result(self, sim: _Sim, when: datetime) -> None:
        d = sim.dossier
        actor = sim.commune.intake
        by_post = self.rng.random() < self.mix.return_by_post
        change = kernel.return_result(
            d,
            d.current_step,
            at=when,
            actor=actor,
            method=ReturnMethod.POST if by_post else ReturnMethod.COUNTER,
            received_by="",
            note="",
        )
        self.bump(sim, when)
        self.record(sim, at=when, actor=actor, change=change)

    def stop(self, sim: _Sim, when: datetime) -> None:
        d = sim.dossier
        change = kernel.stop(
            d,
            d.current_step,
            at=when,
            reason="Người nộp có đơn xin dừng giải quyết",
            requested_on=_local_day(when),
            step_note=self.stop_note,
        )
        self.bump(sim, when)
        self.record(sim, at=when, actor=sim.commune.intake, change=change)

    def end_current_step(self, d: Dossier, when: datetime, note: str) -> str:
        """Close the current step of a dossier that ends early (as the services do)."""
        return kernel.end_current_step(d, d.current_step, at=when, note=note)

    def supplement(self, sim: _Sim, step: DossierStep, actor: Any, when: datetime) -> bool:
        """Request a supplement at ``when``; return whether the dossier moves on afterwards."""
        d, version = sim.dossier, sim.version
        calendar = self.calendar(d.agency)
        # The procedure's window, as the services read it; none: no automatic closure.
        window = version.supplement_window_days
        respond_by = calendar.due_working_days(when, window) if window else None
        items = ["Bản sao có chứng thực giấy tờ chứng minh"]
        reason = "Giấy tờ nộp kèm không rõ nét"
        before = d.status
        pause = self.pause(
            sim,
            step,
            actor,
            when,
            kind=PauseKind.SUPPLEMENT,
            number=d.supplement_count + 1,
            policy=version.supplement_policy,
            items=items,
            reason=reason,
            respond_by=respond_by,
        )
        d.supplement_count += 1
        d.status = DossierStatus.AWAITING_SUPPLEMENT
        self.bump(sim, when)
        self.event(
            sim,
            at=when,
            actor=actor,
            action="request_supplement",
            from_status=before,
            note=reason,
            data={
                "items": items,
                "policy": pause.policy,
                "respond_by": _iso(respond_by),
                "override_reason": "",
            },
        )
        rng = self.rng
        if rng.random() >= self.mix.supplement_never:
            back = self.later(d.agency, when, rng.uniform(0.5, 12) * 8 * 3600)
            if back > self.now:
                return False
            self.supplement_received(sim, pause, back)
            return True
        if respond_by is None:
            return False  # never answered, and nothing closes it: it keeps waiting
        close_at = self.later(d.agency, respond_by, rng.uniform(300, 8 * 3600))
        if close_at > self.now:
            return False
        pause.ended_at = close_at
        self.end_current_step(d, close_at, self.close_note)
        before = d.status
        d.status = DossierStatus.CLOSED
        d.closed_at = close_at
        self.bump(sim, close_at)
        self.event(
            sim, at=close_at, actor="system", action="close_unsupplemented", from_status=before
        )
        return False

    def pause(
        self,
        sim: _Sim,
        step: DossierStep,
        actor: Any,
        when: datetime,
        *,
        kind: str,
        number: int,
        policy: str,
        items: list[str],
        reason: str,
        respond_by: datetime | None,
    ) -> Pause:
        """Open a pause at ``when`` keeping every running clock (``kernel.pause_clock``)."""
        d, version = sim.dossier, sim.version
        kept = kernel.pause_clock(
            calendar=self.calendar(d.agency),
            now=when,
            due_at=d.due_at,
            limit_unit=version.time_limit_unit,
            extended_due_at=d.extended_due_at,
            step_calendar=self.calendar(step.unit) if step.due_at is not None else None,
            step_due_at=step.due_at,
        )
        if step.due_at is not None:
            kept["step"] = step  # the row's id once written
        pause = Pause(
            dossier=d,
            kind=kind,
            number=number,
            policy=policy,
            started_at=when,
            resume_status=d.status,
            requested_by=actor,
            items=items,
            reason=reason,
            respond_by=respond_by,
            override_reason="",
            clock=kept,
        )
        sim.pauses.append(pause)
        return pause

    def apologise(self, sim: _Sim, when: datetime) -> None:
        """The commune's leader apologises at ``when`` and promises a date 1–3 working days
        after the due date (or after today, when that has passed)."""
        d = sim.dossier
        leader = sim.commune.leader
        calendar = self.calendar(d.agency)
        assert d.due_at is not None
        day = max(_local_day(d.due_at), _local_day(when))
        day = calendar.add_working_days(day, self.rng.randint(1, 3))
        new_due = timezone.make_aware(datetime.combine(day, calendar.schedule.day_end), calendar.tz)
        late = kernel.apology_late(calendar, d.due_at, when)
        key = (leader.pk, d.agency.pk)
        if key not in self.positions:
            self.positions[key] = signing_position(
                leader, LEADER_ROLES, d.agency, on=_local_day(when)
            )
        reason = "Hồ sơ cần xác minh thêm tại địa phương"
        sim.apologies.append(
            Apology(
                dossier=d,
                issued_at=when,
                issued_by=leader,
                signer_position=self.positions[key],
                reason=reason,
                original_due_at=d.due_at,
                new_due_at=new_due,
                late=late,
                drafted_by=None,
            )
        )
        change = kernel.apologise(d, new_due=new_due, late=late, reason=reason, drafted_by_id=None)
        self.bump(sim, when)
        self.record(sim, at=when, actor=leader, change=change)

    def payment(self, sim: _Sim, step: DossierStep, actor: Any, when: datetime) -> bool:
        """Wait for the financial obligations from ``when``; return whether they were met."""
        d = sim.dossier
        items = ["Lệ phí cấp giấy chứng nhận"]
        before = d.status
        number = 1 + sum(1 for p in sim.pauses if p.kind == PauseKind.PAYMENT)
        pause = self.pause(
            sim,
            step,
            actor,
            when,
            kind=PauseKind.PAYMENT,
            number=number,
            policy=PausePolicy.PAUSE,
            items=items,
            reason="",
            respond_by=None,
        )
        d.status = DossierStatus.AWAITING_PAYMENT
        self.bump(sim, when)
        self.event(
            sim,
            at=when,
            actor=actor,
            action="request_payment",
            from_status=before,
            data={"items": items},
        )
        paid = self.later(d.agency, when, self.rng.uniform(0.5, 6) * 8 * 3600)
        if paid > self.now:
            return False
        self.resume(sim, pause, paid, action="payment_received")
        return True

    def supplement_received(self, sim: _Sim, pause: Pause, when: datetime) -> None:
        self.resume(sim, pause, when, action="supplement_received")

    def resume(self, sim: _Sim, pause: Pause, when: datetime, *, action: str) -> None:
        """End ``pause`` at ``when`` by ``action`` (``kernel.resume_clock``), as the intake desk."""
        d, version = sim.dossier, sim.version
        calendar = self.calendar(d.agency)
        due_before, promised_before = d.due_at, d.extended_due_at
        resumed = kernel.resume_clock(
            calendar=calendar,
            kept=pause.clock,
            policy=pause.policy,
            now=when,
            due_at=d.due_at,
            limit_amount=version.time_limit_amount,
            limit_unit=version.time_limit_unit,
            extended_due_at=d.extended_due_at,
        )
        new_due = resumed.due_at
        pause.ended_at = when
        pause.clock = {**pause.clock, "due_after": _iso(new_due)}
        d.due_at, d.extended_due_at = new_due, resumed.extended_due_at
        step = d.current_step
        if step is not None and pause.clock.get("step") is step:
            step.due_at = kernel.step_due_after_pause(self.calendar(step.unit), when, pause.clock)
        before = d.status
        d.status = pause.resume_status
        self.bump(sim, when)
        self.event(
            sim,
            at=when,
            actor=sim.commune.intake,
            action=action,
            from_status=before,
            data={
                "policy": pause.policy,
                "due_before": _iso_read(due_before),
                "due_after": _iso(new_due),
                "promised_before": _iso_read(promised_before),
                "promised_after": _iso(d.extended_due_at),
                "documents_provided": [],
            },
        )


# --- writing -------------------------------------------------------------------------------------


def _audit_records(sims: Sequence[_Sim]) -> list[AuditEvent]:
    """Return each dossier's audit chain, sealed as ``audit_record`` seals it.

    The history rows must have their ids: each record carries its row's digest.
    """
    records: list[AuditEvent] = []
    for s in sims:
        d = s.dossier
        prev = ""
        for seq, (at, actor, action, payload, history) in enumerate(s.audit, start=1):
            record = audit_event(
                at=at,
                actor=actor,
                action=action,
                stream=f"dossiers.dossier:{d.pk}",
                seq=seq,
                prev_hash=prev,
                object_type="dossiers.dossier",
                object_id=str(d.pk),
                data={"code": d.code, **payload},
                history=history,
            )
            prev = record.hash
            records.append(record)
    return records


def _resolve_pause_steps(sims: Sequence[_Sim]) -> None:
    for s in sims:
        for pause in s.pauses:
            if isinstance(pause.clock.get("step"), DossierStep):
                pause.clock = {**pause.clock, "step": pause.clock["step"].pk}


def _write(
    sims: Sequence[_Sim], sequences: dict[tuple[int, date], int], volumes: dict[int, int]
) -> None:
    """Insert the rows of ``sims`` and advance the code sequences and the log book volumes,
    in one transaction."""
    if connection.vendor == "postgresql":
        _write_copy(sims, sequences, volumes)
        return
    with transaction.atomic():
        current = [s.dossier.current_step for s in sims]
        # bulk_create stamps created_at/updated_at with the real time (auto_now); the
        # simulated ones are written back below with the current steps.
        stamps = [(s.dossier.created_at, s.dossier.updated_at) for s in sims]
        for s in sims:  # the steps get their ids after the dossiers
            s.dossier.current_step = None
        Dossier.objects.bulk_create([s.dossier for s in sims], batch_size=500)
        DossierDocument.objects.bulk_create(
            [doc for s in sims for doc in s.documents], batch_size=1000
        )
        DossierStep.objects.bulk_create([st for s in sims for st in s.steps], batch_size=1000)
        _resolve_pause_steps(sims)
        Pause.objects.bulk_create([p for s in sims for p in s.pauses], batch_size=1000)
        Apology.objects.bulk_create([a for s in sims for a in s.apologies], batch_size=1000)
        # bulk_create gives the history rows their ids, which the audit records name.
        DossierEvent.objects.bulk_create([e for s in sims for e in s.events], batch_size=1000)
        AuditEvent.objects.bulk_create(_audit_records(sims), batch_size=1000)
        for s, step, (created, updated) in zip(sims, current, stamps, strict=True):
            s.dossier.current_step = step
            s.dossier.created_at, s.dossier.updated_at = created, updated
        Dossier.objects.bulk_update(
            [s.dossier for s in sims], ["current_step", "created_at", "updated_at"], batch_size=500
        )
        _save_sequences(sequences)
        _save_volumes(volumes)


def _take_ids(cursor: Any, model: type[Model], objects: Sequence[Model]) -> None:
    """Give ``objects`` ids drawn from their table's identity sequence."""
    if not objects:
        return
    table = model._meta.db_table
    cursor.execute(
        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # noqa: S608
        "FROM generate_series(1, %s)",
        [len(objects)],
    )
    for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
        obj.pk = pk


def _copy(cursor: Any, model: type[Model], objects: Sequence[Model]) -> None:
    """COPY ``objects`` into the model's table, every concrete column as the ORM would."""
    from psycopg.types.json import Jsonb

    if not objects:
        return
    fields = list(model._meta.concrete_fields)
    if objects[0].pk is None:  # the identity column numbers them
        fields = [f for f in fields if not f.primary_key]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    getters: list[Any] = []
    for f in fields:
        if f.is_relation:

            def related(obj: Any, f: Any = f) -> Any:
                if f.is_cached(obj):
                    target = f.get_cached_value(obj)
                    return target.pk if target is not None else None
                return getattr(obj, f.attname)

            getters.append(related)
        elif f.get_internal_type() == "JSONField":
            getters.append(lambda obj, name=f.attname: Jsonb(getattr(obj, name)))
        else:
            getters.append(lambda obj, name=f.attname: getattr(obj, name))
    table = model._meta.db_table
    with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
        for obj in objects:
            copy.write_row([get(obj) for get in getters])


def _write_copy(
    sims: Sequence[_Sim], sequences: dict[tuple[int, date], int], volumes: dict[int, int]
) -> None:
    """PostgreSQL: the same rows through COPY, ids drawn first (foreign keys are deferred)."""
    dossiers = [s.dossier for s in sims]
    steps = [st for s in sims for st in s.steps]
    events = [e for s in sims for e in s.events]
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor
        _take_ids(cursor, Dossier, dossiers)
        _take_ids(cursor, DossierStep, steps)
        _take_ids(cursor, DossierEvent, events)  # the audit records name them
        _resolve_pause_steps(sims)
        _copy(cursor, Dossier, dossiers)
        _copy(cursor, DossierStep, steps)
        _copy(cursor, DossierDocument, [doc for s in sims for doc in s.documents])
        _copy(cursor, Pause, [p for s in sims for p in s.pauses])
        _copy(cursor, Apology, [a for s in sims for a in s.apologies])
        _copy(cursor, DossierEvent, events)
        _copy(cursor, AuditEvent, _audit_records(sims))
        _save_sequences(sequences)
        _save_volumes(volumes)


def _save_sequences(sequences: dict[tuple[int, date], int]) -> None:
    table = DossierCodeSequence._meta.db_table
    rows = list(sequences.items())
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            params: list[Any] = []
            for (agency_id, day), last in chunk:
                params += [agency_id, day, last]
            cursor.execute(
                f"INSERT INTO {table} (agency_id, day, last_value) VALUES {values} "  # noqa: S608
                f"ON CONFLICT (agency_id, day) DO UPDATE SET last_value = "
                f"CASE WHEN excluded.last_value > {table}.last_value "
                f"THEN excluded.last_value ELSE {table}.last_value END",
                params,
            )


def _save_volumes(volumes: dict[int, int]) -> None:
    """Advance each log book volume's last entry number (never backwards)."""
    for pk, last in volumes.items():
        Logbook.objects.filter(pk=pk, last_number__lt=last).update(last_number=last)


def _save_slips(slips: dict[tuple[int, int], int]) -> None:
    """Advance the desks' registers of counter refusals past the synthetic numbers."""
    table = CounterSlipSequence._meta.db_table
    with connection.cursor() as cursor:
        for (desk_id, year), last in slips.items():
            cursor.execute(
                f"INSERT INTO {table} (desk_id, year, kind, last_value) VALUES (%s, %s, %s, %s) "  # noqa: S608
                f"ON CONFLICT (desk_id, year, kind) DO UPDATE SET last_value = "
                f"CASE WHEN excluded.last_value > {table}.last_value "
                f"THEN excluded.last_value ELSE {table}.last_value END",
                [desk_id, year, CounterSlip.REFUSAL, last],
            )


def _working_instants(
    calendar: WorkCalendar,
    start: date,
    end: datetime,
    count: int,
    rng: random.Random,
    *,
    recent_share: float,
) -> list[datetime]:
    """Return ``count`` intake instants on working days in [start, end), a fifth of them recent."""
    days: list[date] = []
    day = start
    last = _local_day(end)
    while day <= last:
        try:
            if calendar.is_working_day(day):
                days.append(day)
        except CalendarMissingError:
            break
        day += timedelta(days=1)
    if not days:
        raise ValueError("no confirmed working day before now")
    recent = days[-20:]
    tz = timezone.get_current_timezone()
    instants: list[datetime] = []
    while len(instants) < count:
        pool = recent if rng.random() < recent_share else days
        chosen = rng.choice(pool)
        minute = rng.randint(7 * 60 + 15, 16 * 60 + 45)
        if 11 * 60 + 30 <= minute < 13 * 60 + 30:
            continue
        moment = datetime.combine(chosen, time(minute // 60, minute % 60), tz)
        moment += timedelta(seconds=rng.randint(0, 59))
        if moment < end:
            instants.append(moment)
    instants.sort()
    return instants


def synthetic_dossiers(
    world: SyntheticWorld,
    *,
    count: int,
    seed: int = 1,
    now: datetime | None = None,
    batch_size: int = 1000,
    mix: Mix | None = None,
) -> SyntheticSummary:
    """Top the synthetic province up to ``count`` dossiers (see the module docstring)."""
    moment = now or timezone.now()
    units = [c.centre.pk for c in world.communes]
    existing = Dossier.objects.filter(receiving_unit_id__in=units).count()
    summary = SyntheticSummary(existing=existing)
    wanted = max(0, count - existing)
    if wanted == 0:
        return summary
    rng = random.Random(f"{seed}:{existing}")  # noqa: S311 - test data, not secrets
    years = national_calendar().years
    start = max(VALID_FROM, date(min(years), 1, 1)) if years else VALID_FROM
    mix = mix or Mix()
    instants = _working_instants(
        calendar_for_unit(None), start, moment, wanted, rng, recent_share=mix.recent
    )
    sim = _Simulator(world, rng, moment, mix)
    batch: list[_Sim] = []
    for at in instants:
        commune = rng.choice(world.communes)
        version = rng.choice(world.versions)
        try:
            batch.append(sim.simulate(commune, version, at))
        except CalendarMissingError:  # a due date beyond the confirmed years: draw again later
            continue
        if len(batch) >= batch_size:
            _flush(batch, sim, summary)
    if batch:
        _flush(batch, sim, summary)
    if connection.vendor == "postgresql":
        # Fresh planner statistics: autovacuum may not have looked at the new rows yet.
        tables = [m._meta.db_table for m in (Dossier, DossierStep, DossierDocument, Pause)]
        tables += [DossierEvent._meta.db_table, AuditEvent._meta.db_table]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
    return summary


def _flush(batch: list[_Sim], sim: _Simulator, summary: SyntheticSummary) -> None:
    with transaction.atomic():
        _write(
            batch,
            {key: sim.sequences[key] for key in sim.dirty},
            {sim.volumes[key][0]: sim.volumes[key][1] for key in sim.dirty_volumes},
        )
        _save_slips(sim.slips)
    sim.dirty.clear()
    sim.dirty_volumes.clear()
    for s in batch:
        status = s.dossier.status
        summary.by_status[status] = summary.by_status.get(status, 0) + 1
    summary.created += len(batch)
    batch.clear()


def seed_synthetic(
    *, dossiers: int, units: int = 10, procedures: int = 10, seed: int = 1
) -> tuple[SyntheticWorld, SyntheticSummary]:
    """Create the world and top it up to ``dossiers`` dossiers; return both."""
    world = synthetic_world(units=units, procedures=procedures)
    summary = synthetic_dossiers(world, count=dossiers, seed=seed)
    return world, summary


__all__ = [
    "Mix",
    "SyntheticSummary",
    "SyntheticWorld",
    "seed_synthetic",
    "synthetic_dossiers",
    "synthetic_world",
]
