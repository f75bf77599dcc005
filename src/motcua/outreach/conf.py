"""Settings of the outreach app, read in one place (documented in docs/outreach.md)."""

from __future__ import annotations

from datetime import date

from django.conf import settings


def officer_roles() -> list[str]:
    """Roles that keep a unit's plans, reports and content (``MOTCUA_OUTREACH_ROLES``)."""
    return list(getattr(settings, "MOTCUA_OUTREACH_ROLES", ["reform_officer"]))


def reader_roles() -> list[str]:
    """Roles that read plans and roll-ups without changing them."""
    return list(
        getattr(
            settings,
            "MOTCUA_OUTREACH_READER_ROLES",
            ["reform_officer", "commune_leader", "agency_leader", "centre_director"],
        )
    )


def plan_deadline(year: int) -> date:
    """The day by which a year's plan must be issued (``MOTCUA_OUTREACH_PLAN_DEADLINE``,
    ``(month, day)`` of that year; 31 January by default)."""
    month, day = getattr(settings, "MOTCUA_OUTREACH_PLAN_DEADLINE", (1, 31))
    return date(year, int(month), int(day))


def overdue_grace_days() -> int:
    """Days after an activity's due date before it is alerted as overdue (0 by default)."""
    return int(getattr(settings, "MOTCUA_OUTREACH_OVERDUE_GRACE_DAYS", 0))
