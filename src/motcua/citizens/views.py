"""Citizens' pages: sign in by code, profile, my dossiers, online submission, files.

Views are thin: they parse a form, call one service or selector, and show
the service's error on the form (GOV.UK error summary).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.catalog.models import RequiredDocument
from motcua.citizens import codes, selectors, services
from motcua.citizens.files import attachment_response
from motcua.citizens.forms import (
    CodeForm,
    DestinationForm,
    DraftForm,
    ProfileForm,
    ScanForm,
    SupplementForm,
    add_application_error,
)
from motcua.citizens.models import Attachment, Citizen, Draft, SignInCode
from motcua.citizens.oidc import oidc_enabled
from motcua.core import clock
from motcua.core.errors import ApplicationError, NotFoundError
from motcua.core.net import client_bucket
from motcua.core.templatetags.form_errors import form_problems
from motcua.dossiers.screens import UserRoles
from motcua.dossiers.selectors import INTAKE_ROLES, dossier_get_for_user

SESSION_CHALLENGE = "citizens.code"
SESSION_NEXT = "citizens.next"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("citizens:dossiers")


def citizen_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send anyone without a citizen account to the sign-in page, then back."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        citizen = selectors.citizen_of(request.user)
        if citizen is None:
            return redirect(
                f"{reverse('citizens:sign_in')}?{urlencode({'next': request.get_full_path()})}"
                if request.method == "GET"
                else reverse("citizens:sign_in")
            )
        return view(request, citizen, *args, **kwargs)

    return wrapper


def _not_found(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return render(request, "citizens/problem.html", {"message": exc.message}, status=404)


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = DestinationForm(request.POST or None)
    if request.method == "GET" and request.GET.get("next"):
        request.session[SESSION_NEXT] = _safe_next(request, request.GET["next"])
    if request.method == "POST" and form.is_valid():
        try:
            row = codes.code_request(
                destination=form.cleaned_data["destination"], client=client_bucket(request)
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            request.session[SESSION_CHALLENGE] = row.pk
            return redirect("citizens:sign_in_code")
    return render(
        request,
        "citizens/sign_in.html",
        {
            "form": form,
            "oidc_provider": settings.MOTCUA_OIDC_PROVIDER_NAME if oidc_enabled() else "",
            "oidc_failed": request.GET.get("oidc") == "failed",
        },
    )


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    challenge = request.session.get(SESSION_CHALLENGE)
    if not challenge:
        return redirect("citizens:sign_in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            citizen = codes.code_verify(challenge=challenge, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            following = request.session.get(SESSION_NEXT)
            login(request, citizen.user, backend=BACKEND)
            return redirect(_safe_next(request, following))
    sent_to = SignInCode.objects.filter(pk=challenge).values_list("destination", flat=True)
    return render(
        request,
        "citizens/sign_in_code.html",
        {"form": form, "destination": sent_to.first() or ""},
    )


@citizen_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    initial = {
        field: getattr(citizen, field)
        for field in ("full_name", "id_number", "phone", "email", "address")
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(citizen=citizen, data=form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            return redirect("citizens:dossiers")
    return render(request, "citizens/profile.html", {"form": form, "citizen": citizen})


@citizen_required
def dossiers(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    return render(
        request,
        "citizens/dossiers.html",
        {
            "citizen": citizen,
            "rows": selectors.my_dossiers(citizen),
            "drafts": selectors.draft_list(citizen),
        },
    )


@citizen_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, citizen: Citizen, procedure_code: str) -> HttpResponse:
    """Start (or resume) the online submission of a procedure."""
    try:
        draft = services.draft_start(citizen=citizen, procedure_code=procedure_code)
    except NotFoundError as exc:
        return _not_found(request, exc)
    except ApplicationError as exc:
        return render(request, "citizens/problem.html", {"message": exc.message}, status=400)
    return redirect("citizens:draft", key=draft.key)


def _slots(draft: Draft) -> list[dict[str, Any]]:
    files = {
        attachment.required_document_id: attachment
        for attachment in Attachment.objects.filter(draft=draft)
    }
    return [
        {"document": doc, "attachment": files.get(doc.pk), "field": f"doc_{doc.pk}"}
        for doc in RequiredDocument.objects.filter(version=draft.procedure_version_id).order_by(
            "order"
        )
    ]


@citizen_required
@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest, citizen: Citizen, key: Any) -> HttpResponse:
    try:
        current = selectors.draft_get(citizen, key)
    except NotFoundError as exc:
        return _not_found(request, exc)
    if current.dossier_id is not None:
        return redirect("citizens:dossier", code=current.dossier.code)  # type: ignore[union-attr]
    desks = services.online_desks(current.procedure_version.procedure_id)
    initial = {
        "applicant_name": current.applicant_name,
        "applicant_id_number": current.applicant_id_number,
        "applicant_phone": current.applicant_phone,
        "applicant_email": current.applicant_email,
        "applicant_address": current.applicant_address,
        "receiving_unit": str(current.receiving_unit_id or ""),
    }
    form = DraftForm(request.POST or None, initial=initial, desks=desks)
    slot_errors: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            current = services.draft_save(draft=current, citizen=citizen, data=form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        for slot in _slots(current):
            upload = request.FILES.get(slot["field"])
            if upload is None:
                continue
            try:
                services.draft_attach(
                    draft=current,
                    citizen=citizen,
                    required_document_id=slot["document"].pk,
                    file=upload,
                )
            except ApplicationError as exc:
                message = f"{slot['document'].name}: {exc.message}"
                form.add_error("documents", message)
                slot_errors[slot["field"]] = message
        if form.is_valid():
            if "review" in request.POST:
                return redirect("citizens:draft_review", key=current.key)
            return redirect("citizens:draft", key=current.key)
    return render(
        request,
        "citizens/draft.html",
        {
            "form": form,
            "draft": current,
            "slots": [
                {**slot, "error": slot_errors.get(slot["field"], "")} for slot in _slots(current)
            ],
            "fixes": _linked_problems(form, slot_errors),
        },
    )


def _draft_anchor(page: str, field: str) -> str:
    """Where on the draft page a problem of ``field`` is fixed."""
    if not field:
        return ""
    return f"{page}#{'documents' if field == 'documents' else f'id_{field}'}"


def _linked_problems(form: DraftForm, slot_errors: dict[str, str]) -> list[dict[str, str]]:
    """The summary's problems, each upload's linked to its own file field (GOV.UK pattern)."""
    by_message = {message: field for field, message in slot_errors.items()}
    problems = []
    for problem in form_problems(form):
        anchor = by_message.get(problem.message) or problem.anchor
        problems.append({"message": problem.message, "href": f"#{anchor}" if anchor else ""})
    return problems


@citizen_required
@require_http_methods(["GET", "POST"])
def draft_review(request: HttpRequest, citizen: Citizen, key: Any) -> HttpResponse:
    """The summary before sending; sending it twice makes one dossier."""
    try:
        current = selectors.draft_get(citizen, key)
    except NotFoundError as exc:
        return _not_found(request, exc)
    form = SupplementForm(request.POST if request.method == "POST" else None)  # summary only
    fixes: list[dict[str, str]] = []
    if request.method == "POST":
        form.is_valid()
        try:
            dossier = services.draft_submit(draft=current, citizen=citizen)
        except ApplicationError as exc:
            add_application_error(form, exc)
            # Each problem is fixed on the draft page: link it to its field there.
            page = reverse("citizens:draft", args=[current.key])
            fixes = [
                {
                    "message": p["message"],
                    "href": _draft_anchor(page, p.get("field", "")),
                }
                for p in exc.extra.get("errors") or [{"message": exc.message}]
            ]
        else:
            return redirect("citizens:dossier", code=dossier.code)
    elif current.dossier_id is not None:
        return redirect("citizens:dossier", code=current.dossier.code)  # type: ignore[union-attr]
    return render(
        request,
        "citizens/draft_review.html",
        {
            "form": form,
            "draft": current,
            "slots": _slots(current),
            "missing": services.draft_missing(current),
            "fixes": fixes,
        },
    )


def _my_dossier(citizen: Citizen, code: str) -> selectors.MyDossier:
    for row in selectors.my_dossiers(citizen):
        if row.dossier.code == code:
            return row
    raise NotFoundError(_("There is no such dossier among yours."))


@citizen_required
@require_http_methods(["GET", "POST"])
def dossier(request: HttpRequest, citizen: Citizen, code: str) -> HttpResponse:
    try:
        row = _my_dossier(citizen, code)
    except NotFoundError as exc:
        return _not_found(request, exc)
    form = SupplementForm(request.POST or None)
    lines = list(row.dossier.documents.all().order_by("order"))
    if request.method == "POST" and form.is_valid():
        files = {
            line.required_document_id: request.FILES[f"doc_{line.required_document_id}"]
            for line in lines
            if line.required_document_id and f"doc_{line.required_document_id}" in request.FILES
        }
        try:
            services.supplement_answer(
                citizen=citizen, dossier=row.dossier, files=files, note=form.cleaned_data["note"]
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            return redirect("citizens:dossier", code=code)
    can_answer = row.pause is not None and not hasattr(row.pause, "online_answer")
    return render(
        request,
        "citizens/dossier.html",
        {
            "row": row,
            "dossier": row.dossier,
            "lines": lines,
            "attachments": selectors.dossier_attachments(row.dossier),
            "form": form,
            "can_answer": can_answer and row.dossier.status == "awaiting_supplement",
        },
    )


def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Serve a file to its applicant or to staff entitled to its dossier; 404 to anyone else."""
    if not request.user.is_authenticated:
        return redirect(
            f"{reverse('citizens:sign_in')}?{urlencode({'next': request.get_full_path()})}"
        )
    try:
        found = selectors.attachment_for_user(request.user, pk)
    except NotFoundError as exc:
        return _not_found(request, exc)
    return attachment_response(found, inline=request.GET.get("view") == "1")


@login_required
@require_http_methods(["GET", "POST"])
def digitise(request: HttpRequest, code: str) -> HttpResponse:
    """The intake officer attaches scans to each document line and the result."""
    try:
        found = dossier_get_for_user(request.user, code)
    except NotFoundError as exc:
        return _not_found(request, exc)
    allowed = services.can_digitise(request.user, found)
    form = ScanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["document"]
        try:
            services.scan_attach(
                actor=request.user,
                dossier=found,
                file=form.cleaned_data["file"],
                document_id=int(raw) if raw and raw.isdigit() else None,
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            return redirect("citizens:digitise", code=code)
    attachments = selectors.dossier_attachments(found)
    lines = [
        {"line": line, "files": [a for a in attachments if a.document_id == line.pk]}
        for line in found.documents.all().order_by("order")
    ]
    return render(
        request,
        "citizens/digitise.html",
        {
            "dossier": found,
            "lines": lines,
            "results": [a for a in attachments if a.kind == "result"],
            "form": form,
            "allowed": allowed,
        },
        status=200 if allowed or request.method == "GET" else 403,
    )


def is_citizen(request: HttpRequest) -> bool:
    """A signed-in citizen sees the public menu only (core.menu).

    Staff with roles are answered from the roles the menu loads anyway: no query.
    """
    if UserRoles.for_request(request):
        return False
    return selectors.citizen_of(request.user) is not None


def may_see_digitisation(request: HttpRequest) -> bool:
    """Intake officers and centre directors see the digitisation shares."""
    return UserRoles.for_request(request).holds_any(INTAKE_ROLES)


@login_required
def digitisation(request: HttpRequest) -> HttpResponse:
    """Share of paper dossiers with scans per desk, this month by default (desk staff)."""
    if not may_see_digitisation(request):
        return _not_found(request, NotFoundError(_("This page is for staff.")))
    today = timezone.localdate(clock.now())
    start = today.replace(day=1)
    try:
        start = (
            date.fromisoformat(request.GET.get("from", "")) if request.GET.get("from") else start
        )
        end = date.fromisoformat(request.GET.get("to", "")) if request.GET.get("to") else today
    except ValueError:
        start, end = today.replace(day=1), today
    if end < start or end - start > timedelta(days=366):
        start, end = today.replace(day=1), today
    return render(
        request,
        "citizens/digitisation.html",
        {"rows": selectors.digitisation_shares(start, end), "start": start, "end": end},
    )
