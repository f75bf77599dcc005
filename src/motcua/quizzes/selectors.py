"""Read quizzes: the ranking (DOMAIN.md §13), prizes, collective prizes, statistics, duplicates.

The ranking keeps each person's (phone's) best submitted attempt and
orders them by the most correct answers, then the closest prediction
(``|prediction − participants|``), then the shortest duration, then the
earliest submission. It is computed in SQL with window functions (SQLite ≥
3.25 and PostgreSQL alike); :func:`ranking_reference` is the same rule in
plain Python, which the tests hold the SQL to. Disqualified attempts and
attempts still in progress are not ranked.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection
from django.db.models import Count, FloatField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from motcua.core import clock
from motcua.quizzes.models import (
    Attempt,
    AttemptAnswer,
    AttemptStatus,
    Participant,
    PredictionBasis,
    Question,
    QuizUnit,
    RankingEntry,
    Round,
    SizeBasis,
)

NO_PREDICTION = 2_000_000_000
"""The distance of an attempt without a prediction (time ran out): after every real one."""


@dataclass(slots=True)
class RankedAttempt:
    rank: int
    attempt_id: int
    participant_id: int
    name: str
    phone: str
    unit_id: int | None
    correct: int
    prediction: int | None
    duration_ms: int
    submitted_at: datetime

    @property
    def display_name(self) -> str:
        return f"{self.name} ({mask_phone(self.phone)})"

    @property
    def duration_seconds(self) -> float:
        return round(self.duration_ms / 1000, 3)


def mask_phone(phone: str) -> str:
    """Return a phone as published: the first 3 and the last 3 digits (``091****567``)."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 6) + phone[-3:]


def ranked_people(round_: Round) -> int:
    """Return how many people (phones) the ranking lists."""
    if round_.ranked_total is not None and round_.ranked_at is not None:
        return round_.ranked_total
    return (
        Attempt.objects.filter(round_id=round_.pk, status=AttemptStatus.SUBMITTED)
        .values("phone")
        .distinct()
        .count()
    )


def round_participants(round_: Round) -> int:
    """Return the number the predictions are measured against: people or attempts submitted.

    Once the ranking is stored, the number it was computed with.
    """
    if round_.ranked_participants is not None and round_.ranked_at is not None:
        return round_.ranked_participants
    submitted = Attempt.objects.filter(round_id=round_.pk, status=AttemptStatus.SUBMITTED)
    if round_.prediction_basis == PredictionBasis.ATTEMPTS:
        return submitted.count()
    return submitted.values("phone").distinct().count()


_RANKING_SQL = """
WITH candidates AS (
    SELECT a.id, a.participant_id, a.phone, a.correct, a.prediction, a.duration_ms,
           a.submitted_at,
           COALESCE(ABS(a.prediction - %(n)s), {none}) AS distance
    FROM {attempt} a
    WHERE a.round_id = %(round)s AND a.status = 'submitted'
),
best AS (
    SELECT c.*, ROW_NUMBER() OVER (
        PARTITION BY c.phone
        ORDER BY c.correct DESC, c.distance ASC, c.duration_ms ASC, c.submitted_at ASC, c.id ASC
    ) AS own
    FROM candidates c
)
SELECT RANK() OVER (
           ORDER BY b.correct DESC, b.distance ASC, b.duration_ms ASC, b.submitted_at ASC
       ) AS place,
       b.id, b.participant_id, p.name, b.phone, p.unit_id, b.correct, b.prediction,
       b.duration_ms, b.submitted_at,
       ROW_NUMBER() OVER (
           ORDER BY b.correct DESC, b.distance ASC, b.duration_ms ASC, b.submitted_at ASC, b.id ASC
       ) AS position
FROM best b JOIN {participant} p ON p.id = b.participant_id
WHERE b.own = 1
"""


def _ranking_sql() -> str:
    """The ranking of one round (parameters ``n`` and ``round``), unordered, with positions."""
    return _RANKING_SQL.format(
        none=NO_PREDICTION,
        attempt=connection.ops.quote_name(Attempt._meta.db_table),
        participant=connection.ops.quote_name(Participant._meta.db_table),
    )


def ranking_store_sql() -> str:
    """INSERT the ranking of round ``%(round)s`` against ``%(n)s`` participants into the entries."""
    quote = connection.ops.quote_name
    return (
        f"INSERT INTO {quote(RankingEntry._meta.db_table)} (round_id, position, {quote('rank')}, "  # noqa: S608  # constant SQL
        "attempt_id, participant_id, name, phone, unit_id, correct, prediction, duration_ms, "
        "submitted_at) SELECT %(round)s, ranked.position, ranked.place, ranked.id, "
        "ranked.participant_id, ranked.name, ranked.phone, ranked.unit_id, ranked.correct, "
        f"ranked.prediction, ranked.duration_ms, ranked.submitted_at FROM ({_ranking_sql()}) ranked"
    )


def _instant(value: Any) -> datetime:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str):
        parsed = parse_datetime(value)
        assert parsed is not None
        value = parsed
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value  # type: ignore[no-any-return]


def is_ranked(round_: Round) -> bool:
    """Return whether the round's ranking is stored (:func:`motcua.quizzes.services.round_rank`)."""
    return round_.ranked_at is not None


def round_ranking(
    round_: Round,
    *,
    participants: int | None = None,
    limit: int | None = None,
    offset: int = 0,
    phone: str | None = None,
) -> list[RankedAttempt]:
    """Return the ranking of ``round_``: every ranked person, a page of it, or one phone's row.

    Once the round's ranking is stored (at close, ADR 0018) the rows are
    read from it by index; before, the database ranks everyone in one
    window query and returns only what is asked.
    """
    if is_ranked(round_) and participants in (None, round_.ranked_participants):
        return _stored_ranking(round_, limit=limit, offset=offset, phone=phone)
    n = round_participants(round_) if participants is None else participants
    sql = _ranking_sql()
    params: dict[str, Any] = {"n": n, "round": round_.pk}
    if phone is not None:
        sql = f"SELECT * FROM ({sql}) ranked WHERE ranked.phone = %(phone)s"  # noqa: S608  # constant SQL
        params["phone"] = phone
    sql += " ORDER BY position"
    if limit is not None:
        sql += " LIMIT %(limit)s OFFSET %(offset)s"
        params.update(limit=limit, offset=offset)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [_ranked(row) for row in rows]


def _ranked(row: Sequence[Any]) -> RankedAttempt:
    return RankedAttempt(
        rank=int(row[0]),
        attempt_id=row[1],
        participant_id=row[2],
        name=row[3],
        phone=row[4],
        unit_id=row[5],
        correct=row[6],
        prediction=row[7],
        duration_ms=row[8],
        submitted_at=_instant(row[9]),
    )


def _stored_ranking(
    round_: Round, *, limit: int | None, offset: int, phone: str | None
) -> list[RankedAttempt]:
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {quote('rank')}, attempt_id, participant_id, name, phone, unit_id, correct, "  # noqa: S608  # constant SQL
        f"prediction, duration_ms, submitted_at FROM {quote(RankingEntry._meta.db_table)} "
        "WHERE round_id = %s"
    )
    params: list[Any] = [round_.pk]
    if phone is not None:
        sql += " AND phone = %s"
        params.append(phone)
    if limit is not None:
        sql += " AND position > %s AND position <= %s"
        params += [offset, offset + limit]
    elif offset:
        sql += " AND position > %s"
        params.append(offset)
    sql += " ORDER BY position"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [_ranked(row) for row in rows]


def ranking_reference(attempts: Iterable[Attempt], participants: int) -> list[tuple[int, int]]:
    """Return ``(rank, attempt id)`` by DOMAIN.md §13 in plain Python (the tests' oracle).

    ``attempts`` are the round's attempts with their participants; the rule
    is the one :func:`round_ranking` computes in SQL.
    """

    def key(a: Attempt) -> tuple[int, int, int, datetime]:
        distance = abs(a.prediction - participants) if a.prediction is not None else NO_PREDICTION
        assert a.correct is not None and a.duration_ms is not None and a.submitted_at is not None
        return (-a.correct, distance, a.duration_ms, a.submitted_at)

    best: dict[str, Attempt] = {}
    for attempt in attempts:
        if attempt.status != AttemptStatus.SUBMITTED:
            continue
        held = best.get(attempt.phone)
        if held is None or (key(attempt), attempt.pk) < (key(held), held.pk):
            best[attempt.phone] = attempt
    ordered = sorted(best.values(), key=lambda a: (key(a), a.pk))
    ranked: list[tuple[int, int]] = []
    for index, attempt in enumerate(ordered):
        rank = ranked[-1][0] if index and key(ordered[index - 1]) == key(attempt) else index + 1
        ranked.append((rank, attempt.pk))
    return ranked


@dataclass(frozen=True)
class Prize:
    name: str
    entry: RankedAttempt


def round_prizes(round_: Round, ranking: Sequence[RankedAttempt]) -> list[Prize]:
    """Give the round's prizes to the first places, in the ranking's order."""
    prizes: list[Prize] = []
    entries = iter(ranking)
    for prize in round_.prizes:
        for _i in range(int(prize["count"])):
            entry = next(entries, None)
            if entry is None:
                return prizes
            prizes.append(Prize(prize["name"], entry))
    return prizes


@dataclass(frozen=True)
class UnitRate:
    rank: int
    unit_id: int
    unit_name: str
    people: int
    size: int
    per_thousand: float
    prize: bool


def collective_ranking(round_: Round) -> list[UnitRate]:
    """Rank the quiz's units by people taking part per 1,000 of their population or staff.

    Units whose size is 0 are listed last without a rate and get no prize.
    """
    people = dict(
        Attempt.objects.filter(round_id=round_.pk, status=AttemptStatus.SUBMITTED)
        .filter(participant__unit__isnull=False)
        .values("participant__unit_id")
        .annotate(people=Count("phone", distinct=True))
        .values_list("participant__unit_id", "people")
    )
    field = "population" if round_.collective_basis == SizeBasis.POPULATION else "staff"
    rows = []
    for unit_row in QuizUnit.objects.filter(quiz_id=round_.quiz_id).select_related("unit"):
        size = getattr(unit_row, field)
        count = people.get(unit_row.unit_id, 0)
        rate = round(count * 1000 / size, 3) if size else 0.0
        rows.append((unit_row, count, size, rate))
    rows.sort(key=lambda r: (-(r[2] > 0), -r[3], -r[1], r[0].unit.name))
    result = []
    for index, (unit_row, count, size, rate) in enumerate(rows):
        result.append(
            UnitRate(
                rank=index + 1,
                unit_id=unit_row.unit_id,
                unit_name=unit_row.unit.name,
                people=count,
                size=size,
                per_thousand=rate,
                prize=index < round_.collective_prizes and size > 0 and count > 0,
            )
        )
    return result


def rounds_list(*, now: datetime | None = None) -> list[tuple[Round, str]]:
    """Return every round with its status (``upcoming``, ``open``, ``closed``), newest first."""
    at = now or clock.now()
    return [
        (r, r.status_at(at))
        for r in Round.objects.select_related("quiz").order_by("-opens_at", "-id")
    ]


def round_get(round_id: int, *, with_unit: bool = False) -> Round | None:
    """Return the round with its quiz (and the quiz's unit for the organiser's checks)."""
    related = ("quiz", "quiz__unit") if with_unit else ("quiz",)
    return Round.objects.select_related(*related).filter(pk=round_id).first()


# --- statistics ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    share: float  # 0–100, the bar's length relative to the longest


def bars(pairs: Sequence[tuple[str, float]]) -> list[Bar]:
    top = max((value for _label, value in pairs), default=0) or 1
    return [Bar(label, value, round(100 * value / top, 1)) for label, value in pairs]


def participation_by_day(round_: Round) -> list[tuple[date, int]]:
    """Return the attempts started per local day of the round."""
    counts: Counter[date] = Counter(
        timezone.localtime(started).date()
        for started in Attempt.objects.filter(round_id=round_.pk).values_list(
            "started_at", flat=True
        )
    )
    return sorted(counts.items())


def participation_by_unit(round_: Round) -> list[tuple[str, int]]:
    """Return the people (phones) who took part per unit, the most first."""
    rows = (
        Attempt.objects.filter(round_id=round_.pk)
        .values("participant__unit__name")
        .annotate(people=Count("phone", distinct=True))
        .order_by("-people", "participant__unit__name")
    )
    return [(row["participant__unit__name"] or "—", row["people"]) for row in rows]


def participation_by_unit_and_day(round_: Round) -> dict[str, list[tuple[date, int]]]:
    """Return attempts started per unit and local day (participation by unit over time)."""
    found: dict[str, Counter[date]] = defaultdict(Counter)
    for started, unit in Attempt.objects.filter(round_id=round_.pk).values_list(
        "started_at", "participant__unit__name"
    ):
        found[unit or "—"][timezone.localtime(started).date()] += 1
    return {unit: sorted(days.items()) for unit, days in sorted(found.items())}


def score_distribution(round_: Round) -> list[tuple[int, int]]:
    """Return how many ranked people had each number of correct answers (best attempts).

    Counted in the database, over the stored ranking once there is one,
    else over the ranking's query, so a large round is not fetched row by row.
    """
    if is_ranked(round_):
        rows = (
            RankingEntry.objects.filter(round_id=round_.pk)
            .values("correct")
            .annotate(people=Count("position"))
            .values_list("correct", "people")
        )
        counts = dict(rows)
    else:
        grouped = f"SELECT ranked.correct, COUNT(*) FROM ({_ranking_sql()}) ranked GROUP BY ranked.correct"  # noqa: S608  # constant SQL
        with connection.cursor() as cursor:
            cursor.execute(grouped, {"n": round_participants(round_), "round": round_.pk})
            counts = dict(cursor.fetchall())
    return [(score, counts.get(score, 0)) for score in range(round_.question_count + 1)]


@dataclass(frozen=True)
class QuestionRate:
    question_id: int
    text: str
    topic: str
    answered: int
    correct_share: float


def hardest_questions(round_: Round, *, limit: int = 10) -> list[QuestionRate]:
    """Return the questions of the round answered right least often."""
    rows = (
        AttemptAnswer.objects.filter(round_id=round_.pk)
        .values("question_id")
        .annotate(
            answered=Count("id"),
            right=Cast(Count("id", filter=Q(is_correct=True)), FloatField())
            / Cast(Count("id"), FloatField()),
        )
        .order_by("right", "question_id")[:limit]
    )
    texts = {q.pk: q for q in Question.objects.filter(pk__in=[row["question_id"] for row in rows])}
    return [
        QuestionRate(
            question_id=row["question_id"],
            text=texts[row["question_id"]].text,
            topic=texts[row["question_id"]].topic,
            answered=row["answered"],
            correct_share=round(100 * float(row["right"] or 0), 1),
        )
        for row in rows
    ]


def flagged_attempts(round_: Round) -> list[Attempt]:
    return list(
        Attempt.objects.filter(round_id=round_.pk)
        .filter(Q(flagged=True) | Q(status=AttemptStatus.DISQUALIFIED))
        .select_related("participant")
        .order_by("status", "duration_ms", "pk")[:500]
    )


@dataclass(frozen=True)
class Duplicate:
    kind: str  # "phone" or "id_number"
    value: str
    names: list[str]


DUPLICATES_SHOWN = 200


def duplicate_participants(quiz_id: int) -> list[Duplicate]:
    """Return phones and ID numbers registered under several names in the quiz (the first 200 of each)."""
    found = []
    for field in ("phone", "id_number"):
        values = (
            Participant.objects.filter(quiz_id=quiz_id)
            .exclude(**{field: ""})
            .values(field)
            .annotate(names=Count("name_key", distinct=True))
            .filter(names__gt=1)
            .values_list(field, flat=True)[:DUPLICATES_SHOWN]
        )
        for value in values:
            names = sorted(
                set(
                    Participant.objects.filter(quiz_id=quiz_id, **{field: value}).values_list(
                        "name", flat=True
                    )
                )
            )
            found.append(Duplicate(field, value, names))
    return found


def attempt_state(attempt: Attempt) -> dict[str, Any]:
    """Return what the attempt page needs: the questions as shown (no answer key), progress, time."""
    from motcua.quizzes.hotpath import bank_of

    bank = bank_of(attempt.round.quiz_id).questions
    questions = []
    for position, (question_id, order) in enumerate(attempt.layout):
        row = bank.get(question_id)
        if row is None:
            continue
        questions.append(
            {
                "position": position,
                "number": position + 1,
                "text": row.text,
                "options": [
                    (index, row.options[bank_index]) for index, bank_index in enumerate(order)
                ],
                "chosen": attempt.answers.get(str(position)),
            }
        )
    remaining = max(0, int((attempt.deadline_at - clock.now()).total_seconds()))
    return {
        "questions": questions,
        "answered": len(attempt.answers),
        "remaining_seconds": remaining,
    }
