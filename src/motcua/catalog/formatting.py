"""How catalogue values read on pages and in the API: words, not slugs."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from motcua.catalog.content import limit_text
from motcua.catalog.models import (
    FORMER_ONLINE_LEVELS,
    OnlineLevel,
    ProcedureVersion,
    StepBudgetUnit,
    WorkflowStep,
)


def group_thousands(amount: int) -> str:
    """Return ``amount`` with thousands grouped: "50.000" in Vietnamese, "50,000" otherwise."""
    separator = "." if (get_language() or "vi").startswith("vi") else ","
    return f"{amount:,}".replace(",", separator)


def format_vnd(amount: int) -> str:
    """Return an amount of đồng the Vietnamese way: "50.000 đồng"; zero is "Free"."""
    if amount == 0:
        return _("Free")
    return _("%(amount)s VND") % {"amount": group_thousands(amount)}


def format_decimal(value: Decimal) -> str:
    """Return a decimal without trailing zeros, with the language's decimal mark."""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",") if (get_language() or "vi").startswith("vi") else text


def time_limit_text(version: ProcedureVersion) -> str:
    """Return the legal time limit in words: "3 working days", "Same day"."""
    return limit_text(version.time_limit_amount, version.time_limit_unit)


def online_level_text(level: str) -> str:
    """Return the online level with its former NĐ 43/2011 level."""
    label = OnlineLevel(level).label
    return _("%(level)s (formerly level %(former)s)") % {
        "level": label,
        "former": FORMER_ONLINE_LEVELS[OnlineLevel(level)],
    }


def step_budget_text(step: WorkflowStep) -> str:
    """Return a step's budget in words: "0,5 working days"."""
    shown = format_decimal(step.budget_amount)
    if step.budget_unit == StepBudgetUnit.WORKING_HOURS:
        return _("%(amount)s working hours") % {"amount": shown}
    return _("%(amount)s working days") % {"amount": shown}
