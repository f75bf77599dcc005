"""Template filters for catalogue pages."""

from __future__ import annotations

from django import template

from motcua.catalog import formatting
from motcua.catalog.models import ProcedureVersion, WorkflowStep

register = template.Library()


@register.filter
def vnd(amount: int) -> str:
    """Render an amount of đồng: ``{{ fee.amount|vnd }}`` → "50.000 đồng"."""
    return formatting.format_vnd(amount)


@register.filter
def time_limit(version: ProcedureVersion) -> str:
    """Render a version's time limit in words."""
    return formatting.time_limit_text(version)


@register.filter
def online_level(level: str) -> str:
    """Render an online level with the former level beside it."""
    return formatting.online_level_text(level)


@register.filter
def step_budget(step: WorkflowStep) -> str:
    """Render a workflow step's time budget."""
    return formatting.step_budget_text(step)
