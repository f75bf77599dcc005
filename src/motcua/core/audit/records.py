"""Write audit records, and the history rows they vouch for."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, models, transaction

from motcua.core import clock, fastsql
from motcua.core.audit.sealing import canonical_json, row_digest, seal
from motcua.core.models import AuditEvent

MAX_APPEND_ATTEMPTS = 5
HISTORY_KEY = "history"
"""The key of a record's ``data`` that names its history row and that row's digest."""
BASELINE_KEY = "history_rows"
"""The key of a baseline record's ``data``: the history rows written before records named them."""


# --- history rows --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryModel:
    """A model whose rows are each vouched for by an audit record in their owner's chain."""

    model: type[models.Model]
    label: str
    owner_column: str
    owner_label: str
    fields: tuple[str, ...]

    def stream_of(self, owner_id: Any) -> str:
        return f"{self.owner_label}:{owner_id}"


_history_models: dict[str, HistoryModel] = {}


def audit_history_register(model: type[models.Model], *, owner: str, fields: Sequence[str]) -> None:
    """Declare ``model`` a history table: every row must have its audit record.

    ``owner`` names the foreign key to the object whose chain holds the
    records (``dossier`` for ``DossierEvent``); ``fields`` are the columns a
    row's digest covers, with its id. The list is part of the digest: a
    column added later is not covered until the list grows, which changes
    the digest of every row already written (so keep it, and add a new
    history model, or re-baseline, rather than edit it). Apps call this in
    ``ready()``; the verifier checks each row against the digest its record
    carries, and reports rows without a record.
    """
    field = model._meta.get_field(owner)
    related = field.related_model
    if not isinstance(field, models.ForeignKey) or not isinstance(related, type):
        raise TypeError(f"{model.__name__}.{owner} is not a foreign key")
    for name in fields:
        model._meta.get_field(name)  # FieldDoesNotExist on a typo
    entry = HistoryModel(
        model, model._meta.label_lower, field.attname, related._meta.label_lower, tuple(fields)
    )
    _history_models[entry.label] = entry


def history_models() -> dict[str, HistoryModel]:
    """Return the registered history tables by model label."""
    return dict(_history_models)


def history_ref(row: models.Model) -> dict[str, str]:
    """Return what a record's ``data`` carries about its history row: which one, and its digest."""
    label = row._meta.label_lower
    entry = _history_models.get(label)
    if entry is None:
        raise ValueError(f"{label} is not a registered history model")
    return {"row": f"{label}:{row.pk}", "sha256": row_digest(row, entry.fields)}


# --- records -------------------------------------------------------------------------------------


def audit_event(
    *,
    at: datetime,
    actor: Any,
    action: str,
    stream: str,
    seq: int,
    prev_hash: str,
    object_type: str = "",
    object_id: str = "",
    data: dict[str, Any] | None = None,
    history: models.Model | None = None,
) -> AuditEvent:
    """Return one sealed, unsaved record: what :func:`audit_record` writes.

    Bulk writers (the synthetic province) build their chains with it, so
    their records are sealed exactly as the services' are. ``history`` is
    the history row (already given its id) the record vouches for.
    """
    payload = json.loads(canonical_json(data or {}))
    if HISTORY_KEY in payload or BASELINE_KEY in payload:
        raise ValueError(f"audit data may not use the keys {HISTORY_KEY!r}, {BASELINE_KEY!r}")
    if history is not None:
        payload[HISTORY_KEY] = history_ref(history)
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        at=at,
        actor=user,
        actor_repr=(user.get_username() if user else str(actor or ""))[:150],
        action=action,
        stream=stream,
        seq=seq,
        object_type=object_type,
        object_id=object_id,
        data=payload,
        prev_hash=prev_hash,
    )
    seal(event)
    return event


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
    history: models.Model | None = None,
) -> AuditEvent:
    """Append one record to the chain of ``obj`` (or of ``stream``).

    Call it inside the transaction that makes the change, ideally while the
    object's row is locked; a concurrent append to the same stream is
    retried on the unique (stream, seq) constraint. ``new_stream`` says the
    object was created in this transaction, so its chain starts here: the
    record is written at once as number 1, without reading the chain.
    ``history`` is the history row written for the same change (see
    :func:`audit_history_register`); the record carries its digest.
    """
    if obj is None and stream is None:
        raise ValueError("audit_record needs obj or stream")
    stream_name = stream or stream_for(obj)  # type: ignore[arg-type]
    for attempt in range(MAX_APPEND_ATTEMPTS):
        last = (
            None
            if new_stream and attempt == 0
            else AuditEvent.objects.filter(stream=stream_name)
            .order_by("-seq")
            .values("seq", "hash")
            .first()
        )
        event = audit_event(
            at=clock.now(),
            actor=actor,
            action=action,
            stream=stream_name,
            seq=(last["seq"] + 1) if last else 1,
            prev_hash=last["hash"] if last else "",
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            data=data,
            history=history,
        )
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
    *,
    actor: Any,
    obj: models.Model,
    entries: Sequence[tuple[str, dict[str, Any], models.Model | None]],
) -> list[AuditEvent]:
    """Start the chain of ``obj``, created in this transaction, with several records.

    ``entries`` are ``(action, data, history row)`` in order; they become
    numbers 1, 2, … of the new chain, each sealed over the previous one as
    :func:`audit_record` seals, and are written in one INSERT (the counter
    intake and its hand-over, ADR 0004).
    """
    at = clock.now()
    stream_name = stream_for(obj)
    events: list[AuditEvent] = []
    prev_hash = ""
    for seq, (action, data, history) in enumerate(entries, start=1):
        event = audit_event(
            at=at,
            actor=actor,
            action=action,
            stream=stream_name,
            seq=seq,
            prev_hash=prev_hash,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            data=data,
            history=history,
        )
        prev_hash = event.hash
        events.append(event)
    fastsql.insert(events)
    return events
