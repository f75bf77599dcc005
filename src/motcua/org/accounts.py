"""Staff accounts: who needs a second factor, password changes, TOTP devices.

The second factor is a time-based one-time code (TOTP, RFC 6238) from an
authenticator app, kept by django-otp's ``TOTPDevice``. It is required at
sign-in for (:func:`second_factor_required`):

* superusers and users of the admin site (``is_staff``): they can change
  anything, including other people's roles;
* holders, today, of a role in ``MOTCUA_SECOND_FACTOR_ROLES``: by default
  the decision roles (``MOTCUA_DECISION_ROLES``, who sign decisions), the
  centre director (who sees every dossier of the centre and its
  alerts) and the administrator role.

Everyone else may turn it on from the account page; once on, it is asked
at every sign-in. A device is confirmed only by a first correct code, so a
mistyped secret never locks its owner out. A user who must use a second
factor cannot remove it; an administrator deletes a lost device in the
admin, and the next sign-in asks to set up a new one.

Every change here writes one audit record on the user's stream.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError
from motcua.org.models import RoleAssignment
from motcua.org.selectors import valid_on_q

TOTP_KEY_BYTES = 20
"""The secret's length: 160 bits, as RFC 4226 recommends for HMAC-SHA1."""

TOTP_DEVICE_NAME = "authenticator"


def second_factor_required(user: Any) -> bool:
    """Return whether ``user`` must give a one-time code at sign-in (see the module docstring)."""
    if user.is_superuser or user.is_staff:
        return True
    roles = settings.MOTCUA_SECOND_FACTOR_ROLES
    return (
        RoleAssignment.objects.filter(user=user, role__code__in=roles)
        .filter(valid_on_q(clock.localdate()))
        .exists()
    )


def second_factor_device(user: Any) -> TOTPDevice | None:
    """Return the user's confirmed TOTP device, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def new_totp_key() -> str:
    """Return a new random TOTP secret, hex-encoded as django-otp stores it."""
    return secrets.token_hex(TOTP_KEY_BYTES)


def totp_key_base32(key: str) -> str:
    """Return the secret as authenticator apps take it by hand (Base32, groups of four)."""
    text = base64.b32encode(bytes.fromhex(key)).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def totp_config_url(user: Any, key: str) -> str:
    """Return the ``otpauth://`` address that the enrolment QR code carries."""
    return str(TOTPDevice(user=user, key=key).config_url)


def normalise_code(code: str) -> str:
    """Return ``code`` without the spaces and dashes people type ("123 456")."""
    return "".join(ch for ch in code if not ch.isspace() and ch != "-")


def _totp_step(key: str, code: str) -> int | None:
    """Return the time step at which ``code`` is the secret's code (now ± one step), or None."""
    if not code.isdigit() or not code.isascii():
        return None
    totp = TOTP(bytes.fromhex(key))
    return int(totp.t()) if totp.verify(int(code), tolerance=1) else None


def second_factor_verify(user: Any, code: str) -> TOTPDevice | None:
    """Return the device of ``user`` that accepts ``code``, or None.

    django-otp locks the device row, refuses a code already used (each
    time step once) and slows down repeated failures; the lockout counts
    the failure too (the sign-in view reports it to axes).
    """
    token = normalise_code(code)
    for device in TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"):
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return device
    return None


def second_factor_enable(*, user: Any, key: str, code: str) -> TOTPDevice:
    """Confirm the secret ``key`` with a first ``code`` from the app; store it as the device.

    Raise :class:`ApplicationError` when the code does not match (nothing
    is stored) or when the user already has a device.
    """
    step = _totp_step(key, normalise_code(code))
    if step is None:
        raise ApplicationError(
            _(
                "The code does not match. Check that the phone's clock is right and enter "
                "the code the app shows now."
            ),
            code="wrong_code",
        )
    with transaction.atomic():
        get_user_model().objects.select_for_update().get(pk=user.pk)
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ApplicationError(
                _("Two-step verification is already on for this account."), code="exists"
            )
        device = TOTPDevice.objects.create(
            user=user,
            name=TOTP_DEVICE_NAME,
            key=key,
            confirmed=True,
            last_t=step,  # the code just typed is used up
        )
        audit_record(
            actor=user,
            action="account.second_factor_enabled",
            obj=user,
            data={"device": device.pk},
        )
    return device


def second_factor_provision(*, actor: Any, user: Any) -> TOTPDevice:
    """Give ``user`` a confirmed device with a new secret, for a script (the demo).

    The secret is then handed over outside the site (the demo prints it);
    people set up their own on the account page or at sign-in instead.
    """
    with transaction.atomic():
        get_user_model().objects.select_for_update().get(pk=user.pk)
        device = second_factor_device(user)
        if device is not None:
            return device
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, key=new_totp_key(), confirmed=True
        )
        audit_record(
            actor=actor,
            action="account.second_factor_provisioned",
            obj=user,
            data={"device": device.pk},
        )
    return device


def second_factor_disable(*, user: Any, code: str) -> None:
    """Remove the user's device after a current ``code`` from it.

    Refused for a user who must use a second factor.
    """
    if second_factor_required(user):
        raise ApplicationError(
            _("Your role requires two-step verification; it cannot be turned off."),
            code="required",
        )
    device = second_factor_verify(user, code)
    if device is None:
        raise ApplicationError(
            _("The code is not right. Enter the code the app shows now."), code="wrong_code"
        )
    with transaction.atomic():
        get_user_model().objects.select_for_update().get(pk=user.pk)
        audit_record(
            actor=user,
            action="account.second_factor_disabled",
            obj=user,
            data={"device": device.pk},
        )
        TOTPDevice.objects.filter(user=user).delete()


def second_factor_reset(*, actor: Any, user: Any) -> int:
    """Remove ``user``'s devices for an administrator (a lost or replaced phone).

    The user sets up a new one at the next sign-in when the role requires it.
    Return how many devices were removed; nothing is recorded when there were none.
    """
    with transaction.atomic():
        get_user_model().objects.select_for_update().get(pk=user.pk)
        devices = list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True))
        if not devices:
            return 0
        audit_record(
            actor=actor,
            action="account.second_factor_reset",
            obj=user,
            data={"devices": devices},
        )
        TOTPDevice.objects.filter(pk__in=devices).delete()
    return len(devices)


def account_password_change(*, user: Any, new_password: str) -> None:
    """Set the user's own new password (checked by the password validators) and audit it."""
    validate_password(new_password, user)
    with transaction.atomic():
        locked = get_user_model().objects.select_for_update().get(pk=user.pk)
        locked.set_password(new_password)
        locked.save(update_fields=["password"])
        user.password = locked.password
        audit_record(actor=user, action="account.password_changed", obj=user, data={})
