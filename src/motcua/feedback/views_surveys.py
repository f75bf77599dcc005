"""Survey pages: the anonymous questionnaire (link or QR), and the staff's campaigns."""

from __future__ import annotations

import secrets
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.core.errors import ApplicationError
from motcua.core.http import private_no_store
from motcua.core.ratelimit import rate_limit_hit
from motcua.feedback.forms import CampaignForm, SurveyForm, apply_error
from motcua.feedback.models import Questionnaire, SurveyCampaign
from motcua.feedback.selectors import campaign_export, campaigns_for, units_held
from motcua.feedback.services.common import holds_any
from motcua.feedback.services.surveys import (
    campaign_create,
    campaign_open,
    campaign_results,
    campaign_roles,
    survey_answer_online,
    survey_answer_paper,
)

DEVICE_COOKIE = "motcua_survey_device"


def _raw(form: SurveyForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@private_no_store
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, slug: str) -> HttpResponse:
    """The anonymous questionnaire: one answer per device, rate-limited, with a honeypot."""
    try:
        campaign = campaign_open(slug)
    except ApplicationError as exc:
        return render(request, "feedback/rate_closed.html", {"message": exc.message}, status=404)
    device = request.COOKIES.get(DEVICE_COOKIE, "")
    form = SurveyForm(request.POST or None, questionnaire=campaign.questionnaire)
    status = 200
    if request.method == "POST":
        if rate_limit_hit(
            f"feedback.survey.{campaign.pk}",
            request,
            limit=settings.MOTCUA_FEEDBACK_PUBLIC_PER_HOUR,
            window=3600,
        ):
            form.add_error(
                None, _("Too many answers from this connection. Please try again later.")
            )
            return render(
                request, "feedback/survey.html", {"form": form, "campaign": campaign}, status=429
            )
        if form.is_valid():
            if form.cleaned_data.get("website"):
                return render(request, "feedback/survey_done.html", {"campaign": campaign})
            try:
                survey_answer_online(campaign=campaign, device=device, raw=_raw(form))
            except ApplicationError as exc:
                apply_error(form, exc)
                status = exc.status
            else:
                return render(request, "feedback/survey_done.html", {"campaign": campaign})
        else:
            status = 400
    response = render(
        request, "feedback/survey.html", {"form": form, "campaign": campaign}, status=status
    )
    if not device:
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(24),
            max_age=5 * 365 * 24 * 3600,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response


@login_required
@private_no_store
@require_http_methods(["GET", "POST"])
def campaigns(request: HttpRequest) -> HttpResponse:
    """The campaigns of the user's units with their indices (compare units and years); add one."""
    units = units_held(request.user, campaign_roles())
    form = CampaignForm(request.POST or None)
    form.fields["unit"].choices = [(str(u.pk), u.name) for u in units]  # type: ignore[attr-defined]
    versions = list(Questionnaire.objects.all())
    form.fields["questionnaire"].choices = [(str(q.pk), str(q)) for q in versions]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaign_create(
                unit=next(u for u in units if str(u.pk) == data["unit"]),
                questionnaire=next(q for q in versions if str(q.pk) == data["questionnaire"]),
                name=data["name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                sample_target=data["sample_target"],
                actor=request.user,
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            return HttpResponseRedirect(reverse("feedback:campaign", args=[campaign.pk]))
    return render(
        request,
        "feedback/campaigns.html",
        {"form": form, "rows": campaigns_for(request.user), "units": units},
        status=400 if form.errors else 200,
    )


def _campaign_for(user: Any, pk: int) -> SurveyCampaign | None:
    """The campaign ``pk`` if ``user`` holds a campaign role on its unit, else None."""
    row = SurveyCampaign.objects.select_related("unit", "questionnaire").filter(pk=pk).first()
    return row if row is not None and holds_any(user, campaign_roles(), row.unit) else None


def _no_campaign(request: HttpRequest) -> HttpResponse:
    return render(
        request, "feedback/message.html", {"message": _("This survey does not exist.")}, status=404
    )


@login_required
@private_no_store
@require_http_methods(["GET", "POST"])
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign: its link and QR code, paper entry, the indices with n and 95% CI."""
    row = _campaign_for(request.user, pk)
    if row is None:
        return _no_campaign(request)
    form = SurveyForm(request.POST or None, questionnaire=row.questionnaire, paper=True)
    if request.method == "POST" and form.is_valid():
        try:
            survey_answer_paper(
                campaign=row,
                actor=request.user,
                raw=_raw(form),
                paper_number=form.cleaned_data["paper_number"],
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            return HttpResponseRedirect(reverse("feedback:campaign", args=[row.pk]))
    aspects, overall, count = campaign_results(row)
    url = settings.MOTCUA_PUBLIC_URL.rstrip("/") + reverse("feedback:survey", args=[row.slug])
    qr = segno.make(url, error="m", micro=False).svg_inline(scale=4)
    return render(
        request,
        "feedback/campaign.html",
        {
            "campaign": row,
            "aspects": aspects,
            "overall": overall,
            "count": count,
            "url": url,
            "qr": mark_safe(qr),  # segno's own SVG of our URL
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
@private_no_store
def campaign_excel(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's answers and indices as an Excel file."""
    row = _campaign_for(request.user, pk)
    if row is None:
        return _no_campaign(request)
    from motcua.feedback.excel import XLSX

    response = HttpResponse(campaign_export(row), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="khao-sat-{row.pk}.xlsx"'
    return response
