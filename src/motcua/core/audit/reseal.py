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
before; and append the new heads to the checkpoint file after the commit.

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
from motcua.core.audit.checkpoints import checkpoint_reseal
from motcua.core.audit.sealing import audit_keys, legacy_digest, seal, seal_matches
from motcua.core.models import AuditEvent

APPEND_ONLY_TRIGGER = "motcua_audit_append_only"
RESEAL_STREAM = "core.audit"
RESEAL_ACTION = "core.audit.reseal"
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
    heads: dict[str, list[Any]] = {}
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
                heads[event.stream] = [event.seq, event.hash]
                if (event.prev_hash, event.hash, event.key_id) != before:
                    changed.append(event)
            records += len(changed)
            manager.bulk_update(changed, ["prev_hash", "hash", "key_id"], batch_size=1000)
        if problems and not force:
            raise ResealRefused(problems)
        streams_done = len(heads)
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
            heads[RESEAL_STREAM] = [record.seq, record.hash]  # type: ignore[attr-defined]
            transaction.on_commit(lambda: checkpoint_reseal(heads))
    return ResealResult(records=records, streams=streams_done, key=current, problems=problems)
