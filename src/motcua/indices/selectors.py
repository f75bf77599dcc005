"""Reads of the indices app: the service index of a unit and period, and its drill-down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.cache import ProcessCache
from motcua.core.errors import NotFoundError, PermissionDeniedError
from motcua.feedback.selectors import under
from motcua.indices.constants import INDEX_VIEWER_ROLES, IndicatorSource, Scoring
from motcua.indices.models import EnteredFigure, IndexVersion, Indicator, IndicatorGroup
from motcua.indices.periods import Period, period_parse
from motcua.indices.queries import QUERIES, Figure, Scope
from motcua.org.models import RoleAssignment, Unit
from motcua.org.selectors import valid_on_q

TWO = Decimal("0.01")


@dataclass
class IndicatorResult:
    code: str
    name: str
    max_points: Decimal
    target: Decimal | None
    source: str
    """``computed``, ``entered`` or ``no_data``."""
    numerator: Decimal | None
    denominator: Decimal | None
    ratio: Decimal | None
    score: Decimal | None
    tracked: bool
    numerator_label: str
    denominator_label: str
    evidence: str = ""
    drillable: bool = False


@dataclass
class GroupResult:
    number: int
    name: str
    max_points: Decimal
    score: Decimal
    max_measured: Decimal
    indicators: list[IndicatorResult]


@dataclass
class IndexResult:
    unit: Unit
    period: Period
    version: IndexVersion
    groups: list[GroupResult]
    total: Decimal
    max_measured: Decimal
    rating: str | None


def score_of(ratio: Decimal, max_points: Decimal, target: Decimal | None) -> Decimal:
    """Return the points of ratio R: R × max without a target; full at the target, else R × max / target."""
    if target is None or target <= 0:
        value = ratio * max_points
    elif ratio >= target:
        value = max_points
    else:
        value = ratio * max_points / target
    return min(value, max_points).quantize(TWO, rounding=ROUND_HALF_UP)


def _versions(code: str = "qd766") -> QuerySet[IndexVersion]:
    return IndexVersion.objects.filter(code=code).prefetch_related(
        Prefetch(
            "groups",
            IndicatorGroup.objects.order_by("number").prefetch_related(
                Prefetch("indicators", Indicator.objects.order_by("order", "code"))
            ),
        ),
        "bands",
    )


def _no_version(day: Any) -> NotFoundError:
    return NotFoundError(
        _("No version of the index is in force on %(day)s.") % {"day": f"{day:%d/%m/%Y}"},
        code="no_index_version",
    )


# The versions in force by (code, day), with their groups, indicators and bands. Read-only
# once built; dropped in this process when a version, group, indicator or band is saved
# (``apps.py``), in the others within MOTCUA_REFERENCE_TTL.
VERSIONS: ProcessCache[IndexVersion | None] = ProcessCache("indices.versions", max_entries=500)


def version_for(day: Any, code: str = "qd766") -> IndexVersion:
    """Return the version in force on ``day`` with its groups, indicators and bands
    (4 queries the first time in a process, then none)."""
    version = VERSIONS.get_or_set(
        (code, day),
        lambda: _versions(code).filter(effective_from__lte=day).order_by("-effective_from").first(),
    )
    if version is None:
        raise _no_version(day)
    return version


def _entered_for(
    unit: Unit, period_keys: list[str]
) -> dict[str, dict[str, tuple[Decimal, Decimal, str]]]:
    """Return the entered figures of ``unit``'s subtree per period key, then code (1 query).

    The subtree's figures of one indicator and period are summed, their evidence
    listed unit by unit (newest entry first).
    """
    rows = EnteredFigure.objects.filter(
        under(unit, "unit") & Q(period__in=period_keys)
    ).values_list("period", "indicator_code", "unit__name", "evidence", "numerator", "denominator")
    sums: dict[tuple[str, str], tuple[Decimal, Decimal, list[str]]] = {}
    for period, code, unit_name, text, numerator, denominator in rows:
        n, d, evidence = sums.get((period, code), (Decimal(0), Decimal(0), []))
        evidence.append(f"{unit_name}: {text}")
        sums[(period, code)] = (n + numerator, d + denominator, evidence)
    out: dict[str, dict[str, tuple[Decimal, Decimal, str]]] = {key: {} for key in period_keys}
    for (period, code), (n, d, evidence) in sums.items():
        out[period][code] = (n, d, "\n".join(evidence))
    return out


def service_index(unit: Unit, period: Period, *, now: datetime | None = None) -> IndexResult:
    """Compute the service index of ``unit`` and everything below it for ``period``.

    Roll-up sums numerators and denominators over the subtree (never
    averages scores). The total adds the points of the indicators that have
    data; ``max_measured`` is what those could have earned, and the rating
    band is looked up on the total scaled to 100 by it. About ten queries:
    the version (4), each rollup read once (counts, pending, PAKN, ratings)
    and the entered figures (1) when the version has any.
    """
    version = version_for(period.end)
    scope = Scope(unit=unit, period=period, now=now or clock.now())
    return _index_result(version, scope, lambda: _entered_for(unit, [period.key])[period.key])


def service_index_years(
    unit: Unit, years: list[int], *, now: datetime | None = None
) -> dict[int, IndexResult]:
    """Return the service index of ``unit`` for each of ``years``, in a fixed number of queries.

    The same figures as :func:`service_index` for each year, but each
    rollup is read once for all the years (grouped by year), the versions
    once and the entered figures once: 10 queries for any number of years.
    """
    if not years:
        return {}
    moment = now or clock.now()
    periods = {year: period_parse(str(year)) for year in sorted(set(years))}
    versions = list(
        _versions()
        .filter(effective_from__lte=periods[max(periods)].end)
        .order_by("-effective_from")
    )
    prefetched = Scope.prefetch_years(unit, list(periods.values()), now=moment)
    entered = _entered_for(unit, [p.key for p in periods.values()])
    out = {}
    for year, period in periods.items():
        version = next((v for v in versions if v.effective_from <= period.end), None)
        if version is None:
            raise _no_version(period.end)
        out[year] = _index_result(
            version, prefetched[year], partial(entered.__getitem__, period.key)
        )
    return out


def _index_result(
    version: IndexVersion,
    scope: Scope,
    load_entered: Callable[[], dict[str, tuple[Decimal, Decimal, str]]],
) -> IndexResult:
    entered: dict[str, tuple[Decimal, Decimal, str]] | None = None
    groups = []
    for group in version.groups.all():
        results = []
        for indicator in group.indicators.all():
            tracked = indicator.scoring == Scoring.TRACKED
            figure: Figure | None = None
            evidence = ""
            drillable = False
            if indicator.source == IndicatorSource.ENTERED:
                if entered is None:
                    entered = load_entered()
                if indicator.code in entered:
                    n, d, evidence = entered[indicator.code]
                    figure = Figure(n, d) if d else None
            else:
                named = QUERIES.get(indicator.query)
                if named is not None:
                    figure = named.figure(scope)
                    drillable = named.drilldown is not None
            ratio = score = None
            if figure is not None:
                ratio = figure.numerator / figure.denominator
                if not tracked:
                    score = score_of(min(ratio, Decimal(1)), indicator.max_points, indicator.target)
                ratio = ratio.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
            results.append(
                IndicatorResult(
                    code=indicator.code,
                    name=indicator.name,
                    max_points=indicator.max_points,
                    target=indicator.target,
                    source="no_data" if figure is None else indicator.source,
                    numerator=figure.numerator if figure else None,
                    denominator=figure.denominator if figure else None,
                    ratio=ratio,
                    score=score,
                    tracked=tracked,
                    numerator_label=indicator.numerator_label,
                    denominator_label=indicator.denominator_label,
                    evidence=evidence,
                    drillable=drillable and figure is not None,
                )
            )
        scored = [r for r in results if r.score is not None]
        groups.append(
            GroupResult(
                number=group.number,
                name=group.name,
                max_points=group.max_points,
                score=sum((r.score for r in scored if r.score is not None), Decimal("0.00")),
                max_measured=sum((r.max_points for r in scored), Decimal("0.00")),
                indicators=results,
            )
        )
    total = sum((g.score for g in groups), Decimal("0.00"))
    max_measured = sum((g.max_measured for g in groups), Decimal("0.00"))
    rating = None
    if max_measured:
        scaled = total * 100 / max_measured
        for band in version.bands.all():  # highest first
            if scaled >= band.min_score:
                rating = band.label
                break
    return IndexResult(
        unit=scope.unit,
        period=scope.period,
        version=version,
        groups=groups,
        total=total,
        max_measured=max_measured,
        rating=rating,
    )


@dataclass
class DrilldownRow:
    dossier_id: int
    code: str
    procedure: str
    agency: str
    received_day: Any
    due_at: Any
    finished_day: Any
    reason: str


def service_drilldown(
    unit: Unit, period: Period, indicator_code: str, *, now: datetime | None = None
) -> tuple[Indicator, list[DrilldownRow]]:
    """Return the dossiers that cost ``indicator_code`` points (2 + 1 queries)."""
    version = version_for(period.end)
    indicator = next(
        (i for g in version.groups.all() for i in g.indicators.all() if i.code == indicator_code),
        None,
    )
    if indicator is None:
        raise NotFoundError(
            _("The index has no sub-indicator %(code)s.") % {"code": indicator_code},
            code="unknown_indicator",
        )
    named = QUERIES.get(indicator.query) if indicator.source == IndicatorSource.COMPUTED else None
    if named is None or named.drilldown is None:
        raise NotFoundError(
            _("Sub-indicator %(code)s has no list of dossiers behind it.")
            % {"code": indicator_code},
            code="no_drilldown",
        )
    scope = Scope(unit=unit, period=period, now=now or clock.now())
    facts = (
        named.drilldown(scope)
        .select_related("dossier__procedure_version", "agency")
        .only(
            "dossier__code",
            "dossier__procedure_version__name",
            "agency__name",
            "received_day",
            "due_at",
            "finished_day",
            "timeliness",
            "pending",
            "clock_running",
        )
        .order_by("received_day", "dossier_id")
    )
    reasons = named.reasons
    rows = [
        DrilldownRow(
            dossier_id=fact.dossier_id,
            code=fact.dossier.code or f"#{fact.dossier_id}",
            procedure=fact.dossier.procedure_version.name,
            agency=fact.agency.name,
            received_day=fact.received_day,
            due_at=fact.due_at,
            finished_day=fact.finished_day,
            reason=reasons(fact, scope) if reasons else "",
        )
        for fact in facts
    ]
    return indicator, rows


def unit_for_viewer(user: Any, unit_id: int) -> Unit:
    """Return the unit if ``user`` may see its indices (a viewer role on it or above), else raise."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise NotFoundError(_("No unit has the id %(id)s.") % {"id": unit_id}, code="unknown_unit")
    if not viewer_may_see(user, unit):
        raise PermissionDeniedError(
            _("Only leaders and reform officers of %(unit)s or above see its indices.")
            % {"unit": unit.name}
        )
    return unit


def viewer_may_see(user: Any, unit: Unit) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return (
        RoleAssignment.objects.filter(
            Q(user=user, role__code__in=INDEX_VIEWER_ROLES, unit_id__in=unit.ancestor_ids())
            & valid_on_q(clock.localdate())
        )
        .order_by()
        .exists()
    )


def viewer_units(user: Any) -> list[Unit]:
    """Return the units where ``user`` holds a viewer role, highest first."""
    ids = RoleAssignment.objects.filter(
        Q(user=user, role__code__in=INDEX_VIEWER_ROLES) & valid_on_q(clock.localdate())
    ).values("unit_id")
    return list(Unit.objects.filter(pk__in=ids).order_by("depth", "name"))
