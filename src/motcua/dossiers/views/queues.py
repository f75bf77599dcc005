"""The work queues: what is mine, what waits at my units or at the desk, what is due soon.

Every tab shows how many dossiers it holds (one query for all of them),
and a search box finds a dossier by its code, the applicant's name, an ID
number or a phone among the dossiers of the user's units, whatever their
state: the citizen who comes back with a receipt is found in one step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.catalog.intake_rules import online_intake_clock, online_intake_limit
from motcua.dossiers.constants import CLOCK_RUNNING, DossierStatus
from motcua.dossiers.forms import QueueSearchForm
from motcua.dossiers.models import Dossier
from motcua.dossiers.screens import PAUSED, Due, DueClock, UserRoles, user_label
from motcua.dossiers.search import MIN_QUERY_LENGTH, search_query_key
from motcua.dossiers.selectors import (
    INTAKE_ROLES,
    DossierQueue,
    dossier_list_for_user,
    dossier_queue_counts,
    dossier_scope,
)
from motcua.dossiers.views.common import no_dossier_role, staff_view
from motcua.workdays.core import CalendarMissingError

PAGE_SIZE = 50
MAX_PAGE = 10_000
"""Page numbers are clamped to ``1..MAX_PAGE``: the offset must stay a sane integer."""
TABS = [
    DossierQueue.MINE,
    DossierQueue.UNIT,
    DossierQueue.INTAKE,
    DossierQueue.DUE_SOON,
    DossierQueue.OVERDUE,
    DossierQueue.WAITING,
]
DESK_TABS = frozenset({DossierQueue.INTAKE})
"""Tabs shown only to the desk's roles (intake officer, centre director)."""


@dataclass(frozen=True)
class QueueRow:
    dossier: Dossier
    due: Due
    handler: str
    step: str


@dataclass(frozen=True)
class Tab:
    value: str
    label: str
    count: int


def _intake_due(dossier: Dossier, clock: DueClock) -> Due:
    """The working time left to decide on an online submission (DOMAIN.md §1.3)."""
    calendar = clock.calendar(dossier.receiving_unit)
    if calendar is None or dossier.submitted_at is None:
        return Due(None, "", "")
    limit = online_intake_limit(dossier.procedure_id, dossier.receiving_unit_id)
    try:
        intake = online_intake_clock(
            calendar=calendar, limit=limit, submitted_at=dossier.submitted_at, now=clock.now
        )
    except CalendarMissingError:
        return Due(None, "", "")
    return Due(intake.deadline, intake.text, intake.level)


def _row(dossier: Dossier, clock: DueClock) -> QueueRow:
    if dossier.status == DossierStatus.AWAITING_INTAKE:
        due = _intake_due(dossier, clock)
    elif dossier.status in CLOCK_RUNNING:
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


def _tabs(roles: UserRoles) -> list[str]:
    desk = roles.holds_any(INTAKE_ROLES)
    return [value for value in TABS if desk or value not in DESK_TABS]


@require_GET
@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Where staff land after signing in: their queue, or what they can do without one."""
    roles = UserRoles.for_request(request)
    if roles:
        return redirect("dossiers:queue")
    return no_dossier_role(request, roles)


@require_GET
@staff_view()
def queue(request: HttpRequest, roles: UserRoles) -> HttpResponse:
    """List one work queue (GET ``tab``), or what ``q`` finds; most urgent first, 50 a page.

    Without a tab the first one that holds a dossier opens, so an officer
    lands on the work waiting for them.
    """
    clock = DueClock()
    scope = dossier_scope(request.user)
    shown = _tabs(roles)
    counts = dossier_queue_counts(request.user, shown, scope=scope, now=clock.now)
    search_form = QueueSearchForm(request.GET or None)
    query = ""
    if search_form.is_valid():
        query = search_form.cleaned_data["q"].strip()
    too_short = bool(query) and len(search_query_key(query)) < MIN_QUERY_LENGTH
    requested = request.GET.get("tab", "")
    if requested in shown:
        tab = requested
    else:
        tab = next((value for value in shown if counts[value]), DossierQueue.MINE)
    page = _page_number(request)
    if query:
        listed = dossier_list_for_user(request.user, search=query, now=clock.now, scope=scope)
    else:
        listed = dossier_list_for_user(request.user, queue=tab, now=clock.now, scope=scope)
    start = (page - 1) * PAGE_SIZE
    dossiers = list(listed[start : start + PAGE_SIZE + 1])
    if not dossiers and page > 1:
        # Past the end (a bookmarked page, rows handled meanwhile): show the last page.
        page = max(1, math.ceil(listed.count() / PAGE_SIZE))
        start = (page - 1) * PAGE_SIZE
        dossiers = list(listed[start : start + PAGE_SIZE + 1])
    rows = [_row(dossier, clock) for dossier in dossiers[:PAGE_SIZE]]
    context: dict[str, Any] = {
        "tab": "" if query else tab,
        "tabs": [Tab(value, str(DossierQueue(value).label), counts[value]) for value in shown],
        "tab_label": _("Search") if query else DossierQueue(tab).label,
        "search_form": search_form,
        "query": query,
        "too_short": too_short,
        "rows": rows,
        "page": page,
        "has_next": len(dossiers) > PAGE_SIZE,
        "is_intake_officer": "intake_officer" in roles.codes,
    }
    return render(request, "dossiers/queue.html", context)
