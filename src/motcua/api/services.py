"""Create, revoke and check staff API tokens (see :mod:`motcua.api.models`)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.api.models import TOKEN_PREFIX, ApiToken
from motcua.core import clock, fastsql
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError
from motcua.core.text import nfc

LAST_USED_RESOLUTION = timedelta(minutes=1)
"""``last_used_at`` is written at most this often per token, not on every request."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def api_token_create(
    *, actor: Any, user: Any, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``user`` and return it with its full text, shown only this once."""
    name = nfc(name or "")
    if not name:
        raise ApplicationError(_("Give the token a name saying what it is for."), code="name")
    if len(name) > 100:
        raise ApplicationError(_("The name is longer than 100 characters."), code="name")
    now = clock.now()
    if expires_at is not None and expires_at <= now:
        raise ApplicationError(_("The expiry must be in the future."), code="expires_at")
    if not user.is_active:
        raise ApplicationError(_("The account is disabled."), code="inactive")
    secret = secrets.token_urlsafe(32)
    for _attempt in range(5):
        token = ApiToken(
            user=user,
            name=name,
            prefix=secrets.token_hex(6),
            secret_hash=_digest(secret),
            created_at=now,
            expires_at=expires_at,
        )
        try:
            with transaction.atomic():
                token.save()
                audit_record(
                    actor=actor,
                    action="api.token.create",
                    obj=token,
                    data={
                        "user": user.get_username(),
                        "name": name,
                        "prefix": token.prefix,
                        "expires_at": expires_at,
                    },
                )
        except IntegrityError:  # pragma: no cover - a 48-bit prefix collided
            continue
        return token, f"{TOKEN_PREFIX}_{token.prefix}_{secret}"
    raise AssertionError("could not draw a unique token prefix")  # pragma: no cover


def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke ``token`` for good; revoking twice changes nothing."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = clock.now()
            locked.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor,
                action="api.token.revoke",
                obj=locked,
                data={"user": locked.user.get_username(), "prefix": locked.prefix},
            )
    return locked


class TokenRejected(Exception):
    """The token is unknown, revoked, expired or its user is disabled; ``message`` says which."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class _Parsed:
    prefix: str
    secret: str


def _parse(text: str) -> _Parsed | None:
    parts = text.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    if len(parts[1]) > 16 or len(parts[2]) > 100:
        return None
    return _Parsed(parts[1], parts[2])


def _token_with_user(prefix: str) -> ApiToken | None:
    """Return the token with ``prefix`` and its user, in one plain statement.

    Every API request runs this; a plain cursor costs about a third of the
    ORM's select_related query (bench/bench_intake.py).
    """
    user_model = get_user_model()
    token_columns = list(ApiToken._meta.concrete_fields)
    user_columns = list(user_model._meta.concrete_fields)
    quote = connection.ops.quote_name
    columns = ", ".join(
        [f"t.{quote(str(field.column))}" for field in token_columns]
        + [f"u.{quote(str(field.column))}" for field in user_columns]
    )
    user_table, user_pk = quote(user_model._meta.db_table), quote(str(user_model._meta.pk.column))
    sql = (
        f"SELECT {columns} FROM {quote(ApiToken._meta.db_table)} t "  # noqa: S608 - model identifiers
        f"JOIN {user_table} u ON u.{user_pk} = t.user_id WHERE t.prefix = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    count = len(token_columns)
    token = fastsql.from_row(ApiToken, [f.attname for f in token_columns], row[:count])
    token.user = fastsql.from_row(user_model, [f.attname for f in user_columns], row[count:])
    return token  # type: ignore[no-any-return]


def api_token_authenticate(text: str) -> Any:
    """Return the user of the token ``text`` or raise :class:`TokenRejected`.

    One query (the token with its user); ``last_used_at`` is updated at most
    once per :data:`LAST_USED_RESOLUTION`, so a busy client does not write
    on every request.
    """
    parsed = _parse(text)
    token = _token_with_user(parsed.prefix) if parsed is not None else None
    if (
        parsed is None
        or token is None
        or not hmac.compare_digest(token.secret_hash, _digest(parsed.secret))
    ):
        raise TokenRejected(_("The API token is not valid."), "token_invalid")
    now = clock.now()
    if token.revoked_at is not None:
        raise TokenRejected(_("The API token was revoked."), "token_revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRejected(
            _("The API token expired on %(when)s.")
            % {"when": timezone.localtime(token.expires_at).strftime("%H:%M %d/%m/%Y")},
            "token_expired",
        )
    if not token.user.is_active:
        raise TokenRejected(_("The account of this API token is disabled."), "user_inactive")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
