"""Preparing a round: contests, rounds, criteria, teams, performances, prizes, judges, opening."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
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
    Round,
    RoundStatus,
    ScoreSheet,
    Team,
    TeamMember,
)
from motcua.contests.services.common import (
    _field,
    _locked_round,
    _points,
    _require_preparing,
    require_organiser,
)
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError, ConflictError, NotFoundError
from motcua.core.notifications import notify
from motcua.core.text import nfc
from motcua.org.models import Unit
from motcua.org.selectors import user_has_role


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
