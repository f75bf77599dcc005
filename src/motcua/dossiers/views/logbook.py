"""The log book (sổ theo dõi hồ sơ): filter by unit, field and period; Excel or PDF.

Reading, exporting and their audit records go through
:mod:`motcua.dossiers.logbook_exports`, like the API. A large export is
prepared by the background worker: the page says so and links the file
when it is ready.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from motcua.catalog.selectors import field_list
from motcua.core import clock
from motcua.core.errors import ApplicationError, NotFoundError
from motcua.core.forms import DAY_FORMAT
from motcua.dossiers.constants import LogbookExportStatus, LogbookFormat
from motcua.dossiers.forms import LogbookFilterForm
from motcua.dossiers.logbook_exports import (
    CONTENT_TYPES,
    logbook_export,
    logbook_export_get,
    logbook_export_open,
    logbook_read,
)
from motcua.dossiers.models import LogbookExport
from motcua.dossiers.screens import UserRoles
from motcua.dossiers.selectors import INTAKE_ROLES
from motcua.dossiers.views.common import not_found, staff_view
from motcua.org.models import Unit

NEEDS_LOGBOOK_ROLE = gettext_lazy(
    "The log book is kept at the one-stop desk: it needs the intake officer or centre director role."
)
SCREEN_ROWS = 500
"""Rows shown on screen; the Excel and PDF exports carry every row."""
REFRESH_SECONDS = 5
"""How often the page of an export being prepared reloads itself."""


def _units(roles: UserRoles) -> list[Unit]:
    seen: dict[int, Unit] = {}
    for role in sorted(INTAKE_ROLES):
        for unit in roles.units(role):
            seen.setdefault(unit.pk, unit)
    return sorted(seen.values(), key=lambda unit: unit.path)


def _file_response(content: Any, content_type: str, filename: str, *, inline: bool) -> HttpResponse:
    response: HttpResponse = (
        HttpResponse(content, content_type=content_type)
        if isinstance(content, bytes)
        # Streamed from the storage; staff views are typed as returning HttpResponse.
        else FileResponse(content, content_type=content_type)  # type: ignore[assignment]
    )
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@staff_view(INTAKE_ROLES, refusal=NEEDS_LOGBOOK_ROLE)
def logbook(request: HttpRequest, roles: UserRoles) -> HttpResponse:
    """Show the log book of a desk for a period; ``format=xlsx`` or ``pdf`` exports it."""
    units = _units(roles)
    fields = list(field_list())
    today = clock.localdate()
    first_day = today.replace(day=1)
    # Shown as typed: dd/mm/yyyy, whatever the browser's language (core.forms.DayField).
    default = {
        "unit": units[0].pk,
        "start": first_day.strftime(DAY_FORMAT),
        "end": today.strftime(DAY_FORMAT),
    }
    form = LogbookFilterForm(
        request.GET if "unit" in request.GET else default, units=units, fields=fields
    )
    context: dict[str, Any] = {"form": form, "page": None, "rows": [], "truncated": False}
    if not form.is_valid():
        return render(request, "dossiers/logbook.html", context, status=400)
    values: dict[str, Any] = form.cleaned_data
    unit = next((u for u in units if u.pk == values.get("unit")), units[0])
    start: date = values.get("start") or first_day
    end: date = values.get("end") or today
    field = next((f for f in fields if f.code == values.get("field")), None)
    output = request.GET.get("format", "")
    query: dict[str, Any] = {
        "actor": request.user,
        "unit": unit,
        "start": start,
        "end": end,
        "field": field,
    }
    try:
        if output in LogbookFormat.values:
            result = logbook_export(**query, output=output, via="screen")
            if isinstance(result, LogbookExport):
                return redirect("dossiers:logbook_export", pk=result.pk)
            return _file_response(
                result.content,
                result.content_type,
                result.filename,
                inline=output == LogbookFormat.PDF,
            )
        page = logbook_read(**query, output="html", via="screen")
    except ApplicationError as exc:
        for problem in exc.extra.get("errors") or [{"field": None, "message": exc.message}]:
            name = problem.get("field")
            form.add_error(name if name in form.fields else None, problem["message"])
        return render(request, "dossiers/logbook.html", context, status=exc.status)
    context.update(
        page=page,
        rows=page.rows[:SCREEN_ROWS],
        truncated=len(page.rows) > SCREEN_ROWS,
        screen_rows=SCREEN_ROWS,
        several_desks=len({row.desk_name for row in page.rows}) > 1,
    )
    return render(request, "dossiers/logbook.html", context)


@require_GET
@staff_view()
def logbook_export_status(request: HttpRequest, roles: UserRoles, pk: int) -> HttpResponse:
    """Say that an export is being prepared, link it when ready, or say that it failed."""
    try:
        export = logbook_export_get(actor=request.user, export_id=pk)
    except NotFoundError as exc:
        return not_found(request, exc.message)
    pending = export.status == LogbookExportStatus.PENDING
    response = render(
        request,
        "dossiers/logbook_export.html",
        {"export": export, "pending": pending, "refresh": REFRESH_SECONDS},
    )
    if pending:
        response["Refresh"] = str(REFRESH_SECONDS)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@staff_view()
def logbook_export_file(request: HttpRequest, roles: UserRoles, pk: int) -> HttpResponse:
    """Send a ready export (the user who asked, or staff keeping that desk's log book)."""
    try:
        export = logbook_export_get(actor=request.user, export_id=pk)
        handle = logbook_export_open(actor=request.user, export=export)
    except NotFoundError as exc:
        return not_found(request, exc.message)
    except ApplicationError:
        return redirect("dossiers:logbook_export", pk=pk)
    return _file_response(handle, CONTENT_TYPES[export.format], export.filename, inline=False)
