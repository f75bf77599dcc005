"""Settings of the catalog app, each read here with its default (docs/citizens.md)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings


def online_intake_decide_hours() -> Decimal:
    """Working hours a desk has to decide on an online submission (DOMAIN.md §1.3)."""
    return Decimal(str(getattr(settings, "MOTCUA_ONLINE_INTAKE_DECIDE_HOURS", 8)))


def online_intake_warn_hours() -> Decimal:
    """How long before that limit the desk's intake officers are alerted."""
    return Decimal(str(getattr(settings, "MOTCUA_ONLINE_INTAKE_WARN_HOURS", 2)))
