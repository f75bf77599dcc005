"""JSON API of the quiz rounds, mounted at /api/v1/contests/ (anonymous, like the published results).

``GET rounds`` lists the rounds with their status; ``GET rounds/{id}/ranking``
answers the ranking once the round is closed, and 403 before. No ``from
__future__ import annotations`` here: django-ninja reads the annotations at
import time.
"""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from pydantic import Field

from motcua.core import clock
from motcua.core.errors import NotFoundError
from motcua.core.schemas import error_responses
from motcua.quizzes.selectors import round_get, round_ranking, rounds_list
from motcua.quizzes.services import round_results

router = Router(tags=["quizzes"])


class QuizRoundOut(Schema):
    id: int
    quiz_id: int
    quiz_title: str
    number: int
    title: str
    status: Literal["upcoming", "open", "closed"] = Field(
        description="`upcoming` before `opens_at`, `open` until `closes_at`, then `closed`."
    )
    opens_at: datetime
    closes_at: datetime
    question_count: int
    time_limit_seconds: int
    attempts_per_person: int = Field(description="0 = unlimited.")
    prediction_question: str


class QuizRankingRowOut(Schema):
    rank: int = Field(description="Equal keys share a rank (SQL RANK()).")
    display_name: str = Field(description="The participant's name with the phone masked.")
    correct: int
    prediction: int | None = Field(description="Null when the time ran out before submission.")
    duration_seconds: float = Field(description="Measured on the server, start to submission.")
    submitted_at: datetime


class QuizRankingOut(Schema):
    round_id: int
    participants: int = Field(
        description="The number the predictions are measured against (people or attempts, "
        "as the round says)."
    )
    prediction_basis: Literal["people", "attempts"]
    total: int = Field(description="Ranked people in all.")
    rows: list[QuizRankingRowOut]


class QuizRankingQuery(Schema):
    offset: int = Field(0, ge=0, le=10_000_000, description="Rows to skip.")
    limit: int = Field(100, ge=1, le=1000, description="Rows to return.")


class QuizRoundsQuery(Schema):
    status: Literal["upcoming", "open", "closed"] | None = Field(
        None, description="Only the rounds in this status."
    )
    quiz_id: int | None = Field(None, ge=1, le=2_147_483_647, description="Only this quiz.")


class QuizRoundPath(Schema):
    round_id: int = Field(ge=1, le=2_147_483_647)


@router.get(
    "/rounds",
    response={200: list[QuizRoundOut], **error_responses(422)},
    summary="List the quiz rounds with their status",
)
def quiz_rounds(request: HttpRequest, query: Query[QuizRoundsQuery]) -> list[QuizRoundOut]:
    now = clock.now()
    return [
        QuizRoundOut(
            id=r.pk,
            quiz_id=r.quiz_id,
            quiz_title=r.quiz.title,
            number=r.number,
            title=r.title,
            status=status,  # type: ignore[arg-type]
            opens_at=r.opens_at,
            closes_at=r.closes_at,
            question_count=r.question_count,
            time_limit_seconds=r.time_limit_seconds,
            attempts_per_person=r.attempts_per_person,
            prediction_question=r.prediction_question,
        )
        for r, status in rounds_list(now=now)
        if (query.status is None or status == query.status)
        and (query.quiz_id is None or r.quiz_id == query.quiz_id)
    ]


@router.get(
    "/rounds/{round_id}/ranking",
    response={200: QuizRankingOut, **error_responses(403, 404, 422)},
    summary="The ranking of a closed round (403 before it closes)",
)
def quiz_round_ranking(
    request: HttpRequest, path: Path[QuizRoundPath], query: Query[QuizRankingQuery]
) -> QuizRankingOut:
    round_ = round_get(path.round_id)
    if round_ is None:
        raise NotFoundError(_("This round does not exist."))
    results = round_results(round_)
    top = results["ranking"]
    if query.offset + query.limit <= len(top) or len(top) >= results["total"]:
        page = top[query.offset : query.offset + query.limit]
    else:
        page = round_ranking(
            round_,
            participants=results["participants"],
            limit=query.limit,
            offset=query.offset,
        )
    return QuizRankingOut(
        round_id=round_.pk,
        participants=results["participants"],
        prediction_basis=round_.prediction_basis,  # type: ignore[arg-type]
        total=results["total"],
        rows=[
            QuizRankingRowOut(
                rank=row.rank,
                display_name=row.display_name,
                correct=row.correct,
                prediction=row.prediction,
                duration_seconds=row.duration_seconds,
                submitted_at=row.submitted_at,
            )
            for row in page
        ],
    )
