"""The contests app's settings, read in one place (documented in docs/contests.md)."""

from __future__ import annotations

from django.conf import settings


def organiser_roles() -> list[str]:
    """Roles that organise a contest over its organising unit (and the units below)."""
    return list(
        getattr(settings, "MOTCUA_CONTESTS_ORGANISER_ROLES", ["reform_officer", "administrator"])
    )


def judge_role() -> str:
    """The role a user must hold over the organising unit to be assigned as a judge."""
    return str(getattr(settings, "MOTCUA_CONTESTS_JUDGE_ROLE", "judge"))


def reopen_reason_min() -> int:
    """The fewest characters a reason to reopen a submitted sheet may have."""
    return int(getattr(settings, "MOTCUA_CONTESTS_REOPEN_REASON_MIN", 10))
