"""Passwordless sign-in: a one-time code sent to a phone or an e-mail address.

The rules, each a setting (``MOTCUA_SIGN_IN_CODE_*``, docs/citizens.md):

- a code has 6 digits and lives ``MOTCUA_SIGN_IN_CODE_TTL`` seconds;
- only a keyed hash of it is stored (HMAC-SHA256 under ``SECRET_KEY`` with a
  salt of its own), never the code;
- it works once; after ``MOTCUA_SIGN_IN_CODE_ATTEMPTS`` wrong tries it is
  dead and a new one must be asked for;
- at most ``MOTCUA_SIGN_IN_CODES_PER_DESTINATION`` codes go to one phone or
  address, and ``MOTCUA_SIGN_IN_CODES_PER_ADDRESS`` to one client address
  (:func:`motcua.core.net.client_bucket`), within
  ``MOTCUA_SIGN_IN_CODE_WINDOW`` seconds. The counts are rows of the
  database, so they hold across processes and machines.

The code travels through the notification outbox
(:mod:`motcua.core.notifications`): e-mail always, SMS when a gateway is
configured.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.citizens.models import Citizen, CodeChannel, SignInCode
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError
from motcua.core.idnumbers import clean_phone
from motcua.core.models import Notification
from motcua.core.notifications import notify

CODE_DIGITS = 6


@dataclass(frozen=True)
class Destination:
    channel: str
    address: str


def destination_clean(value: str) -> Destination:
    """Return the phone number or e-mail address in one form, or raise a clear error."""
    text = (value or "").strip()
    if not text:
        raise ApplicationError(
            _("Enter your phone number or e-mail address."),
            code="destination_required",
            extra={"field": "destination"},
        )
    if "@" in text:
        address = text.lower()
        try:
            validate_email(address)
        except DjangoValidationError as exc:
            raise ApplicationError(
                _("The e-mail address is not valid."),
                code="invalid_email",
                extra={"field": "destination"},
            ) from exc
        return Destination(CodeChannel.EMAIL, address)
    phone = clean_phone(text, field="destination")
    if not settings.MOTCUA_SMS_GATEWAY_URL:
        raise ApplicationError(
            _("Codes cannot be sent by SMS here yet; enter your e-mail address instead."),
            code="sms_unavailable",
            extra={"field": "destination"},
        )
    return Destination(CodeChannel.SMS, phone)


def _digest(salt: str, destination: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    message = f"citizens.sign_in_code:{salt}:{destination}:{code}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _hash(destination: str, code: str) -> str:
    salt = secrets.token_hex(8)
    return f"{salt}${_digest(salt, destination, code)}"


def _matches(stored: str, destination: str, code: str) -> bool:
    salt, _sep, digest = stored.partition("$")
    return hmac.compare_digest(digest, _digest(salt, destination, code))


def code_request(*, destination: str, client: str) -> SignInCode:
    """Send a new code to ``destination``; return its row (the code itself is not kept).

    ``client`` is the requester's rate-limit bucket. Raises when a limit is
    reached, with the minutes until the next code may be asked for.
    """
    target = destination_clean(destination)
    now = clock.now()
    window = timedelta(seconds=settings.MOTCUA_SIGN_IN_CODE_WINDOW)
    since = now - window
    with transaction.atomic():
        recent = SignInCode.objects.filter(created_at__gt=since)
        to_destination = list(
            recent.filter(destination=target.address)
            .order_by("created_at")
            .values_list("created_at", flat=True)
        )
        if len(to_destination) >= settings.MOTCUA_SIGN_IN_CODES_PER_DESTINATION:
            wait = to_destination[0] + window - now
            raise ApplicationError(
                _(
                    "Too many codes were sent to this address; you can ask for a new one "
                    "in %(minutes)s minutes."
                )
                % {"minutes": max(1, int(wait.total_seconds() // 60) + 1)},
                code="too_many_codes",
                extra={"field": "destination"},
            )
        if (
            client
            and recent.filter(client=client).count() >= settings.MOTCUA_SIGN_IN_CODES_PER_ADDRESS
        ):
            raise ApplicationError(
                _("Too many codes were asked for from this connection; try again later."),
                code="too_many_codes_from_client",
            )
        code = "".join(secrets.choice("0123456789") for _i in range(CODE_DIGITS))
        row = SignInCode.objects.create(
            destination=target.address,
            channel=target.channel,
            code_hash=_hash(target.address, code),
            client=client[:64],
            created_at=now,
            expires_at=now + timedelta(seconds=settings.MOTCUA_SIGN_IN_CODE_TTL),
        )
        notify(
            event="citizens.sign_in_code",
            context={"code": code, "minutes": settings.MOTCUA_SIGN_IN_CODE_TTL // 60},
            email=target.address if target.channel == CodeChannel.EMAIL else "",
            phone=target.address if target.channel == CodeChannel.SMS else "",
            obj=row,
        )
    return row


def _refused(message: str, code: str) -> ApplicationError:
    return ApplicationError(message, code=code, extra={"field": "code"})


def code_verify(*, challenge: int, code: str) -> Citizen:
    """Check ``code`` against the code row ``challenge``; return the signed-in citizen.

    A wrong code counts one try, committed even though the call raises.
    """
    typed = "".join((code or "").split())
    now = clock.now()
    wrong_left: int | None = None
    with transaction.atomic():
        row = SignInCode.objects.select_for_update().filter(pk=challenge).first()
        if row is None:
            raise _refused(_("Ask for a sign-in code first."), "code_unknown")
        if row.used_at is not None:
            raise _refused(_("This code has already been used; ask for a new one."), "code_used")
        if row.attempts >= settings.MOTCUA_SIGN_IN_CODE_ATTEMPTS:
            raise _refused(_("Too many wrong codes were typed; ask for a new one."), "code_locked")
        if now >= row.expires_at:
            raise _refused(_("This code has expired; ask for a new one."), "code_expired")
        if not (typed.isdigit() and len(typed) == CODE_DIGITS) or not _matches(
            row.code_hash, row.destination, typed
        ):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            wrong_left = settings.MOTCUA_SIGN_IN_CODE_ATTEMPTS - row.attempts
            if not wrong_left:
                _scrub_messages(row)
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
            _scrub_messages(row)
            citizen, created = citizen_for(row.channel, row.destination)
            audit_record(
                actor=citizen.user,
                action="citizens.sign_in",
                obj=citizen,
                data={"method": "code", "channel": row.channel, "new": created},
                new_stream=created,
            )
            return citizen
    if wrong_left:
        raise _refused(
            _("The code is not right; %(left)s tries left.") % {"left": wrong_left},
            "code_wrong",
        )
    raise _refused(
        _("The code is not right, and no tries are left; ask for a new one."), "code_locked"
    )


def _scrub_messages(row: SignInCode) -> None:
    """Blank the outbox copies of a code that can no longer be used.

    The message that carried the code is the only place it was written in
    clear; once the code is used up, nothing needs to keep it.
    """
    Notification.objects.filter(
        object_type=SignInCode._meta.label_lower, object_id=str(row.pk)
    ).update(body="", subject="")


def citizen_for(channel: str, address: str, *, full_name: str = "") -> tuple[Citizen, bool]:
    """Return the citizen with this phone or e-mail address, created if new."""
    field = "email" if channel == CodeChannel.EMAIL else "phone"
    found = Citizen.objects.select_related("user").filter(Q(**{field: address})).first()
    if found is not None:
        return found, False
    return citizen_create(**{field: address}, full_name=full_name), True


def citizen_create(
    *,
    email: str = "",
    phone: str = "",
    full_name: str = "",
    oidc_issuer: str = "",
    oidc_subject: str = "",
) -> Citizen:
    """Create a citizen and its password-less user (no staff rights, no roles)."""
    user = get_user_model().objects.create_user(
        username=f"citizen-{uuid.uuid4().hex[:20]}",
        email=email,
        first_name=(full_name or email or phone)[:150],  # the name shown in the page header
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return Citizen.objects.create(
        user=user,
        email=email,
        phone=phone,
        full_name=full_name,
        oidc_issuer=oidc_issuer,
        oidc_subject=oidc_subject,
        created_at=clock.now(),
    )
