"""Bearer tokens of the citizen API: issued by a one-time code, hashed, expiring, revocable.

A token reads ``ct_<prefix>_<secret>``: the public prefix finds the row,
only the SHA-256 digest of the 256-bit random secret is stored (a leaked
database yields no usable token), and it is compared in constant time. It
lives ``MOTCUA_CITIZEN_TOKEN_TTL`` seconds (:mod:`motcua.citizens.conf`)
and dies when the citizen signs out. The staff tokens of
:mod:`motcua.api` are a different table with another prefix, so neither
kind is ever accepted in place of the other.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.citizens import codes
from motcua.citizens.conf import citizen_token_ttl
from motcua.citizens.models import Citizen, CitizenToken
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError

TOKEN_PREFIX = "ct"  # noqa: S105 - the public marker of the token format, not a secret
LAST_USED_RESOLUTION = timedelta(minutes=1)


class CitizenTokenRejected(ApplicationError):
    """The token is unknown, revoked or expired (401)."""

    status = 401


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def citizen_token_issue(*, citizen: Citizen) -> tuple[CitizenToken, str]:
    """Create a token for ``citizen``; return it with its text, shown only this once."""
    now = clock.now()
    secret = secrets.token_urlsafe(32)
    for _attempt in range(5):
        token = CitizenToken(
            citizen=citizen,
            prefix=secrets.token_hex(6),
            secret_hash=_digest(secret),
            created_at=now,
            expires_at=now + timedelta(seconds=citizen_token_ttl()),
        )
        try:
            with transaction.atomic():
                token.save()
                audit_record(
                    actor=citizen.user,
                    action="citizens.token_issue",
                    obj=citizen,
                    data={"prefix": token.prefix, "expires_at": token.expires_at},
                )
        except IntegrityError:  # pragma: no cover - a 48-bit prefix collided
            continue
        return token, f"{TOKEN_PREFIX}_{token.prefix}_{secret}"
    raise AssertionError("could not draw a unique token prefix")  # pragma: no cover


def citizen_sign_in_with_code(*, challenge: int, code: str) -> tuple[CitizenToken, str]:
    """Check the one-time code (the web sign-in's rules) and issue a token."""
    citizen = codes.code_verify(challenge=challenge, code=code)
    return citizen_token_issue(citizen=citizen)


def citizen_token_revoke(*, token: CitizenToken) -> CitizenToken:
    """Revoke ``token`` for good (signing out); twice changes nothing."""
    with transaction.atomic():
        locked = CitizenToken.objects.select_for_update().select_related("citizen__user")
        row = locked.get(pk=token.pk)
        if row.revoked_at is None:
            row.revoked_at = clock.now()
            row.save(update_fields=["revoked_at"])
            audit_record(
                actor=row.citizen.user,
                action="citizens.token_revoke",
                obj=row.citizen,
                data={"prefix": row.prefix},
            )
    return row


def citizen_token_authenticate(text: str) -> CitizenToken:
    """Return the live token of ``text`` with its citizen and user, or raise (401)."""
    parts = (text or "").strip().split("_", 2)
    token = None
    if (
        len(parts) == 3
        and parts[0] == TOKEN_PREFIX
        and 0 < len(parts[1]) <= 16
        and 0 < len(parts[2]) <= 100
    ):
        token = CitizenToken.objects.select_related("citizen__user").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(parts[2])):
        raise CitizenTokenRejected(
            _("The sign-in token is not valid; sign in again."), code="token_invalid"
        )
    now = clock.now()
    if token.revoked_at is not None:
        raise CitizenTokenRejected(
            _("You signed out with this token; sign in again."), code="token_revoked"
        )
    if token.expires_at <= now:
        raise CitizenTokenRejected(
            _("The sign-in token expired on %(when)s; sign in again.")
            % {"when": timezone.localtime(token.expires_at).strftime("%H:%M %d/%m/%Y")},
            code="token_expired",
        )
    if not token.citizen.user.is_active:
        raise CitizenTokenRejected(_("This account is disabled."), code="user_inactive")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        CitizenToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
