"""A judge's score sheets: saving, submitting, and the organiser's reopening."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.contests.models import (
    JudgeAssignment,
    Performance,
    RoundStatus,
    Score,
    ScoreSheet,
    ScoreSheetEvent,
    SheetEventKind,
    SheetStatus,
)
from motcua.contests.scoring import (
    points_text,
)
from motcua.contests.services.common import (
    _locked_round,
    _points,
    _reason,
    require_organiser,
)
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError, ConflictError, NotFoundError
from motcua.core.notifications import notify
from motcua.core.text import nfc


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
    """Return the judge's sheet, locked, creating the draft on the first save.

    Only the sheet's row is locked (``of=("self",)``, no ordering): the
    model's default ordering joins the performance and the round, and a
    plain ``FOR UPDATE`` over that join locked the round's row too, in the
    opposite order to a reopening (round, then sheet): they deadlocked.
    """
    sheet = (
        ScoreSheet.objects.select_for_update(of=("self",))
        .filter(performance=performance, judge=judge)
        .order_by()
        .first()
    )
    if sheet is not None:
        return sheet, False
    try:
        with transaction.atomic():
            sheet = ScoreSheet.objects.create(performance=performance, judge=judge, updated_at=now)
    except IntegrityError:
        # Another tab of the same judge created it first: take that one.
        return ScoreSheet.objects.select_for_update(of=("self",)).get(
            performance=performance, judge=judge
        ), False
    return sheet, True


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
        locked = (
            ScoreSheet.objects.select_for_update(of=("self",))
            .select_related("judge")
            .get(pk=sheet.pk)
        )
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
