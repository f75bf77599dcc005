"""Counter intake (tiếp nhận tại quầy): find the procedure, check the documents, decide.

Built for a queue of citizens: the search box has the focus, the
checklist comes first in the form, and Enter anywhere in the applicant
fields presses "Accept" (the first submit button). The two other outcomes
of the check, guidance for an incomplete dossier (Mẫu 02) and refusal
(Mẫu 03), are buttons of the same form, so nothing typed is lost when the
officer changes their mind.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.catalog.selectors import (
    procedure_intake_plan,
    procedure_search,
    procedure_version_get,
)
from motcua.core.errors import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from motcua.dossiers.forms import (
    INTAKE_ACTIONS,
    IntakeForm,
    ProcedureSearchForm,
    ReceivingUnitForm,
)
from motcua.dossiers.screens import (
    RECEIVING_UNIT_SESSION_KEY,
    DueClock,
    UserRoles,
    guidance_get,
    receiving_unit_for,
    role_holders,
)
from motcua.dossiers.selectors import dossier_get_for_user
from motcua.dossiers.services import (
    agency_for,
    dossier_guide_incomplete,
    dossier_receive,
    dossier_refuse_at_intake,
    intake_hand_over_for,
)
from motcua.dossiers.views.common import forbidden, not_found, staff_view

RESULT_LIMIT = 20
IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
FORM_REUSED = gettext_lazy(
    "This form was already used to receive another dossier, so nothing was saved and "
    "no receipt is shown. Check the details below, then press Accept again to receive "
    "them as a new dossier."
)
INTAKE_ROLE = ["intake_officer"]
NEEDS_INTAKE_ROLE = gettext_lazy(
    "Counter intake needs the intake officer role at a one-stop desk. "
    "Ask the administrator to assign it to you."
)


def _unit_context(request: HttpRequest, roles: UserRoles) -> dict[str, Any]:
    units = roles.units("intake_officer")
    unit = receiving_unit_for(roles, request.session)
    return {
        "receiving_unit": unit,
        "unit_form": ReceivingUnitForm(units=units, initial={"unit": unit.pk if unit else None})
        if len(units) > 1
        else None,
    }


@require_GET
@staff_view(INTAKE_ROLE, refusal=NEEDS_INTAKE_ROLE)
def intake_search(request: HttpRequest, roles: UserRoles) -> HttpResponse:
    """Search the procedures in force today; ``partial=1`` answers only the result list."""
    form = ProcedureSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    versions = list(procedure_search(query)[: RESULT_LIMIT + 1]) if query else []
    context = {
        "form": form,
        "query": query,
        "versions": versions[:RESULT_LIMIT],
        "more": len(versions) > RESULT_LIMIT,
    }
    if request.GET.get("partial") == "1":
        return render(request, "dossiers/intake/_results.html", context)
    return render(
        request, "dossiers/intake/search.html", {**context, **_unit_context(request, roles)}
    )


@require_POST
@staff_view(INTAKE_ROLE, refusal=NEEDS_INTAKE_ROLE)
def intake_unit(request: HttpRequest, roles: UserRoles) -> HttpResponse:
    """Remember, in the session, the desk where the officer receives today."""
    form = ReceivingUnitForm(request.POST, units=roles.units("intake_officer"))
    if form.is_valid():
        request.session[RECEIVING_UNIT_SESSION_KEY] = form.cleaned_data["unit"]
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("dossiers:intake")
    return redirect(target)


@require_http_methods(["GET", "POST"])
@staff_view(INTAKE_ROLE, refusal=NEEDS_INTAKE_ROLE)
def intake_form(request: HttpRequest, roles: UserRoles, code: str) -> HttpResponse:
    """Show the checklist and applicant form of procedure ``code``; POST decides the outcome."""
    try:
        version = procedure_version_get(code)
    except NotFoundError as exc:
        return not_found(request, exc.message)
    unit = receiving_unit_for(roles, request.session)
    if unit is None:  # pragma: no cover - staff_view already required the role
        return forbidden(request, str(NEEDS_INTAKE_ROLE))
    documents = list(version.documents.all())
    target = intake_hand_over_for(procedure_intake_plan(version), unit, agency_for(unit, version))
    candidates = role_holders(target.role.pk, target.unit) if target is not None else []
    status = 200
    if request.method == "POST":
        form = IntakeForm(request.POST, documents=documents, candidates=candidates)
        action = request.POST.get("action", "accept")
        if action not in INTAKE_ACTIONS:
            action = "accept"
        if form.is_valid():
            try:
                return _decide(request, form, action, version=version, unit=unit)
            except PermissionDeniedError as exc:
                form.add_error(None, exc.message)
                status = 403
            except ConflictError as exc:
                if exc.code != IDEMPOTENCY_KEY_REUSED:
                    raise
                form = _renewed(request, documents)
                form.add_error(None, str(FORM_REUSED))
                status = 409
            except ApplicationError as exc:
                form.add_service_error(exc)
                status = 400
        else:
            status = 400
    else:
        form = IntakeForm(
            documents=documents,
            candidates=candidates,
            initial={"idempotency_key": uuid.uuid4().hex},
        )
    return render(
        request,
        "dossiers/intake/form.html",
        {
            "version": version,
            "procedure": version.procedure,
            "form": form,
            "documents": documents,
            "checked": form.checked(),
            "fees": version.fees.all(),
            "intake_target": target,
            **_unit_context(request, roles),
        },
        status=status,
    )


def _renewed(request: HttpRequest, documents: list[Any]) -> IntakeForm:
    """Return the posted form with a new idempotency key, everything typed kept."""
    data = request.POST.copy()
    data["idempotency_key"] = uuid.uuid4().hex
    form = IntakeForm(data, documents=documents)
    form.is_valid()
    return form


def _decide(
    request: HttpRequest, form: IntakeForm, action: str, *, version: Any, unit: Any
) -> HttpResponse:
    data = form.cleaned_data
    if action == "accept":
        result = dossier_receive(
            actor=request.user,
            receiving_unit=unit,
            applicant=form.applicant(),
            provided_documents=data["documents"],
            procedure_version=version,
            channel=data["channel"],
            postal_address=data["postal_address"],
            idempotency_key=data["idempotency_key"] or None,
            to_user=form.chosen_handler(),
        )
        request.session[RECEIVING_UNIT_SESSION_KEY] = unit.pk
        return redirect("dossiers:intake_done", code=result.dossier.code)
    if action == "incomplete":
        guidance = dossier_guide_incomplete(
            actor=request.user,
            receiving_unit=unit,
            applicant=form.applicant(),
            provided_documents=data["documents"],
            extra_items=[line.strip() for line in data["extra_items"].splitlines()],
            reason=data["guidance_reason"],
            procedure_version=version,
        )
        return redirect("dossiers:intake_guidance", pk=guidance.pk)
    dossier = dossier_refuse_at_intake(
        actor=request.user,
        receiving_unit=unit,
        applicant=form.applicant(),
        reasons=data["refusal_reasons"],
        procedure_version=version,
    )
    return redirect("dossiers:intake_refusal", pk=dossier.pk)


@require_GET
@staff_view(INTAKE_ROLE, refusal=NEEDS_INTAKE_ROLE)
def intake_done(request: HttpRequest, roles: UserRoles, code: str) -> HttpResponse:
    """The receipt page: the code, the appointment, print Mẫu 01, next citizen."""
    try:
        dossier = dossier_get_for_user(request.user, code)
    except NotFoundError as exc:
        return not_found(request, exc.message)
    due = DueClock().due(dossier.effective_due_at, dossier.agency)
    return render(request, "dossiers/intake/done.html", {"dossier": dossier, "due": due})


@require_GET
@staff_view(INTAKE_ROLE, refusal=NEEDS_INTAKE_ROLE)
def intake_guidance(request: HttpRequest, roles: UserRoles, pk: int) -> HttpResponse:
    """The guidance page of an incomplete dossier: what is missing, print Mẫu 02."""
    guidance = guidance_get(roles, pk)
    if guidance is None:
        return not_found(request, _("This guidance does not exist or was given at another desk."))
    return render(request, "dossiers/intake/guidance.html", {"guidance": guidance})


@require_GET
@staff_view(INTAKE_ROLE, refusal=NEEDS_INTAKE_ROLE)
def intake_refusal(request: HttpRequest, roles: UserRoles, pk: int) -> HttpResponse:
    """The refusal page: the reasons, print Mẫu 03."""
    try:
        dossier = dossier_get_for_user(request.user, str(pk))
    except NotFoundError as exc:
        return not_found(request, exc.message)
    return render(request, "dossiers/intake/refusal.html", {"dossier": dossier})
