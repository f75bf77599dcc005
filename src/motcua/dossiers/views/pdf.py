"""The printed forms as PDF, opened in the browser to print (Mẫu 01–06)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.core.audit import audit_record
from motcua.core.errors import NotFoundError
from motcua.dossiers.constants import PauseKind
from motcua.dossiers.printing import pdf_filename, render_pdf
from motcua.dossiers.screens import UserRoles, guidance_get
from motcua.dossiers.selectors import dossier_get_for_user, dossier_log_view
from motcua.dossiers.views.common import not_found, staff_view

DOSSIER_FORMS = frozenset({"receipt", "refusal", "apology", "stop", "answer", "control"})
"""Forms printed from the dossier itself; the supplement request prints from its pause."""


def pdf_response(form: str, obj: Any) -> HttpResponse:
    """Return the PDF inline, so the browser shows it ready to print."""
    response = HttpResponse(render_pdf(form, obj), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(form, obj)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _not_printable(request: HttpRequest, exc: ValueError) -> HttpResponse:
    return not_found(request, str(exc))


@require_GET
@staff_view()
def print_form(request: HttpRequest, roles: UserRoles, code: str, form: str) -> HttpResponse:
    """Print ``form`` of dossier ``code`` (a refused counter dossier goes by its number)."""
    if form not in DOSSIER_FORMS:
        return not_found(request, _("There is no such form to print."))
    try:
        dossier = dossier_get_for_user(request.user, code)
    except NotFoundError as exc:
        return not_found(request, exc.message)
    try:
        response = pdf_response(form, dossier)
    except ValueError as exc:
        return _not_printable(request, exc)
    dossier_log_view(actor=request.user, dossier=dossier, via=f"print:{form}")
    return response


@require_GET
@staff_view()
def print_supplement(request: HttpRequest, roles: UserRoles, code: str, pause: int) -> HttpResponse:
    """Print the supplement request (Mẫu 02) of one of the dossier's pauses."""
    try:
        dossier = dossier_get_for_user(request.user, code)
    except NotFoundError as exc:
        return not_found(request, exc.message)
    found = dossier.pauses.filter(pk=pause, kind=PauseKind.SUPPLEMENT).first()
    if found is None:
        return not_found(request, _("This dossier has no such supplement request."))
    found.dossier = dossier
    response = pdf_response("supplement", found)
    dossier_log_view(actor=request.user, dossier=dossier, via="print:supplement")
    return response


@require_GET
@staff_view(["intake_officer"])
def print_guidance(request: HttpRequest, roles: UserRoles, pk: int) -> HttpResponse:
    """Print the counter guidance of an incomplete dossier (Mẫu 02)."""
    guidance = guidance_get(roles, pk)
    if guidance is None:
        return not_found(request, _("This guidance does not exist or was given at another desk."))
    response = pdf_response("supplement", guidance)
    # The form carries the applicant's ID number, phone and address: log the read.
    audit_record(
        actor=request.user,
        action="dossiers.view",
        obj=guidance,
        data={"via": "print:guidance"},
    )
    return response
