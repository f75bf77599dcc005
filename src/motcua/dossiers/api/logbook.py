"""The log book (Sổ theo dõi hồ sơ) as JSON and Excel."""

from datetime import date, datetime, timedelta
from io import BytesIO
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Schema
from pydantic import Field

from motcua.catalog.models import Field as ProcedureField
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import (
    PermissionDeniedError,
)
from motcua.core.text import nfc
from motcua.dossiers.api.common import _caller, _field_error, logbook_router
from motcua.dossiers.api.forms import PDF_CONTENT, XLSX_TYPE, _file_response
from motcua.dossiers.api.output import _t, _unit
from motcua.dossiers.api.schemas import ERRORS, Id, Str40, UnitRef
from motcua.dossiers.constants import (
    ReturnMethod,
)
from motcua.dossiers.logbook import LogbookPage, LogbookRow, logbook_page, logbook_xlsx
from motcua.dossiers.printing import pdf_filename, render_pdf
from motcua.dossiers.selectors import (
    INTAKE_ROLES,
    dossier_scope,
)
from motcua.org.models import Unit
from motcua.org.selectors import unit_get_cached


class LogbookFilter(Schema):
    unit_id: Id = Field(
        description=(
            "The one-stop desk (bộ phận một cửa), or a unit above it: the dossiers received "
            "anywhere below it are listed."
        )
    )
    start: date | None = Field(
        None, description="First local intake day (inclusive); the 1st of `end`'s month if empty."
    )
    end: date | None = Field(None, description="Last local intake day (inclusive); today if empty.")
    field: Str40 | None = Field(
        None, description="A field of procedures (lĩnh vực) by code, see `/catalog/fields`."
    )
    format: Literal["json", "xlsx", "pdf"] = Field(
        "json", description="`json` (rows), `xlsx` (Excel) or `pdf` (the printed form)."
    )


class FieldRef(Schema):
    code: str
    name: str


class LogbookRowOut(Schema):
    number: int = Field(description="STT: the order of intake in the extract.")
    dossier_id: int
    code: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    address: str
    phone: str
    agency_name: str = Field(description="The agency that decides (cơ quan chủ trì giải quyết).")
    received_at: datetime
    appointment_at: datetime | None = Field(
        description="Hẹn trả kết quả: the new date after an apology, else the legal due."
    )
    returned_at: datetime | None
    return_method: ReturnMethod | Literal[""]
    return_method_label: str = Field(description="As printed, in Vietnamese.")
    signed_by: str = Field(description="Who signed for the result (ký nhận).")


class LogbookOut(Schema):
    title: str = Field(description="The line printed under “SỔ THEO DÕI HỒ SƠ”.")
    unit: UnitRef
    field: FieldRef | None
    start: date
    end: date
    count: int
    rows: list[LogbookRowOut]


LOGBOOK_OPENAPI = {
    "responses": {
        200: {
            "description": (
                "JSON rows by default; with `format=xlsx` or `format=pdf` the file, with "
                '`Content-Disposition: attachment; filename="mau-07-so-theo-doi-….pdf"`.'
            ),
            "content": {
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                **PDF_CONTENT,
            },
        }
    }
}


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 3, 1)


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    """Return the period asked for, at most one year; raise a 400 naming the field."""
    last = end or clock.localdate()
    first = start or last.replace(day=1)
    for name, day in (("start", first), ("end", last)):
        if not 2000 <= day.year <= 2100:
            raise _field_error(
                name,
                _("Choose a date between 2000 and 2100 (%(day)s is outside).")
                % {"day": f"{day:%d/%m/%Y}"},
                "invalid_period",
            )
    if last < first:
        raise _field_error(
            "end",
            _("The end of the period (%(end)s) is before its start (%(start)s).")
            % {"end": f"{last:%d/%m/%Y}", "start": f"{first:%d/%m/%Y}"},
            "invalid_period",
        )
    limit = _one_year_after(first) - timedelta(days=1)
    if last > limit:
        raise _field_error(
            "end",
            _(
                "The period is longer than one year: from %(start)s the log book runs "
                "at most to %(limit)s."
            )
            % {"start": f"{first:%d/%m/%Y}", "limit": f"{limit:%d/%m/%Y}"},
            "period_too_long",
        )
    return first, last


def _logbook_unit(user: Any, unit_id: int) -> Unit:
    unit = unit_get_cached(unit_id)
    if unit is None:
        raise _field_error(
            "unit_id", _("There is no unit with id %(id)s.") % {"id": unit_id}, "unknown_unit"
        )
    if unit.pk not in dossier_scope(user).unit_ids(INTAKE_ROLES):
        raise PermissionDeniedError(
            _(
                "The log book of %(unit)s is kept at its one-stop desk: it needs the intake "
                "officer or centre director role there or above it."
            )
            % {"unit": unit.name}
        )
    return unit


def _logbook_field(code: str | None) -> ProcedureField | None:
    if not code:
        return None
    found = ProcedureField.objects.filter(code=nfc(code)).first()
    if found is None:
        raise _field_error(
            "field",
            _("There is no field of procedures with code %(code)s.") % {"code": code},
            "unknown_field",
        )
    return found


def _logbook_row(row: LogbookRow) -> dict[str, Any]:
    return {
        "number": row.number,
        "dossier_id": row.dossier_id,
        "code": row.code,
        "procedure_code": row.procedure_code,
        "procedure_name": row.procedure_name,
        "applicant_name": row.applicant_name,
        "address": row.address,
        "phone": row.phone,
        "agency_name": row.agency_name,
        "received_at": _t(row.received_at),
        "appointment_at": _t(row.appointment_at),
        "returned_at": _t(row.returned_at),
        "return_method": row.return_method,
        "return_method_label": row.return_method_label,
        "signed_by": row.signed_by,
    }


def _logbook_json(page: LogbookPage, field: ProcedureField | None) -> dict[str, Any]:
    return {
        "title": page.title,
        "unit": _unit(page.unit),
        "field": {"code": field.code, "name": field.name} if field is not None else None,
        "start": page.start,
        "end": page.end,
        "count": len(page.rows),
        "rows": [_logbook_row(row) for row in page.rows],
    }


@logbook_router.get(
    "",
    response={200: LogbookOut, **{code: ERRORS[code] for code in (400, 401, 403, 422)}},
    openapi_extra=LOGBOOK_OPENAPI,
    summary="The log book of a one-stop desk",
    description=(
        "**Sổ theo dõi hồ sơ** (Mẫu 07 of TT 03/2025/TT-VPCP, Mẫu 06 of TT 01/2018): one row "
        "per dossier received at `unit_id` or below it on the local days `start`…`end` "
        "(at most one year), optionally of one `field`, in the order of intake. JSON rows "
        "by default, or the Excel sheet or the printed PDF with `format`. For staff with "
        "the intake officer or centre director role over the unit. It lists applicants' "
        "addresses and phones: each call is written to the audit log "
        "(`dossiers.logbook.export`)."
    ),
)
def logbook(request: HttpRequest, filters: Query[LogbookFilter]) -> Any:
    user = _caller(request)
    unit = _logbook_unit(user, filters.unit_id)
    start, end = _period(filters.start, filters.end)
    field = _logbook_field(filters.field)
    page = logbook_page(unit=unit, start=start, end=end, field=field)
    result: Any
    if filters.format == "pdf":
        result = _file_response(
            render_pdf("logbook", page), "application/pdf", pdf_filename("logbook", page)
        )
    elif filters.format == "xlsx":
        stream = BytesIO()
        logbook_xlsx(page.rows, stream, title=page.title)
        name = pdf_filename("logbook", page).removesuffix(".pdf") + ".xlsx"
        result = _file_response(stream.getvalue(), XLSX_TYPE, name)
    else:
        result = _logbook_json(page, field)
    audit_record(
        actor=user,
        action="dossiers.logbook.export",
        stream=f"dossiers.logbook:{unit.pk}",
        data={  # the keys of the screen's record, and where it came from
            "unit": unit.pk,
            "field": field.code if field is not None else "",
            "start": start,
            "end": end,
            "rows": len(page.rows),
            "format": filters.format,
            "via": "api",
        },
    )
    return result
