"""Verify the audit log: every chain, its seal, its checkpointed head, its history rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from motcua.core.audit.checkpoints import CheckpointFile, Head, checkpoint_read
from motcua.core.audit.records import BASELINE_KEY, HISTORY_KEY, HistoryModel, history_models
from motcua.core.audit.sealing import row_digest, seal_matches
from motcua.core.models import AuditEvent


@dataclass(frozen=True)
class AuditProblem:
    """One thing wrong, at a position: ``stream`` and ``seq`` (0 when no record is concerned)."""

    stream: str
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq}: {self.problem}"


@dataclass(frozen=True)
class _Ref:
    stream: str
    seq: int
    digest: str


class _Verifier:
    def __init__(self, *, stream: str | None, checkpoints: CheckpointFile) -> None:
        self.only = stream
        self.problems: list[AuditProblem] = []
        self.heads = dict(checkpoints.heads)
        if stream is not None:
            self.heads = {stream: self.heads[stream]} if stream in self.heads else {}
        self.refs: dict[str, dict[int, _Ref]] = {}
        for number, problem in checkpoints.problems:
            self.report(f"checkpoint file {checkpoints.path}", number, f"line {problem}")

    def report(self, stream: str, seq: int, problem: str) -> None:
        self.problems.append(AuditProblem(stream, seq, problem))

    # chains ----------------------------------------------------------------------------------

    def chains(self) -> None:
        events = AuditEvent.objects.order_by("stream", "seq")
        if self.only is not None:
            events = events.filter(stream=self.only)
        current: str | None = None
        expected_seq, prev_hash = 1, ""
        for event in events.iterator(chunk_size=2000):
            if event.stream != current:
                if current is not None:
                    self.chain_end(current, expected_seq - 1)
                current, expected_seq, prev_hash = event.stream, 1, ""
            self.record(event, expected_seq, prev_hash)
            expected_seq, prev_hash = event.seq + 1, event.hash
        if current is not None:
            self.chain_end(current, expected_seq - 1)
        for stream, head in sorted(self.heads.items()):
            self.report(
                stream,
                1,
                f"the whole chain is missing: checkpoint {head.line} of {head.at} "
                f"saw records #1–#{head.seq}",
            )

    def record(self, event: AuditEvent, expected_seq: int, prev_hash: str) -> None:
        stream, seq = event.stream, event.seq
        if seq != expected_seq:
            self.report(stream, seq, f"expected sequence {expected_seq}")
        if event.prev_hash != prev_hash:
            self.report(stream, seq, "previous hash does not match")
        if not event.key_id:
            self.report(
                stream, seq, "carries no keyed hash (none is written since migration core.0005)"
            )
        else:
            sealed = seal_matches(event)
            if sealed is None:
                self.report(stream, seq, f"sealed with a key unknown here ({event.key_id})")
            elif not sealed:
                self.report(stream, seq, "content does not match its hash")
        head = self.heads.get(stream)
        if head is not None and head.seq == seq and head.hash != event.hash:
            self.report(stream, seq, f"differs from checkpoint {head.line} of {head.at}")
        data = event.data if isinstance(event.data, dict) else {}
        if HISTORY_KEY in data:
            self.history_ref(event, data[HISTORY_KEY])
        baseline = data.get(BASELINE_KEY)
        if isinstance(baseline, list):
            for ref in baseline:
                self.history_ref(event, ref)

    def chain_end(self, stream: str, last_seq: int) -> None:
        head: Head | None = self.heads.pop(stream, None)
        if head is not None and last_seq < head.seq:
            first = last_seq + 1
            span = f"#{first}" if first == head.seq else f"#{first}–#{head.seq}"
            self.report(
                stream,
                first,
                f"record {span} missing after the end of the chain: checkpoint "
                f"{head.line} of {head.at} saw #{head.seq}",
            )

    # history rows ----------------------------------------------------------------------------

    def history_ref(self, event: AuditEvent, ref: Any) -> None:
        try:
            label, pk_text = str(ref["row"]).rsplit(":", 1)
            pk, digest = int(pk_text), str(ref["sha256"])
        except (KeyError, TypeError, ValueError):
            self.report(event.stream, event.seq, "names its history row in an unknown form")
            return
        if label not in history_models():
            self.report(event.stream, event.seq, f"names a history row of unknown kind {label}")
            return
        rows = self.refs.setdefault(label, {})
        if pk in rows:
            self.report(event.stream, event.seq, f"names history row {label}:{pk} a second time")
            return
        rows[pk] = _Ref(event.stream, event.seq, digest)

    def history(self) -> None:
        for label, entry in sorted(history_models().items()):
            refs = self.refs.get(label, {})
            rows = entry.model._default_manager.order_by("pk")
            if self.only is not None:
                owner = self._owner_of(entry)
                if owner is None:
                    continue
                rows = rows.filter(**{entry.owner_column: owner})
            for row in rows.iterator(chunk_size=2000):
                ref = refs.pop(row.pk, None)
                if ref is None:
                    stream = entry.stream_of(getattr(row, entry.owner_column))
                    self.report(stream, 0, f"history row {label}:{row.pk} has no audit record")
                elif row_digest(row, entry.fields) != ref.digest:
                    self.report(
                        ref.stream,
                        ref.seq,
                        f"history row {label}:{row.pk} does not match its audit record",
                    )
            for pk, ref in sorted(refs.items()):
                self.report(ref.stream, ref.seq, f"history row {label}:{pk} is missing")

    def _owner_of(self, entry: HistoryModel) -> str | None:
        prefix = f"{entry.owner_label}:"
        if self.only is None or not self.only.startswith(prefix):
            return None
        return self.only[len(prefix) :]


def audit_verify(
    *, stream: str | None = None, checkpoints: CheckpointFile | None = None
) -> list[AuditProblem]:
    """Check every chain (or one) and return what is wrong, by stream and position.

    For each record: its number follows the one before, its ``prev_hash``
    is the previous record's hash, its hash is its keyed seal. Each chain
    reaches at least the head the checkpoint file last saw, with that hash,
    and a chain the file saw exists. Each history row (see
    :func:`~motcua.core.audit.records.audit_history_register`) has exactly
    one record that names it, and matches the digest that record carries.
    """
    verifier = _Verifier(
        stream=stream, checkpoints=checkpoints if checkpoints is not None else checkpoint_read()
    )
    verifier.chains()
    verifier.history()
    return verifier.problems
