"""The simulator's state and bookkeeping: the rows a simulated dossier will write.

Helpers mirroring ``dossiers.services`` (codes, steps, history and audit records, the
log book), used by the lifecycle replay (:mod:`.lifecycle`, :mod:`.pauses`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import StepPlan, procedure_intake_plan
from motcua.core.actors import Actor
from motcua.demo.synthetic.world import Commune, SyntheticWorld
from motcua.dossiers import kernel
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import ApplicantKind, CounterSlip
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
from motcua.org.models import Unit
from motcua.workdays.core import CalendarMissingError, WorkCalendar
from motcua.workdays.loader import calendar_for_unit

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
    audit: list[tuple[datetime, Actor, str, dict[str, Any], DossierEvent]] = field(
        default_factory=list
    )


@dataclass
class SyntheticSummary:
    created: int = 0
    existing: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def _local_day(value: datetime) -> date:
    return timezone.localtime(value).date()


class _Recorder:
    """The simulator's state and the helpers mirroring ``dossiers.services``.

    :class:`.lifecycle._Simulator` applies the services' rules to in-memory rows on top
    of it (see the package docstring).
    """

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

    def record(self, sim: _Sim, *, at: datetime, actor: Actor, change: kernel.Change) -> None:
        """Keep the history row and audit record of a kernel change (notices are not sent)."""
        history, payload = kernel.recorded(sim.dossier, change, at=at, actor=actor)
        sim.events.append(history)
        sim.audit.append((at, actor, f"dossiers.{change.action}", payload, history))
        sim.dossier.updated_at = at

    def bump(self, sim: _Sim, at: datetime) -> None:
        sim.dossier.version += 1
        sim.dossier.updated_at = at

    def steps_for(self, sim: _Sim) -> list[DossierStep]:
        version = sim.version
        if version.pk not in self.template:
            self.template[version.pk] = dossier_services.step_plan(procedure_intake_plan(version))
        return kernel.plan_steps(sim.dossier, self.template[version.pk])

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
        creator: Actor,
        with_code: bool,
    ) -> _Sim:
        key = (commune.centre.pk, version.competent_level)
        if key not in self.agency:
            self.agency[key] = dossier_services.agency_for(commune.centre, version)
        agency = self.agency[key]
        d = kernel.new_dossier(
            version=version,
            agency=agency,
            receiving_unit=commune.centre,
            channel=channel,
            status=status,
            at=at,
            actor=creator,
            applicant=self.applicant(),
            fee_total=sum(fee.amount for fee in version.fees.all()),
        )
        d.created_at = at
        d.updated_at = at
        kernel.set_code(d, self.next_code(agency, at) if with_code else None)
        return _Sim(d, version, commune)

    def documents(self, sim: _Sim, provided: set[int]) -> None:
        documents = sorted(sim.version.documents.all(), key=lambda doc: doc.order)
        sim.documents = kernel.checklist(sim.dossier, documents, provided)

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

    def intake(self, sim: _Sim, *, action: str, at: datetime, actor: Actor) -> None:
        """Receive (or accept) the dossier at ``at``: its clock, its log book line and its
        steps, handed at once to the second step when its workflow says so (as the services)."""
        d, version, commune = sim.dossier, sim.version, sim.commune
        d.received_at = at
        self.enter_logbook(d, version, at)
        d.d0, d.due_at = kernel.clock_start(
            self.calendar(d.agency), at, version.time_limit_amount, version.time_limit_unit
        )
        sim.steps = steps = self.steps_for(sim)
        receiver = None
        if kernel.hands_over_at_intake([step.role.code for step in steps]):
            following = steps[1]
            if following.role.code == "case_handler" and following.unit == commune.unit:
                receiver = self.rng.choice(commune.handlers) if self.rng.random() < 0.5 else None
        transition = kernel.receive if action == "receive" else kernel.accept
        changes = transition(
            d, steps, at=at, actor=actor, calendar_of=self.calendar, to_user=receiver
        )
        if action == "accept":
            self.bump(sim, at)
        for change in changes:
            self.record(sim, at=at, actor=actor, change=change)

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
