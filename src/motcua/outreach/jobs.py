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

from django.db import transaction

from motcua.core import clock
from motcua.core.notifications import notify
from motcua.outreach import conf
from motcua.outreach.models import Activity
from motcua.outreach.selectors import officers_of, with_progress


@dataclass
class OutreachAlerts:
    activities: int = 0
    messages: int = 0

    def __str__(self) -> str:
        return f"outreach overdue: {self.activities} activities, {self.messages} messages"


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
