"""Scheduled work of the feedback app: alert overdue follow-ups and PAKN.

Run by ``motcua periodic`` (registered in :mod:`motcua.core.periodic`).
Each overdue item is alerted once, bundled into one message per director
(the nearest holders of a director role over its unit), like overdue dossiers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from motcua.core import clock
from motcua.core.notifications import notify
from motcua.feedback.constants import FollowUpStatus, PaknStatus
from motcua.feedback.models import FollowUp, Pakn
from motcua.feedback.services.evaluations import directors_of


@dataclass
class FeedbackAlerts:
    follow_ups: int = 0
    pakn: int = 0
    messages: int = 0

    def __str__(self) -> str:
        return (
            f"feedback overdue: {self.follow_ups} follow-ups, {self.pakn} PAKN, "
            f"{self.messages} messages"
        )


def feedback_alert() -> FeedbackAlerts:
    """Alert the directors of follow-ups and PAKN past their deadline (once each)."""
    now = clock.now()
    summary = FeedbackAlerts()
    with transaction.atomic():
        follow_ups = list(
            FollowUp.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(due_at__lt=now, overdue_alerted=False)
            .exclude(status=FollowUpStatus.CLOSED)
            .select_related("unit", "evaluation__dossier")
        )
        pakns = list(
            Pakn.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=PaknStatus.ASSIGNED, due_at__lt=now, overdue_alerted=False)
            .select_related("unit")
        )
        bundles: dict[int, dict[str, Any]] = defaultdict(
            lambda: {"user": None, "follow_ups": [], "pakn": []}
        )
        directors: dict[int, list[Any]] = {}  # one query per unit, not per item

        def directors_over(unit: Any) -> list[Any]:
            if unit.pk not in directors:
                directors[unit.pk] = list(directors_of(unit))
            return directors[unit.pk]

        for row in follow_ups:
            for user in directors_over(row.unit):
                bundles[user.pk]["user"] = user
                bundles[user.pk]["follow_ups"].append(row)
        for item in pakns:
            if item.unit is None:
                continue
            for user in directors_over(item.unit):
                bundles[user.pk]["user"] = user
                bundles[user.pk]["pakn"].append(item)
        for bundle in bundles.values():
            summary.messages += len(
                notify(
                    event="feedback.overdue",
                    context={"follow_ups": bundle["follow_ups"], "pakn": bundle["pakn"]},
                    user=bundle["user"],
                )
            )
        FollowUp.objects.filter(pk__in=[r.pk for r in follow_ups]).update(overdue_alerted=True)
        Pakn.objects.filter(pk__in=[p.pk for p in pakns]).update(overdue_alerted=True)
    summary.follow_ups, summary.pakn = len(follow_ups), len(pakns)
    return summary
