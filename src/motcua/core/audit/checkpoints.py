"""Chain heads written outside the database, so that a deleted chain end is found.

A chain proves that nothing inside it changed, but not that it still ends
where it did: deleting a chain's last records, or a whole chain, leaves a
shorter chain that verifies. ``motcua audit checkpoint`` (run by
``motcua periodic`` too) therefore appends to ``MOTCUA_AUDIT_CHECKPOINT_FILE``
one line holding the head — last number and hash — of every chain that moved
since the line before, and the verifier requires each chain to reach at
least its checkpointed head, with that hash.

Each line is a JSON object:

``n``        its number, from 1;
``kind``     ``heads`` (a checkpoint: the chains that moved) or ``base`` (every chain,
             written by a re-seal, which changes hashes; the verifier starts
             from the last base line);
``at``       when it was written;
``through``  the largest record id seen so far;
``gaps``     ``[first, last, since]`` ranges of ids below ``through`` not seen yet:
             PostgreSQL gives a record its id at the insert but shows it at the
             commit, so a transaction still open at a scan can commit a smaller
             id later; such ids are looked at again for ``GAP_TTL`` (ids of
             rolled-back transactions simply expire);
``heads``    ``{stream: [seq, hash]}``;
``prev``     the ``mac`` of the line before (``""`` for the first);
``key``      the id of the key of ``mac``;
``mac``      the HMAC-SHA256 of the canonical JSON of the other fields.

The file is only ever appended to, under an exclusive lock. Records written
since the last checkpoint are protected by their chain and seal but not yet
against the deletion of a chain's end (docs/deploy.md, "Audit log").
"""

from __future__ import annotations

import fcntl
import hmac
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.db.models import Q

from motcua.core import clock
from motcua.core.audit.sealing import audit_keys, canonical_json, mac
from motcua.core.models import AuditEvent

GAP_TTL = timedelta(hours=1)
"""How long an id below the checkpointed ones is looked for before it is taken as rolled back."""
MAX_GAPS = 200
"""Gap ranges kept at most (the newest)."""


class CheckpointError(Exception):
    """The checkpoint file cannot be appended to safely."""


class Head(NamedTuple):
    seq: int
    hash: str
    line: int
    at: str


@dataclass
class CheckpointFile:
    """What the verifier learns from the checkpoint file."""

    path: Path | None
    exists: bool = False
    lines: int = 0
    superseded: int = 0
    """Lines before the last base line, not checked."""
    last_at: str = ""
    heads: dict[str, Head] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Checkpoint:
    """One line appended (or not, when no chain moved)."""

    written: bool
    n: int
    streams: int
    through: int
    path: Path


def checkpoint_path() -> Path | None:
    """Return the checkpoint file, or None where checkpoints are off (the test settings)."""
    value = settings.MOTCUA_AUDIT_CHECKPOINT_FILE
    return Path(value) if value else None


def _seal_line(body: dict[str, Any]) -> dict[str, Any]:
    key = audit_keys().current
    body = {**body, "key": key}
    return {**body, "mac": mac(key, canonical_json(body))}


def _line_problem(line: Any) -> str | None:
    """Return why ``line`` is not a sealed checkpoint line, or None when it is one."""
    if not isinstance(line, dict) or not {"n", "prev", "key", "mac", "heads"} <= line.keys():
        return "is not a checkpoint line"
    body = {k: v for k, v in line.items() if k != "mac"}
    expected = mac(str(line["key"]), canonical_json(body))
    if expected is None:
        return f"is sealed with a key unknown here ({line['key']})"
    if not hmac.compare_digest(expected, str(line["mac"])):
        return "does not match its seal (edited)"
    return None


def _last_line(handle: IO[bytes]) -> bytes | None:
    """Return the last non-empty line of a file open for binary reading."""
    handle.seek(0, os.SEEK_END)
    position = handle.tell()
    data = b""
    while position > 0:
        step = min(8192, position)
        position -= step
        handle.seek(position)
        data = handle.read(step) + data
        stripped = data.rstrip(b"\n")
        cut = stripped.rfind(b"\n")
        if cut >= 0:
            return stripped[cut + 1 :]
    return data.rstrip(b"\n") or None


@contextmanager
def _locked(path: Path) -> Iterator[IO[bytes]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield handle


def _append(
    path: Path, build: Callable[[dict[str, Any] | None], dict[str, Any] | None]
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Append the line ``build`` makes from the last one, under the file's lock.

    Return (last line, new line or None when ``build`` wrote nothing).
    """
    with _locked(path) as handle:
        raw = _last_line(handle)
        last = None
        if raw is not None:
            try:
                last = json.loads(raw)
            except ValueError:
                last = raw
            problem = _line_problem(last)
            if problem is not None:
                raise CheckpointError(
                    f"The last line of {path} {problem}: check the file before appending."
                )
        body = build(last)
        if body is None:
            return last, None
        line = _seal_line(
            {
                **body,
                "n": (last["n"] + 1) if last else 1,
                "prev": last["mac"] if last else "",
                "at": clock.now().isoformat(),
            }
        )
        handle.write(canonical_json(line).encode("utf-8") + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
        return last, line


def _subtract(gaps: list[list[Any]], seen: list[int]) -> list[list[Any]]:
    """Return the gap ranges without the ids in ``seen`` (sorted)."""
    if not seen:
        return gaps
    result: list[list[Any]] = []
    for first, last, since in gaps:
        start = first
        for pk in seen:
            if pk < start or pk > last:
                continue
            if pk > start:
                result.append([start, pk - 1, since])
            start = pk + 1
        if start <= last:
            result.append([start, last, since])
    return result


def _scan(last: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return the body of the next line: the heads that moved since ``last``."""
    through = int(last["through"]) if last else 0
    gaps: list[list[Any]] = [list(g) for g in last["gaps"]] if last else []
    now = clock.now()
    condition = Q(pk__gt=through)
    for first, last_id, _since in gaps:
        condition |= Q(pk__range=(first, last_id))
    rows = (
        AuditEvent.objects.filter(condition)
        .order_by("pk")
        .values_list("pk", "stream", "seq", "hash")
        .iterator(chunk_size=5000)
    )
    heads: dict[str, list[Any]] = {}
    new_gaps: list[list[Any]] = []
    seen_in_gaps: list[int] = []
    expected = through + 1
    for pk, stream, seq, hash_ in rows:
        head = heads.get(stream)
        if head is None or seq > head[0]:
            heads[stream] = [seq, hash_]
        if pk > through:
            if pk > expected:
                new_gaps.append([expected, pk - 1, now.isoformat()])
            expected = pk + 1
        else:
            seen_in_gaps.append(pk)
    horizon = now - GAP_TTL
    kept = [
        g for g in _subtract(gaps, seen_in_gaps) if datetime.fromisoformat(g[2]) >= horizon
    ] + new_gaps
    kept = kept[-MAX_GAPS:]
    if not heads and kept == gaps:
        return None
    return {"kind": "heads", "through": expected - 1, "gaps": kept, "heads": heads}


def audit_checkpoint() -> Checkpoint | None:
    """Append the heads of the chains that moved since the last checkpoint (module docstring).

    Return None when checkpoints are off.
    """
    path = checkpoint_path()
    if path is None:
        return None
    last, line = _append(path, _scan)
    if line is None:
        n = last["n"] if last else 0
        through = last["through"] if last else 0
        return Checkpoint(written=False, n=n, streams=0, through=through, path=path)
    return Checkpoint(
        written=True, n=line["n"], streams=len(line["heads"]), through=line["through"], path=path
    )


def checkpoint_base(heads: dict[str, list[Any]], through: int) -> None:
    """Append a base line: the head of every chain, after a re-seal changed their hashes.

    The verifier starts from the last base line, so lines sealed with a key
    retired after the re-seal need not be checked any more.
    """
    path = checkpoint_path()
    if path is None:
        return

    def build(last: dict[str, Any] | None) -> dict[str, Any]:
        return {"kind": "base", "through": through, "gaps": [], "heads": heads}

    _append(path, build)


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def checkpoint_read(path: Path | None = None) -> CheckpointFile:
    """Read the checkpoint file from its last base line: the latest head of each chain, and what is wrong."""
    path = path or checkpoint_path()
    result = CheckpointFile(path=path)
    if path is None or not path.exists():
        return result
    result.exists = True
    with path.open("rb") as handle:
        lines = [_parse(raw) for raw in handle]
    result.lines = len(lines)
    start = 0
    for number in range(len(lines) - 1, -1, -1):
        line = lines[number]
        if isinstance(line, dict) and line.get("kind") == "base" and _line_problem(line) is None:
            start = number
            break
    result.superseded = start
    # A base line's number and link are not checked: the lines before it may be sealed
    # with a retired key. Without one, the file must start at line 1.
    expected_n: int | None = None if start else 1
    prev: str | None = None if start else ""
    for number, line in enumerate(lines[start:], start=start + 1):
        problem = _line_problem(line)
        if problem is not None:
            result.problems.append((number, problem))
            continue
        if expected_n is not None and line["n"] != expected_n:
            result.problems.append(
                (number, f"is numbered {line['n']} where {expected_n} was due (lines removed)")
            )
        elif prev is not None and line["prev"] != prev:
            result.problems.append((number, "does not follow the line before it"))
        expected_n, prev = line["n"] + 1, line["mac"]
        result.last_at = line["at"]
        if line.get("kind") == "base":
            result.heads = {}
        for stream, (seq, hash_) in line["heads"].items():
            old = result.heads.get(stream)
            if old is not None and seq < old.seq:
                result.problems.append((number, f"takes {stream} back from #{old.seq} to #{seq}"))
                continue
            result.heads[stream] = Head(seq, hash_, line["n"], line["at"])
    return result
