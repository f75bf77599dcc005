"""Reads of the procedure catalogue.

"Current" always means "in force on a day": ``effective_from <= day`` and
``effective_to`` empty or after it. A dossier stores the version FK it was
received under, which :func:`procedure_version_on` finds from the intake
date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from motcua.catalog.intake_rules import procedure_desk_ids
from motcua.catalog.models import (
    DeclarationForm,
    FeeLine,
    Field,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    StepBudgetUnit,
    WorkflowStep,
)
from motcua.core import clock
from motcua.core.cache import ProcessCache
from motcua.core.errors import NotFoundError
from motcua.core.text import nfc, search_terms
from motcua.org.models import Unit, UnitTier
from motcua.org.selectors import office_for_unit, offices_for_tier


def working_day_seconds() -> int:
    """Return the working seconds of one day under the deployment schedule."""
    from motcua.workdays.core import Schedule

    return Schedule.parse(settings.MOTCUA_WORK_SESSIONS, settings.MOTCUA_CUTOFF).day_seconds


def in_force_filter(day: date, prefix: str = "") -> Q:
    """Return the condition "the version is in force on ``day``"."""
    return Q(**{f"{prefix}effective_from__lte": day}) & (
        Q(**{f"{prefix}effective_to__isnull": True}) | Q(**{f"{prefix}effective_to__gt": day})
    )


def field_list() -> QuerySet[Field]:
    """Return every field, by name."""
    return Field.objects.order_by("name", "code")


def procedure_version_on(procedure: Procedure | str, day: date) -> ProcedureVersion | None:
    """Return the version of ``procedure`` (object or code) in force on ``day``.

    None when the procedure is unknown or has no version in force that day
    (before its first version, or after it was withdrawn).
    """
    versions = ProcedureVersion.objects.select_related("procedure", "field")
    if isinstance(procedure, Procedure):
        versions = versions.filter(procedure=procedure)
    else:
        versions = versions.filter(procedure__code=nfc(procedure))
    return versions.filter(in_force_filter(day)).first()


def version_children_prefetch() -> list[Prefetch[str, Any, Any]]:
    """Return the prefetches that load a version's documents, fees, steps and forms."""
    return [
        Prefetch("declaration_forms", queryset=DeclarationForm.objects.order_by("order")),
        Prefetch("documents", queryset=RequiredDocument.objects.order_by("order")),
        Prefetch("fees", queryset=FeeLine.objects.order_by("order")),
        Prefetch(
            "steps", queryset=WorkflowStep.objects.select_related("role", "unit").order_by("order")
        ),
    ]


def procedure_version_get(code: str, *, on: date | None = None) -> ProcedureVersion:
    """Return the version of procedure ``code`` in force on ``on`` (today), with its lines.

    Raise NotFoundError for an unknown or inactive code and for a day when no
    version is in force.
    """
    day = on or clock.localdate()
    version = (
        ProcedureVersion.objects.select_related("procedure", "field")
        .prefetch_related(*version_children_prefetch())
        .filter(procedure__code=nfc(code), procedure__is_active=True)
        .filter(in_force_filter(day))
        .first()
    )
    if version is None:
        raise NotFoundError(
            _("No procedure with code “%(code)s” is in force on %(day)s.")
            % {"code": code, "day": day.strftime("%d/%m/%Y")}
        )
    return version


def procedure_version_next(version: ProcedureVersion) -> ProcedureVersion | None:
    """Return the version that follows ``version``, if one is planned."""
    if version.effective_to is None:
        return None
    return (
        ProcedureVersion.objects.filter(
            procedure_id=version.procedure_id, effective_from=version.effective_to
        )
        .only("id", "number", "effective_from")
        .first()
    )


def procedure_search(
    query: str = "",
    *,
    on: date | None = None,
    field: Field | str | None = None,
    level: str | None = None,
) -> QuerySet[ProcedureVersion]:
    """Return the versions in force on ``on`` (today) that match ``query``.

    Every folded word of the query must occur in the version's folded
    ``search_text`` (name, code and field name), in any order, so accents,
    "đ"/"d" and case do not matter. Results are ordered by folded name.
    """
    day = on or clock.localdate()
    versions = ProcedureVersion.objects.filter(in_force_filter(day), procedure__is_active=True)
    for term in search_terms(query):
        versions = versions.filter(search_text__contains=term)
    if isinstance(field, Field):
        versions = versions.filter(field=field)
    elif field:
        versions = versions.filter(field__code=field)
    if level:
        versions = versions.filter(competent_level=level)
    return versions.select_related("procedure", "field").order_by("search_text", "procedure__code")


def procedure_versions_for_export(
    *, on: date | None = None, codes: Iterable[str] | None = None
) -> QuerySet[ProcedureVersion]:
    """Return the versions in force on ``on`` (today) and every later one, with their lines."""
    day = on or clock.localdate()
    versions = ProcedureVersion.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gt=day)
    )
    if codes is not None:
        versions = versions.filter(procedure__code__in=list(codes))
    return (
        versions.select_related("procedure", "field")
        .prefetch_related(*version_children_prefetch())
        .order_by("procedure__code", "effective_from")
    )


def procedure_versions_of(procedure: Procedure) -> QuerySet[ProcedureVersion]:
    """Return every version of ``procedure``, the latest first."""
    return ProcedureVersion.objects.filter(procedure=procedure).order_by("-effective_from")


def units_by_agency_code(codes: set[str], *, today: date) -> dict[str, Unit]:
    """Return the unit for each electronic identifier code, preferring units valid today."""
    found: dict[str, Unit] = {}
    if not codes:
        return found
    units = Unit.objects.filter(agency_code__in=codes).order_by("-valid_from", "id")
    for unit in units:
        current = found.get(unit.agency_code)
        if current is None or (not current.is_valid_on(today) and unit.is_valid_on(today)):
            found[unit.agency_code] = unit
    return found


# --- intake plans (read on every intake; cached per process) -------------------------------------


@dataclass(frozen=True)
class StepPlan:
    """A workflow step as a dossier copies it at intake."""

    order: int
    name: str
    role: Any
    unit: Unit | None
    is_inter_agency: bool
    budget_seconds: int


@dataclass(frozen=True)
class IntakePlan:
    """What intake needs from a version: its documents, fee total and steps."""

    version: ProcedureVersion
    documents: tuple[RequiredDocument, ...]
    fee_total: int
    steps: tuple[StepPlan, ...]


_versions_in_force: ProcessCache[ProcedureVersion | None] = ProcessCache(
    "catalog.versions_in_force"
)
_plans: ProcessCache[IntakePlan] = ProcessCache("catalog.intake_plans")


def procedure_version_in_force(code: str, day: date) -> ProcedureVersion | None:
    """Return :func:`procedure_version_on` for a code, cached per process (see core.cache)."""
    key = (nfc(code), day)
    return _versions_in_force.get_or_set(key, lambda: procedure_version_on(key[0], day))


def procedure_intake_plan(version: ProcedureVersion) -> IntakePlan:
    """Return the documents, fee total and step plan of ``version`` (cached per process).

    A version in force is immutable (services refuse to edit it), so the
    plan of one version id never changes once it can be used for intake.
    """

    def build() -> IntakePlan:
        day_seconds = working_day_seconds()
        steps = tuple(
            StepPlan(
                order=step.order,
                name=step.name,
                role=step.role,
                unit=step.unit,
                is_inter_agency=step.is_inter_agency,
                budget_seconds=int(
                    step.budget_amount
                    * (day_seconds if step.budget_unit == StepBudgetUnit.WORKING_DAYS else 3600)
                ),
            )
            for step in version.steps.select_related("role", "unit").order_by("order")
        )
        return IntakePlan(
            version=version,
            documents=tuple(version.documents.order_by("order")),
            fee_total=sum(fee.amount for fee in version.fees.all()),
            steps=steps,
        )

    return _plans.get_or_set(version.pk, build)


def declaration_form_get(code: str, pk: int) -> DeclarationForm:
    """Return form ``pk`` of a version of procedure ``code``, or raise NotFoundError."""
    form = (
        DeclarationForm.objects.select_related("version__procedure")
        .filter(pk=pk, version__procedure__code=nfc(code), version__procedure__is_active=True)
        .first()
    )
    if form is None:
        raise NotFoundError(_("This form does not exist (any more)."))
    return form


def offices_for_version(version: ProcedureVersion) -> list[Unit]:
    """Return the offices where a citizen hands in a dossier of ``version`` today.

    The same rule as intake's ``agency_for``: a province- or ministry-level
    procedure at the province's offices, any other at a commune's. A
    procedure received only at listed desks (``ProcedureDesk``) shows the
    offices of those desks.
    """
    listed = procedure_desk_ids(version.procedure_id)
    if listed:
        found = {}
        for desk_id in sorted(listed):
            office = office_for_unit(desk_id)
            if office is not None and office.is_valid_on(clock.localdate()):
                found[office.pk] = office
        return sorted(found.values(), key=lambda unit: unit.name)
    tier = (
        UnitTier.PROVINCE
        if version.competent_level in ("province", "ministry")
        else UnitTier.COMMUNE
    )
    return offices_for_tier(tier, on=clock.localdate())


def online_submit_url(code: str) -> str:
    """Return the online submission address of procedure ``code``, or "" when none exists.

    The citizens app adds ``citizens:submit``; without it there is no button.
    """
    try:
        return reverse("citizens:submit", args=[code])
    except NoReverseMatch:
        return ""
