"""Reads of the judged contests: a judge's own sheets, the organiser's progress, results.

A judge reads only the sheets they wrote (:func:`judge_sheet` takes the
judge and never a sheet id); the organiser sees who has submitted, and
the totals only once the results are published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from motcua.contests import conf
from motcua.contests.models import (
    Contest,
    Criterion,
    JudgeAssignment,
    Performance,
    Result,
    Round,
    RoundStatus,
    ScoreSheet,
    SheetStatus,
)
from motcua.contests.scoring import Sheet, performance_score, rounded
from motcua.contests.services import is_organiser
from motcua.core import clock
from motcua.core.errors import NotFoundError
from motcua.org.models import RoleAssignment, Unit
from motcua.org.selectors import unit_subtree, valid_on_q


@dataclass
class JudgeItem:
    performance: Performance
    status: str
    """``missing`` (not started), ``draft`` or ``submitted``."""


@dataclass
class JudgeRound:
    round: Round
    items: list[JudgeItem] = field(default_factory=list)

    @property
    def submitted(self) -> int:
        return sum(1 for item in self.items if item.status == SheetStatus.SUBMITTED)


def judge_rounds(judge: Any) -> list[JudgeRound]:
    """Return the rounds ``judge`` is assigned to, with the state of their own sheets:
    the rounds still to score first, then the published ones (read only)."""
    assignments = (
        JudgeAssignment.objects.filter(judge=judge)
        .select_related("round__contest")
        .order_by("round__contest__name", "round__order")
    )
    rounds = sorted(
        (assignment.round for assignment in assignments),
        key=lambda r: r.status == RoundStatus.PUBLISHED,
    )
    statuses = dict(
        ScoreSheet.objects.filter(judge=judge, performance__round__in=rounds).values_list(
            "performance_id", "status"
        )
    )
    performances = (
        Performance.objects.filter(round__in=rounds)
        .select_related("team", "kind")
        .order_by("round_id", "order")
    )
    by_round: dict[int, JudgeRound] = {r.pk: JudgeRound(r) for r in rounds}
    for performance in performances:
        by_round[performance.round_id].items.append(
            JudgeItem(performance, statuses.get(performance.pk, "missing"))
        )
    return list(by_round.values())


@dataclass
class JudgeSheet:
    performance: Performance
    criteria: list[Criterion]
    sheet: ScoreSheet | None
    points: dict[int, Decimal]
    previous: Performance | None
    following: Performance | None

    @property
    def locked(self) -> bool:
        return self.sheet is not None and self.sheet.is_locked

    @property
    def total(self) -> Decimal:
        return sum(self.points.values(), Decimal(0))


def judge_sheet(judge: Any, performance_id: int) -> JudgeSheet:
    """Return the judge's own sheet for a performance of a round they judge."""
    performance = (
        Performance.objects.select_related("round__contest", "team__unit", "kind")
        .filter(pk=performance_id, round__judges__judge=judge)
        .first()
        if getattr(judge, "is_authenticated", False)
        else None
    )
    if performance is None:
        raise NotFoundError(
            _("This performance is not among those you judge."), code="not_your_performance"
        )
    criteria = [
        c
        for c in Criterion.objects.filter(round_id=performance.round_id)
        if c.applies_to(performance.kind_id)
    ]
    sheet = ScoreSheet.objects.filter(performance=performance, judge=judge).first()
    points = dict(sheet.scores.values_list("criterion_id", "points")) if sheet is not None else {}
    siblings = Performance.objects.filter(round_id=performance.round_id).select_related("team")
    previous = siblings.filter(order__lt=performance.order).order_by("-order").first()
    following = siblings.filter(order__gt=performance.order).order_by("order").first()
    return JudgeSheet(performance, criteria, sheet, points, previous, following)


def organiser_units(user: Any) -> list[Unit]:
    """Return the units over which ``user`` holds an organiser role today (roots for the
    superuser)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return list(Unit.objects.filter(parent__isnull=True).order_by("name"))
    grants = (
        RoleAssignment.objects.filter(user=user, role__code__in=conf.organiser_roles())
        .filter(valid_on_q(clock.localdate()))
        .filter(valid_on_q(clock.localdate(), prefix="unit__"))
        .select_related("unit")
        .order_by("unit__path")
    )
    return list({grant.unit_id: grant.unit for grant in grants}.values())


def contest_get_for_organiser(user: Any, contest_id: int) -> Contest:
    contest = Contest.objects.select_related("organiser").filter(pk=contest_id).first()
    if contest is None or not is_organiser(user, contest):
        raise NotFoundError(_("The contest does not exist."), code="contest_not_found")
    return contest


def organiser_contests(user: Any) -> QuerySet[Contest]:
    """Return the contests ``user`` organises (a role over the organising unit or above)."""
    if not getattr(user, "is_authenticated", False):
        return Contest.objects.none()
    contests = Contest.objects.select_related("organiser").prefetch_related(
        Prefetch("rounds", queryset=Round.objects.order_by("order"))
    )
    if user.is_superuser:
        return contests
    day = clock.localdate()
    grants = (
        RoleAssignment.objects.filter(user=user, role__code__in=conf.organiser_roles())
        .filter(valid_on_q(day))
        .select_related("unit")
    )
    ids: set[int] = set()
    for grant in grants:
        ids.update(unit_subtree(grant.unit).values_list("pk", flat=True))
    units = Unit.objects.filter(pk__in=ids)
    return contests.filter(organiser__in=units)


@dataclass
class ProgressCell:
    judge_id: int
    status: str
    sheet_id: int | None


@dataclass
class ProgressRow:
    performance: Performance
    cells: list[ProgressCell]


@dataclass
class RoundProgress:
    round: Round
    judges: list[Any]
    rows: list[ProgressRow]
    submitted: int
    expected: int


def round_get_for_organiser(user: Any, round_id: int) -> Round:
    round_ = (
        Round.objects.select_related("contest__organiser", "tie_break").filter(pk=round_id).first()
    )
    if round_ is None or not is_organiser(user, round_.contest):
        raise NotFoundError(_("The round does not exist."), code="round_not_found")
    return round_


def round_progress(round_: Round) -> RoundProgress:
    """Return who has submitted which sheet (statuses only, never the points)."""
    judges = [a.judge for a in round_.judges.select_related("judge").order_by("assigned_at", "pk")]
    performances = list(round_.performances.select_related("team", "kind").order_by("order"))
    sheets = {
        (row["performance_id"], row["judge_id"]): (row["status"], row["pk"])
        for row in ScoreSheet.objects.filter(performance__round=round_).values(
            "pk", "performance_id", "judge_id", "status"
        )
    }
    rows = []
    submitted = 0
    for performance in performances:
        cells = []
        for judge in judges:
            status, sheet_id = sheets.get((performance.pk, judge.pk), ("missing", None))
            submitted += status == SheetStatus.SUBMITTED
            cells.append(ProgressCell(judge.pk, status, sheet_id))
        rows.append(ProgressRow(performance, cells))
    return RoundProgress(round_, judges, rows, submitted, len(judges) * len(performances))


def published_rounds() -> QuerySet[Round]:
    """Return the rounds whose results are published, newest first."""
    return (
        Round.objects.filter(status=RoundStatus.PUBLISHED)
        .select_related("contest__organiser", "tie_break")
        .order_by("-published_at", "pk")
    )


def round_results(round_id: int) -> tuple[Round, list[Result]]:
    """Return a published round and its results; an unpublished one does not exist here."""
    round_ = published_rounds().filter(pk=round_id).first()
    if round_ is None:
        raise NotFoundError(
            _("No published results exist for this round."), code="results_not_published"
        )
    results = list(
        Result.objects.filter(round=round_)
        .select_related("team__unit", "prize")
        .prefetch_related("team__members")
        .order_by("rank", "team__name")
    )
    return round_, results


def result_for_certificate(result_id: int) -> Result:
    """Return an awarded result of a published round (the certificate's data)."""
    result = (
        Result.objects.select_related("round__contest__organiser", "team__unit", "prize")
        .prefetch_related("team__members")
        .filter(pk=result_id, round__status=RoundStatus.PUBLISHED, prize__isnull=False)
        .first()
    )
    if result is None:
        raise NotFoundError(_("No prize has this certificate."), code="certificate_not_found")
    return result


def public_contests() -> QuerySet[Contest]:
    """Return the contests with their rounds (for the public list and the API)."""
    return (
        Contest.objects.select_related("organiser")
        .prefetch_related(Prefetch("rounds", queryset=Round.objects.order_by("order")))
        .order_by("-year", "name")
    )


@dataclass
class SheetTotal:
    judge: Any
    total: Decimal
    kept: bool


@dataclass
class PerformanceBreakdown:
    performance: Performance
    score: Decimal
    sheets: list[SheetTotal]


def round_breakdown(round_: Round) -> dict[int, list[PerformanceBreakdown]]:
    """Return, per team id, its performances' scores and each judge's total (kept or dropped).

    For the organiser once the results are published (the public sees the
    performance scores only); computed with the same rules as the ranking.
    """
    performances = list(round_.performances.select_related("kind").order_by("order"))
    sheets = list(
        ScoreSheet.objects.filter(performance__round=round_, status=SheetStatus.SUBMITTED)
        .select_related("judge")
        .prefetch_related("scores")
        .order_by("judge_id")
    )
    by_performance: dict[int, list[ScoreSheet]] = {}
    for sheet in sheets:
        by_performance.setdefault(sheet.performance_id, []).append(sheet)
    breakdown: dict[int, list[PerformanceBreakdown]] = {}
    for performance in performances:
        mine = by_performance.get(performance.pk, [])
        scored = performance_score(
            [
                Sheet(s.judge_id, {score.criterion_id: score.points for score in s.scores.all()})
                for s in mine
            ],
            drop_extremes=round_.drop_extremes,
            tie_break=round_.tie_break_id,
        )
        breakdown.setdefault(performance.team_id, []).append(
            PerformanceBreakdown(
                performance,
                rounded(scored.score),
                [
                    SheetTotal(s.judge, s.total or Decimal(0), s.judge_id in scored.kept)
                    for s in mine
                ],
            )
        )
    return breakdown
