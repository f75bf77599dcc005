"""The step plan of a dossier and the start and end of its steps."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.catalog.content import HOUR, limit_seconds
from motcua.catalog.selectors import (
    IntakePlan,
    StepPlan,
    working_day_seconds,
)
from motcua.core.actors import Actor
from motcua.core.cache import ProcessCache
from motcua.core.errors import ApplicationError
from motcua.core.people import full_name
from motcua.dossiers import kernel
from motcua.dossiers.models import (
    Dossier,
    DossierStep,
)
from motcua.dossiers.services.common import _calendar, _with_calendar
from motcua.dossiers.workflow import SIGNING_ROLES
from motcua.org.models import Role
from motcua.org.selectors import user_has_role

_step_plans: ProcessCache[tuple[StepPlan, ...]] = ProcessCache("dossiers.step_plans")


def step_plan(plan: IntakePlan) -> tuple[StepPlan, ...]:
    """Return the steps a dossier of this version goes through.

    The version's own steps; when none of them is a signing step, a leader's
    "Sign" step is added before the final return step, so a dossier can
    always reach its decision; when the version has no steps at all, a plain
    intake → review → sign → return default. Cached per version. The added
    steps are named in the site's language (Vietnamese), whatever the
    request's: their names are stored and printed on the control slip.
    """
    if plan.steps and any(step.role.code in SIGNING_ROLES for step in plan.steps):
        return plan.steps

    def completed() -> tuple[StepPlan, ...]:
        with translation.override(settings.LANGUAGE_CODE):
            return _completed_step_plan(plan)

    return _step_plans.get_or_set(plan.version.pk, completed)


def _completed_step_plan(plan: IntakePlan) -> tuple[StepPlan, ...]:
    """Add what ``plan`` lacks, keeping the step budgets within the legal limit.

    The short steps (intake, signing, return) get an eighth of the limit, at
    most half a working day each; the review gets the rest. A signing step
    added to a template takes the slack the template leaves, then the rest
    from its longest step.
    """
    version = plan.version
    day_seconds = working_day_seconds()
    limit = max(
        HOUR,
        limit_seconds(
            int(version.time_limit_amount), version.time_limit_unit, day_seconds=day_seconds
        ),
    )
    short = min(day_seconds // 2, limit // 8)
    roles = {
        role.code: role
        for role in Role.objects.filter(
            code__in=["intake_officer", "case_handler", "commune_leader", "agency_leader"]
        )
    }
    leader = roles["commune_leader" if version.competent_level == "commune" else "agency_leader"]
    if plan.steps:
        steps = list(plan.steps)
        missing = short - max(0, limit - sum(step.budget_seconds for step in steps))
        if missing > 0:
            longest = max(range(len(steps)), key=lambda i: steps[i].budget_seconds)
            taken = min(missing, steps[longest].budget_seconds // 2)
            steps[longest] = replace(
                steps[longest], budget_seconds=steps[longest].budget_seconds - taken
            )
            sign_budget = short - (missing - taken)
        else:
            sign_budget = short
        at = (
            len(steps) - 1
            if steps[-1].role.code == "intake_officer" and len(steps) > 1
            else len(steps)
        )
        sign = StepPlan(0, _("Sign"), leader, None, False, sign_budget)
        ordered = [*steps[:at], sign, *steps[at:]]
        return tuple(
            StepPlan(i, s.name, s.role, s.unit, s.is_inter_agency, s.budget_seconds)
            for i, s in enumerate(ordered, start=1)
        )
    return (
        StepPlan(1, _("Intake"), roles["intake_officer"], None, False, short),
        StepPlan(2, _("Review"), roles["case_handler"], None, False, limit - 3 * short),
        StepPlan(3, _("Sign"), leader, None, False, short),
        StepPlan(4, _("Return the result"), roles["intake_officer"], None, False, short),
    )


STARTED = ["started_at", "due_at", "giver", "handler"]
"""The fields of a step that :func:`kernel.start_step` sets."""
FINISHED = ["finished_at", "timeliness", "handler"]
"""The fields of a step that :func:`kernel.finish_step` sets."""


def _start_step(
    dossier: Dossier, step: DossierStep, *, at: datetime, giver: Any, handler: Any
) -> None:
    calendar = _calendar(step.unit)
    _with_calendar(
        lambda: kernel.start_step(
            dossier, step, at=at, calendar=calendar, giver=giver, handler=handler
        )
    )
    step.save(update_fields=STARTED)


def _finish_step(step: DossierStep, *, at: datetime, actor: Actor) -> None:
    kernel.finish_step(step, at=at, actor=actor)
    step.save(update_fields=FINISHED)


def _checked_handler(handler: Any, step: DossierStep) -> Any:
    if handler is None:
        return None
    if not user_has_role(handler, step.role.code, step.unit):
        raise ApplicationError(
            _("%(user)s does not hold the role %(role)s for %(unit)s.")
            % {
                "user": full_name(handler),
                "role": step.role.name,
                "unit": step.unit,
            },
            code="invalid_handler",
        )
    return handler


def _last_order(dossier: Dossier) -> int:
    return max(
        DossierStep.objects.filter(dossier=dossier).values_list("order", flat=True), default=0
    )


def _current_step(locked: Dossier) -> DossierStep | None:
    """Return the current step of ``locked`` read afresh (None: between steps or done)."""
    if locked.current_step_id is None:
        return None
    return DossierStep.objects.get(pk=locked.current_step_id)
