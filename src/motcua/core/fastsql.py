"""Lean writes for the few hot paths (counter intake), measured in ``make bench``.

Each ORM statement costs about 0.5 ms of Python on the target machine, three
times a plain cursor call (bench/bench_intake.py prints the figures). These
helpers keep Django's field preparation — ``pre_save`` (auto_now_add) and
``get_db_prep_save`` (JSON, aware datetimes, foreign keys) — and skip only the
query compiler, so the rows are exactly what ``Model.save()`` would write.
They send no model signals; use them only where no signal receiver matters
and say so at the call site.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models


@cache
def _insert_plan(model: type[models.Model], with_pk: bool) -> tuple[list[Any], str, str]:
    meta = model._meta
    fields = [field for field in meta.concrete_fields if with_pk or not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    # Identifiers come from the model definitions, never from input.
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608
    returning = f" RETURNING {quote(str(meta.pk.column))}"
    return fields, head, returning


def insert(objs: Sequence[models.Model]) -> None:
    """INSERT unsaved instances of one model in one statement and set their primary keys.

    Instances that already carry a primary key (one reserved with
    :func:`next_id_sql`) are written with it; then all of them must.
    """
    if not objs:
        return
    model = type(objs[0])
    with_pk = objs[0].pk is not None
    fields, head, returning = _insert_plan(model, with_pk)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # The thread's connection itself, not the ``connection`` proxy: field
    # preparation asks it for ``ops`` and ``features`` about ten times a row.
    conn = connections[DEFAULT_DB_ALIAS]
    params: list[Any] = []
    for obj in objs:
        for field in fields:
            params.append(field.get_db_prep_save(field.pre_save(obj, add=True), conn))
    sql = head + ", ".join([row] * len(objs)) + returning
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        ids = cursor.fetchall()
    for obj, (pk,) in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = conn.alias


def next_id_sql(model: type[models.Model]) -> str:
    """Return an SQL expression giving the primary key the next row of ``model`` would get.

    It reserves the key, so a row can be referred to before it is written
    (foreign keys are checked at commit). On PostgreSQL it takes the value
    from the table's sequence; on SQLite, whose writers hold the database
    lock from ``BEGIN IMMEDIATE`` to the commit, it is one more than the
    largest key ever used (AUTOINCREMENT's own rule), valid until the commit.
    Use it inside the write transaction only.
    """
    meta = model._meta
    quote = connection.ops.quote_name
    table, pk = str(meta.db_table), str(meta.pk.column)
    if connection.vendor == "postgresql":
        return f"nextval(pg_get_serial_sequence('{quote(table)}', '{pk}'))"
    if connection.vendor == "sqlite":
        return (
            "(SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence "  # noqa: S608 - identifiers only
            f"WHERE name = '{table}'), 0), COALESCE((SELECT MAX({quote(pk)}) "
            f"FROM {quote(table)}), 0)) + 1)"
        )
    raise NotImplementedError(connection.vendor)  # pragma: no cover


@cache
def _converters(model: type[models.Model], names: tuple[str, ...]) -> list[list[Any]]:
    meta = model._meta
    result = []
    for name in names:
        field = meta.get_field(name)
        column = field.get_col(meta.db_table)  # type: ignore[union-attr]  # concrete fields only
        result.append(
            [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)]
        )
    return result


def from_row(model: type[models.Model], names: Sequence[str], values: Sequence[Any]) -> Any:
    """Build an instance from a plain cursor row, converting values as the ORM does."""
    key = tuple(names)
    conn = connections[DEFAULT_DB_ALIAS]
    converted = []
    for value, (name, converters) in zip(
        values, zip(key, _converters(model, key), strict=True), strict=True
    ):
        column = model._meta.get_field(name).get_col(model._meta.db_table)  # type: ignore[union-attr]
        for converter in converters:
            value = converter(value, column, conn)
        converted.append(value)
    # Model.from_db takes the values in the order of the model's concrete fields.
    by_name = dict(zip(key, converted, strict=True))
    ordered = [f.attname for f in model._meta.concrete_fields if f.attname in by_name]
    return model.from_db(conn.alias, ordered, [by_name[name] for name in ordered])
