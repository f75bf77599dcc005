"""JSON API of the judged contests, mounted at /api/v1/contests/judged/ (anonymous, read-only).

The list of contests and their rounds, and the results of a published
round (as the public results page shows them). Sheets and points of
individual judges are never published. No ``from __future__ import
annotations`` here: django-ninja reads the annotations at import time.
"""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from motcua.contests import selectors
from motcua.contests.models import Contest, Result
from motcua.core.schemas import error_responses

router = Router(tags=["contests"])


class ContestRoundOut(Schema):
    id: int
    name: str
    order: int
    held_on: date | None
    status: str = Field(description="`preparing`, `scoring` or `published`.")
    published_at: datetime | None
    results_url: str | None = Field(
        description="The API address of the results, once published; null before."
    )


class ContestOut(Schema):
    id: int
    name: str
    year: int
    organiser: str = Field(description="The name of the organising unit.")
    rounds: list[ContestRoundOut]


class ContestListFilter(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="Only the contests of this year.")


class ContestListOut(Schema):
    items: list[ContestOut]


class ContestResultOut(Schema):
    rank: int = Field(description="Teams with equal score and tie-break share a rank.")
    team: str
    unit: str
    members: list[str]
    score: Decimal = Field(description="The sum over the team's performances of their means.")
    tie_break_score: Decimal | None
    prize: str | None


class ContestResultsOut(Schema):
    contest: str
    round: str
    published_at: datetime
    drop_extremes: bool
    tie_break_criterion: str | None
    results: list[ContestResultOut]


def _contest(contest: Contest) -> dict[str, object]:
    return {
        "id": contest.pk,
        "name": contest.name,
        "year": contest.year,
        "organiser": contest.organiser.name,
        "rounds": [
            {
                "id": r.pk,
                "name": r.name,
                "order": r.order,
                "held_on": r.held_on,
                "status": r.status,
                "published_at": r.published_at,
                "results_url": f"/api/v1/contests/judged/results/{r.pk}"
                if r.published_at
                else None,
            }
            for r in contest.rounds.all()
        ],
    }


@router.get(
    "/",
    auth=None,
    response={200: ContestListOut, **error_responses(422)},
    summary="List the judged contests and their rounds (anonymous)",
)
def contest_list(request: HttpRequest, filters: Query[ContestListFilter]) -> dict[str, object]:
    """Return the contests, newest year first, each with its rounds and their status."""
    contests = selectors.public_contests()
    if filters.year is not None:
        contests = contests.filter(year=filters.year)
    return {"items": [_contest(c) for c in contests]}


def _result(result: Result) -> dict[str, object]:
    return {
        "rank": result.rank,
        "team": result.team.name,
        "unit": result.team.unit.name,
        "members": [m.full_name for m in result.team.members.all()],
        "score": result.score,
        "tie_break_score": result.tie_break_score,
        "prize": result.prize.name if result.prize else None,
    }


@router.get(
    "/results/{round_id}",
    auth=None,
    response={200: ContestResultsOut, **error_responses(404, 422)},
    summary="The results of a published round (anonymous)",
)
def contest_results(request: HttpRequest, round_id: Path[int]) -> dict[str, object]:
    """Return the ranking and prizes; 404 `results_not_published` until they are published."""
    round_, results = selectors.round_results(round_id)
    return {
        "contest": round_.contest.name,
        "round": round_.name,
        "published_at": round_.published_at,
        "drop_extremes": round_.drop_extremes,
        "tie_break_criterion": round_.tie_break.name if round_.tie_break else None,
        "results": [_result(r) for r in results],
    }
