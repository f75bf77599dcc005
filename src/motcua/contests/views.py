"""Pages of the judged contest: the judge's sheets, the organiser's round, the results.

Thin: each view parses its form, calls one service or selector and renders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.contests import selectors, services
from motcua.contests.forms import AssignJudgeForm, ReopenForm, SheetForm
from motcua.contests.models import RoundStatus, ScoreSheet
from motcua.contests.printing import certificate_filename, certificate_pdf_bytes
from motcua.contests.scoring import points_text
from motcua.core.errors import ApplicationError, NotFoundError


def _message(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "contests/message.html", {"message": message}, status=status)


def _apply_errors(form: Any, exc: ApplicationError) -> None:
    """Put the service's per-field errors on the form's fields, the rest on the form."""
    placed = False
    for error in exc.extra.get("errors", []):
        if error.get("field") in form.fields:
            form.add_error(error["field"], error["message"])
            placed = True
    if not placed:
        form.add_error(None, exc.message)


# --- judge ---------------------------------------------------------------------------------------


@require_GET
@login_required
def judge_home(request: HttpRequest) -> HttpResponse:
    """The judge's landing page: the rounds they judge and the state of each of their sheets."""
    rounds = selectors.judge_rounds(request.user)
    return render(request, "contests/judge_home.html", {"rounds": rounds})


@require_http_methods(["GET", "POST"])
@login_required
def judge_sheet(request: HttpRequest, performance_id: int) -> HttpResponse:
    """One performance at a time: large inputs, saved as given, submitted when complete."""
    try:
        view = selectors.judge_sheet(request.user, performance_id)
    except NotFoundError as exc:
        return _message(request, exc.message, 404)
    round_ = view.performance.round
    open_for_scoring = round_.status == RoundStatus.SCORING
    disabled = view.locked or not open_for_scoring
    initial: dict[str, Any] = {
        f"criterion_{cid}": points_text(points) for cid, points in view.points.items()
    }
    if view.sheet is not None:
        initial["comment"] = view.sheet.comment
    data = request.POST if request.method == "POST" and not disabled else None
    form = SheetForm(data, initial=initial, criteria=view.criteria, disabled=disabled)
    if data is not None and form.is_valid():
        submit = "submit" in request.POST
        try:
            services.sheet_save(
                judge=request.user,
                performance=view.performance,
                points=form.points(),
                comment=form.cleaned_data["comment"],
                submit=submit,
            )
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            if submit:
                messages.success(request, _("The sheet is submitted and locked."))
                target = view.following
                if target is not None:
                    return HttpResponseRedirect(reverse("contests:judge_sheet", args=[target.pk]))
                return HttpResponseRedirect(reverse("contests:judge_home"))
            messages.success(request, _("Saved. You can come back and change it until you submit."))
            return HttpResponseRedirect(request.path)
    return render(
        request,
        "contests/judge_sheet.html",
        {"view": view, "form": form, "round": round_, "open": open_for_scoring},
        status=400 if form.errors else 200,
    )


# --- organiser -----------------------------------------------------------------------------------


@require_GET
@login_required
def organiser_home(request: HttpRequest) -> HttpResponse:
    contests = list(selectors.organiser_contests(request.user))
    if not contests and not request.user.is_superuser:
        return _message(request, _("Only the organisers of a contest open this page."), 403)
    return render(request, "contests/organiser_home.html", {"contests": contests})


@require_http_methods(["GET", "POST"])
@login_required
def organiser_round(request: HttpRequest, round_id: int) -> HttpResponse:
    """The organiser's round: judges, progress of the sheets, reopen, open and publish."""
    try:
        round_ = selectors.round_get_for_organiser(request.user, round_id)
    except NotFoundError as exc:
        return _message(request, exc.message, 404)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    assigned = list(round_.judges.values_list("judge_id", flat=True))
    assign_form = AssignJudgeForm(
        request.POST if action == "assign" else None, contest=round_.contest, exclude=assigned
    )
    reopen_form = ReopenForm(request.POST if action == "reopen" else None)
    problem = ""
    if action:
        try:
            done = _organiser_action(request, round_, action, assign_form, reopen_form)
        except ApplicationError as exc:
            if action == "assign":
                _apply_errors(assign_form, exc)
            elif action == "reopen":
                _apply_errors(reopen_form, exc)
            else:
                problem = exc.message
        else:
            if done:
                messages.success(request, done)
                return HttpResponseRedirect(request.path)
    progress = selectors.round_progress(round_)
    status = 400 if (assign_form.errors or reopen_form.errors or problem) else 200
    return render(
        request,
        "contests/organiser_round.html",
        {
            "round": round_,
            "progress": progress,
            "assign_form": assign_form,
            "reopen_form": reopen_form,
            "problem": problem,
            "criteria": list(round_.criteria.select_related("kind")),
            "prizes": list(round_.prizes.all()),
        },
        status=status,
    )


def _organiser_action(
    request: HttpRequest,
    round_: Any,
    action: str,
    assign_form: AssignJudgeForm,
    reopen_form: ReopenForm,
) -> str:
    """Run the posted action; return the confirmation, or "" when the form has errors."""
    if action == "assign":
        if not assign_form.is_valid():
            return ""
        services.judge_assign(
            actor=request.user, round_=round_, judge=assign_form.cleaned_data["judge"]
        )
        return _("The judge is assigned.")
    if action == "reopen":
        if not reopen_form.is_valid():
            return ""
        sheet = (
            ScoreSheet.objects.select_related("performance__round__contest")
            .filter(pk=reopen_form.cleaned_data["sheet"], performance__round=round_)
            .first()
        )
        if sheet is None:
            raise NotFoundError(_("The score sheet does not exist."))
        services.sheet_reopen(
            actor=request.user, sheet=sheet, reason=reopen_form.cleaned_data["reason"]
        )
        return _("The sheet is reopened; the judge has been told why.")
    if action == "open":
        services.round_open(actor=request.user, round_=round_)
        return _("The round is open for scoring.")
    if action == "publish":
        services.round_publish(actor=request.user, round_=round_)
        return _("The results are published.")
    raise ApplicationError(_("Unknown action."), code="unknown_action")


# --- public --------------------------------------------------------------------------------------


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "contests/public_list.html", {"rounds": list(selectors.published_rounds())}
    )


@require_GET
def public_results(request: HttpRequest, round_id: int) -> HttpResponse:
    try:
        round_, results = selectors.round_results(round_id)
    except NotFoundError as exc:
        return _message(request, exc.message, 404)
    return render(request, "contests/public_results.html", {"round": round_, "results": results})


@require_GET
def certificate_pdf(request: HttpRequest, result_id: int) -> HttpResponse:
    """The certificate of a prize of a published round, as a PDF."""
    try:
        result = selectors.result_for_certificate(result_id)
    except NotFoundError as exc:
        return _message(request, exc.message, 404)
    response = HttpResponse(certificate_pdf_bytes(result), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate_filename(result)}"'
    return response
