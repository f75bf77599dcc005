"""Pages of the judged contest: the judge's sheets, the organiser's round, the results.

Thin: each view parses its form, calls one service or selector and renders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.contests import selectors, services
from motcua.contests.excel import XLSX, round_workbook
from motcua.contests.forms import (
    AssignJudgeForm,
    ContestForm,
    CriterionForm,
    PerformanceForm,
    PrizeForm,
    ReopenForm,
    RoundForm,
    SheetForm,
    TeamForm,
    WithdrawForm,
)
from motcua.contests.models import RoundStatus, ScoreSheet
from motcua.contests.printing import certificate_filename, certificate_pdf_bytes
from motcua.contests.scoring import points_text
from motcua.core import clock
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
    if request.method == "POST" and request.headers.get("X-Motcua-Autosave"):
        return _autosave(request, view)
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


def _autosave(request: HttpRequest, view: Any) -> JsonResponse:
    """Save the draft sent by the page's script; answer in JSON (never a redirect)."""
    form = SheetForm(request.POST, criteria=view.criteria)
    if not form.is_valid():
        errors = [{"field": f, "message": str(m)} for f, ms in form.errors.items() for m in ms]
        return JsonResponse({"errors": errors}, status=400)
    try:
        sheet = services.sheet_save(
            judge=request.user,
            performance=view.performance,
            points=form.points(),
            comment=form.cleaned_data["comment"],
        )
    except ApplicationError as exc:
        errors = exc.extra.get("errors") or [{"field": "", "message": exc.message}]
        return JsonResponse({"code": exc.code, "errors": errors}, status=exc.status)
    return JsonResponse(
        {"saved": True, "at": timezone.localtime(sheet.updated_at).strftime("%H:%M:%S")}
    )


# --- organiser -----------------------------------------------------------------------------------


def _run_actions(
    request: HttpRequest, actions: dict[str, tuple[Any, Callable[[Any], str]]]
) -> tuple[str, str]:
    """Run the posted action with its form; return (confirmation, problem without a form).

    ``actions`` maps an action name to (bound form or None, function of the
    valid form returning the confirmation). The service's errors go on the form.
    """
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if not action:
        return "", ""
    if action not in actions:
        return "", _("Unknown action.")
    form, run = actions[action]
    if form is not None and not form.is_valid():
        return "", ""
    try:
        return run(form), ""
    except ApplicationError as exc:
        if form is None:
            return "", exc.message
        _apply_errors(form, exc)
        return "", ""


def _bound(request: HttpRequest, action: str) -> Any:
    return (
        request.POST if request.method == "POST" and request.POST.get("action") == action else None
    )


@require_http_methods(["GET", "POST"])
@login_required
def organiser_home(request: HttpRequest) -> HttpResponse:
    """The contests the user organises, and a new one."""
    units = selectors.organiser_units(request.user)
    if not units:
        return _message(request, _("Only the organisers of a contest open this page."), 403)
    form = ContestForm(_bound(request, "contest"), units=units, initial={"year": clock.now().year})

    created: list[Any] = []

    def create(valid: ContestForm) -> str:
        created.append(services.contest_create(actor=request.user, **valid.cleaned_data))
        return _("The contest is created.")

    done, problem = _run_actions(request, {"contest": (form, create)})
    if done:
        messages.success(request, done)
        return HttpResponseRedirect(reverse("contests:organiser_contest", args=[created[0].pk]))
    contests = list(selectors.organiser_contests(request.user))
    return render(
        request,
        "contests/organiser_home.html",
        {"contests": contests, "form": form, "problem": problem},
        status=400 if (form.errors or problem) else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def organiser_contest(request: HttpRequest, contest_id: int) -> HttpResponse:
    """A contest's rounds and teams, and forms to add them."""
    try:
        contest = selectors.contest_get_for_organiser(request.user, contest_id)
    except NotFoundError as exc:
        return _message(request, exc.message, 404)
    round_form = RoundForm(_bound(request, "round"))
    team_form = TeamForm(_bound(request, "team"), contest=contest)

    def add_round(valid: RoundForm) -> str:
        services.round_create(actor=request.user, contest=contest, **valid.cleaned_data)
        return _("The round is added.")

    def add_team(valid: TeamForm) -> str:
        services.team_create(
            actor=request.user,
            contest=contest,
            name=valid.cleaned_data["name"],
            unit=valid.cleaned_data["unit"],
            members=valid.member_list(),
        )
        return _("The team is added.")

    done, problem = _run_actions(
        request, {"round": (round_form, add_round), "team": (team_form, add_team)}
    )
    if done:
        messages.success(request, done)
        return HttpResponseRedirect(request.path)
    return render(
        request,
        "contests/organiser_contest.html",
        {
            "contest": contest,
            "rounds": list(contest.rounds.order_by("order")),
            "teams": list(contest.teams.select_related("unit").prefetch_related("members")),
            "round_form": round_form,
            "team_form": team_form,
            "problem": problem,
        },
        status=400 if (round_form.errors or team_form.errors or problem) else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def organiser_round(request: HttpRequest, round_id: int) -> HttpResponse:
    """The organiser's round: set-up while preparing, judges, progress, reopen, open, publish."""
    try:
        round_ = selectors.round_get_for_organiser(request.user, round_id)
    except NotFoundError as exc:
        return _message(request, exc.message, 404)
    contest = round_.contest
    assigned = list(round_.judges.values_list("judge_id", flat=True))
    forms_ = {
        "assign": AssignJudgeForm(_bound(request, "assign"), contest=contest, exclude=assigned),
        "reopen": ReopenForm(_bound(request, "reopen")),
        "withdraw": WithdrawForm(_bound(request, "withdraw")),
        "criterion": CriterionForm(_bound(request, "criterion")),
        "performance": PerformanceForm(_bound(request, "performance"), contest=contest),
        "prize": PrizeForm(_bound(request, "prize")),
    }
    user = request.user
    progress_judges = [a.judge for a in round_.judges.select_related("judge")]

    def assign(valid: AssignJudgeForm) -> str:
        services.judge_assign(actor=user, round_=round_, judge=valid.cleaned_data["judge"])
        return _("The judge is assigned.")

    def unassign(_form: None) -> str:
        judge = next(
            (j for j in progress_judges if str(j.pk) == request.POST.get("judge", "")), None
        )
        if judge is None:
            raise NotFoundError(_("This judge is not assigned to the round."))
        services.judge_unassign(actor=user, round_=round_, judge=judge)
        return _("The judge is withdrawn from the round.")

    def reopen(valid: ReopenForm) -> str:
        sheet = (
            ScoreSheet.objects.select_related("performance__round__contest")
            .filter(pk=valid.cleaned_data["sheet"], performance__round=round_)
            .first()
        )
        if sheet is None:
            raise NotFoundError(_("The score sheet does not exist."))
        services.sheet_reopen(actor=user, sheet=sheet, reason=valid.cleaned_data["reason"])
        return _("The sheet is reopened; the judge has been told why.")

    def criterion(valid: CriterionForm) -> str:
        services.criterion_add(actor=user, round_=round_, **valid.cleaned_data)
        return _("The criterion is added.")

    def performance(valid: PerformanceForm) -> str:
        services.performance_add(actor=user, round_=round_, **valid.cleaned_data)
        return _("The performance is added.")

    def prize(valid: PrizeForm) -> str:
        services.prize_add(actor=user, round_=round_, **valid.cleaned_data)
        return _("The prize is added.")

    def open_round(_form: None) -> str:
        services.round_open(actor=user, round_=round_)
        return _("The round is open for scoring.")

    def publish(_form: None) -> str:
        services.round_publish(actor=user, round_=round_)
        return _("The results are published.")

    def withdraw(valid: WithdrawForm) -> str:
        services.round_withdraw_results(
            actor=user, round_=round_, reason=valid.cleaned_data["reason"]
        )
        return _("The results are withdrawn. Reopen the sheets to correct, then publish again.")

    done, problem = _run_actions(
        request,
        {
            "withdraw": (forms_["withdraw"], withdraw),
            "assign": (forms_["assign"], assign),
            "reopen": (forms_["reopen"], reopen),
            "criterion": (forms_["criterion"], criterion),
            "performance": (forms_["performance"], performance),
            "prize": (forms_["prize"], prize),
            "unassign": (None, unassign),
            "open": (None, open_round),
            "publish": (None, publish),
        },
    )
    if done:
        messages.success(request, done)
        return HttpResponseRedirect(request.path)
    progress = selectors.round_progress(round_)
    breakdown: list[tuple[Any, list[Any]]] = []
    if round_.status == RoundStatus.PUBLISHED:
        parts = selectors.round_breakdown(round_)
        _published, results = selectors.round_results(round_.pk)
        breakdown = [(result, parts.get(result.team_id, [])) for result in results]
    failed = any(form.errors for form in forms_.values()) or bool(problem)
    return render(
        request,
        "contests/organiser_round.html",
        {
            "round": round_,
            "progress": progress,
            **{f"{name}_form": form for name, form in forms_.items()},
            "problem": problem,
            "breakdown": breakdown,
            "criteria": list(round_.criteria.select_related("kind")),
            "prizes": list(round_.prizes.all()),
        },
        status=400 if failed else 200,
    )


@require_GET
@login_required
def organiser_round_xlsx(request: HttpRequest, round_id: int) -> HttpResponse:
    """The published round's score table as Excel, for the organiser."""
    try:
        round_ = selectors.round_get_for_organiser(request.user, round_id)
        _published, results = selectors.round_results(round_id)
    except NotFoundError as exc:
        return _message(request, exc.message, 404)
    response = HttpResponse(round_workbook(round_, results), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="tong-hop-diem-vong-{round_.pk}.xlsx"'
    return response


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
    parts = selectors.round_breakdown(round_)
    rows = [(result, parts.get(result.team_id, [])) for result in results]
    return render(request, "contests/public_results.html", {"round": round_, "rows": rows})


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
