"""System checks: settings the dossiers app relies on are usable."""

from __future__ import annotations

from datetime import date
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

LOCAL_HOSTS = frozenset({"localhost", "localhost.localdomain", ""})


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


def _is_local(host: str) -> bool:
    if host.lower() in LOCAL_HOSTS or host.lower().endswith(".localhost"):
        return True
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@register(Tags.security, deploy=True)
def public_url_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The public address printed on receipts (QR code) is one citizens can reach.

    Left at the development default (http://127.0.0.1:8000) or any address
    of the machine itself, every receipt's QR code and tracking address
    would lead nowhere: ``motcua check --deploy`` fails.
    """
    value = str(settings.MOTCUA_PUBLIC_URL or "")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return [
            Error(
                f"MOTCUA_PUBLIC_URL {value!r} is not an http(s) address.",
                hint="Set it to the site's public address, e.g. https://motcua.cantho.gov.vn.",
                id="motcua.E003",
            )
        ]
    if _is_local(parts.hostname):
        return [
            Error(
                f"MOTCUA_PUBLIC_URL is {value!r}, an address of this machine: the QR code and "
                "the tracking address printed on every receipt would not open for citizens.",
                hint="Set MOTCUA_PUBLIC_URL to the site's public address, e.g. "
                "https://motcua.cantho.gov.vn.",
                id="motcua.E004",
            )
        ]
    return []
