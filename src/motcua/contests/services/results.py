"""Ranking a round, publishing its results and withdrawing them to correct them."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.contests.models import (
    Result,
    Round,
    RoundStatus,
    Score,
    ScoreSheet,
    SheetStatus,
)
from motcua.contests.scoring import (
    PerformanceSheets,
    Sheet,
    rank_teams,
    rounded,
)
from motcua.contests.services.common import (
    _locked_round,
    _reason,
    require_organiser,
)
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ConflictError
from motcua.core.notifications import notify


def round_standings(round_: Round) -> list[Any]:
    """Rank the round's teams from its submitted sheets (see :mod:`.scoring`)."""
    performances = list(round_.performances.order_by("order"))
    sheets: dict[int, list[Sheet]] = {p.pk: [] for p in performances}
    scores: dict[int, dict[int, Decimal]] = {}
    for score in Score.objects.filter(
        sheet__performance__round=round_, sheet__status=SheetStatus.SUBMITTED
    ).values("sheet_id", "criterion_id", "points"):
        scores.setdefault(score["sheet_id"], {})[score["criterion_id"]] = score["points"]
    for sheet in ScoreSheet.objects.filter(
        performance__round=round_, status=SheetStatus.SUBMITTED
    ).values("pk", "performance_id", "judge_id"):
        sheets[sheet["performance_id"]].append(
            Sheet(judge_id=sheet["judge_id"], points=scores.get(sheet["pk"], {}))
        )
    prizes = list(round_.prizes.order_by("order", "pk"))
    return rank_teams(
        [PerformanceSheets(p.team_id, sheets[p.pk]) for p in performances],
        drop_extremes=round_.drop_extremes,
        tie_break=round_.tie_break_id,
        prize_counts=[prize.count for prize in prizes],
    )


def round_missing_sheets(round_: Round) -> int:
    """Return how many (judge, performance) sheets of the round are not submitted."""
    judges = round_.judges.count()
    performances = round_.performances.count()
    submitted = ScoreSheet.objects.filter(
        performance__round=round_,
        status=SheetStatus.SUBMITTED,
        judge_id__in=round_.judges.values("judge_id"),
    ).count()
    return judges * performances - submitted


def round_publish(*, actor: Any, round_: Round) -> Round:
    """Rank the teams, award the prizes and publish the results of a fully scored round."""
    require_organiser(actor, round_.contest)
    with transaction.atomic():
        locked = _locked_round(round_)
        if locked.status != RoundStatus.SCORING:
            raise ConflictError(
                _("Only a round being scored can have its results published."),
                code="round_not_scoring",
            )
        missing = round_missing_sheets(locked)
        if missing:
            raise ConflictError(
                _("%(count)s score sheets are not submitted yet; publish when every judge is done.")
                % {"count": missing},
                code="sheets_missing",
            )
        standings = round_standings(locked)
        prizes = list(locked.prizes.order_by("order", "pk"))
        now = clock.now()
        year = now.year
        results = []
        # After a correction the certificates are numbered anew ("-S1": first correction),
        # so that no number printed on a withdrawn certificate is given to another team.
        suffix = f"-S{locked.corrections}" if locked.corrections else ""
        numbers = {
            standing.team_id: f"{number:02d}/{year}/GCN-HT{locked.pk}{suffix}"
            for number, standing in enumerate(
                (s for s in standings if s.prize is not None), start=1
            )
        }
        for standing in standings:
            results.append(
                Result(
                    round=locked,
                    team_id=standing.team_id,
                    rank=standing.rank,
                    score=rounded(standing.score),
                    tie_break_score=rounded(standing.tie) if locked.tie_break_id else None,
                    prize=prizes[standing.prize] if standing.prize is not None else None,
                    certificate_number=numbers.get(standing.team_id, ""),
                )
            )
        Result.objects.filter(round=locked).delete()
        Result.objects.bulk_create(results)
        locked.status = RoundStatus.PUBLISHED
        locked.published_at = now
        locked.save(update_fields=["status", "published_at"])
        audit_record(
            actor=actor,
            action="contests.round_publish",
            obj=locked,
            data={
                "ranking": [
                    [r.team_id, r.rank, str(r.score), r.prize.name if r.prize else None]
                    for r in results
                ]
            },
        )
        for assignment in locked.judges.select_related("judge"):
            notify(
                event="contests.results_published",
                context={"round": locked, "contest": locked.contest},
                user=assignment.judge,
                obj=locked,
            )
    return locked


def round_withdraw_results(*, actor: Any, round_: Round, reason: str) -> Round:
    """Withdraw a round's published results to correct them, with the reason (audited).

    The round goes back to scoring: the organiser reopens the sheets concerned,
    the judges correct them, and the round is published again. Until then the
    public page shows no results and no certificate can be printed; the
    withdrawn ranking stays in the audit record.
    """
    require_organiser(actor, round_.contest)
    reason = _reason(
        reason, _("Write why the results are withdrawn, in at least %(count)s characters.")
    )
    with transaction.atomic():
        locked = _locked_round(round_)
        if locked.status != RoundStatus.PUBLISHED:
            raise ConflictError(
                _("Only published results can be withdrawn."), code="round_not_published"
            )
        withdrawn = [
            [
                r.team_id,
                r.rank,
                str(r.score),
                r.prize.name if r.prize else None,
                r.certificate_number,
            ]
            for r in Result.objects.filter(round=locked).select_related("prize").order_by("rank")
        ]
        Result.objects.filter(round=locked).delete()
        locked.status = RoundStatus.SCORING
        locked.published_at = None
        locked.corrections += 1
        locked.save(update_fields=["status", "published_at", "corrections"])
        audit_record(
            actor=actor,
            action="contests.round_withdraw_results",
            obj=locked,
            data={"reason": reason, "withdrawn": withdrawn, "correction": locked.corrections},
        )
    return locked
