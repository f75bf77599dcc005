"""Settings of the parindex app, read in one place (documented in docs/parindex.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings


def scorer_roles() -> list[str]:
    """Roles that self-score their unit's assessment (on the unit or above it)."""
    return list(
        getattr(settings, "MOTCUA_PARINDEX_SCORER_ROLES", ["reform_officer", "administrator"])
    )


def appraiser_roles() -> list[str]:
    """Roles of the reviewing body: held on a unit strictly above the assessed unit."""
    return list(
        getattr(settings, "MOTCUA_PARINDEX_APPRAISER_ROLES", ["reform_officer", "administrator"])
    )


def definition_roles() -> list[str]:
    """Roles that import index definitions (on any unit)."""
    return list(getattr(settings, "MOTCUA_PARINDEX_DEFINITION_ROLES", ["administrator"]))


DEFAULT_TARGETS: dict[str, Any] = {
    # Percent of dossiers received online that earns the full points [L].
    "online_share": 50,
    # Number of communication forms that earns the full points [L].
    "form_variety": 5,
    # Recognised initiatives / replicated models that earn the full points [L].
    "recognised_initiatives": 1,
    "replicated_models": 1,
}


def rule_target(code: str) -> Decimal:
    """Return the target of an automatic rule (``MOTCUA_PARINDEX_RULE_TARGETS`` overrides)."""
    targets = {**DEFAULT_TARGETS, **getattr(settings, "MOTCUA_PARINDEX_RULE_TARGETS", {})}
    return Decimal(str(targets[code]))
