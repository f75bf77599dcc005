"""Retried intake requests: the fingerprint of a request and the replay of its answer."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.utils.translation import gettext as _

from motcua.core.actors import Actor, user_of
from motcua.core.errors import ConflictError
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.applicant import IntakeResult


def request_fingerprint(operation: str, **fields: Any) -> str:
    """Return the SHA-256 (hex) of ``operation`` and its parsed, normalised input.

    ``fields`` are what the service acts on after parsing: ids, the cleaned
    applicant, NFC text, the ticked documents as a sorted set. The same
    request sent again, with other spacing in a phone number or the
    documents in another order, gives the same fingerprint; any change of
    substance, or another operation, gives another.
    """
    canonical = json.dumps(
        {"operation": operation, **fields},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _idempotent_hit(actor: Actor, key: str | None) -> Dossier | None:
    user = user_of(actor)
    if not key or user is None:
        return None
    return Dossier.objects.filter(created_by=user, idempotency_key=key).first()


def idempotent_replay(actor: Actor, key: str | None, fingerprint: str) -> IntakeResult | None:
    """Return the dossier an earlier request with ``key`` created, if it was this request.

    Called only after the insert failed on the key's unique constraint, so
    a first request costs no query. The same key with another request (any
    field changed, or another operation) raises ``ConflictError``
    ``idempotency_key_reused`` and shows nothing of the earlier dossier: it
    may be another applicant's.
    """
    previous = _idempotent_hit(actor, key)
    if previous is None:
        return None
    if previous.idempotency_fingerprint != fingerprint:
        raise ConflictError(
            _(
                "This Idempotency-Key was already used for a different request; nothing was "
                "written. Send a new key for a new dossier, or repeat the first request "
                "unchanged to get its answer."
            ),
            code="idempotency_key_reused",
        )
    return IntakeResult(previous, created=False)
