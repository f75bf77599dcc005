"""Shared setup for the org tests: kinds by code and a unit factory."""

from __future__ import annotations

from datetime import date
from typing import Any

from motcua.org.models import Unit, UnitKind
from motcua.org.services import unit_create

ACTOR = "tests"


def kind(code: str) -> UnitKind:
    return UnitKind.objects.get(code=code)


def make_unit(
    name: str, kind_code: str = "ward", parent: Unit | None = None, **fields: Any
) -> Unit:
    return unit_create(actor=ACTOR, name=name, kind=kind(kind_code), parent=parent, **fields)


D = date


def totp_code(device_or_key: Any, *, steps_ahead: int = 0) -> str:
    """Return the code an authenticator app shows now (or ``steps_ahead`` steps later).

    Takes a TOTPDevice, its hex key, or a Base32 secret as printed for the demo.
    A code is accepted once per time step, so a test that signs in twice uses
    the next step's code the second time (the device allows one step of drift).
    """
    import base64
    import time

    from django_otp.oath import TOTP

    if hasattr(device_or_key, "bin_key"):
        key = device_or_key.bin_key
    elif all(ch in "0123456789abcdef" for ch in device_or_key):
        key = bytes.fromhex(device_or_key)
    else:
        text = device_or_key.replace(" ", "")
        key = base64.b32decode(text + "=" * (-len(text) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"
