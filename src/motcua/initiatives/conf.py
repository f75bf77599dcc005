"""Settings of the initiatives app, each read here with its default (docs/initiatives.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def _get(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def officer_roles() -> list[str]:
    """Roles that register initiatives and move models through their lifecycle."""
    return list(_get("MOTCUA_INITIATIVES_OFFICER_ROLES", ["reform_officer"]))


def default_pass_mark() -> int:
    """The council's pass mark on the 0–100 scale when none is given."""
    return int(_get("MOTCUA_INITIATIVES_PASS_MARK", 70))


def min_dossiers() -> int:
    """Fewer dossiers than this behind an estimate: "too few dossiers to tell"."""
    return int(_get("MOTCUA_INITIATIVES_EFFECT_MIN_DOSSIERS", 300))


def min_units() -> int:
    """Fewer adopting (or comparison) units than this: "too few dossiers to tell"."""
    return int(_get("MOTCUA_INITIATIVES_EFFECT_MIN_UNITS", 2))


def window_months() -> tuple[int, int]:
    """Months before and after adoption in each stack of the effect measurement."""
    before, after = _get("MOTCUA_INITIATIVES_EFFECT_WINDOW", (6, 6))
    return int(before), int(after)


def pretrend_alpha() -> float:
    """A joint test of the event-study leads below this p-value flags a pre-trend."""
    return float(_get("MOTCUA_INITIATIVES_PRETREND_ALPHA", 0.05))


def effect_cache_seconds() -> int:
    """How long a fitted effect stays in the shared cache (its key changes with the data)."""
    return int(_get("MOTCUA_INITIATIVES_EFFECT_CACHE_SECONDS", 24 * 3600))
