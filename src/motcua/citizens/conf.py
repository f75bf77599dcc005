"""Settings of the citizens app read with their defaults (docs/citizens.md).

The sign-in code settings (``MOTCUA_SIGN_IN_CODE_*``) predate this module
and are read from the project settings directly.
"""

from __future__ import annotations

from django.conf import settings


def citizen_token_ttl() -> int:
    """Seconds a citizen API token lives after sign-in (default 7 days)."""
    return int(getattr(settings, "MOTCUA_CITIZEN_TOKEN_TTL", 7 * 24 * 3600))
