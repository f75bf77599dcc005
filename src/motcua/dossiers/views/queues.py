"""The work queues: what is mine, what waits at my units, what is due soon or overdue."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.dossiers.constants import CLOCK_RUNNING, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.screens import PAUSED, Due, DueClock, UserRoles, user_label
from motcua.dossiers.selectors import DossierQueue, dossier_list_for_user
from motcua.dossiers.views.common import staff_view

PAGE_SIZE = 50
MAX_PAGE = 10_000
"""Page numbers are clamped to ``1..MAX_PAGE``: the offset must stay a sane integer."""
TABS = [
    DossierQueue.MINE,
    DossierQueue.UNIT,
    DossierQueue.DUE_SOON,
    DossierQueue.OVERDUE,
    DossierQueue.WAITING,
]


@dataclass(frozen=True)
class QueueRow:
    dossier: Dossier
    due: Due
    handler: str
    step: str


def _row(dossier: Dossier, clock: DueClock) -> QueueRow:
    if dossier.status in CLOCK_RUNNING:
        due = clock.due(dossier.due_at, dossier.agency)
    elif dossier.status == DossierStatus.RESULT_READY:
        due = clock.due(dossier.effective_due_at, dossier.agency)
    elif dossier.status in PAUSED:
        due = Due(dossier.effective_due_at, _("clock stopped"), "")
    else:
        due = Due(dossier.effective_due_at, "", "")
    step = dossier.current_step
    return QueueRow(
        dossier=dossier,
        due=due,
        handler=user_label(dossier.current_handler),
        step=step.name if step is not None else "",
    )


def _page_number(request: HttpRequest) -> int:
    """Return the requested page in ``1..MAX_PAGE``; anything unreadable is page 1."""
    raw = request.GET.get("page", "").strip()
    if len(raw) > 12:  # no need to parse a huge number to know it is out of range
        return MAX_PAGE if raw.isdigit() else 1
    try:
        number = int(raw)
    except ValueError:
        return 1
    return min(max(1, number), MAX_PAGE)


@require_GET
@staff_view()
def queue(request: HttpRequest, roles: UserRoles) -> HttpResponse:
    """List one work queue (GET ``tab``), most urgent first, 50 rows a page."""
    tab = request.GET.get("tab", DossierQueue.MINE)
    if tab not in DossierQueue.values:
        tab = DossierQueue.MINE
    page = _page_number(request)
    clock = DueClock()
    listed = dossier_list_for_user(request.user, queue=tab, now=clock.now)
    start = (page - 1) * PAGE_SIZE
    dossiers = list(listed[start : start + PAGE_SIZE + 1])
    if not dossiers and page > 1:
        # Past the end (a bookmarked page, rows handled meanwhile): show the last page.
        page = max(1, math.ceil(listed.count() / PAGE_SIZE))
        start = (page - 1) * PAGE_SIZE
        dossiers = list(listed[start : start + PAGE_SIZE + 1])
    rows = [_row(dossier, clock) for dossier in dossiers[:PAGE_SIZE]]
    context: dict[str, Any] = {
        "tab": tab,
        "tabs": [(value, DossierQueue(value).label) for value in TABS],
        "tab_label": DossierQueue(tab).label,
        "rows": rows,
        "page": page,
        "has_next": len(dossiers) > PAGE_SIZE,
        "is_intake_officer": "intake_officer" in roles.codes,
    }
    return render(request, "dossiers/queue.html", context)
