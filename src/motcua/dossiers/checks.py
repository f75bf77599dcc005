"""System checks: settings the dossiers app relies on are usable."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def dossier_code_pattern_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The dossier code pattern formats with {agency}, {date}, {seq} and {system} only."""
    pattern = settings.MOTCUA_DOSSIER_CODE_PATTERN
    try:
        sample = pattern.format(agency="H33.41", date=date(2026, 3, 2), seq=1, system="00")
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        return [
            Error(
                f"MOTCUA_DOSSIER_CODE_PATTERN {pattern!r} cannot be formatted: {exc}",
                hint='Use {agency}, {date:%y%m%d}, {seq:04d} and {system}, e.g. "{agency}-{date:%y%m%d}-{seq:04d}".',
                id="motcua.E001",
            )
        ]
    # The sequence restarts for each agency each day: without both, codes would repeat.
    if any(part not in pattern for part in ("{seq", "{agency", "{date")) or len(sample) > 60:
        return [
            Error(
                f"MOTCUA_DOSSIER_CODE_PATTERN {pattern!r} must contain {{agency}}, {{date}} and "
                "{seq} (the sequence restarts per agency and day) and give codes of at most 60 "
                "characters.",
                id="motcua.E002",
            )
        ]
    return []
