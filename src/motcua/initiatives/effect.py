"""Measured effect of a reform model: stacked difference-in-differences.

For each outcome (:class:`~motcua.initiatives.constants.Measure`) over the
model's procedures, a monthly panel of agencies is read from
``indices.MonthlyCount`` plus :class:`HistoricalFigure` (and, for
satisfaction, the feedback ratings). An agency adopts the model in the month
its unit (or a unit above it) replicated it; the originating unit adopts at
the pilot's start.

Staggered adoption is handled by stacking (Cengiz, Dube, Lindner & Zipperer
2019; Wing, Freedman & Hollingsworth 2024): for each adoption cohort ``g``
one sub-experiment holds the cohort's agencies and the agencies that had not
adopted by the end of the window (not-yet and never adopters), over the
months ``g - before … g + after - 1``. Already-treated agencies are never
controls, which is what biases the naive two-way fixed-effects estimate when
effects grow over time. In the stacked data each (stack, agency) and each
(stack, month) has its own fixed effect; the regression is weighted by the
dossiers behind each cell and its standard errors are clustered by agency
(an agency may appear in several stacks). Estimation is statsmodels' WLS:
the agency-by-stack effects are absorbed by weighted within-transformation
(Frisch–Waugh–Lovell, exact on unbalanced panels because the month dummies
are transformed too), the rest are dummies. The pre-trend check is the
event-study version of the same regression (one coefficient per month
relative to adoption, the month before adoption as reference), with a joint
Wald test that every lead is zero.

Left out: covariates, the corrective weights Wing et al. propose to give each
stack the same treated-to-control mix, and anticipation effects.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from motcua.initiatives import conf
from motcua.initiatives.constants import Measure

if TYPE_CHECKING:
    import pandas as pd

# pandas, numpy and statsmodels are imported where used: statsmodels alone takes
# seconds to import, which no other page should pay.

Period = int
"""A month as ``year * 12 + month - 1``: consecutive months differ by one."""


def period_of(day: date) -> Period:
    return day.year * 12 + day.month - 1


def period_label(period: Period) -> str:
    return f"{period % 12 + 1:02d}/{period // 12}"


@dataclass(frozen=True)
class Estimate:
    """The effect of adoption on one measure, with what stands behind it."""

    measure: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    dossiers: int
    units: int
    adopting_units: int
    comparison_units: int
    stacks: int
    pretrend_p: float | None
    pretrend_flag: bool
    verdict: str
    leads: dict[int, float] = field(default_factory=dict)


def _within(frame: pd.DataFrame, columns: list[str], group: str, weight: str) -> pd.DataFrame:
    """Subtract each group's weighted mean from ``columns`` (absorbs the group's effects)."""
    w = frame[weight]
    grouped = frame[columns].mul(w, axis=0).groupby(frame[group]).transform("sum")
    totals = w.groupby(frame[group]).transform("sum")
    return frame[columns] - grouped.div(totals, axis=0)


def stack(
    panel: pd.DataFrame, adoption: Mapping[Any, Period | None], *, before: int, after: int
) -> pd.DataFrame:
    """Return the stacked sub-experiments of ``panel`` (columns unit, t, y, w).

    Adds ``stack`` (the cohort's adoption month), ``treated`` (the agency is
    in the cohort), ``event`` (months since adoption) and ``post``.
    """
    import pandas as pd

    frame = panel[panel["w"] > 0]
    cohorts = sorted({g for g in adoption.values() if g is not None})
    parts = []
    for g in cohorts:
        first, last = g - before, g + after - 1
        inside = frame[(frame["t"] >= first) & (frame["t"] <= last)]
        treated = {u for u, a in adoption.items() if a == g}
        controls = {u for u, a in adoption.items() if a is None or a > last}
        controls |= set(inside["unit"]) - set(adoption)
        part = inside[inside["unit"].isin(treated | controls)].copy()
        part["treated"] = part["unit"].isin(treated).astype(int)
        if part["treated"].sum() == 0 or (part["treated"] == 0).sum() == 0:
            continue
        part["stack"] = g
        part["event"] = part["t"] - g
        part["post"] = (part["event"] >= 0).astype(int)
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=["unit", "t", "y", "w", "stack", "treated", "event", "post"])
    return pd.concat(parts, ignore_index=True)


def _fit(data: pd.DataFrame, regressors: pd.DataFrame) -> Any:
    """WLS of ``y`` on ``regressors`` + stack×month dummies, stack×agency effects absorbed."""
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm

    labels = data["stack"].astype(str) + ":" + data["t"].astype(str)
    months = pd.get_dummies(labels, dtype=float)
    # Each stack's month dummies sum to one, which its agencies' effects absorb:
    # drop one month per stack.
    firsts = data.groupby("stack")["t"].transform("min") == data["t"]
    months = months.drop(columns=sorted(set(labels[firsts])))
    x = pd.concat([regressors.reset_index(drop=True), months.reset_index(drop=True)], axis=1)
    frame = pd.concat(
        [
            data[["y", "w"]].reset_index(drop=True),
            x,
            data[["unit", "stack"]].reset_index(drop=True),
        ],
        axis=1,
    )
    frame["cell"] = frame["stack"].astype(str) + ":" + frame["unit"].astype(str)
    columns = ["y", *x.columns]
    demeaned = _within(frame, columns, "cell", "w")
    keep = [c for c in x.columns if float(np.abs(demeaned[c]).max()) > 1e-12]
    groups = pd.factorize(frame["unit"])[0]
    model = sm.WLS(demeaned["y"], demeaned[keep], weights=frame["w"])
    return model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)


def did(
    panel: pd.DataFrame,
    adoption: Mapping[Any, Period | None],
    *,
    before: int,
    after: int,
    alpha: float = 0.05,
) -> dict[str, Any]:
    """Return the stacked estimate, its interval and the pre-trend test of ``panel``."""
    import pandas as pd

    data = stack(panel, adoption, before=before, after=after)
    out: dict[str, Any] = {
        "estimate": None,
        "ci_low": None,
        "ci_high": None,
        "p_value": None,
        "pretrend_p": None,
        "leads": {},
        "stacks": int(data["stack"].nunique()) if len(data) else 0,
        "adopting_units": int(data.loc[data["treated"] == 1, "unit"].nunique()) if len(data) else 0,
        "comparison_units": int(data.loc[data["treated"] == 0, "unit"].nunique())
        if len(data)
        else 0,
    }
    cells = data.drop_duplicates(["unit", "t"])
    out["dossiers"] = int(cells["w"].sum()) if len(data) else 0
    out["units"] = int(cells["unit"].nunique()) if len(data) else 0
    if out["adopting_units"] < 2 or out["comparison_units"] < 2:
        return out
    treat = pd.DataFrame({"D": (data["treated"] * data["post"]).astype(float)})
    result = _fit(data, treat)
    low, high = result.conf_int(alpha=1 - 0.95).loc["D"]
    out.update(
        estimate=float(result.params["D"]),
        ci_low=float(low),
        ci_high=float(high),
        p_value=float(result.pvalues["D"]),
    )
    events = sorted(int(e) for e in data["event"].unique() if e != -1)
    dummies = pd.DataFrame(
        {f"e{e}": ((data["treated"] == 1) & (data["event"] == e)).astype(float) for e in events}
    )
    study = _fit(data, dummies)
    leads = [f"e{e}" for e in events if e <= -2 and f"e{e}" in study.params.index]
    out["leads"] = {int(name[1:]): float(study.params[name]) for name in leads}
    if leads:
        out["pretrend_p"] = _pretrend_p(study, leads, clusters=int(data["unit"].nunique()))
    return out


def _pretrend_p(study: Any, leads: list[str], *, clusters: int) -> float | None:
    """Return the p-value that adopters and the others moved alike before adoption.

    The joint Wald test that every lead is zero needs clearly more clusters
    than leads: with fewer than ``2 × leads + 2`` agencies the clustered
    covariance of the leads is nearly singular and the test rejects almost
    always. Then the check tests one restriction instead, the slope of the
    leads across the months before adoption (a linear pre-trend).
    """
    import numpy as np

    names = list(study.params.index)
    if clusters >= 2 * len(leads) + 2:
        restriction = np.zeros((len(leads), len(names)))
        for row, name in enumerate(leads):
            restriction[row, names.index(name)] = 1.0
    else:
        months = np.array([float(name[1:]) for name in leads])
        restriction = np.zeros((1, len(names)))
        for name, weight in zip(leads, months - months.mean(), strict=True):
            restriction[0, names.index(name)] = weight
    with warnings.catch_warnings():
        # Leads without variance (a constant outcome) leave nothing to test.
        warnings.simplefilter("ignore")
        test = study.wald_test(restriction, scalar=True)
    p_value = float(test.pvalue)
    return p_value if math.isfinite(p_value) else None


def twfe(panel: pd.DataFrame, adoption: Mapping[Any, Period | None]) -> float:
    """Return the naive two-way fixed-effects estimate (for comparison only).

    One regression over the whole panel, treated = adopted by that month:
    already-treated agencies serve as controls for later adopters, which
    biases it when effects change over time (Goodman-Bacon 2021).
    """
    import pandas as pd

    frame = panel[panel["w"] > 0].reset_index(drop=True)
    started = frame["unit"].map(lambda u: adoption.get(u))
    d = (started.notna() & (frame["t"] >= started.fillna(10**9))).astype(float)
    data = frame.assign(stack=0)
    result = _fit(data, pd.DataFrame({"D": d}))
    return float(result.params["D"])


# --- verdicts -----------------------------------------------------------------------------


def _number(value: float, digits: int = 1) -> str:
    text = f"{abs(value):.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def verdict(measure: str, result: Mapping[str, Any]) -> str:
    """Return the plain Vietnamese verdict of an estimate (see the locale for wording)."""
    from django.utils.translation import gettext as _

    if (
        result.get("estimate") is None
        or result["dossiers"] < conf.min_dossiers()
        or result["adopting_units"] < conf.min_units()
        or result["comparison_units"] < conf.min_units()
    ):
        return _("too few dossiers to tell")
    estimate, low, high = result["estimate"], result["ci_low"], result["ci_high"]
    if low <= 0 <= high:
        return _("no measurable effect yet")
    up = estimate > 0
    words = {
        Measure.ON_TIME: (_("raised the on-time rate by"), _("lowered the on-time rate by")),
        Measure.SATISFACTION: (
            _("raised the satisfaction rate by"),
            _("lowered the satisfaction rate by"),
        ),
        Measure.ONLINE: (_("raised the online share by"), _("lowered the online share by")),
        Measure.WORKING_DAYS: (
            _("lengthened the average time to finish by"),
            _("shortened the average time to finish by"),
        ),
    }[Measure(measure)]
    unit = _("days") if measure == Measure.WORKING_DAYS else _("points")
    near, far = (low, high) if up else (high, low)
    digits = 1 if measure == Measure.WORKING_DAYS or abs(high - low) < 4 else 0
    return _("%(change)s %(value)s %(unit)s (%(low)s to %(high)s)") % {
        "change": words[0] if up else words[1],
        "value": _number(estimate, digits),
        "unit": unit,
        "low": _number(near, digits),
        "high": _number(far, digits),
    }


def _finite(value: float | None) -> float | None:
    """Return ``value``, or None for NaN and infinities (an outcome that never varies
    has no p-value; JSON has no NaN)."""
    return value if value is not None and math.isfinite(value) else None


def estimate(
    measure: str,
    panel: pd.DataFrame,
    adoption: Mapping[Any, Period | None],
    *,
    before: int | None = None,
    after: int | None = None,
) -> Estimate:
    """Return the effect on ``measure`` of the adoptions in ``adoption`` on ``panel``."""
    default_before, default_after = conf.window_months()
    result = did(
        panel,
        adoption,
        before=default_before if before is None else before,
        after=default_after if after is None else after,
    )
    pre = _finite(result["pretrend_p"])
    return Estimate(
        measure=measure,
        estimate=_finite(result["estimate"]),
        ci_low=_finite(result["ci_low"]),
        ci_high=_finite(result["ci_high"]),
        p_value=_finite(result["p_value"]),
        dossiers=result["dossiers"],
        units=result["units"],
        adopting_units=result["adopting_units"],
        comparison_units=result["comparison_units"],
        stacks=result["stacks"],
        pretrend_p=pre,
        pretrend_flag=pre is not None and pre < conf.pretrend_alpha(),
        verdict=verdict(measure, result),
        leads=result["leads"],
    )


# --- panels from the database -------------------------------------------------------------


@dataclass
class Cell:
    """Sums of one agency's month over the model's procedures."""

    received: float = 0.0
    received_online: float = 0.0
    finished: float = 0.0
    finished_on_time: float = 0.0
    handling_days: float = 0.0
    rated: float = 0.0
    rated_satisfied: float = 0.0

    def value(self, measure: str) -> tuple[float, float] | None:
        """Return (outcome, weight) for ``measure``, or None without dossiers."""
        if measure == Measure.ON_TIME and self.finished:
            return 100 * self.finished_on_time / self.finished, self.finished
        if measure == Measure.WORKING_DAYS and self.finished:
            return self.handling_days / self.finished, self.finished
        if measure == Measure.ONLINE and self.received:
            return 100 * self.received_online / self.received, self.received
        if measure == Measure.SATISFACTION and self.rated:
            return 100 * self.rated_satisfied / self.rated, self.rated
        return None


Cells = dict[tuple[int, Period], Cell]


def model_cells(procedure_ids: Iterable[int]) -> Cells:
    """Return the monthly sums per agency of ``procedure_ids`` (rollups + history + ratings)."""
    from django.db.models import Count, Q, Sum
    from django.db.models.functions import ExtractMonth, ExtractYear

    from motcua.feedback.constants import SatisfactionLevel
    from motcua.feedback.models import Evaluation
    from motcua.indices.models import MonthlyCount
    from motcua.initiatives.models import HistoricalFigure

    ids = list(procedure_ids)
    cells: Cells = defaultdict(Cell)
    rollups = (
        MonthlyCount.objects.filter(procedure_id__in=ids)
        .values("agency_id", "year", "month")
        .annotate(
            r=Sum("received"),
            ro=Sum("received_online"),
            f=Sum("finished"),
            fo=Sum("finished_on_time"),
            s=Sum("handling_seconds"),
        )
        .order_by()
    )
    row: dict[str, Any]
    for mrow in rollups:
        row = dict(mrow)
        cell = cells[(row["agency_id"], row["year"] * 12 + row["month"] - 1)]
        cell.received += row["r"] or 0
        cell.received_online += row["ro"] or 0
        cell.finished += row["f"] or 0
        cell.finished_on_time += row["fo"] or 0
        cell.handling_days += (row["s"] or 0) / 86400
    history = (
        HistoricalFigure.objects.filter(procedure_id__in=ids)
        .values("agency_id", "year", "month")
        .annotate(
            r=Sum("received"),
            ro=Sum("received_online"),
            f=Sum("finished"),
            fo=Sum("finished_on_time"),
            d=Sum("handling_days"),
            n=Sum("rated"),
            ns=Sum("rated_satisfied"),
        )
        .order_by()
    )
    for hrow in history:
        row = dict(hrow)
        cell = cells[(row["agency_id"], row["year"] * 12 + row["month"] - 1)]
        cell.received += row["r"] or 0
        cell.received_online += row["ro"] or 0
        cell.finished += row["f"] or 0
        cell.finished_on_time += row["fo"] or 0
        cell.handling_days += float(row["d"] or Decimal(0))
        cell.rated += row["n"] or 0
        cell.rated_satisfied += row["ns"] or 0
    satisfied = [SatisfactionLevel.SATISFIED, SatisfactionLevel.VERY_SATISFIED]
    ratings = (
        Evaluation.objects.filter(procedure_id__in=ids)
        .annotate(y=ExtractYear("submitted_at"), m=ExtractMonth("submitted_at"))
        .values("agency_id", "y", "m")
        .annotate(n=Count("pk"), ns=Count("pk", filter=Q(level__in=satisfied)))
        .order_by()
    )
    for rrow in ratings:
        row = dict(rrow)
        cell = cells[(row["agency_id"], row["y"] * 12 + row["m"] - 1)]
        cell.rated += row["n"]
        cell.rated_satisfied += row["ns"]
    return dict(cells)


def panel_of(cells: Cells, measure: str) -> pd.DataFrame:
    """Return the panel (unit, t, y, w) of ``measure`` from ``cells``."""
    import pandas as pd

    rows = []
    for (unit, t), cell in cells.items():
        value = cell.value(measure)
        if value is not None:
            rows.append((unit, t, value[0], value[1]))
    return pd.DataFrame(rows, columns=["unit", "t", "y", "w"])


# --- a model's measurement ----------------------------------------------------------------


@dataclass
class Series:
    """Monthly weighted means of one measure for adopters and for the other agencies."""

    measure: str
    periods: list[Period]
    adopters: list[float | None]
    others: list[float | None]


@dataclass
class Candidate:
    """A non-adopting agency weak on the model's procedures (where to replicate next)."""

    unit_id: int
    unit_name: str
    dossiers: int
    on_time: float | None
    online: float | None


@dataclass
class ModelEffect:
    estimates: list[Estimate]
    series: Series
    where_next: list[Candidate]
    adopters: int
    agencies: int


def adoption_of(model: Any, agency_ids: Iterable[int]) -> dict[int, Period | None]:
    """Return each agency's adoption month: its own or an ancestor unit's replication.

    The originating unit adopts when its pilot starts.
    """
    from motcua.org.models import Unit

    starts = [(model.unit.path, period_of(model.pilot_started_on))]
    starts += [(r.unit.path, period_of(r.adopted_on)) for r in model.replications.all()]
    paths = dict(Unit.objects.filter(pk__in=list(agency_ids)).values_list("pk", "path"))
    out: dict[int, Period | None] = {}
    for agency, path in paths.items():
        found = [p for prefix, p in starts if path.startswith(prefix)]
        out[agency] = min(found) if found else None
    return out


def _weighted(frame: pd.DataFrame) -> float | None:
    total = float(frame["w"].sum())
    return float((frame["y"] * frame["w"]).sum() / total) if total else None


def series_of(panel: pd.DataFrame, adoption: Mapping[int, Period | None], measure: str) -> Series:
    if panel.empty:
        return Series(measure, [], [], [])
    periods = list(range(int(panel["t"].min()), int(panel["t"].max()) + 1))
    adopter = panel["unit"].map(lambda u: adoption.get(u) is not None)
    adopters, others = [], []
    for t in periods:
        month = panel["t"] == t
        adopters.append(_weighted(panel[month & adopter]))
        others.append(_weighted(panel[month & ~adopter]))
    return Series(measure, periods, adopters, others)


def where_next(
    cells: Cells, adoption: Mapping[int, Period | None], *, months: int = 12, limit: int = 10
) -> list[Candidate]:
    """Return non-adopting agencies whose on-time rate over the last ``months`` is below
    the average of all agencies, most dossiers first."""
    from motcua.org.models import Unit

    if not cells:
        return []
    last = max(t for _u, t in cells)
    recent: dict[int, Cell] = defaultdict(Cell)
    for (unit, t), cell in cells.items():
        if t > last - months:
            total = recent[unit]
            for name in Cell.__dataclass_fields__:
                setattr(total, name, getattr(total, name) + getattr(cell, name))
    everyone = Cell()
    for cell in recent.values():
        for name in Cell.__dataclass_fields__:
            setattr(everyone, name, getattr(everyone, name) + getattr(cell, name))
    average = everyone.value(Measure.ON_TIME)
    weak = []
    for unit, cell in recent.items():
        if adoption.get(unit) is not None:
            continue
        on_time = cell.value(Measure.ON_TIME)
        if on_time is None or average is None or on_time[0] >= average[0]:
            continue
        online = cell.value(Measure.ONLINE)
        weak.append((unit, int(cell.received or cell.finished), on_time[0], online))
    weak.sort(key=lambda row: (-row[1], row[2]))
    names = dict(Unit.objects.filter(pk__in=[w[0] for w in weak[:limit]]).values_list("pk", "name"))
    return [
        Candidate(unit, names.get(unit, str(unit)), dossiers, rate, online[0] if online else None)
        for unit, dossiers, rate, online in weak[:limit]
    ]


# Bump when the estimator changes, so that no estimate cached by an older one is served.
ESTIMATOR_VERSION = 1


def estimates_of(cells: Cells, adoption: Mapping[int, Period | None]) -> list[Estimate]:
    """Return the estimate of every measure, fitted once per distinct input.

    Fitting the regressions takes about a second; the sums they are fitted on are
    cheap to read. The estimates are kept in the shared cache under a digest of
    those sums, the adoption months, the settings and the language of the
    verdicts, so any new dossier, rating or replication gives a new key and an
    unchanged model is answered from the cache.
    """
    from django.core.cache import cache
    from django.utils import translation

    fingerprint = repr(
        (
            ESTIMATOR_VERSION,
            sorted((key, astuple(cell)) for key, cell in cells.items()),
            sorted(adoption.items(), key=lambda item: item[0]),
            conf.window_months(),
            conf.min_dossiers(),
            conf.min_units(),
            conf.pretrend_alpha(),
            translation.get_language(),
        )
    )
    key = "initiatives:effect:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    found = cache.get(key)
    if isinstance(found, list):
        return found
    estimates = [estimate(m, panel_of(cells, m), adoption) for m in Measure.values]
    cache.set(key, estimates, timeout=conf.effect_cache_seconds())
    return estimates


def model_effect(model: Any) -> ModelEffect:
    """Return the effect of ``model`` on every measure, its chart series and where next."""
    cells = model_cells(p.pk for p in model.procedures.all())
    adoption = adoption_of(model, {unit for unit, _t in cells})
    estimates = estimates_of(cells, adoption)
    on_time = panel_of(cells, Measure.ON_TIME)
    return ModelEffect(
        estimates=estimates,
        series=series_of(on_time, adoption, Measure.ON_TIME),
        where_next=where_next(cells, adoption),
        adopters=sum(1 for g in adoption.values() if g is not None),
        agencies=len(adoption),
    )
