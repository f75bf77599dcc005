"""Re-seal audit records under the current key, and the append-only guard it lifts.

Two operations rewrite sealed records, both once and both recorded:

- migration ``core.0005`` re-seals the records written before the keyed
  seal existed (plain SHA-256, ``key_id`` empty);
- ``motcua audit reseal`` re-seals, after a key rotation, the records
  sealed with a key that is no longer the first.

Each checks every chain it rewrites with the old hashes first: the command
refuses when one does not verify (``--force`` re-seals anyway), the
migration cannot refuse and re-seals anyway. Both write one
``core.audit.reseal`` record on the ``core.audit`` chain saying how many
records and chains were re-sealed, from which keys, and what did not verify
before; and, after the commit, append to the checkpoint file a base line
holding the head of every chain (their hashes changed; the verifier starts
from the last base line, so a retired key need not check older lines).

On PostgreSQL the trigger ``motcua_audit_append_only`` refuses any UPDATE or
DELETE of an audit row (migration ``core.0006``). The re-seal lifts it for
its own transaction only (``ALTER TABLE … DISABLE TRIGGER``, which needs the
table's owner: the role that runs ``migrate``); the ALTER is transactional,
so the trigger is back at the commit or the rollback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from motcua.core import clock
from motcua.core.audit.checkpoints import checkpoint_base
from motcua.core.audit.records import BASELINE_KEY, HISTORY_KEY, history_models
from motcua.core.audit.sealing import audit_keys, legacy_digest, row_digest, seal, seal_matches
from motcua.core.models import AuditEvent

APPEND_ONLY_TRIGGER = "motcua_audit_append_only"
RESEAL_STREAM = "core.audit"
RESEAL_ACTION = "core.audit.reseal"
BASELINE_ACTION = "core.audit.history_baseline"
STREAMS_PER_BATCH = 500
PROBLEMS_KEPT = 100
"""Problems listed in the re-seal's own record (all are counted)."""


class ResealRefused(Exception):
    """A chain to re-seal does not verify with its old hashes."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the chains to re-seal")
        self.problems = problems


@dataclass(frozen=True)
class ResealResult:
    records: int
    streams: int
    key: str
    problems: list[str]


@contextmanager
def append_only_suspended(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Inside a transaction, let it rewrite audit rows (PostgreSQL; nothing to lift elsewhere)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("append_only_suspended() needs a transaction")
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass",
            [APPEND_ONLY_TRIGGER, AuditEvent._meta.db_table],
        )
        present = cursor.fetchone() is not None
        if present:
            _alter(cursor, f"ALTER TABLE {table} DISABLE TRIGGER {APPEND_ONLY_TRIGGER}")
    yield
    # Only on success: a rollback undoes the DISABLE by itself.
    if present:
        with connection.cursor() as cursor:
            _alter(cursor, f"ALTER TABLE {table} ENABLE TRIGGER {APPEND_ONLY_TRIGGER}")


def _alter(cursor: Any, statement: str) -> None:
    """Run an ALTER TABLE on the audit table inside a transaction that may have written to it.

    PostgreSQL refuses to alter a table with deferred foreign-key checks
    pending (Django's foreign keys are deferred): they are run first.
    """
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(statement)
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _old_problem(event: Any, expected_seq: int, prev_hash: str) -> str | None:
    """Return what is wrong with ``event`` under its old seal, or None."""
    if event.seq != expected_seq:
        return f"expected sequence {expected_seq}"
    if event.prev_hash != prev_hash:
        return "previous hash does not match"
    if not event.key_id:
        return None if legacy_digest(event) == event.hash else "content does not match its hash"
    sealed = seal_matches(event)
    if sealed is None:
        return f"sealed with a key unknown here ({event.key_id})"
    return None if sealed else "content does not match its hash"


def audit_reseal(
    *,
    force: bool = False,
    actor: str = "motcua audit reseal",
    model: type[models.Model] = AuditEvent,
) -> ResealResult:
    """Re-seal every chain holding a record not sealed with the current key (module docstring).

    ``model`` is the audit model to work on: a migration passes its
    historical one.
    """
    current = audit_keys().current
    problems: list[str] = []
    streams_seen: set[str] = set()
    from_keys: set[str] = set()
    records = 0
    manager: Any = model._default_manager
    with transaction.atomic(), append_only_suspended():
        after = ""
        while True:
            streams = list(
                manager.filter(stream__gt=after)
                .exclude(key_id=current)
                .order_by("stream")
                .values_list("stream", flat=True)
                .distinct()[:STREAMS_PER_BATCH]
            )
            if not streams:
                break
            after = streams[-1]
            changed = []
            stream = None
            expected_seq, old_prev, new_prev = 1, "", ""
            for event in manager.filter(stream__in=streams).order_by("stream", "seq"):
                if event.stream != stream:
                    stream, expected_seq, old_prev, new_prev = event.stream, 1, "", ""
                problem = _old_problem(event, expected_seq, old_prev)
                if problem is not None:
                    problems.append(f"{event.stream}#{event.seq}: {problem}")
                if event.key_id != current:
                    from_keys.add(event.key_id or "sha256")
                expected_seq, old_prev = event.seq + 1, event.hash
                before = (event.prev_hash, event.hash, event.key_id)
                event.prev_hash = new_prev
                seal(event)
                new_prev = event.hash
                streams_seen.add(event.stream)
                if (event.prev_hash, event.hash, event.key_id) != before:
                    changed.append(event)
            records += len(changed)
            manager.bulk_update(changed, ["prev_hash", "hash", "key_id"], batch_size=1000)
        if problems and not force:
            raise ResealRefused(problems)
        streams_done = len(streams_seen)
        if records:
            last = manager.filter(stream=RESEAL_STREAM).order_by("-seq").values("seq", "hash")
            head = last.first()
            record = model(
                at=clock.now(),
                actor_repr=actor[:150],
                action=RESEAL_ACTION,
                stream=RESEAL_STREAM,
                seq=(head["seq"] + 1) if head else 1,
                data={
                    "records": records,
                    "streams": streams_done,
                    "key": current,
                    "from_keys": sorted(from_keys),
                    "problem_count": len(problems),
                    "problems": problems[:PROBLEMS_KEPT],
                },
                prev_hash=head["hash"] if head else "",
            )
            seal(record)
            record.save()
            # Every chain's head, for a base line of the checkpoint file (its hashes changed).
            all_heads: dict[str, list[Any]] = {}
            through = 0
            for pk, stream, seq, hash_ in (
                manager.order_by("stream", "seq")
                .values_list("pk", "stream", "seq", "hash")
                .iterator(chunk_size=5000)
            ):
                all_heads[stream] = [seq, hash_]
                through = max(through, pk)
            transaction.on_commit(lambda: checkpoint_base(all_heads, through))
    return ResealResult(records=records, streams=streams_done, key=current, problems=problems)


@dataclass(frozen=True)
class BaselineResult:
    rows: int
    records: int


def audit_history_baseline(
    *,
    model: type[models.Model],
    audit_model: type[models.Model] = AuditEvent,
    actor: str = "history baseline",
) -> BaselineResult:
    """Vouch, once, for the history rows written before audit records named them.

    The migration that brings a history table into the chain runs it: for
    each owner with rows no record names, one ``core.audit.history_baseline``
    record is appended to the owner's chain listing those rows and their
    digests as they stand. Rows changed before that cannot be told apart;
    from then on each is checked like any other. ``model`` and
    ``audit_model`` may be a migration's historical models.
    """
    entry = history_models()[model._meta.label_lower]
    audits: Any = audit_model._default_manager
    named: set[int] = set()
    with_refs = audits.filter(object_type=entry.owner_label).filter(
        models.Q(data__has_key=HISTORY_KEY) | models.Q(data__has_key=BASELINE_KEY)
    )
    for data in with_refs.values_list("data", flat=True).iterator(chunk_size=5000):
        for ref in [data.get(HISTORY_KEY), *(data.get(BASELINE_KEY) or [])]:
            label, _, pk = str((ref or {}).get("row", "")).rpartition(":")
            if label == entry.label and pk.isdigit():
                named.add(int(pk))
    rows_done = records_done = 0
    pending: dict[Any, list[dict[str, str]]] = {}

    def flush() -> int:
        streams = {entry.stream_of(owner): owner for owner in pending}
        heads: dict[str, tuple[int, str]] = {}
        for stream, seq, hash_ in (
            audits.filter(stream__in=list(streams))
            .order_by("stream", "-seq")
            .values_list("stream", "seq", "hash")
        ):
            heads.setdefault(stream, (seq, hash_))
        records = []
        for stream, owner in streams.items():
            seq, prev = heads.get(stream, (0, ""))
            record = audit_model(
                at=clock.now(),
                actor_repr=actor[:150],
                action=BASELINE_ACTION,
                stream=stream,
                seq=seq + 1,
                object_type=entry.owner_label,
                object_id=str(owner),
                data={BASELINE_KEY: pending[owner]},
                prev_hash=prev,
            )
            seal(record)
            records.append(record)
        audits.bulk_create(records, batch_size=1000)
        pending.clear()
        return len(records)

    with transaction.atomic():
        rows = model._default_manager.order_by(entry.owner_column, "pk")
        for row in rows.iterator(chunk_size=5000):
            if row.pk in named:
                continue
            owner = getattr(row, entry.owner_column)
            if owner not in pending and len(pending) >= STREAMS_PER_BATCH:
                records_done += flush()
            ref = {"row": f"{entry.label}:{row.pk}", "sha256": row_digest(row, entry.fields)}
            pending.setdefault(owner, []).append(ref)
            rows_done += 1
        if pending:
            records_done += flush()
    return BaselineResult(rows=rows_done, records=records_done)
