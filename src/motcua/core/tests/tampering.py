"""What someone with write access to the database, but not to the audit key, can do.

On PostgreSQL every statement goes around the append-only trigger the way a
database superuser would: ``session_replication_role = replica`` for the
statement, then back to ``origin`` (the test suite connects as a superuser).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection

from motcua.core import fastsql
from motcua.core.audit import legacy_digest
from motcua.core.models import AuditEvent

AUDIT = AuditEvent._meta.db_table


def tamper(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    """Run one statement as a superuser, around the append-only trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def json_value() -> str:
    """Return the placeholder for a JSON column's new value."""
    return "%s::jsonb" if connection.vendor == "postgresql" else "%s"


def set_data(event: AuditEvent, data: dict[str, Any]) -> None:
    """Rewrite a record's data in place."""
    tamper(f"UPDATE {AUDIT} SET data = {json_value()} WHERE id = %s", [json.dumps(data), event.pk])


def rehash_plain(event: AuditEvent) -> None:
    """Give a record the only hash an attacker can compute: the plain SHA-256 of its content."""
    event.refresh_from_db()
    tamper(f"UPDATE {AUDIT} SET hash = %s WHERE id = %s", [legacy_digest(event), event.pk])


def rechain_plain(stream: str, from_seq: int = 1) -> None:
    """Recompute ``prev_hash`` and the plain hash of every record of ``stream`` from ``from_seq``."""
    prev = ""
    for event in AuditEvent.objects.filter(stream=stream).order_by("seq"):
        if event.seq >= from_seq:
            event.prev_hash = prev
            event.hash = legacy_digest(event)
            tamper(
                f"UPDATE {AUDIT} SET prev_hash = %s, hash = %s WHERE id = %s",
                [event.prev_hash, event.hash, event.pk],
            )
        prev = event.hash


def insert_record(event: AuditEvent) -> None:
    """INSERT a record as given (the trigger does not stop inserts)."""
    fastsql.insert([event])
