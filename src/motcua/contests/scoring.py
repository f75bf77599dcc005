"""The ranking of a judged round, in pure Python over plain numbers.

A performance scores the mean of its judges' totals. When the round drops
the extremes and at least three judges scored the performance, the one
highest and the one lowest total are left out first (with two judges
nothing is dropped: there would be nothing left to average). A team
scores the sum of its performances in the round.

Ties on the score are broken by the round's tie-break criterion: the
team's points on that criterion, averaged over the same sheets that
count for the score (a dropped sheet is dropped whole) and summed over
its performances. Teams still equal share the rank, and the next rank
skips (1, 2, 2, 4). Prize categories are filled in their order from the
top: a category of ``count`` prizes goes to the teams ranked within the
next ``count`` places, so teams sharing a rank share the prize.

Means are computed as exact fractions, so a tie is a tie and not a
rounding accident; they are rounded only for storage and display.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


@dataclass(frozen=True)
class Sheet:
    """One submitted sheet: the judge, and the points given per criterion id."""

    judge_id: int
    points: Mapping[int, Decimal]

    @property
    def total(self) -> Fraction:
        return sum((Fraction(value) for value in self.points.values()), Fraction(0))


@dataclass(frozen=True)
class PerformanceSheets:
    team_id: int
    sheets: Sequence[Sheet]


@dataclass(frozen=True)
class PerformanceScore:
    score: Fraction
    tie: Fraction
    kept: tuple[int, ...]
    """The judges whose sheets count (dropped ones left out)."""


@dataclass
class TeamStanding:
    team_id: int
    score: Fraction = Fraction(0)
    tie: Fraction = Fraction(0)
    rank: int = 0
    prize: int | None = None
    """The index of the prize category won, in the order given."""
    performances: list[PerformanceScore] = field(default_factory=list)


def performance_score(
    sheets: Sequence[Sheet], *, drop_extremes: bool, tie_break: int | None
) -> PerformanceScore:
    """Return the mean total of ``sheets`` (extremes dropped when asked and ≥ 3 sheets)."""
    kept = sorted(sheets, key=lambda sheet: (sheet.total, sheet.judge_id))
    if drop_extremes and len(kept) >= 3:
        kept = kept[1:-1]
    if not kept:
        return PerformanceScore(Fraction(0), Fraction(0), ())
    count = len(kept)
    score = sum((sheet.total for sheet in kept), Fraction(0)) / count
    tie = Fraction(0)
    if tie_break is not None:
        tie = (
            sum((Fraction(sheet.points.get(tie_break, Decimal(0))) for sheet in kept), Fraction(0))
            / count
        )
    return PerformanceScore(score, tie, tuple(sheet.judge_id for sheet in kept))


def rank_teams(
    performances: Sequence[PerformanceSheets],
    *,
    drop_extremes: bool,
    tie_break: int | None,
    prize_counts: Sequence[int] = (),
) -> list[TeamStanding]:
    """Return the standings, best first (equal teams in ``team_id`` order).

    ``prize_counts`` are the numbers of prizes of each category, in order.
    """
    standings: dict[int, TeamStanding] = {}
    for item in performances:
        standing = standings.setdefault(item.team_id, TeamStanding(item.team_id))
        scored = performance_score(item.sheets, drop_extremes=drop_extremes, tie_break=tie_break)
        standing.performances.append(scored)
        standing.score += scored.score
        standing.tie += scored.tie
    ordered = sorted(standings.values(), key=lambda s: (-s.score, -s.tie, s.team_id))
    for position, standing in enumerate(ordered):
        previous = ordered[position - 1] if position else None
        if previous is not None and (previous.score, previous.tie) == (
            standing.score,
            standing.tie,
        ):
            standing.rank = previous.rank
        else:
            standing.rank = position + 1
    awarded = 0
    for index, count in enumerate(prize_counts):
        limit = awarded + count
        for standing in ordered:
            if standing.prize is None and standing.rank <= limit:
                standing.prize = index
        awarded = sum(1 for standing in ordered if standing.prize is not None)
    return ordered


def rounded(value: Fraction, places: int = 3) -> Decimal:
    """Return ``value`` as a Decimal rounded half up to ``places`` decimals."""
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )


def points_text(value: Decimal) -> str:
    """Return points without trailing zeros or exponent: 60.00 → "60", 8.50 → "8.5"."""
    text = format(value.normalize(), "f")
    return text
