"""Scheduled work of the outreach app: alert overdue activities to their owners, once.

Run by ``motcua periodic`` (registered in :mod:`motcua.core.periodic`). An
activity not done after its due date (plus ``conf.overdue_grace_days``) is
alerted to the officers of its owner unit (the nearest holders of an
officer role over it), bundled into one message per officer; the flag on
the activity makes the alert go once (an activity moved to a later date
may be alerted again).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from motcua.core import clock
from motcua.core.notifications import notify
from motcua.org.models import RoleAssignment, Unit
from motcua.org.selectors import valid_on_q
from motcua.outreach import conf
from motcua.outreach.models import Activity
from motcua.outreach.selectors import with_progress


@dataclass
class OutreachAlerts:
    activities: int = 0
    messages: int = 0

    def __str__(self) -> str:
        return f"outreach overdue: {self.activities} activities, {self.messages} messages"


def officers_of(unit: Unit) -> list[Any]:
    """Return the officers nearest to ``unit``: holders of an officer role on the unit
    itself, else on its parent, and so on up."""
    day = clock.localdate()
    ancestors = list(reversed(unit.ancestor_ids()))  # the unit first, then up
    assignments = (
        RoleAssignment.objects.filter(
            role__code__in=conf.officer_roles(), unit_id__in=ancestors, user__is_active=True
        )
        .filter(valid_on_q(day))
        .values_list("unit_id", "user_id")
    )
    by_unit: dict[int, set[int]] = defaultdict(set)
    for unit_id, user_id in assignments:
        by_unit[unit_id].add(user_id)
    for unit_id in ancestors:
        if by_unit.get(unit_id):
            return list(get_user_model().objects.filter(pk__in=by_unit[unit_id]).order_by("pk"))
    return []


def outreach_alert() -> OutreachAlerts:
    """Alert the owners of activities past their due date and not done (once each)."""
    last_due = clock.localdate() - timedelta(days=1 + conf.overdue_grace_days())
    summary = OutreachAlerts()
    with transaction.atomic():
        candidates = list(
            Activity.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(due_on__lte=last_due, overdue_alerted=False)
            .values_list("pk", flat=True)
        )
        late = [
            a
            for a in with_progress(Activity.objects.filter(pk__in=candidates)).select_related(
                "owner_unit", "plan__unit"
            )
            if a.done_quantity < a.target_quantity  # type: ignore[attr-defined]
        ]
        bundles: dict[int, dict[str, Any]] = defaultdict(lambda: {"user": None, "activities": []})
        officers: dict[int, list[Any]] = {}
        for activity in late:
            unit = activity.owner_unit
            if unit.pk not in officers:
                officers[unit.pk] = officers_of(unit)
            for user in officers[unit.pk]:
                bundles[user.pk]["user"] = user
                bundles[user.pk]["activities"].append(activity)
        for bundle in bundles.values():
            summary.messages += len(
                notify(
                    event="outreach.overdue",
                    context={"activities": bundle["activities"], "user": bundle["user"]},
                    user=bundle["user"],
                )
            )
        Activity.objects.filter(pk__in=[a.pk for a in late]).update(overdue_alerted=True)
    summary.activities = len(late)
    return summary
