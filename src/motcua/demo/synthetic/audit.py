"""The audit chains of simulated dossiers, sealed as ``audit_record`` seals them."""

from __future__ import annotations

from collections.abc import Sequence

from motcua.core.audit import audit_event
from motcua.core.models import AuditEvent
from motcua.demo.synthetic.recorder import _Sim


def _audit_records(sims: Sequence[_Sim]) -> list[AuditEvent]:
    """Return each dossier's audit chain, sealed as ``audit_record`` seals it.

    The history rows must have their ids: each record carries its row's digest.
    """
    records: list[AuditEvent] = []
    for s in sims:
        d = s.dossier
        prev = ""
        for seq, (at, actor, action, payload, history) in enumerate(s.audit, start=1):
            record = audit_event(
                at=at,
                actor=actor,
                action=action,
                stream=f"dossiers.dossier:{d.pk}",
                seq=seq,
                prev_hash=prev,
                object_type="dossiers.dossier",
                object_id=str(d.pk),
                data={"code": d.code, **payload},
                history=history,
            )
            prev = record.hash
            records.append(record)
    return records
