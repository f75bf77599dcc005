"""The seal of an audit record: a keyed hash (HMAC-SHA256) under a key kept out of the database.

A record's ``hash`` is the HMAC-SHA256 of its canonical JSON content and the
previous record's hash, under the key named by its ``key_id``. Whoever can
write to the database but does not hold the key cannot make a changed,
inserted or re-numbered record verify again, which a plain SHA-256 (what
records carried before migration ``core.0005``) allowed: anyone could
recompute it.

Keys come from ``MOTCUA_AUDIT_KEYS`` (comma-separated) or, when that is
empty, from ``MOTCUA_AUDIT_KEY_FILE`` (one key per line), a file created with
one random key on first use and readable by its owner only. The first key
seals new records; the others only verify records sealed before a rotation
(``motcua audit reseal`` moves those to the first key).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

MIN_KEY_LENGTH = 32
"""Characters a key needs at least (a generated key has 43)."""


def canonical_json(value: Any) -> str:
    """Return ``value`` as the JSON text that audit hashes are computed over."""
    return json.dumps(
        value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


# --- keys ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditKeys:
    """The keys this process knows: ``current`` seals, every one in ``by_id`` verifies."""

    current: str
    by_id: dict[str, bytes] = field(repr=False)


def key_id_of(secret: str) -> str:
    """Return the public name of a key: 12 hex digits of a hash of it, stored with each record."""
    return hashlib.sha256(b"motcua audit key\0" + secret.encode("utf-8")).hexdigest()[:12]


def _read_key_file(path: Path) -> list[str]:
    """Return the keys in ``path``, creating it with one new key if it does not exist."""
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            text = path.read_text(encoding="ascii")
        except OSError as exc:
            raise ImproperlyConfigured(
                f"Set MOTCUA_AUDIT_KEYS or make {path.parent} writable so an audit key "
                "can be generated."
            ) from exc
        else:
            text = secrets.token_urlsafe(32) + "\n"
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


@cache
def audit_keys() -> AuditKeys:
    """Return the audit keys (see the module docstring); read once per process."""
    configured = [key.strip() for key in settings.MOTCUA_AUDIT_KEYS if key.strip()]
    keys = configured or _read_key_file(Path(settings.MOTCUA_AUDIT_KEY_FILE))
    if not keys:
        raise ImproperlyConfigured(f"{settings.MOTCUA_AUDIT_KEY_FILE} holds no audit key.")
    short = [i + 1 for i, key in enumerate(keys) if len(key) < MIN_KEY_LENGTH]
    if short:
        raise ImproperlyConfigured(
            f"Audit key number {short[0]} is shorter than {MIN_KEY_LENGTH} characters."
        )
    by_id = {key_id_of(key): key.encode("utf-8") for key in keys}
    return AuditKeys(current=key_id_of(keys[0]), by_id=by_id)


def audit_keys_reset(**kwargs: Any) -> None:
    """Forget the keys read (on a change of the settings in tests)."""
    if kwargs.get("setting", "MOTCUA_AUDIT_KEYS") in {"MOTCUA_AUDIT_KEYS", "MOTCUA_AUDIT_KEY_FILE"}:
        audit_keys.cache_clear()


def mac(key_id: str, text: str) -> str | None:
    """Return the HMAC-SHA256 of ``text`` under key ``key_id``, or None for an unknown key."""
    key = audit_keys().by_id.get(key_id)
    if key is None:
        return None
    return hmac.digest(key, text.encode("utf-8"), "sha256").hex()


# --- records -------------------------------------------------------------------------------------


def sealed_text(event: Any) -> str:
    """Return the text a record's seal covers: its content and the previous record's hash."""
    return canonical_json(
        {
            "stream": event.stream,
            "seq": event.seq,
            "at": event.at.astimezone(UTC).isoformat(),
            "actor": event.actor_id,
            "actor_repr": event.actor_repr,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "data": event.data,
            "prev": event.prev_hash,
        }
    )


def legacy_digest(event: Any) -> str:
    """Return the plain SHA-256 that records carried before the keyed seal.

    Kept for the one-off re-seal of those records (migration ``core.0005``)
    and for tests that forge records as an attacker without the key would.
    """
    return hashlib.sha256(sealed_text(event).encode("utf-8")).hexdigest()


def seal(event: Any) -> None:
    """Set ``key_id`` and ``hash`` of an unsaved record (its ``prev_hash`` already set)."""
    current = audit_keys().current
    event.key_id = current
    event.hash = mac(current, sealed_text(event))


def seal_matches(event: Any) -> bool | None:
    """Return whether the record's hash is its seal; None when its key is not known here."""
    expected = mac(event.key_id, sealed_text(event)) if event.key_id else None
    if expected is None:
        return None
    return hmac.compare_digest(expected, event.hash)


# --- history rows --------------------------------------------------------------------------------


@cache
def _row_plan(
    model: type[models.Model], fields: tuple[str, ...]
) -> tuple[str, list[tuple[str, models.ForeignKey[Any, Any] | None]]]:
    plan = []
    for name in fields:
        column = model._meta.get_field(name)
        foreign = column if isinstance(column, models.ForeignKey) else None
        plan.append((getattr(column, "attname", name), foreign))
    return model._meta.label_lower, plan


def row_digest(row: models.Model, fields: Sequence[str]) -> str:
    """Return the SHA-256 of ``row``'s id and ``fields``, as stored (datetimes in UTC).

    Only the named fields count, so a column added to the table later does
    not change the digests of the rows already vouched for. A foreign key
    not yet copied to its column (an object built for a bulk insert before
    its parent had an id) is read from the cached object.
    """
    label, plan = _row_plan(type(row), tuple(fields))
    values: dict[str, Any] = {"id": row.pk}
    for attname, foreign in plan:
        value = getattr(row, attname)
        if value is None and foreign is not None and foreign.is_cached(row):
            target = foreign.get_cached_value(row)
            value = target.pk if target is not None else None
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        values[attname] = value
    text = canonical_json({"model": label, "row": values})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
