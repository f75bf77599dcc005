"""Write and verify the audit log (see :class:`AuditEvent`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction

from motcua.core import clock, fastsql
from motcua.core.models import AuditEvent

MAX_APPEND_ATTEMPTS = 5


def canonical_json(value: Any) -> str:
    """Return ``value`` as the JSON text that audit hashes are computed over."""
    return json.dumps(
        value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


def audit_digest(event: AuditEvent) -> str:
    """Return the SHA-256 chaining hash of ``event`` (its content and the previous hash)."""
    body = {
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
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def stream_for(obj: models.Model) -> str:
    """Return the audit stream name of a model instance, ``app.model:pk``."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    stream: str | None = None,
    data: dict[str, Any] | None = None,
    new_stream: bool = False,
) -> AuditEvent:
    """Append one record to the chain of ``obj`` (or of ``stream``).

    Call it inside the transaction that makes the change, ideally while the
    object's row is locked; a concurrent append to the same stream is
    retried on the unique (stream, seq) constraint. ``new_stream`` says the
    object was created in this transaction, so its chain starts here: the
    record is written at once as number 1, without reading the chain.
    """
    if obj is None and stream is None:
        raise ValueError("audit_record needs obj or stream")
    stream_name = stream or stream_for(obj)  # type: ignore[arg-type]
    payload = json.loads(canonical_json(data or {}))
    user = actor if getattr(actor, "is_authenticated", False) else None
    for attempt in range(MAX_APPEND_ATTEMPTS):
        last = (
            None
            if new_stream and attempt == 0
            else AuditEvent.objects.filter(stream=stream_name)
            .order_by("-seq")
            .values("seq", "hash")
            .first()
        )
        event = AuditEvent(
            at=clock.now(),
            actor=user,
            actor_repr=(user.get_username() if user else str(actor or ""))[:150],
            action=action,
            stream=stream_name,
            seq=(last["seq"] + 1) if last else 1,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            data=payload,
            prev_hash=last["hash"] if last else "",
        )
        event.hash = audit_digest(event)
        if new_stream and attempt == 0:
            fastsql.insert([event])
            return event
        try:
            with transaction.atomic():
                event.save()
        except IntegrityError:
            if attempt == MAX_APPEND_ATTEMPTS - 1:
                raise
            continue
        return event
    raise AssertionError("unreachable")


def audit_records_new_stream(
    *, actor: Any, obj: models.Model, entries: list[tuple[str, dict[str, Any]]]
) -> list[AuditEvent]:
    """Start the chain of ``obj``, created in this transaction, with several records.

    ``entries`` are ``(action, data)`` in order; they become numbers 1, 2, …
    of the new chain, each hashed over the previous one, written in one
    INSERT (the hot path of counter intake, ADR 0004).
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    at = clock.now()
    stream_name = stream_for(obj)
    events: list[AuditEvent] = []
    prev_hash = ""
    for seq, (action, data) in enumerate(entries, start=1):
        event = AuditEvent(
            at=at,
            actor=user,
            actor_repr=(user.get_username() if user else str(actor or ""))[:150],
            action=action,
            stream=stream_name,
            seq=seq,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            data=json.loads(canonical_json(data)),
            prev_hash=prev_hash,
        )
        event.hash = audit_digest(event)
        prev_hash = event.hash
        events.append(event)
    fastsql.insert(events)
    return events


@dataclass(frozen=True)
class AuditProblem:
    stream: str
    seq: int
    problem: str


def audit_verify(*, stream: str | None = None) -> list[AuditProblem]:
    """Recompute every chain (or one) and return what does not match."""
    problems: list[AuditProblem] = []
    events = AuditEvent.objects.order_by("stream", "seq")
    if stream is not None:
        events = events.filter(stream=stream)
    current: str | None = None
    expected_seq = 1
    prev_hash = ""
    for event in events.iterator(chunk_size=2000):
        if event.stream != current:
            current, expected_seq, prev_hash = event.stream, 1, ""
        if event.seq != expected_seq:
            problems.append(
                AuditProblem(event.stream, event.seq, f"expected sequence {expected_seq}")
            )
        if event.prev_hash != prev_hash:
            problems.append(AuditProblem(event.stream, event.seq, "previous hash does not match"))
        if audit_digest(event) != event.hash:
            problems.append(
                AuditProblem(event.stream, event.seq, "content does not match its hash")
            )
        expected_seq = event.seq + 1
        prev_hash = event.hash
    return problems
