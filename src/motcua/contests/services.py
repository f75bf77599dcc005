"""Every change to a judged contest: setup, judging, reopening, publishing.

The organiser (``MOTCUA_CONTESTS_ORGANISER_ROLES`` over the organising
unit) prepares a round (criteria, teams, performances, judges, prizes),
opens it for scoring and publishes its results once every assigned judge
has submitted a sheet for every performance. A judge fills and submits
their own sheets only; a submitted sheet is locked until the organiser
reopens it with a reason. Each change locks its row, writes its audit
record, and notifies after the commit (the notifications outbox).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from motcua.contests import conf
from motcua.contests.models import (
    Contest,
    Criterion,
    JudgeAssignment,
    Performance,
    PerformanceKind,
    PrizeCategory,
    Result,
    Round,
    RoundStatus,
    Score,
    ScoreSheet,
    ScoreSheetEvent,
    SheetEventKind,
    SheetStatus,
    Team,
    TeamMember,
)
from motcua.contests.scoring import (
    PerformanceSheets,
    Sheet,
    points_text,
    rank_teams,
    rounded,
)
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from motcua.core.notifications import notify
from motcua.core.text import nfc
from motcua.org.models import Unit
from motcua.org.selectors import user_has_role

TWO_PLACES = Decimal("0.01")


def _field(field: str, message: str, code: str) -> ApplicationError:
    return ApplicationError(
        message, code=code, extra={"errors": [{"field": field, "message": message}]}
    )


def is_organiser(actor: Any, contest: Contest) -> bool:
    """Return whether ``actor`` organises ``contest`` (a role over its unit, or the admin flag)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if getattr(actor, "is_superuser", False):
        return True
    return any(user_has_role(actor, role, contest.organiser) for role in conf.organiser_roles())


def require_organiser(actor: Any, contest: Contest) -> None:
    if not is_organiser(actor, contest):
        raise PermissionDeniedError(
            _("Only the organisers of %(contest)s can do this.") % {"contest": contest.name},
            code="not_organiser",
        )


def _require_preparing(round_: Round) -> None:
    if round_.status != RoundStatus.PREPARING:
        raise ConflictError(
            _("The round %(round)s is no longer being prepared: its setup cannot change.")
            % {"round": round_.name},
            code="round_not_preparing",
        )


def _locked_round(round_: Round) -> Round:
    return Round.objects.select_for_update().select_related("contest__organiser").get(pk=round_.pk)


# --- setup ---------------------------------------------------------------------------------------


def contest_create(
    *,
    actor: Any,
    organiser: Unit,
    name: str,
    year: int,
    description: str = "",
    decision: str = "",
) -> Contest:
    """Create a contest organised by ``organiser``; the actor must organise for that unit."""
    name = nfc(name or "").strip()
    if not name:
        raise _field("name", _("Write the name of the contest."), "name_required")
    if not 2000 <= int(year) <= 2100:
        raise _field("year", _("The year must be between 2000 and 2100."), "invalid_year")
    probe = Contest(organiser=organiser, name=name)
    require_organiser(actor, probe)
    with transaction.atomic():
        contest = Contest.objects.create(
            name=name[:250],
            organiser=organiser,
            year=int(year),
            description=nfc(description or ""),
            decision=nfc(decision or "")[:200],
            created_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="contests.contest_create",
            obj=contest,
            new_stream=True,
            data={"name": contest.name, "organiser": organiser.pk, "year": contest.year},
        )
    return contest


def round_create(
    *,
    actor: Any,
    contest: Contest,
    name: str,
    held_on: Any = None,
    drop_extremes: bool = False,
) -> Round:
    """Add a round after the contest's last one."""
    require_organiser(actor, contest)
    name = nfc(name or "").strip()
    if not name:
        raise _field("name", _("Write the name of the round."), "name_required")
    with transaction.atomic():
        Contest.objects.select_for_update().get(pk=contest.pk)
        last = contest.rounds.aggregate(last=Max("order"))["last"] or 0
        round_ = Round.objects.create(
            contest=contest,
            name=name[:120],
            order=last + 1,
            held_on=held_on,
            drop_extremes=bool(drop_extremes),
        )
        audit_record(
            actor=actor,
            action="contests.round_create",
            obj=round_,
            new_stream=True,
            data={"contest": contest.pk, "name": round_.name, "drop_extremes": drop_extremes},
        )
    return round_


def _points(value: Any, field: str) -> Decimal:
    try:
        points = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise _field(
            field, _("Write the points as a number, e.g. 8.5."), "invalid_points"
        ) from None
    if not points.is_finite():
        raise _field(field, _("Write the points as a number, e.g. 8.5."), "invalid_points")
    if points != points.quantize(TWO_PLACES):
        raise _field(field, _("Points have at most two decimals (e.g. 8.25)."), "too_many_decimals")
    return points.quantize(TWO_PLACES)


def criterion_add(
    *,
    actor: Any,
    round_: Round,
    name: str,
    max_points: Any,
    kind: PerformanceKind | None = None,
    tie_break: bool = False,
) -> Criterion:
    """Add a scoring criterion with its maximum points; ``tie_break`` makes it the round's."""
    require_organiser(actor, round_.contest)
    name = nfc(name or "").strip()
    if not name:
        raise _field("name", _("Write the name of the criterion."), "name_required")
    maximum = _points(max_points, "max_points")
    if maximum <= 0:
        raise _field(
            "max_points", _("The maximum points must be more than zero."), "invalid_points"
        )
    with transaction.atomic():
        locked = _locked_round(round_)
        _require_preparing(locked)
        last = locked.criteria.aggregate(last=Max("order"))["last"] or 0
        criterion = Criterion.objects.create(
            round=locked, name=name[:200], max_points=maximum, kind=kind, order=last + 1
        )
        if tie_break:
            locked.tie_break = criterion
            locked.save(update_fields=["tie_break"])
        audit_record(
            actor=actor,
            action="contests.criterion_add",
            obj=locked,
            data={
                "criterion": criterion.pk,
                "name": criterion.name,
                "max_points": str(maximum),
                "kind": kind.code if kind else None,
                "tie_break": tie_break,
            },
        )
    round_.refresh_from_db()
    return criterion


def team_create(
    *,
    actor: Any,
    contest: Contest,
    name: str,
    unit: Unit,
    members: Sequence[tuple[str, str]] = (),
) -> Team:
    """Register a team representing ``unit`` with its members (full name, position)."""
    require_organiser(actor, contest)
    name = nfc(name or "").strip()
    if not name:
        raise _field("name", _("Write the name of the team."), "name_required")
    people = [(nfc(n).strip(), nfc(p or "").strip()) for n, p in members if (n or "").strip()]
    with transaction.atomic():
        Contest.objects.select_for_update().get(pk=contest.pk)
        if contest.teams.filter(unit=unit).exists():
            raise _field(
                "unit",
                _("%(unit)s already has a team in this contest.") % {"unit": unit.name},
                "unit_has_team",
            )
        if contest.teams.filter(name=name).exists():
            raise _field("name", _("Another team already has this name."), "team_name_taken")
        team = Team.objects.create(contest=contest, name=name[:200], unit=unit)
        TeamMember.objects.bulk_create(
            TeamMember(team=team, full_name=n[:120], position=p[:120], order=i)
            for i, (n, p) in enumerate(people, start=1)
        )
        audit_record(
            actor=actor,
            action="contests.team_create",
            obj=contest,
            data={"team": team.pk, "name": team.name, "unit": unit.pk, "members": len(people)},
        )
    return team


def performance_add(
    *, actor: Any, round_: Round, team: Team, kind: PerformanceKind, title: str = ""
) -> Performance:
    """Add a team's performance after the round's last one (its order of appearance)."""
    require_organiser(actor, round_.contest)
    if team.contest_id != round_.contest_id:
        raise _field("team", _("The team is not part of this contest."), "team_elsewhere")
    with transaction.atomic():
        locked = _locked_round(round_)
        _require_preparing(locked)
        if locked.performances.filter(team=team, kind=kind).exists():
            raise _field(
                "kind",
                _("%(team)s already has a %(kind)s performance in this round.")
                % {"team": team.name, "kind": kind.name.lower()},
                "performance_exists",
            )
        last = locked.performances.aggregate(last=Max("order"))["last"] or 0
        performance = Performance.objects.create(
            round=locked, team=team, kind=kind, title=nfc(title or "")[:250], order=last + 1
        )
        audit_record(
            actor=actor,
            action="contests.performance_add",
            obj=locked,
            data={"performance": performance.pk, "team": team.pk, "kind": kind.code},
        )
    return performance


def prize_add(*, actor: Any, round_: Round, name: str, count: int = 1) -> PrizeCategory:
    """Add a prize category after the round's others (filled from the top of the ranking)."""
    require_organiser(actor, round_.contest)
    name = nfc(name or "").strip()
    if not name:
        raise _field("name", _("Write the name of the prize."), "name_required")
    if int(count) < 1:
        raise _field("count", _("A prize is given at least once."), "invalid_count")
    with transaction.atomic():
        locked = _locked_round(round_)
        if locked.status == RoundStatus.PUBLISHED:
            raise ConflictError(
                _("The results are published: the prizes cannot change."), code="round_published"
            )
        last = locked.prizes.aggregate(last=Max("order"))["last"] or 0
        prize = PrizeCategory.objects.create(
            round=locked, name=name[:120], count=int(count), order=last + 1
        )
        audit_record(
            actor=actor,
            action="contests.prize_add",
            obj=locked,
            data={"prize": prize.pk, "name": prize.name, "count": prize.count},
        )
    return prize


def judge_assign(*, actor: Any, round_: Round, judge: Any) -> JudgeAssignment:
    """Assign ``judge`` (who holds the judge role over the organising unit) to the round."""
    contest = round_.contest
    require_organiser(actor, contest)
    if not user_has_role(judge, conf.judge_role(), contest.organiser):
        raise _field(
            "judge",
            _("%(name)s is not a judge of %(unit)s.")
            % {"name": judge.get_full_name() or judge.get_username(), "unit": contest.organiser},
            "not_a_judge",
        )
    with transaction.atomic():
        locked = _locked_round(round_)
        if locked.status == RoundStatus.PUBLISHED:
            raise ConflictError(
                _("The results are published: the judges cannot change."), code="round_published"
            )
        if locked.judges.filter(judge=judge).exists():
            raise _field(
                "judge", _("This judge is already assigned to the round."), "judge_assigned"
            )
        assignment = JudgeAssignment.objects.create(
            round=locked, judge=judge, assigned_at=clock.now()
        )
        audit_record(
            actor=actor,
            action="contests.judge_assign",
            obj=locked,
            data={"judge": judge.pk},
        )
        notify(
            event="contests.judge_assigned",
            context={"round": locked, "contest": contest, "judge": judge},
            user=judge,
            obj=locked,
        )
    return assignment


def judge_unassign(*, actor: Any, round_: Round, judge: Any) -> None:
    """Withdraw a judge assigned by mistake: only while none of their sheets exists."""
    require_organiser(actor, round_.contest)
    with transaction.atomic():
        locked = _locked_round(round_)
        if locked.status == RoundStatus.PUBLISHED:
            raise ConflictError(
                _("The results are published: the judges cannot change."), code="round_published"
            )
        assignment = locked.judges.filter(judge=judge).first()
        if assignment is None:
            raise NotFoundError(_("This judge is not assigned to the round."))
        if ScoreSheet.objects.filter(performance__round=locked, judge=judge).exists():
            raise ConflictError(
                _("This judge has started scoring: their sheets stay, so they stay assigned."),
                code="judge_has_sheets",
            )
        assignment.delete()
        audit_record(
            actor=actor, action="contests.judge_unassign", obj=locked, data={"judge": judge.pk}
        )


def round_open(*, actor: Any, round_: Round) -> Round:
    """Open the round for scoring: it needs criteria, performances and judges."""
    require_organiser(actor, round_.contest)
    with transaction.atomic():
        locked = _locked_round(round_)
        _require_preparing(locked)
        missing = []
        if not locked.criteria.exists():
            missing.append(_("scoring criteria"))
        if not locked.performances.exists():
            missing.append(_("performances"))
        if not locked.judges.exists():
            missing.append(_("judges"))
        if missing:
            raise ApplicationError(
                _("The round cannot be opened for scoring yet: add %(missing)s.")
                % {"missing": ", ".join(missing)},
                code="round_incomplete",
            )
        locked.status = RoundStatus.SCORING
        locked.save(update_fields=["status"])
        audit_record(actor=actor, action="contests.round_open", obj=locked, data={})
    return locked


# --- judging -------------------------------------------------------------------------------------


def _judge_assignment(judge: Any, performance: Performance) -> None:
    if (
        not getattr(judge, "is_authenticated", False)
        or not JudgeAssignment.objects.filter(round_id=performance.round_id, judge=judge).exists()
    ):
        raise NotFoundError(
            _("This performance is not among those you judge."), code="not_your_performance"
        )


def sheet_save(
    *,
    judge: Any,
    performance: Performance,
    points: Mapping[int, Any],
    comment: str = "",
    submit: bool = False,
) -> ScoreSheet:
    """Save the judge's own sheet as given; with ``submit``, check it is complete and lock it.

    ``points`` maps criterion ids to the points given (blank ones are left
    unscored while the sheet is a draft). Nothing is written when one value
    is wrong; every wrong value is named.
    """
    _judge_assignment(judge, performance)
    round_ = performance.round
    if round_.status != RoundStatus.SCORING:
        raise ConflictError(_("The round is not open for scoring."), code="round_not_scoring")
    criteria = [c for c in round_.criteria.all() if c.applies_to(performance.kind_id)]
    given: dict[int, Decimal] = {}
    errors: list[dict[str, str]] = []
    for criterion in criteria:
        raw = points.get(criterion.pk)
        if raw is None or str(raw).strip() == "":
            if submit:
                errors.append(
                    {
                        "field": f"criterion_{criterion.pk}",
                        "message": _("Give the points for “%(name)s”.") % {"name": criterion.name},
                    }
                )
            continue
        try:
            value = _points(raw, f"criterion_{criterion.pk}")
        except ApplicationError as exc:
            errors.append({"field": f"criterion_{criterion.pk}", "message": exc.message})
            continue
        if value < 0 or value > criterion.max_points:
            errors.append(
                {
                    "field": f"criterion_{criterion.pk}",
                    "message": _("“%(name)s” takes from 0 to %(max)s points.")
                    % {"name": criterion.name, "max": points_text(criterion.max_points)},
                }
            )
            continue
        given[criterion.pk] = value
    unknown = set(points) - {c.pk for c in criteria}
    if unknown:
        errors.append({"field": "points", "message": _("A criterion given is not of this round.")})
    if errors:
        raise ApplicationError(
            errors[0]["message"] if len(errors) == 1 else _("Correct the points marked below."),
            code="invalid_points",
            extra={"errors": errors},
        )
    now = clock.now()
    # Only the sheet is locked (the reopening locks the round, then the sheet: the same
    # order, so no deadlock). The round needs no lock: a draft cannot outlive publication,
    # which requires every sheet submitted, and a submitted sheet refuses changes.
    with transaction.atomic():
        sheet, _created = _sheet_for_update(judge, performance, now)
        if sheet.is_locked:
            raise ConflictError(
                _(
                    "This sheet was submitted and is locked. Ask the organiser to reopen it "
                    "if a correction is needed."
                ),
                code="sheet_locked",
            )
        sheet.scores.exclude(criterion_id__in=list(given)).delete()
        for criterion_id, value in given.items():
            Score.objects.update_or_create(
                sheet=sheet, criterion_id=criterion_id, defaults={"points": value}
            )
        sheet.comment = nfc(comment or "")[:2000]
        sheet.updated_at = now
        fields = ["comment", "updated_at"]
        if submit:
            total = sum(given.values(), Decimal(0))
            sheet.status = SheetStatus.SUBMITTED
            sheet.submitted_at = now
            sheet.total = total
            fields += ["status", "submitted_at", "total"]
            ScoreSheetEvent.objects.create(
                sheet=sheet, kind=SheetEventKind.SUBMITTED, actor=judge, total=total, at=now
            )
        sheet.save(update_fields=fields)
        if submit:
            audit_record(
                actor=judge,
                action="contests.sheet_submit",
                obj=sheet,
                data={
                    "performance": performance.pk,
                    "points": {str(k): str(v) for k, v in sorted(given.items())},
                    "total": str(sheet.total),
                },
            )
    return sheet


def _sheet_for_update(judge: Any, performance: Performance, now: Any) -> tuple[ScoreSheet, bool]:
    """Return the judge's sheet, locked, creating the draft on the first save."""
    sheet = (
        ScoreSheet.objects.select_for_update().filter(performance=performance, judge=judge).first()
    )
    if sheet is not None:
        return sheet, False
    try:
        with transaction.atomic():
            sheet = ScoreSheet.objects.create(performance=performance, judge=judge, updated_at=now)
    except IntegrityError:
        # Another tab of the same judge created it first: take that one.
        return ScoreSheet.objects.select_for_update().get(
            performance=performance, judge=judge
        ), False
    return sheet, True


def _reason(text: str, too_short: str) -> str:
    """Return the organiser's reason, normalised; refuse one shorter than the setting
    with ``too_short`` (a message with ``%(count)s``)."""
    reason = nfc(text or "").strip()
    if len(reason) < conf.reopen_reason_min():
        raise _field("reason", too_short % {"count": conf.reopen_reason_min()}, "reason_required")
    return reason


def sheet_reopen(*, actor: Any, sheet: ScoreSheet, reason: str) -> ScoreSheet:
    """Reopen a submitted sheet for its judge, with the organiser's reason (audited)."""
    performance = sheet.performance
    contest = performance.round.contest
    require_organiser(actor, contest)
    reason = _reason(
        reason, _("Write why the sheet is reopened, in at least %(count)s characters.")
    )
    with transaction.atomic():
        round_ = _locked_round(performance.round)
        if round_.status != RoundStatus.SCORING:
            raise ConflictError(
                _("Only a sheet of a round being scored can be reopened."),
                code="round_not_scoring",
            )
        locked = ScoreSheet.objects.select_for_update().select_related("judge").get(pk=sheet.pk)
        if not locked.is_locked:
            raise ConflictError(
                _("This sheet is not submitted: its judge can still change it."),
                code="sheet_not_submitted",
            )
        now = clock.now()
        previous = locked.total
        locked.status = SheetStatus.DRAFT
        locked.submitted_at = None
        locked.total = None
        locked.updated_at = now
        locked.save(update_fields=["status", "submitted_at", "total", "updated_at"])
        ScoreSheetEvent.objects.create(
            sheet=locked,
            kind=SheetEventKind.REOPENED,
            actor=actor,
            reason=reason,
            total=previous,
            at=now,
        )
        audit_record(
            actor=actor,
            action="contests.sheet_reopen",
            obj=locked,
            data={"reason": reason, "previous_total": str(previous)},
        )
        notify(
            event="contests.sheet_reopened",
            context={"sheet": locked, "performance": performance, "reason": reason},
            user=locked.judge,
            obj=locked,
        )
    return locked


# --- results -------------------------------------------------------------------------------------


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
