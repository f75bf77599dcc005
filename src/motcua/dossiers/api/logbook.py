"""The log book (Sổ theo dõi hồ sơ) as JSON, Excel or PDF; large files prepared by the worker.

Reading, exporting and their audit records go through
:mod:`motcua.dossiers.logbook_exports`, the service the log book page uses too.
"""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Schema, Status
from pydantic import Field

from motcua.catalog.models import Field as ProcedureField
from motcua.core.text import nfc
from motcua.dossiers.api.common import _caller, _field_error, logbook_router
from motcua.dossiers.api.forms import PDF_CONTENT, XLSX_TYPE, _file_response
from motcua.dossiers.api.output import Shape, _unit
from motcua.dossiers.api.schemas import ERRORS, Id, Str40, UnitRef
from motcua.dossiers.constants import LogbookExportStatus, ReturnMethod
from motcua.dossiers.logbook import LogbookPage
from motcua.dossiers.logbook_exports import (
    CONTENT_TYPES,
    logbook_export,
    logbook_export_get,
    logbook_export_open,
    logbook_read,
)
from motcua.dossiers.models import LogbookExport
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
    number: int | None = Field(
        description=(
            "Số thứ tự: the entry number in its volume, given at intake and printed on the "
            "receipt (Form 01)."
        )
    )
    volume: str = Field(
        description=(
            "Quyển số, as printed on the receipt: the year and the field, e.g. "
            "“2026 (lĩnh vực Hộ tịch)”. A volume is kept per receiving desk, field and year; "
            "rows come volume by volume, each in entry order."
        )
    )
    desk_name: str = Field(description="The receiving desk that keeps the volume.")
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
        description="Hẹn trả kết quả: the appointment printed on the receipt."
    )
    new_appointment_at: datetime | None = Field(
        description="The new date an apology (Form 04) promised, if any."
    )
    returned_at: datetime | None
    return_method: ReturnMethod | Literal[""]
    return_method_label: str = Field(description="As printed, in Vietnamese.")
    returned_to: str = Field(
        description=(
            "Who collected the result, as recorded at the return. The printed and exported "
            "log book leave “Ký nhận” empty for their signature."
        )
    )


class LogbookOut(Schema):
    title: str = Field(description="The line printed under “SỔ THEO DÕI HỒ SƠ”.")
    unit: UnitRef
    field: FieldRef | None
    start: date
    end: date
    count: int
    rows: list[LogbookRowOut]


class LogbookExportOut(Schema):
    id: int
    status: Literal["pending", "ready", "failed"] = Field(
        description="`pending` while the worker builds the file, then `ready` or `failed`."
    )
    format: Literal["xlsx", "pdf"]
    unit: UnitRef
    field: FieldRef | None
    start: date
    end: date
    requested_at: datetime
    finished_at: datetime | None
    rows: int | None = Field(description="Rows in the file, once it is ready.")
    url: str = Field(description="This status.")
    file_url: str | None = Field(description="The file, once it is ready.")


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
EXPORT_FILE_OPENAPI = {
    "responses": {
        200: {
            "description": "The file, as an attachment.",
            "content": {
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                **PDF_CONTENT,
            },
        }
    }
}


def _logbook_unit(unit_id: int) -> Unit:
    unit = unit_get_cached(unit_id)
    if unit is None:
        raise _field_error(
            "unit_id", _("There is no unit with id %(id)s.") % {"id": unit_id}, "unknown_unit"
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


_field_ref = Shape(FieldRef)
_logbook_row = Shape(LogbookRowOut)
_logbook_page = Shape(
    LogbookOut,
    unit=_unit.of("unit"),
    count=lambda page: len(page.rows),
    rows=lambda page: [_logbook_row(row) for row in page.rows],
)


def _logbook_json(page: LogbookPage, field: ProcedureField | None) -> dict[str, Any]:
    return _logbook_page(page, field=_field_ref(field) if field is not None else None)


def _export_url(export: LogbookExport) -> str:
    return f"/api/v1/logbook/exports/{export.pk}"


_export_json = Shape(
    LogbookExportOut,
    id="pk",
    unit=_unit.of("unit"),
    field=_field_ref.of("field"),
    url=_export_url,
    file_url=lambda export: (
        f"{_export_url(export)}/file" if export.status == LogbookExportStatus.READY else None
    ),
)


@logbook_router.get(
    "",
    response={
        200: LogbookOut,
        202: LogbookExportOut,
        **{code: ERRORS[code] for code in (400, 401, 403, 422)},
    },
    openapi_extra=LOGBOOK_OPENAPI,
    summary="The log book of a one-stop desk",
    description=(
        "**Sổ theo dõi hồ sơ** (Mẫu 07 of TT 03/2025/TT-VPCP, Mẫu 06 of TT 01/2018): one row "
        "per dossier received at `unit_id` or below it on the local days `start`…`end` "
        "(at most one year), optionally of one `field`, volume by volume (desk, field, year) "
        "in entry order. JSON rows by default, or the Excel sheet or the printed PDF with "
        "`format`. A file of more rows than the deployment builds inside a request "
        "(`MOTCUA_LOGBOOK_EXPORT_INLINE_ROWS`, 300 by default) answers **202** with the "
        "export being prepared and a `Location` header: poll `/logbook/exports/{id}` "
        "until `status` is `ready`, then fetch `file_url`. For staff with the intake "
        "officer or centre director role over the unit. It lists applicants' addresses and "
        "phones: each call is written to the audit log (`dossiers.logbook.view` for JSON, "
        "`dossiers.logbook.export` for a file, when it is built)."
    ),
)
def logbook(request: HttpRequest, filters: Query[LogbookFilter], response: HttpResponse) -> Any:
    user = _caller(request)
    unit = _logbook_unit(filters.unit_id)
    field = _logbook_field(filters.field)
    query = {"actor": user, "unit": unit, "start": filters.start, "end": filters.end}
    if filters.format == "json":
        page = logbook_read(**query, field=field, output="json", via="api")
        return _logbook_json(page, field)
    result = logbook_export(**query, field=field, output=filters.format, via="api")
    if isinstance(result, LogbookExport):
        body = _export_json(result)
        response["Location"] = body["url"]
        return Status(202, body)
    return _file_response(result.content, result.content_type, result.filename)


@logbook_router.get(
    "/exports/{export_id}",
    response={200: LogbookExportOut, **{code: ERRORS[code] for code in (401, 404, 422)}},
    summary="A log book export being prepared",
    description=(
        "The status of an export answered with 202 by `/logbook`: for the staff member who "
        "asked, or staff keeping that desk's log book; anybody else gets 404. Exports are "
        "deleted after `MOTCUA_LOGBOOK_EXPORT_KEEP_HOURS` (24 by default)."
    ),
)
def logbook_export_status(request: HttpRequest, export_id: Path[Id]) -> Any:
    return _export_json(logbook_export_get(actor=_caller(request), export_id=export_id))


@logbook_router.get(
    "/exports/{export_id}/file",
    response={200: None, **{code: ERRORS[code] for code in (401, 404, 409, 422)}},
    openapi_extra=EXPORT_FILE_OPENAPI,
    summary="The file of a log book export",
    description=(
        "The Excel sheet or PDF once `status` is `ready`; 409 `export_not_ready` before, "
        "409 `export_failed` if it could not be built. Each fetch is written to the audit "
        "log (`dossiers.logbook.fetch`)."
    ),
)
def logbook_export_file(request: HttpRequest, export_id: Path[Id]) -> Any:
    user = _caller(request)
    export = logbook_export_get(actor=user, export_id=export_id)
    with logbook_export_open(actor=user, export=export) as handle:
        content = handle.read()
    return _file_response(content, CONTENT_TYPES[export.format], export.filename)
