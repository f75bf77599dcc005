"""Plain-SQL reads and writes of an attempt's hot path: start, each answer, submission.

A province-wide round brings tens of thousands of people in a few minutes,
each making a dozen requests; the ORM's query compiler costs several times
the statement itself (docs/performance.md, "Quiz rounds"). Like the counter
intake (``core.fastsql``), these helpers keep Django's field preparation and
conversion and skip only the compiler. The rules stay in
:mod:`motcua.quizzes.services`; this module only reads and writes rows.

The question bank of a quiz is kept per process (:data:`banks`, the reference
TTL of ``core.cache``): drawing and showing questions read no table. Saving
or deleting a question, or an import, drops it in that process at once; the
others see the change within ``MOTCUA_REFERENCE_TTL`` seconds. Scoring does
not use it: the answer key is read from the table at submission.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections

from motcua.core.cache import ProcessCache
from motcua.core.fastsql import from_row
from motcua.quizzes.models import Attempt, Participant, Question, QuizUnit, Round


@dataclass(frozen=True, slots=True)
class BankQuestion:
    id: int
    text: str
    options: tuple[str, ...]
    active: bool


@dataclass(frozen=True, slots=True)
class Bank:
    """A quiz's questions by id, and the active ones as ``(id, option count)`` to draw from."""

    questions: dict[int, BankQuestion]
    active: tuple[tuple[int, int], ...]


banks: ProcessCache[Bank] = ProcessCache("quizzes.bank", max_entries=200)
quiz_units: ProcessCache[dict[int, str]] = ProcessCache("quizzes.units", max_entries=200)


def bank_of(quiz_id: int) -> Bank:
    """Return the question bank of ``quiz_id`` (cached per process; no answer key in it)."""

    def load() -> Bank:
        rows = Question.objects.filter(quiz_id=quiz_id).values_list(
            "id", "text", "options", "active"
        )
        questions = {
            pk: BankQuestion(pk, text, tuple(options), active) for pk, text, options, active in rows
        }
        active = tuple(
            (q.id, len(q.options))
            for q in sorted(questions.values(), key=lambda q: q.id)
            if q.active
        )
        return Bank(questions, active)

    return banks.get_or_set(quiz_id, load)


def units_of(quiz_id: int) -> dict[int, str]:
    """Return the units participants of ``quiz_id`` choose from, ``{unit id: name}`` by name."""

    def load() -> dict[int, str]:
        rows = (
            QuizUnit.objects.filter(quiz_id=quiz_id)
            .order_by("unit__name")
            .values_list("unit_id", "unit__name")
        )
        return dict(rows)

    return quiz_units.get_or_set(quiz_id, load)


rounds: ProcessCache[Round | None] = ProcessCache("quizzes.rounds", max_entries=200)
start_fields: ProcessCache[str] = ProcessCache("quizzes.start_fields", max_entries=200)


def round_of(round_id: int) -> Round | None:
    """Return round ``round_id`` with its quiz, as the citizen's pages show it (cached per process).

    Saving a round or its quiz drops it in that process at once; the others
    see the change within ``MOTCUA_REFERENCE_TTL`` seconds. The round's
    status is worked out from its instants on each request; the attempts
    check their own deadline in the database.
    """

    def load() -> Round | None:
        return Round.objects.select_related("quiz").filter(pk=round_id).first()

    found = rounds.get_or_set(round_id, load)
    if found is None:
        rounds.discard(round_id)  # a round created a moment later shows at once
    return found


def forget(**_kwargs: object) -> None:
    """Drop this process's banks, unit lists, rounds and start forms (a signal receiver too)."""
    banks.clear()
    quiz_units.clear()
    rounds.clear()
    start_fields.clear()


# --- rows ----------------------------------------------------------------------------------------


# Quoting is per database backend, and a process talks to one: kept once per name.
@cache
def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@cache
def _col(model: type[Any], name: str) -> str:
    """Return the quoted column of the concrete field (or attname) ``name`` of ``model``."""
    return _q(str(model._meta.get_field(name).column))


@cache
def _columns(model: type[Any]) -> tuple[str, ...]:
    return tuple(str(f.attname) for f in model._meta.concrete_fields)


@cache
def _attempt_sql(vendor: str, key: str) -> str:
    del vendor  # part of the cache key only: quoting differs per database
    a_cols = ", ".join(f"a.{_col(Attempt, c)}" for c in _columns(Attempt))
    r_cols = ", ".join(f"r.{_col(Round, c)}" for c in _columns(Round))
    return (
        f"SELECT {a_cols}, {r_cols} FROM {_q(Attempt._meta.db_table)} a "  # noqa: S608  # identifiers only
        f"JOIN {_q(Round._meta.db_table)} r ON r.id = a.round_id WHERE a.{_q(key)} = %s"
    )


def attempt_with_round(*, token: str | None = None, pk: int | None = None) -> Attempt | None:
    """Return the attempt with ``token`` (or primary key ``pk``), its round loaded, or None."""
    key, value = ("token", token or "") if pk is None else ("id", pk)
    with connection.cursor() as cursor:
        cursor.execute(_attempt_sql(connection.vendor, key), [value])
        row = cursor.fetchone()
    if row is None:
        return None
    width = len(_columns(Attempt))
    attempt: Attempt = from_row(Attempt, _columns(Attempt), row[:width])
    attempt.round = from_row(Round, _columns(Round), row[width:])
    return attempt


def round_row(round_id: int) -> Round | None:
    """Return round ``round_id`` as stored now (one plain statement, no per-process copy)."""
    cols = _columns(Round)
    names = ", ".join(_col(Round, c) for c in cols)
    sql = f"SELECT {names} FROM {_q(Round._meta.db_table)} WHERE id = %s"  # noqa: S608  # identifiers only
    with connection.cursor() as cursor:
        cursor.execute(sql, [round_id])
        row = cursor.fetchone()
    return None if row is None else from_row(Round, cols, row)


def attempt_for_update(token: str) -> Attempt | None:
    """Lock and return the attempt with ``token`` (inside the caller's transaction), or None."""
    cols = _columns(Attempt)
    names = ", ".join(_col(Attempt, c) for c in cols)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = f"SELECT {names} FROM {_q(Attempt._meta.db_table)} WHERE token = %s{lock}"  # noqa: S608  # identifiers only
    with connection.cursor() as cursor:
        cursor.execute(sql, [token])
        row = cursor.fetchone()
    return None if row is None else from_row(Attempt, cols, row)


def _prep(model: type[Any], values: dict[str, Any]) -> list[Any]:
    conn = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    return [meta.get_field(name).get_db_prep_save(value, conn) for name, value in values.items()]


def participant_upsert(values: dict[str, Any]) -> tuple[int, str, int | None]:
    """Insert the participant unless the quiz has it already (same phone and folded name).

    Return its ``(id, id_number, unit_id)`` as stored: a new row's, or the
    existing one's (which the caller may then update).
    """
    table = _q(Participant._meta.db_table)
    names = ", ".join(_col(Participant, c) for c in values)
    marks = ", ".join(["%s"] * len(values))
    sql = (
        f"INSERT INTO {table} ({names}) VALUES ({marks}) "  # noqa: S608  # identifiers only
        "ON CONFLICT (quiz_id, phone, name_key) DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, _prep(Participant, values))
        row = cursor.fetchone()
        if row is not None:
            return int(row[0]), values["id_number"], values["unit_id"]
        cursor.execute(
            f"SELECT id, id_number, unit_id FROM {table} "  # noqa: S608  # identifiers only
            "WHERE quiz_id = %s AND phone = %s AND name_key = %s",
            [values["quiz_id"], values["phone"], values["name_key"]],
        )
        pk, id_number, unit_id = cursor.fetchone()
    return int(pk), id_number, unit_id


def attempt_insert(values: dict[str, Any], *, limit: int) -> tuple[int, int] | None:
    """Insert the attempt numbered after the phone's last in the round; ``(id, number)``.

    Return None, writing nothing, when the phone has ``limit`` attempts
    there already (0 = no limit). Two starts at once may compute the same
    number: the unique constraint then refuses one (IntegrityError).
    """
    # Only the columns with a value: a NULL (or any untyped parameter) in the
    # SELECT list would reach PostgreSQL as text.
    fields = [c for c in values if c != "number" and values[c] is not None]
    names = ", ".join(_col(Attempt, c) for c in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = _q(Attempt._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({names}, number) "  # noqa: S608  # identifiers only
        f"SELECT {marks}, COALESCE(MAX(number), 0) + 1 FROM {table} "
        "WHERE round_id = %s AND phone = %s HAVING %s = 0 OR COUNT(*) < %s "
        "RETURNING id, number"
    )
    params = _prep(Attempt, {c: values[c] for c in fields})
    params += [values["round_id"], values["phone"], limit, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), int(row[1]))


def answers_save(
    *, token: str, answers: dict[int, int], earliest_deadline: datetime
) -> tuple[int, int] | None:
    """Save answers in one statement if the attempt takes them all; ``(questions, answered)``.

    ``answers`` maps positions to choices as shown (both already checked
    non-negative and small, at least one pair); they travel as one JSON
    parameter, so a batch of any size is one statement of the same text.
    The attempt must be in progress, its deadline not before
    ``earliest_deadline`` (now minus the grace), and every position and
    choice inside its layout. None when any of that fails, and nothing is
    saved: the caller then reads the attempt to say why.
    """
    table = _q(Attempt._meta.db_table)
    deadline = Attempt._meta.get_field("deadline_at").get_db_prep_save(
        earliest_deadline, connections[DEFAULT_DB_ALIAS]
    )
    given = json.dumps({str(position): choice for position, choice in answers.items()})
    if connection.vendor == "postgresql":
        sql = (
            f"UPDATE {table} SET answers = answers || %s::jsonb "  # noqa: S608  # identifiers only
            "WHERE token = %s AND status = 'in_progress' AND deadline_at >= %s "
            "AND NOT EXISTS (SELECT 1 FROM jsonb_each_text(%s::jsonb) AS e(k, v) "
            "WHERE e.k::integer >= jsonb_array_length(layout) "
            "OR e.v::integer >= jsonb_array_length(layout -> e.k::integer -> 1)) "
            "RETURNING jsonb_array_length(layout), "
            "(SELECT count(*) FROM jsonb_object_keys(answers))"
        )
    else:
        sql = (
            f"UPDATE {table} SET answers = json_patch(answers, %s) "  # noqa: S608  # identifiers only
            "WHERE token = %s AND status = 'in_progress' AND deadline_at >= %s "
            "AND NOT EXISTS (SELECT 1 FROM json_each(%s) AS e "
            "WHERE CAST(e.key AS INTEGER) >= json_array_length(layout) "
            "OR e.value >= json_array_length(layout, '$[' || e.key || '][1]')) "
            "RETURNING json_array_length(layout), (SELECT count(*) FROM json_each(answers))"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [given, token, deadline, given])
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), int(row[1]))


def attempt_update(pk: int, values: dict[str, Any]) -> None:
    """UPDATE the named columns of attempt ``pk``."""
    sets = ", ".join(f"{_col(Attempt, c)} = %s" for c in values)
    sql = f"UPDATE {_q(Attempt._meta.db_table)} SET {sets} WHERE id = %s"  # noqa: S608  # identifiers only
    with connection.cursor() as cursor:
        cursor.execute(sql, [*_prep(Attempt, values), pk])


def correct_keys(ids: list[int]) -> dict[int, int]:
    """Return ``{question id: correct option index}`` of the questions ``ids`` (from the table)."""
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    sql = f"SELECT id, correct_index FROM {_q(Question._meta.db_table)} WHERE id IN ({marks})"  # noqa: S608  # identifiers only
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return {int(pk): int(index) for pk, index in cursor.fetchall()}
