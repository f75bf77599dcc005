"""Pages of the initiatives registry and the models under /sang-kien/ (reform officers)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.core.errors import ApplicationError
from motcua.dossiers.screens import UserRoles
from motcua.initiatives import conf, lifecycle, selectors, services
from motcua.initiatives.charts import series_chart
from motcua.initiatives.constants import InitiativeStatus, Measure
from motcua.initiatives.effect import model_effect, period_label
from motcua.initiatives.forms import CouncilConcludeForm, CouncilScoreForm, RegistrySearchForm
from motcua.initiatives.models import Council

View = Callable[..., HttpResponse]


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
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
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
            "actions": lifecycle.actions_for(model, request.user),
        },
    )
