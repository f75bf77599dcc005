"""Pages of the feedback app: the counter kiosk, the rating link, the officer's side.

Thin: each view parses its form, calls one service and renders; the
services refuse what breaks a rule with a message shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.core import clock
from motcua.core.errors import ApplicationError, NotFoundError
from motcua.core.http import private_no_store
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_scope_q
from motcua.feedback import services
from motcua.feedback.constants import FollowUpStatus, KioskSessionStatus
from motcua.feedback.forms import EvaluationForm, FollowUpForm, KioskCreateForm, PairForm
from motcua.feedback.models import Evaluation, FollowUp, Kiosk
from motcua.feedback.selectors import units_held, units_in_scope
from motcua.feedback.services.account import account_dossier
from motcua.feedback.services.account import account_rate as account_rate_service
from motcua.feedback.services.common import director_roles, holds_any, scheme_in_force
from motcua.feedback.services.kiosk import (
    DESK_ROLES,
    kiosk_session_for_officer,
    kiosks_for_officer,
)

KIOSK_COOKIE = "motcua_kiosk"
KIOSK_PATH = "/danh-gia/may/"
KIOSK_COOKIE_AGE = 365 * 24 * 3600
IDLE_REFRESH = 3
THANKS_SECONDS = 6


def _status(exc: ApplicationError) -> int:
    return exc.status


# --- The kiosk (public, on the tablet) ---------------------------------------------------------


@private_no_store
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest) -> HttpResponse:
    """The tablet's one page: pair it, wait, show the rating buttons, thank, reset."""
    device = services.kiosk_from_secret(request.COOKIES.get(KIOSK_COOKIE))
    if device is None:
        return _kiosk_pair(request)
    error = ""
    status = 200
    if request.method == "POST":
        session_id = request.POST.get("session", "")
        form = EvaluationForm(request.POST, scheme=scheme_in_force())
        if form.is_valid() and session_id.isdigit():
            try:
                services.kiosk_rate(
                    kiosk=device,
                    session_id=int(session_id),
                    level=form.cleaned_data["level"],
                    scores=form.cleaned_data["scores"],
                    comment=form.cleaned_data["comment"],
                    actor=request.user,
                )
            except ApplicationError as exc:
                error, status = exc.message, _status(exc)
            else:
                return render(
                    request,
                    "feedback/kiosk_thanks.html",
                    {"kiosk": device, "refresh": THANKS_SECONDS},
                )
        elif not error:
            error = _("Choose how satisfied you are.")
            status = 400
    session = services.kiosk_current(device)
    if session is None:
        return render(
            request,
            "feedback/kiosk_idle.html",
            {"kiosk": device, "refresh": IDLE_REFRESH, "error": error},
            status=status,
        )
    remaining = max(1, int((session.expires_at - clock.now()).total_seconds()))
    return render(
        request,
        "feedback/kiosk_rate.html",
        {
            "kiosk": device,
            "session": session,
            # The procedure only: nothing that names or identifies the applicant.
            "procedure_name": session.dossier.procedure_version.name,
            "form": EvaluationForm(scheme=scheme_in_force()),
            "refresh": remaining,
            "error": error,
        },
        status=status,
    )


def _kiosk_pair(request: HttpRequest) -> HttpResponse:
    form = PairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _kiosk, secret = services.kiosk_pair(code=form.cleaned_data["code"])
        except ApplicationError as exc:
            form.add_error("code", exc.message)
        else:
            response = HttpResponseRedirect(KIOSK_PATH)
            response.set_cookie(
                KIOSK_COOKIE,
                secret,
                max_age=KIOSK_COOKIE_AGE,
                path=KIOSK_PATH,
                secure=request.is_secure(),
                httponly=True,
                samesite="Strict",
            )
            return response
    return render(
        request,
        "feedback/kiosk_pair.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# --- The rating link (public) ------------------------------------------------------------------


@private_no_store
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """Rate a returned dossier through the signed link of the return message."""
    try:
        invite = services.invite_open(token)
    except ApplicationError as exc:
        return _rating_closed(request, exc)
    return _rating_page(
        request,
        invite.dossier.procedure_version.name,
        lambda **answer: services.invite_rate(token=token, actor=request.user, **answer),
    )


def _rating_closed(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return render(request, "feedback/rate_closed.html", {"message": exc.message}, status=exc.status)


def _rating_page(
    request: HttpRequest, procedure_name: str, submit: Callable[..., object]
) -> HttpResponse:
    """The rating form of every citizen path: ``submit(level=, scores=, comment=)`` records it."""
    form = EvaluationForm(request.POST or None, scheme=scheme_in_force())
    if request.method == "POST" and form.is_valid():
        try:
            submit(
                level=form.cleaned_data["level"],
                scores=form.cleaned_data["scores"],
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return render(request, "feedback/rate_done.html")
    return render(
        request,
        "feedback/rate.html",
        {"form": form, "procedure_name": procedure_name},
        status=400 if form.errors else 200,
    )


# --- The officer's side -----------------------------------------------------------------------


def _dossier_for_officer(request: HttpRequest, pk: int) -> Dossier:
    dossier = (
        Dossier.objects.filter(dossier_scope_q(request.user))
        .select_related("receiving_unit", "procedure_version")
        .filter(pk=pk)
        .first()
    )
    if dossier is None:
        raise NotFoundError(_("The dossier does not exist."))
    return dossier


@login_required
@private_no_store
@require_http_methods(["GET", "POST"])
def kiosk_send(request: HttpRequest, pk: int) -> HttpResponse:
    """From the return screen: send the returned dossier to one of the desk's kiosks."""
    try:
        dossier = _dossier_for_officer(request, pk)
    except NotFoundError as exc:
        return render(request, "feedback/message.html", {"message": exc.message}, status=404)
    kiosks = kiosks_for_officer(request.user, dossier)
    error = ""
    if request.method == "POST":
        chosen = next((k for k in kiosks if str(k.pk) == request.POST.get("kiosk")), None)
        target = chosen or Kiosk.objects.filter(pk=_int(request.POST.get("kiosk"))).first()
        if target is None:
            error = _("Choose the kiosk of your counter.")
        else:
            try:
                session = services.kiosk_send(kiosk=target, dossier=dossier, actor=request.user)
            except ApplicationError as exc:
                error = exc.message
            else:
                return HttpResponseRedirect(reverse("feedback:kiosk_session", args=[session.pk]))
    rated = Evaluation.objects.filter(dossier=dossier).first()
    return render(
        request,
        "feedback/kiosk_send.html",
        {"dossier": dossier, "kiosks": kiosks, "error": error, "rated": rated},
        status=400 if error else 200,
    )


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


@login_required
@private_no_store
def kiosk_session(request: HttpRequest, pk: int) -> HttpResponse:
    """The officer's view of a kiosk session: waiting, then rated (it refreshes itself)."""
    try:
        session = kiosk_session_for_officer(session_id=pk, actor=request.user)
    except NotFoundError as exc:
        return render(request, "feedback/message.html", {"message": exc.message}, status=404)
    evaluation = Evaluation.objects.filter(dossier_id=session.dossier_id).first()
    return render(
        request,
        "feedback/kiosk_session.html",
        {
            "session": session,
            "evaluation": evaluation,
            "pending": session.status == KioskSessionStatus.PENDING,
            "refresh": IDLE_REFRESH,
        },
    )


@login_required
@private_no_store
@require_http_methods(["GET", "POST"])
def kiosk_admin(request: HttpRequest) -> HttpResponse:
    """The desk's kiosks: add one, show a pairing code for a tablet."""
    roles = [*DESK_ROLES, *director_roles()]
    units = units_held(request.user, roles)
    form = KioskCreateForm(request.POST or None)
    form.fields["unit"].choices = [(str(u.pk), u.name) for u in units]  # type: ignore[attr-defined]
    code = ""
    paired: Kiosk | None = None
    if request.method == "POST":
        try:
            if "pair" in request.POST:
                paired = Kiosk.objects.select_related("unit").get(pk=_int(request.POST["pair"]))
                code = services.kiosk_pairing_start(kiosk=paired, actor=request.user)
            elif form.is_valid():
                unit = next(u for u in units if str(u.pk) == form.cleaned_data["unit"])
                services.kiosk_create(unit=unit, name=form.cleaned_data["name"], actor=request.user)
                return HttpResponseRedirect(reverse("feedback:kiosk_admin"))
        except (ApplicationError, Kiosk.DoesNotExist) as exc:
            form.add_error(None, getattr(exc, "message", _("The kiosk does not exist.")))
    scope = units_in_scope(request.user, roles)
    kiosks = Kiosk.objects.select_related("unit").filter(unit__in=scope).order_by("unit", "name")
    return render(
        request,
        "feedback/kiosk_admin.html",
        {"form": form, "kiosks": kiosks, "code": code, "paired": paired, "units": units},
        status=400 if form.errors else 200,
    )


@login_required
@private_no_store
def follow_ups(request: HttpRequest) -> HttpResponse:
    """The director's follow-ups of unhappy ratings, open first, overdue marked."""
    scope = units_in_scope(request.user, director_roles())
    rows = (
        FollowUp.objects.filter(unit__in=scope)
        .select_related("evaluation__dossier__procedure_version", "unit")
        .order_by("status", "due_at")[:200]
    )
    return render(
        request,
        "feedback/follow_ups.html",
        {"rows": rows, "now": clock.now(), "closed": FollowUpStatus.CLOSED},
    )


@login_required
@private_no_store
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the contact with the citizen and the outcome."""
    row = (
        FollowUp.objects.select_related("evaluation__dossier__procedure_version", "unit")
        .filter(pk=pk)
        .first()
    )
    if row is None or not holds_any(request.user, director_roles(), row.unit):
        return render(
            request,
            "feedback/message.html",
            {"message": _("The follow-up does not exist.")},
            status=404,
        )
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_record_contact(
                follow_up=row,
                actor=request.user,
                note=form.cleaned_data["note"],
                outcome=form.cleaned_data["outcome"],
                close=form.cleaned_data["close"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return HttpResponseRedirect(reverse("feedback:follow_ups"))
    return render(
        request,
        "feedback/follow_up.html",
        {"row": row, "form": form, "now": clock.now()},
        status=400 if form.errors else 200,
    )


@private_no_store
@require_http_methods(["GET", "POST"])
def account_rate(request: HttpRequest, code: str) -> HttpResponse:
    """The citizen rates their own returned dossier from their account."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("citizens:sign_in") + f"?next={request.path}")
    try:
        dossier = account_dossier(user=request.user, code=code)
        services.evaluation_check_open(dossier)
    except ApplicationError as exc:
        return _rating_closed(request, exc)
    return _rating_page(
        request,
        dossier.procedure_version.name,
        lambda **answer: account_rate_service(user=request.user, code=code, **answer),
    )
