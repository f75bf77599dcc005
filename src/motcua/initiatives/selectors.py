"""Reads of the initiatives app, including the two counts the PAR INDEX scores."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from motcua.core.text import fold
from motcua.initiatives.constants import InitiativeStatus, ModelStatus
from motcua.initiatives.models import (
    CouncilMember,
    Initiative,
    Recognition,
    ReformModel,
    Replication,
)
from motcua.org.models import Unit


def recognised_initiatives(unit: Unit, year: int) -> int:
    """Return how many initiatives of ``unit``'s subtree were recognised in ``year``.

    Counted by the recognition decision's date, at any scope.
    """
    return Recognition.objects.filter(
        initiative__isnull=False,
        initiative__unit__path__startswith=unit.path,
        decided_on__year=year,
    ).count()


def replicated_models(unit: Unit, year: int) -> int:
    """Return how many distinct models units of ``unit``'s subtree adopted in ``year``."""
    return (
        Replication.objects.filter(unit__path__startswith=unit.path, adopted_on__year=year)
        .values("model_id")
        .distinct()
        .count()
    )


def initiative_list(
    *, query: str = "", unit: Unit | None = None, status: str = ""
) -> QuerySet[Initiative]:
    """Return the registry, searched by title, authors and field (accents optional)."""
    rows = Initiative.objects.select_related("unit", "recognition")
    for term in fold(query).split():
        rows = rows.filter(search_text__contains=term)
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    if status in InitiativeStatus.values:
        rows = rows.filter(status=status)
    return rows


def initiative_detail(pk: int) -> Initiative | None:
    if not 0 < pk < 2**31:
        return None
    return (
        Initiative.objects.select_related("unit", "created_by")
        .prefetch_related(
            "procedures",
            "evidence",
            "models",
            Prefetch("council__members", queryset=CouncilMember.objects.order_by("id")),
        )
        .filter(pk=pk)
        .first()
    )


def model_list(*, status: str = "") -> QuerySet[ReformModel]:
    """Return the models with their originating unit and adopting units."""
    rows = ReformModel.objects.select_related("unit").prefetch_related(
        Prefetch("replications", queryset=Replication.objects.select_related("unit"))
    )
    if status in ModelStatus.values:
        rows = rows.filter(status=status)
    return rows


def model_detail(pk: int) -> ReformModel | None:
    if not 0 < pk < 2**31:
        return None
    return (
        ReformModel.objects.select_related("unit", "initiative")
        .prefetch_related(
            "procedures",
            "transitions",
            Prefetch("replications", queryset=Replication.objects.select_related("unit")),
        )
        .filter(pk=pk)
        .first()
    )


def recognition_of(model: ReformModel) -> Recognition | None:
    return Recognition.objects.filter(Q(model=model)).first()
