"""PAKN pages: send and follow feedback on the portal; receive, assign, answer, publish at the office."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.core.http import private_no_store
from motcua.core.ratelimit import rate_limit_hit
from motcua.feedback.constants import STAFF_PAKN_CHANNELS, PaknChannel, PaknKind, PaknStatus
from motcua.feedback.forms import (
    PaknAnswerForm,
    PaknAssignForm,
    PaknForm,
    PaknStaffForm,
    apply_error,
)
from motcua.feedback.models import Pakn
from motcua.feedback.selectors import units_held, units_in_scope
from motcua.feedback.services.common import director_roles, holds_any
from motcua.feedback.services.pakn import (
    Sender,
    pakn_answer,
    pakn_assign,
    pakn_from_token,
    pakn_publish,
    pakn_rate_answer,
    pakn_submit,
    pakn_token,
)
from motcua.org.models import Unit


def _sender(data: dict[str, Any]) -> Sender:
    return Sender(
        name=data["sender_name"],
        phone=data["sender_phone"],
        email=data["sender_email"],
        address=data["sender_address"],
    )


@private_no_store
@require_http_methods(["GET", "POST"])
def pakn_new(request: HttpRequest) -> HttpResponse:
    """Send feedback from the portal, with or without an account (honeypot + rate limit)."""
    form = PaknForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if rate_limit_hit(
            "feedback.pakn", request, limit=settings.MOTCUA_FEEDBACK_PUBLIC_PER_HOUR, window=3600
        ):
            form.add_error(
                None, _("Too many messages from this connection. Please try again later.")
            )
            return render(request, "feedback/pakn_new.html", {"form": form}, status=429)
        if form.is_valid():
            if form.cleaned_data["website"]:
                return render(request, "feedback/pakn_sent.html", {"pakn": None})
            signed_in = request.user.is_authenticated
            try:
                pakn = pakn_submit(
                    channel=PaknChannel.PORTAL_ACCOUNT if signed_in else PaknChannel.PORTAL,
                    sender=_sender(form.cleaned_data),
                    title=form.cleaned_data["title"],
                    content=form.cleaned_data["content"],
                    consent_publish=form.cleaned_data["consent_publish"],
                    actor=request.user,
                    dossier_code=form.cleaned_data["dossier_code"],
                    files=[form.cleaned_data["attachment"]],
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                return render(
                    request,
                    "feedback/pakn_sent.html",
                    {
                        "pakn": pakn,
                        "track": reverse("feedback:pakn_track", args=[pakn_token(pakn)]),
                    },
                )
    return render(
        request, "feedback/pakn_new.html", {"form": form}, status=400 if form.errors else 200
    )


@private_no_store
@require_http_methods(["GET", "POST"])
def pakn_track(request: HttpRequest, token: str) -> HttpResponse:
    """The sender's page: status, the answer, and the rating of the answer."""
    try:
        pakn = pakn_from_token(token)
    except ApplicationError as exc:
        return render(request, "feedback/rate_closed.html", {"message": exc.message}, status=400)
    error = ""
    if request.method == "POST":
        try:
            pakn = pakn_rate_answer(
                token=token, rating=request.POST.get("rating", ""), actor=request.user
            )
        except ApplicationError as exc:
            error = exc.message
    return render(
        request,
        "feedback/pakn_track.html",
        {"pakn": pakn, "error": error},
        status=400 if error else 200,
    )


@require_GET
def pakn_published(request: HttpRequest) -> HttpResponse:
    """Published questions and answers (no sender's name or contact)."""
    rows = (
        Pakn.objects.filter(status=PaknStatus.PUBLISHED)
        .select_related("unit")
        .only("code", "title", "content", "answer", "published_at", "unit__name", "kind")
        .order_by("-published_at")[:50]
    )
    return render(request, "feedback/pakn_published.html", {"rows": rows})


def _pakn_for_staff(user: Any, pk: int) -> Pakn | None:
    """Return the PAKN a director may see: assigned within their units, or not yet assigned
    and either about a dossier of their units or, without a dossier, for the triage desk."""
    pakn = (
        Pakn.objects.select_related("unit", "dossier__receiving_unit", "dossier__agency")
        .filter(pk=pk)
        .first()
    )
    if pakn is None:
        return None
    if pakn.unit is not None:
        return pakn if holds_any(user, director_roles(), pakn.unit) else None
    if pakn.dossier is not None:
        units = (pakn.dossier.receiving_unit, pakn.dossier.agency)
        return pakn if any(holds_any(user, director_roles(), u) for u in units) else None
    return pakn if _triage_units(user) else None


def _triage_units(user: Any) -> list[Unit]:
    """The units where ``user`` holds a role of MOTCUA_PAKN_TRIAGE_ROLES."""
    return units_held(user, settings.MOTCUA_PAKN_TRIAGE_ROLES)


@login_required
def pakn_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    """Serve a PAKN's attachment to the staff who may see the PAKN; 404 to anyone else."""
    pakn = _pakn_for_staff(request.user, pk)
    found = pakn.attachments.filter(pk=file_pk).first() if pakn is not None else None
    if found is None:
        return render(
            request,
            "feedback/message.html",
            {"message": _("This file does not exist.")},
            status=404,
        )
    response = FileResponse(
        default_storage.open(found.file, "rb"),
        content_type=found.content_type,
        as_attachment=True,
        filename=found.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@private_no_store
def pakn_list(request: HttpRequest) -> HttpResponse:
    """PAKN of the user's units; unassigned ones about their dossiers, or for the triage desk."""
    scope = units_in_scope(request.user, director_roles())
    about_my_dossiers = Q(dossier__receiving_unit__in=scope) | Q(dossier__agency__in=scope)
    query = Q(unit__in=scope) | Q(unit__isnull=True) & about_my_dossiers
    if _triage_units(request.user):
        query |= Q(unit__isnull=True, dossier__isnull=True)
    status = request.GET.get("trang-thai", "")
    rows = Pakn.objects.filter(query).select_related("unit").order_by("-received_at")
    if status in PaknStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "feedback/pakn_list.html",
        {
            "rows": rows[:200],
            "now": clock.now(),
            "statuses": PaknStatus.choices,
            "status": status,
            "units": units_held(request.user, director_roles()),
            "quarter": _quarter(clock.localdate()),
        },
    )


def _quarter(day: Any) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@login_required
@private_no_store
@require_http_methods(["GET", "POST"])
def pakn_enter(request: HttpRequest) -> HttpResponse:
    """Staff enter a letter, a hotline call or a remark made at the counter."""
    units = units_held(request.user, ["intake_officer", *director_roles()])
    form = PaknStaffForm(request.POST or None, request.FILES or None)
    form.fields["channel"].choices = [(c.value, c.label) for c in STAFF_PAKN_CHANNELS]  # type: ignore[attr-defined]
    form.fields["unit"].choices = [(str(u.pk), u.name) for u in units]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        unit = next(u for u in units if str(u.pk) == form.cleaned_data["unit"])
        try:
            pakn = pakn_submit(
                channel=form.cleaned_data["channel"],
                sender=_sender(form.cleaned_data),
                title=form.cleaned_data["title"],
                content=form.cleaned_data["content"],
                consent_publish=form.cleaned_data["consent_publish"],
                actor=request.user,
                unit=unit,
                dossier_code=form.cleaned_data["dossier_code"],
                files=[form.cleaned_data["attachment"]],
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            return HttpResponseRedirect(reverse("feedback:pakn_detail", args=[pakn.pk]))
    return render(
        request, "feedback/pakn_enter.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@private_no_store
@require_http_methods(["GET", "POST"])
def pakn_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Classify and assign, answer, publish."""
    pakn = _pakn_for_staff(request.user, pk)
    if pakn is None:
        return render(
            request,
            "feedback/message.html",
            {"message": _("This feedback does not exist.")},
            status=404,
        )
    scope = list(units_in_scope(request.user, director_roles()).order_by("name"))
    assign = PaknAssignForm(request.POST if "assign" in request.POST else None)
    assign.fields["kind"].choices = PaknKind.choices  # type: ignore[attr-defined]
    assign.fields["unit"].choices = [(str(u.pk), u.name) for u in scope]  # type: ignore[attr-defined]
    answer = PaknAnswerForm(request.POST if "send_answer" in request.POST else None)
    error = ""
    if request.method == "POST":
        try:
            if "assign" in request.POST and assign.is_valid():
                unit = next(u for u in scope if str(u.pk) == assign.cleaned_data["unit"])
                pakn_assign(
                    pakn=pakn,
                    actor=request.user,
                    kind=assign.cleaned_data["kind"],
                    unit=unit,
                    dossier_code=assign.cleaned_data["dossier_code"],
                )
            elif "send_answer" in request.POST and answer.is_valid():
                pakn_answer(pakn=pakn, actor=request.user, answer=answer.cleaned_data["answer"])
            elif "publish" in request.POST:
                pakn_publish(pakn=pakn, actor=request.user)
            else:
                raise ApplicationError(_("Correct the form."), code="invalid")
        except ApplicationError as exc:
            error = exc.message
            apply_error(assign if "assign" in request.POST else answer, exc)
        else:
            return HttpResponseRedirect(reverse("feedback:pakn_detail", args=[pakn.pk]))
    return render(
        request,
        "feedback/pakn_detail.html",
        {"pakn": pakn, "assign": assign, "answer": answer, "error": error},
        status=400 if error else 200,
    )
