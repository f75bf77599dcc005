"""Automatic criteria: a registry of rules that score a sub-criterion from the system's data.

A sub-criterion names a rule by its ``rule_code``. A rule is a function
``(unit, year, max_points) -> RuleResult``: the points (never above the
maximum), the calculation in words and the links to the evidence. A rule
whose data does not exist answers ``points=None`` ("not available") and the
sub-criterion is scored by hand.

The outreach and initiatives apps are read through ``importlib`` at call
time (they sit above this app's dependencies in nothing but name, and a
deployment may run without them): a missing selector makes the rule
"not available", never an error. Targets are settings (:mod:`.conf`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core import clock
from motcua.org.models import Unit
from motcua.parindex.conf import rule_target

CENT = Decimal("0.01")


@dataclass
class RuleResult:
    points: Decimal | None
    calculation: str
    evidence: list[dict[str, str]] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return self.points is not None


@dataclass(frozen=True)
class Rule:
    code: str
    name: Any
    func: Callable[[Unit, int, Decimal], RuleResult]


RULES: dict[str, Rule] = {}


def register_rule(code: str, name: Any) -> Callable[[Callable[..., RuleResult]], Any]:
    """Register ``func`` as the rule ``code`` (idempotent)."""

    def wrap(func: Callable[[Unit, int, Decimal], RuleResult]) -> Any:
        RULES[code] = Rule(code, name, func)
        return func

    return wrap


def rule_run(code: str, unit: Unit, year: int, max_points: Decimal) -> RuleResult:
    """Run rule ``code``; an unknown code is "not available"."""
    rule = RULES.get(code)
    if rule is None:
        return RuleResult(None, _("No automatic rule has the code “%(code)s”.") % {"code": code})
    result = rule.func(unit, year, max_points)
    if result.points is not None:
        result.points = min(max(result.points, Decimal(0)), max_points).quantize(
            CENT, ROUND_HALF_UP
        )
    return result


def _num(value: Decimal, places: int = 2) -> str:
    return str(number_format(value, places, use_l10n=True, force_grouping=False))


def _share(points_max: Decimal, numerator: Decimal, denominator: Decimal) -> Decimal:
    return (points_max * numerator / denominator).quantize(CENT, ROUND_HALF_UP)


def _link(label: str, url_name: str, args: list[Any], query: str = "") -> list[dict[str, str]]:
    try:
        url = reverse(url_name, args=args)
    except NoReverseMatch:
        return []
    return [{"label": label, "url": url + query}]


def _missing(what: str) -> RuleResult:
    return RuleResult(
        None,
        _("Not available: %(what)s is not provided by this system yet; score it by hand.")
        % {"what": what},
    )


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    """Return ``module.name`` when that app is installed and provides it, else None."""
    try:
        found = importlib.import_module(module)
    except ImportError:
        return None
    func = getattr(found, name, None)
    return func if callable(func) else None


# --- dossiers (indices app) -------------------------------------------------------------


def _figure(query: str, unit: Unit, year: int) -> Any:
    from motcua.indices.periods import period_parse
    from motcua.indices.queries import QUERIES, Scope

    scope = Scope(unit=unit, period=period_parse(str(year)), now=clock.now())
    return QUERIES[query].figure(scope)


@register_rule("on_time_rate", gettext_lazy("Dossiers handled on time (indices)"))
def on_time_rate(unit: Unit, year: int, max_points: Decimal) -> RuleResult:
    """Points in proportion to the share of dossiers handled early or on time."""
    figure = _figure("dossiers_on_time", unit, year)
    if figure is None:
        return RuleResult(
            None, _("No dossier was received or finished in %(year)s.") % {"year": year}
        )
    points = _share(max_points, figure.numerator, figure.denominator)
    rate = figure.numerator * 100 / figure.denominator
    text = _(
        "%(num)s of %(den)s dossiers handled on time or still within the time limit in "
        "%(year)s = %(rate)s%% × %(max)s points = %(points)s points."
    ) % {
        "num": _num(figure.numerator, 0),
        "den": _num(figure.denominator, 0),
        "year": year,
        "rate": _num(rate),
        "max": _num(max_points),
        "points": _num(points),
    }
    return RuleResult(
        points,
        text,
        _link(_("Service index of the unit"), "indices:service", [unit.pk], f"?period={year}"),
    )


@register_rule("online_share", gettext_lazy("Dossiers received online (indices)"))
def online_share(unit: Unit, year: int, max_points: Decimal) -> RuleResult:
    """Full points at the target share of dossiers received online, in proportion below it."""
    figure = _figure("online_share", unit, year)
    if figure is None:
        return RuleResult(None, _("No dossier was received in %(year)s.") % {"year": year})
    target = rule_target("online_share")
    rate = figure.numerator * 100 / figure.denominator
    points = min(max_points, (max_points * rate / target).quantize(CENT, ROUND_HALF_UP))
    text = _(
        "%(num)s of %(den)s dossiers received online in %(year)s = %(rate)s%%; "
        "the full %(max)s points at %(target)s%% → %(points)s points."
    ) % {
        "num": _num(figure.numerator, 0),
        "den": _num(figure.denominator, 0),
        "year": year,
        "rate": _num(rate),
        "target": _num(target, 0),
        "max": _num(max_points),
        "points": _num(points),
    }
    return RuleResult(
        points,
        text,
        _link(_("Service index of the unit"), "indices:service", [unit.pk], f"?period={year}"),
    )


@register_rule("satisfaction", gettext_lazy("Satisfaction of the ratings (feedback)"))
def satisfaction(unit: Unit, year: int, max_points: Decimal) -> RuleResult:
    """Points in proportion to the share of ratings satisfied or very satisfied."""
    from django.db.models import Count

    from motcua.feedback.constants import SatisfactionLevel
    from motcua.feedback.selectors import evaluations_in

    rows = evaluations_in(unit, date(year, 1, 1), date(year, 12, 31))
    levels = dict(rows.values_list("level").annotate(n=Count("id")).order_by())
    total = sum(levels.values())
    if not total:
        return RuleResult(None, _("No dossier was rated in %(year)s.") % {"year": year})
    happy = levels.get(SatisfactionLevel.VERY_SATISFIED, 0) + levels.get(
        SatisfactionLevel.SATISFIED, 0
    )
    points = _share(max_points, Decimal(happy), Decimal(total))
    text = _(
        "%(num)s of %(den)s ratings in %(year)s satisfied or very satisfied = %(rate)s%% × "
        "%(max)s points = %(points)s points."
    ) % {
        "num": happy,
        "den": total,
        "year": year,
        "rate": _num(Decimal(happy) * 100 / total),
        "max": _num(max_points),
        "points": _num(points),
    }
    return RuleResult(points, text, _link(_("Unit dashboard"), "indices:dashboard", [unit.pk]))


# --- outreach and initiatives (read lazily) --------------------------------------------------


@register_rule("plan_issued_on_time", gettext_lazy("Communication plan issued on time (outreach)"))
def plan_issued_on_time(unit: Unit, year: int, max_points: Decimal) -> RuleResult:
    """Full points when the year's communication plan was issued on time, none when late."""
    func = _optional("motcua.outreach.selectors", "plan_issued_on_time")
    if func is None:
        return _missing(_("the communication plan"))
    issued = func(unit, year)
    if issued is None:
        return RuleResult(None, _("No communication plan for %(year)s yet.") % {"year": year})
    points = max_points if issued else Decimal(0)
    text = (
        _("The communication plan for %(year)s was issued on time: %(points)s points.")
        if issued
        else _("The communication plan for %(year)s was issued late: %(points)s points.")
    ) % {"year": year, "points": _num(points)}
    return RuleResult(points, text, _link(_("Communication plans"), "outreach:home", []))


@register_rule("plan_completion", gettext_lazy("Completion of the communication plan (outreach)"))
def plan_completion(unit: Unit, year: int, max_points: Decimal) -> RuleResult:
    """Points in proportion to the plan's completion (percent)."""
    func = _optional("motcua.outreach.selectors", "plan_completion")
    if func is None:
        return _missing(_("the communication plan"))
    percent = func(unit, year)
    if percent is None:
        return RuleResult(None, _("No communication plan for %(year)s yet.") % {"year": year})
    percent = min(Decimal(str(percent)), Decimal(100))
    points = _share(max_points, percent, Decimal(100))
    text = _(
        "The communication plan for %(year)s is %(rate)s%% complete × %(max)s points = "
        "%(points)s points."
    ) % {"year": year, "rate": _num(percent), "max": _num(max_points), "points": _num(points)}
    return RuleResult(points, text, _link(_("Communication plans"), "outreach:home", []))


@register_rule("form_variety", gettext_lazy("Variety of communication forms (outreach)"))
def form_variety(unit: Unit, year: int, max_points: Decimal) -> RuleResult:
    """Full points at the target number of forms, in proportion below it."""
    func = _optional("motcua.outreach.selectors", "form_variety")
    if func is None:
        return _missing(_("the communication plan"))
    count = int(func(unit, year))
    target = rule_target("form_variety")
    points = min(max_points, _share(max_points, Decimal(count), target))
    text = _(
        "%(count)s communication forms used in %(year)s; the full %(max)s points at "
        "%(target)s forms → %(points)s points."
    ) % {
        "count": count,
        "year": year,
        "target": _num(target, 0),
        "max": _num(max_points),
        "points": _num(points),
    }
    return RuleResult(points, text, _link(_("Communication plans"), "outreach:home", []))


def _counted(
    func_name: str, what: str, unit: Unit, year: int, max_points: Decimal, code: str
) -> RuleResult:
    func = _optional("motcua.initiatives.selectors", func_name)
    if func is None:
        return _missing(_("the register of initiatives and models"))
    count = int(func(unit, year))
    target = rule_target(code)
    points = min(max_points, _share(max_points, Decimal(count), target))
    text = _(
        "%(count)s %(what)s in %(year)s; the full %(max)s points at %(target)s → %(points)s points."
    ) % {
        "count": count,
        "what": what,
        "year": year,
        "target": _num(target, 0),
        "max": _num(max_points),
        "points": _num(points),
    }
    return RuleResult(points, text, _link(_("Initiatives and models"), "initiatives:home", []))


@register_rule(
    "recognised_initiatives", gettext_lazy("Recognised initiatives (initiatives register)")
)
def recognised_initiatives(unit: Unit, year: int, max_points: Decimal) -> RuleResult:
    """Full points at the target number of recognised initiatives, in proportion below it."""
    return _counted(
        "recognised_initiatives",
        _("recognised initiatives"),
        unit,
        year,
        max_points,
        "recognised_initiatives",
    )


@register_rule("replicated_models", gettext_lazy("Replicated models (initiatives register)"))
def replicated_models(unit: Unit, year: int, max_points: Decimal) -> RuleResult:
    """Full points at the target number of replicated models, in proportion below it."""
    return _counted(
        "replicated_models", _("replicated models"), unit, year, max_points, "replicated_models"
    )
