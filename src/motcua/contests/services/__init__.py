"""Every change to a judged contest: setup, judging, reopening, publishing.

The organiser (``MOTCUA_CONTESTS_ORGANISER_ROLES`` over the organising
unit) prepares a round (criteria, teams, performances, judges, prizes),
opens it for scoring and publishes its results once every assigned judge
has submitted a sheet for every performance. A judge fills and submits
their own sheets only; a submitted sheet is locked until the organiser
reopens it with a reason. Each change locks its row, writes its audit
record, and notifies after the commit (the notifications outbox).
"""

from motcua.contests.services.common import is_organiser, require_organiser
from motcua.contests.services.judging import sheet_reopen, sheet_save
from motcua.contests.services.results import (
    round_missing_sheets,
    round_publish,
    round_standings,
    round_withdraw_results,
)
from motcua.contests.services.setup import (
    contest_create,
    criterion_add,
    judge_assign,
    judge_unassign,
    performance_add,
    prize_add,
    round_create,
    round_open,
    team_create,
)

__all__ = [
    "contest_create",
    "criterion_add",
    "is_organiser",
    "judge_assign",
    "judge_unassign",
    "performance_add",
    "prize_add",
    "require_organiser",
    "round_create",
    "round_missing_sheets",
    "round_open",
    "round_publish",
    "round_standings",
    "round_withdraw_results",
    "sheet_reopen",
    "sheet_save",
    "team_create",
]
