"""Pages of the initiatives registry and the models under /sang-kien/ (reform officers)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.core.errors import ApplicationError
from motcua.dossiers.screens import UserRoles
from motcua.initiatives import conf, lifecycle, selectors, services
from motcua.initiatives.charts import series_chart
from motcua.initiatives.constants import InitiativeStatus, Measure, ModelAction
from motcua.initiatives.effect import model_effect, period_label
from motcua.initiatives.forms import (
    CouncilConcludeForm,
    CouncilForm,
    CouncilScoreForm,
    DecisionForm,
    EvaluateForm,
    InitiativeForm,
    ModelForm,
    RegistrySearchForm,
    RejectForm,
    ReplicateForm,
)
from motcua.initiatives.models import Council, Initiative, InitiativeEvidence
from motcua.org.models import Unit

View = Callable[..., HttpResponseBase]


def is_reform_staff(request: HttpRequest) -> bool:
    """Return whether the signed-in user holds an officer role anywhere (or is a superuser)."""
    if not request.user.is_authenticated:
        return False
    if getattr(request.user, "is_superuser", False):
        return True
    return UserRoles.for_request(request).holds_any(conf.officer_roles())


def reform_staff(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_reform_staff(request):
            return _message(request, _("This page is for reform officers."), 403)
        return view(request, *args, **kwargs)

    return wrapped


def _message(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "initiatives/message.html", {"message": message}, status=status)


@reform_staff
@require_http_methods(["GET"])
def registry(request: HttpRequest) -> HttpResponse:
    """The initiatives registry, searched by title, authors and field."""
    form = RegistrySearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    status = request.GET.get("status", "")
    rows = list(selectors.initiative_list(query=query, status=status)[:200])
    return render(
        request,
        "initiatives/registry.html",
        {
            "form": form,
            "rows": rows,
            "status": status,
            "statuses": InitiativeStatus.choices,
            "models": list(selectors.model_list()[:50]),
        },
    )


@reform_staff
@require_http_methods(["GET"])
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = selectors.initiative_detail(pk)
    if initiative is None:
        return _message(request, _("This initiative does not exist."), 404)
    council = Council.objects.filter(initiative=initiative).first()
    members = list(council.members.order_by("id")) if council else []
    recognition = (
        getattr(initiative, "recognition", None) if initiative.status == "recognised" else None
    )
    return render(
        request,
        "initiatives/initiative_detail.html",
        {
            "initiative": initiative,
            "council": council,
            "members": members,
            "recognition": recognition,
            "may_score": council is not None
            and council.concluded_at is None
            and lifecycle.is_officer(request.user, initiative.unit),
        },
    )


@reform_staff
@require_http_methods(["GET", "POST"])
def council_scoring(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter the members' individual scores and opinions, then conclude."""
    initiative = selectors.initiative_detail(pk)
    council = Council.objects.filter(initiative_id=pk).first() if initiative else None
    if initiative is None or council is None:
        return _message(request, _("This initiative has no council."), 404)
    if not lifecycle.is_officer(request.user, initiative.unit):
        return _message(request, _("You are not a reform officer of this unit."), 403)
    members = list(council.members.order_by("id"))
    data = request.POST if request.method == "POST" else None
    scores = CouncilScoreForm(
        data if data and "save" in data else None, members=members, prefix="s"
    )
    conclude = CouncilConcludeForm(data if data and "conclude" in data else None, prefix="c")
    if request.method == "POST" and "save" in request.POST and scores.is_valid():
        try:
            for member, score, opinion in scores.pairs():
                if str(score.value() or "").strip():
                    try:
                        services.council_score(
                            actor=request.user,
                            member=member,
                            score=score.value(),
                            opinion=str(opinion.value() or ""),
                        )
                    except ApplicationError as exc:
                        if exc.code == "score":
                            scores.add_error(score.name, exc.message)
                        else:
                            raise
            if not scores.errors:
                return HttpResponseRedirect(request.path)
        except ApplicationError as exc:
            scores.add_error(None, exc.message)
    if request.method == "POST" and "conclude" in request.POST and conclude.is_valid():
        try:
            services.council_conclude(
                actor=request.user, council=council, opinion=conclude.cleaned_data["opinion"]
            )
        except ApplicationError as exc:
            conclude.add_error(None, exc.message)
        else:
            return HttpResponseRedirect(initiative.get_absolute_url())
    council.refresh_from_db()
    return render(
        request,
        "initiatives/council.html",
        {
            "initiative": initiative,
            "council": council,
            "scores": scores,
            "conclude": conclude,
        },
        status=400 if scores.errors or conclude.errors else 200,
    )


@reform_staff
@require_http_methods(["GET"])
def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A model's page: its status and adopters, its measured effect, where to replicate next."""
    model = selectors.model_detail(pk)
    if model is None:
        return _message(request, _("This model does not exist."), 404)
    result = model_effect(model)
    series = result.series
    chart = series_chart(
        series,
        title=_("On-time rate (%) of the model's procedures, by month"),
        adopters=_("Adopting units"),
        others=_("Other units"),
    )
    rows = [
        {
            "label": period_label(t),
            "adopters": a,
            "others": o,
        }
        for t, a, o in zip(series.periods, series.adopters, series.others, strict=True)
    ]
    return render(
        request,
        "initiatives/model_detail.html",
        {
            "model": model,
            "recognition": selectors.recognition_of(model),
            "effect": result,
            "estimates": [(Measure(e.measure).label, e) for e in result.estimates],
            "chart": chart,
            "chart_rows": rows,
            "actions": [
                (action, ModelAction(action).label)
                for action in lifecycle.actions_for(model, request.user)
            ],
        },
    )


def _apply_error(form: forms.Form, exc: ApplicationError) -> None:
    """Put a service's refusal on its field when the form has it, else on the form."""
    placed = False
    for error in exc.extra.get("errors", []):
        name = error.get("field")
        if name in form.fields:
            form.add_error(name, error["message"])
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


@reform_staff
@require_http_methods(["GET", "POST"])
def initiative_new(request: HttpRequest) -> HttpResponse:
    """Register an initiative (the author's registration form), with an evidence file."""
    form = InitiativeForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = Unit.objects.filter(pk=data["unit"]).first()
        try:
            if unit is None:
                raise ApplicationError(_("Choose a unit."))
            with transaction.atomic():  # a refused evidence file leaves no initiative behind
                initiative = _register(request, form, unit)
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            return HttpResponseRedirect(initiative.get_absolute_url())
    return render(
        request,
        "initiatives/form.html",
        {"form": form, "title": _("Register an initiative"), "multipart": True},
        status=400 if form.errors else 200,
    )


def _register(request: HttpRequest, form: InitiativeForm, unit: Unit) -> Initiative:
    data = form.cleaned_data
    initiative = services.initiative_register(
        actor=request.user,
        data=services.InitiativeInput(
            title=data["title"],
            authors=data["authors"],
            unit=unit,
            problem=data["problem"],
            solution=data["solution"],
            field=data["field"],
            applied_on=data["applied_on"],
            expected_benefits=data["expected_benefits"],
            measured_benefits=data["measured_benefits"],
            procedure_codes=_codes(data["procedure_codes"]),
        ),
    )
    if data["evidence"]:
        services.initiative_evidence_add(
            actor=request.user, initiative=initiative, upload=data["evidence"]
        )
    return initiative


@reform_staff
@require_http_methods(["GET", "POST"])
def council_new(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = selectors.initiative_detail(pk)
    if initiative is None:
        return _message(request, _("This initiative does not exist."), 404)
    form = CouncilForm(request.POST or None, initial={"pass_mark": conf.default_pass_mark()})
    if request.method == "POST" and form.is_valid():
        try:
            services.council_form(
                actor=request.user,
                initiative=initiative,
                name=form.cleaned_data["name"],
                members=form.member_pairs(),
                pass_mark=form.cleaned_data["pass_mark"],
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            return HttpResponseRedirect(reverse("initiatives:council", args=[pk]))
    return render(
        request,
        "initiatives/form.html",
        {"form": form, "title": _("Form the council"), "back": initiative},
        status=400 if form.errors else 200,
    )


@reform_staff
@require_http_methods(["GET", "POST"])
def initiative_recognise(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = selectors.initiative_detail(pk)
    if initiative is None:
        return _message(request, _("This initiative does not exist."), 404)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.initiative_recognise(
                actor=request.user, initiative=initiative, **form.cleaned_data
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            return HttpResponseRedirect(initiative.get_absolute_url())
    return render(
        request,
        "initiatives/form.html",
        {"form": form, "title": _("Record the recognition decision"), "back": initiative},
        status=400 if form.errors else 200,
    )


@reform_staff
@require_http_methods(["GET", "POST"])
def model_new(request: HttpRequest) -> HttpResponse:
    form = ModelForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = Unit.objects.filter(pk=data["unit"]).first()
        try:
            if unit is None:
                raise ApplicationError(_("Choose a unit."))
            model = services.model_create(
                actor=request.user,
                title=data["title"],
                unit=unit,
                pilot_started_on=data["pilot_started_on"],
                procedure_codes=_codes(data["procedure_codes"]),
                description=data["description"],
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            return HttpResponseRedirect(model.get_absolute_url())
    return render(
        request,
        "initiatives/form.html",
        {"form": form, "title": _("Start the pilot of a model")},
        status=400 if form.errors else 200,
    )


ACTION_TITLES: dict[str, Any] = {
    ModelAction.EVALUATE: ModelAction.EVALUATE.label,
    ModelAction.RECOGNISE: ModelAction.RECOGNISE.label,
    ModelAction.REPLICATE: ModelAction.REPLICATE.label,
    ModelAction.REJECT: ModelAction.REJECT.label,
}


@reform_staff
@require_http_methods(["GET", "POST"])
def model_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Take one lifecycle action on a model (what :func:`lifecycle.may` allows)."""
    model = selectors.model_detail(pk)
    if model is None or action not in ACTION_TITLES:
        return _message(request, _("This model does not exist."), 404)
    if not lifecycle.may(action, model, request.user):
        return _message(
            request,
            _("A model that is “%(status)s” cannot be moved this way.")
            % {"status": model.get_status_display()},
            409,
        )
    data = request.POST or None
    form: forms.Form
    if action == ModelAction.EVALUATE:
        form = EvaluateForm(data)
    elif action == ModelAction.RECOGNISE:
        form = DecisionForm(data)
    elif action == ModelAction.REPLICATE:
        form = ReplicateForm(data, user=request.user)
    else:
        form = RejectForm(data)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            if action == ModelAction.EVALUATE:
                services.model_evaluate(actor=request.user, model=model, **values)
            elif action == ModelAction.RECOGNISE:
                services.model_recognise(actor=request.user, model=model, **values)
            elif action == ModelAction.REPLICATE:
                unit = Unit.objects.filter(pk=values["unit"]).first()
                if unit is None:
                    raise ApplicationError(_("Choose a unit."))
                services.model_replicate(
                    actor=request.user,
                    model=model,
                    unit=unit,
                    adopted_on=values["adopted_on"],
                    adaptation_notes=values["adaptation_notes"],
                )
            else:
                services.model_reject(actor=request.user, model=model, **values)
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            return HttpResponseRedirect(model.get_absolute_url())
    return render(
        request,
        "initiatives/form.html",
        {"form": form, "title": ACTION_TITLES[action], "back": model},
        status=400 if form.errors else 200,
    )


@reform_staff
@require_http_methods(["GET"])
def evidence_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    """Serve an initiative's evidence file to reform staff; 404 when it does not exist."""
    found = InitiativeEvidence.objects.filter(initiative_id=pk, pk=file_pk).first()
    if found is None:
        return _message(request, _("This file does not exist."), 404)
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
