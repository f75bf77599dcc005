"""The audit log: append-only records, hash-chained per object and sealed with a key.

- :mod:`.sealing` — the keyed seal (HMAC-SHA256) and the keys, kept out of the database;
- :mod:`.records` — :func:`audit_record`, and the history tables whose rows the records vouch for;
- :mod:`.checkpoints` — chain heads appended to a file outside the database;
- :mod:`.verify` — :func:`audit_verify`, which reports every problem by stream and position;
- :mod:`.reseal` — re-sealing under a new key, and the PostgreSQL append-only trigger.

ADR 0002 says why there is one chain per object; ADR 0005 how the log resists
someone who can write to the database.
"""

from motcua.core.audit.checkpoints import (
    Checkpoint,
    CheckpointError,
    audit_checkpoint,
    checkpoint_read,
)
from motcua.core.audit.records import (
    audit_event,
    audit_history_register,
    audit_record,
    audit_records_new_stream,
    history_ref,
    stream_for,
)
from motcua.core.audit.reseal import ResealRefused, ResealResult, audit_reseal
from motcua.core.audit.sealing import audit_keys, canonical_json, legacy_digest, row_digest
from motcua.core.audit.verify import AuditProblem, audit_verify

__all__ = [
    "AuditProblem",
    "Checkpoint",
    "CheckpointError",
    "ResealRefused",
    "ResealResult",
    "audit_checkpoint",
    "audit_event",
    "audit_history_register",
    "audit_keys",
    "audit_record",
    "audit_records_new_stream",
    "audit_reseal",
    "audit_verify",
    "canonical_json",
    "checkpoint_read",
    "history_ref",
    "legacy_digest",
    "row_digest",
    "stream_for",
]
