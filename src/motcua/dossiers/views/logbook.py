"""The log book (sổ theo dõi hồ sơ): filter by unit, field and period; Excel or PDF.

Its rows carry every applicant's address and phone, so each screen and
export writes one audit record (``dossiers.logbook.view`` or ``.export``).
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from motcua.catalog.models import Field
from motcua.catalog.selectors import field_list
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.dossiers.forms import LogbookFilterForm
from motcua.dossiers.logbook import LogbookPage, logbook_page, logbook_xlsx
from motcua.dossiers.printing import pdf_filename
from motcua.dossiers.screens import UserRoles
from motcua.dossiers.selectors import INTAKE_ROLES
from motcua.dossiers.views.common import staff_view
from motcua.dossiers.views.pdf import pdf_response
from motcua.org.models import Unit

NEEDS_LOGBOOK_ROLE = gettext_lazy(
    "The log book is kept at the one-stop desk: it needs the intake officer or centre director role."
)
SCREEN_ROWS = 500
"""Rows shown on screen; the Excel and PDF exports carry every row."""


def _units(roles: UserRoles) -> list[Unit]:
    seen: dict[int, Unit] = {}
    for role in sorted(INTAKE_ROLES):
        for unit in roles.units(role):
            seen.setdefault(unit.pk, unit)
    return sorted(seen.values(), key=lambda unit: unit.path)


def _log_read(request: HttpRequest, page: LogbookPage, *, field: Field | None, output: str) -> None:
    """Record that the user was shown the log book's addresses and phones for a period.

    One record per screen or export, in the unit's own chain: the rows carry
    the personal data of every applicant of the period (see ``dossiers.view``).
    """
    audit_record(
        actor=request.user,
        action="dossiers.logbook.view" if output == "html" else "dossiers.logbook.export",
        stream=f"dossiers.logbook:{page.unit.pk}",
        data={
            "unit": page.unit.pk,
            "field": field.code if field is not None else "",
            "start": page.start,
            "end": page.end,
            "rows": len(page.rows),
            "format": output,
        },
    )


@require_GET
@staff_view(INTAKE_ROLES, refusal=NEEDS_LOGBOOK_ROLE)
def logbook(request: HttpRequest, roles: UserRoles) -> HttpResponse:
    """Show the log book of a desk for a period; ``format=xlsx`` or ``pdf`` exports it."""
    units = _units(roles)
    fields = list(field_list())
    today = clock.localdate()
    first_day = today.replace(day=1)
    initial = {"unit": units[0].pk, "start": first_day, "end": today}
    data = request.GET if "unit" in request.GET else None
    form = LogbookFilterForm(data, units=units, fields=fields, initial=initial)
    page = None
    status = 200
    if data is None or form.is_valid():
        values: dict[str, Any] = form.cleaned_data if data is not None else initial
        unit = next((u for u in units if u.pk == values.get("unit")), units[0])
        start: date = values.get("start") or first_day
        end: date = values.get("end") or today
        field = next((f for f in fields if f.code == values.get("field")), None)
        page = logbook_page(unit=unit, start=start, end=end, field=field)
        output = request.GET.get("format", "")
        if output == "pdf":
            response = pdf_response("logbook", page)
            _log_read(request, page, field=field, output="pdf")
            return response
        if output == "xlsx":
            stream = BytesIO()
            logbook_xlsx(page.rows, stream, title=page.title)
            response = HttpResponse(
                stream.getvalue(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            name = pdf_filename("logbook", page).removesuffix(".pdf")
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            response["Cache-Control"] = "private, no-store"
            _log_read(request, page, field=field, output="xlsx")
            return response
        _log_read(request, page, field=field, output="html")
    else:
        status = 400
    return render(
        request,
        "dossiers/logbook.html",
        {
            "form": form,
            "page": page,
            "rows": page.rows[:SCREEN_ROWS] if page is not None else [],
            "truncated": page is not None and len(page.rows) > SCREEN_ROWS,
            "screen_rows": SCREEN_ROWS,
        },
        status=status,
    )
