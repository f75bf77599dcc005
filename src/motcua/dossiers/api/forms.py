"""The printed forms of a dossier, as PDF."""

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path

from motcua.core.errors import (
    NotFoundError,
)
from motcua.dossiers.api.common import _caller, router
from motcua.dossiers.api.output import DOSSIER_FORMS
from motcua.dossiers.api.schemas import ErrorOut, ValidationErrorOut
from motcua.dossiers.constants import (
    PauseKind,
)
from motcua.dossiers.printing import pdf_filename, render_pdf
from motcua.dossiers.selectors import (
    dossier_get_for_user,
    dossier_log_view,
)

PDF_CONTENT = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORM_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


PDF_OPENAPI = {
    "responses": {
        200: {
            "description": (
                'The PDF, with `Content-Disposition: attachment; filename="mau-01-….pdf"`.'
            ),
            "content": PDF_CONTENT,
        }
    }
}


def _file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """Return a download that no shared cache keeps (it carries personal data)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf(form: str, obj: Any) -> HttpResponse:
    """Return the PDF of ``form`` for ``obj``; 404 with the reason when the form does not apply."""
    try:
        content = render_pdf(form, obj)
    except ValueError as exc:
        raise NotFoundError(str(exc), code="form_not_applicable") from None
    return _file_response(content, "application/pdf", pdf_filename(form, obj))


@router.get(
    "/{code}/forms/{form}",
    response=FORM_ERRORS,
    openapi_extra=PDF_OPENAPI,
    summary="Print a form of the dossier (PDF)",
    description=(
        "**In biểu mẫu** of TT 03/2025/TT-VPCP (or TT 01/2018 when the deployment says so): "
        "`receipt` (Mẫu 01, giấy tiếp nhận hồ sơ và hẹn trả kết quả) and `control` (phiếu "
        "kiểm soát quá trình giải quyết hồ sơ) for a received dossier, `refusal` (Mẫu 03) "
        "for a refused one, `apology` (Mẫu 04) when there is an apology, `stop` (thông báo "
        "dừng giải quyết hồ sơ) for a stopped one, `answer` (thông báo không chấp thuận: the "
        "written answer with the reasons) for a dossier decided not granted. A form that does not apply answers 404 "
        "with the reason; the supplement request is `/forms/supplement/{number}`. The "
        "detail's `forms` lists what applies. Prints personal data: each print is written "
        "to the audit log (`dossiers.view`). A dossier outside the caller's units answers 404."
    ),
)
def dossier_form(request: HttpRequest, code: str, form: str) -> HttpResponse:
    if form not in DOSSIER_FORMS:
        raise NotFoundError(
            _(
                "There is no form “%(form)s” to print for a dossier; use receipt, refusal, "
                "apology, stop, answer, control or supplement/<number>."
            )
            % {"form": form[:40]},
            code="unknown_form",
        )
    dossier = dossier_get_for_user(_caller(request), code)
    response = _pdf(form, dossier)
    dossier_log_view(actor=_caller(request), dossier=dossier, via=f"api:print:{form}")
    return response


@router.get(
    "/{code}/forms/supplement/{number}",
    response=FORM_ERRORS,
    openapi_extra=PDF_OPENAPI,
    summary="Print a supplement request (PDF)",
    description=(
        "**Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ** (Mẫu 02) of the dossier's supplement "
        "request `number` (1 for the first, see `pauses[].number`). Written to the audit "
        "log (`dossiers.view`). 404 when the dossier has no such request or is outside the "
        "caller's units."
    ),
)
def dossier_form_supplement(
    request: HttpRequest, code: str, number: Annotated[int, Path(ge=1, le=32767)]
) -> HttpResponse:
    dossier = dossier_get_for_user(_caller(request), code)
    pause = (
        dossier.pauses.select_related("requested_by")
        .filter(kind=PauseKind.SUPPLEMENT, number=number)
        .order_by("started_at", "id")
        .first()
    )
    if pause is None:
        raise NotFoundError(
            _("Dossier %(code)s has no supplement request number %(number)s.")
            % {"code": dossier.code or dossier.pk, "number": number},
            code="form_not_applicable",
        )
    pause.dossier = dossier
    response = _pdf("supplement", pause)
    dossier_log_view(actor=_caller(request), dossier=dossier, via="api:print:supplement")
    return response
