"""Staff pages of the outreach app under /tuyen-truyen/ (communication plans and content).

Thin: each view reads its form, calls one service or selector and renders;
a refused action shows the service's message. Plans are read by the
holders of ``conf.reader_roles`` over the plan's unit and changed by the
holders of ``conf.officer_roles``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.org.models import Unit
from motcua.outreach import conf, reports
from motcua.outreach import selectors as sel
from motcua.outreach import services as s
from motcua.outreach.constants import ActivityState, PeriodKind
from motcua.outreach.forms import (
    ActivityForm,
    ArticleForm,
    IssueForm,
    MaterialForm,
    PlanForm,
    ReportForm,
)
from motcua.outreach.models import Activity, Article, Evidence, Material, Plan


def _apply(form: Any, exc: ApplicationError) -> None:
    problems = exc.extra.get("errors") or []
    for problem in problems:
        field = problem["field"]
        form.add_error(field if field in form.fields else None, problem["message"])
    if not problems:
        form.add_error(None, exc.message)


def _message(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "outreach/message.html", {"message": message}, status=status)


def _forbidden(request: HttpRequest) -> HttpResponse:
    return _message(
        request, _("Only reform officers and leaders see the communication plans."), 403
    )


def _not_found(request: HttpRequest) -> HttpResponse:
    return _message(request, _("This page does not exist, or it is not one of your units'."), 404)


def _keeper_units(user: Any) -> list[Unit]:
    """The units whose plans the user keeps: those of their assignments and all below."""
    return list(sel.units_in_scope(user, conf.officer_roles()).order_by("path"))


def _readable_plan(request: HttpRequest, pk: int) -> Plan | None:
    plan = Plan.objects.select_related("unit").filter(pk=pk).first()
    if plan is None or not s.can_read(request.user, plan.unit):
        return None
    return plan


def _private(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The reform officer's home: my plans, due this month, overdue, my units' completion."""
    today = clock.localdate()
    plans = list(sel.plans_for_user(request.user, year=today.year).order_by("unit__path"))
    if not plans and not sel.units_in_scope(request.user, conf.reader_roles()).exists():
        return _forbidden(request)
    rows = sel.activity_rows(sel.activities_for_user(request.user).filter(plan__year=today.year))
    due_this_month = [
        r
        for r in rows
        if r.activity.due_on.month == today.month
        and r.activity.due_on.year == today.year
        and r.state != ActivityState.DONE
    ]
    overdue = [r for r in rows if r.state == ActivityState.OVERDUE]
    summaries = [(plan, sel.plan_summary(plan, today=today)) for plan in plans]
    roots = sel.units_in_scope(request.user, conf.reader_roles()).order_by("path")[:1]
    return render(
        request,
        "outreach/home.html",
        {
            "summaries": summaries,
            "due_this_month": due_this_month,
            "overdue": overdue,
            "year": today.year,
            "today": today,
            "rollup_unit": roots[0] if roots else None,
            "can_create": bool(_keeper_units(request.user)),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    units = _keeper_units(request.user)
    if not units:
        return _forbidden(request)
    form = PlanForm(request.POST or None, initial={"year": clock.localdate().year})
    form.fields["unit"].choices = [(str(u.pk), u.name) for u in units]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        unit = next(u for u in units if str(u.pk) == form.cleaned_data["unit"])
        try:
            plan = s.plan_create(
                actor=request.user,
                unit=unit,
                year=form.cleaned_data["year"],
                data=s.PlanInput(
                    title=form.cleaned_data["title"],
                    objectives=form.cleaned_data["objectives"],
                    legal_basis=form.cleaned_data["legal_basis"],
                ),
            )
        except ApplicationError as exc:
            _apply(form, exc)
        else:
            return HttpResponseRedirect(reverse("outreach:plan", args=[plan.pk]))
    return render(
        request, "outreach/plan_new.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _readable_plan(request, pk)
    if plan is None:
        return _not_found(request)
    keeper = s.can_keep(request.user, plan.unit)
    issue = IssueForm(request.POST or None, prefix="issue")
    if request.method == "POST":
        if not keeper:
            return _forbidden(request)
        if issue.is_valid():
            try:
                s.plan_issue(
                    actor=request.user,
                    plan=plan,
                    number=issue.cleaned_data["number"],
                    issued_on=issue.cleaned_data["issued_on"],
                )
            except ApplicationError as exc:
                _apply(issue, exc)
            else:
                return HttpResponseRedirect(reverse("outreach:plan", args=[plan.pk]))
    today = clock.localdate()
    summary = sel.plan_summary(plan, today=today)
    month = today.month if today.year == plan.year else 12
    return render(
        request,
        "outreach/plan.html",
        {
            "plan": plan,
            "summary": summary,
            "issue": issue,
            "keeper": keeper,
            "on_time": sel.plan_issued_on_time(plan.unit, plan.year),
            "deadline": conf.plan_deadline(plan.year),
            "month_key": f"{plan.year}-{month:02d}",
            "quarter_key": f"{plan.year}-Q{(month - 1) // 3 + 1}",
        },
        status=400 if issue.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a plan's title, objectives and legal basis (its unit and year stay)."""
    plan = _readable_plan(request, pk)
    if plan is None:
        return _not_found(request)
    if not s.can_keep(request.user, plan.unit):
        return _forbidden(request)
    form = PlanForm(
        request.POST or None,
        initial={
            "title": plan.title,
            "objectives": plan.objectives,
            "legal_basis": plan.legal_basis,
        },
    )
    del form.fields["year"], form.fields["unit"]
    if request.method == "POST" and form.is_valid():
        try:
            s.plan_update(
                actor=request.user,
                plan=plan,
                data=s.PlanInput(
                    title=form.cleaned_data["title"],
                    objectives=form.cleaned_data["objectives"],
                    legal_basis=form.cleaned_data["legal_basis"],
                ),
            )
        except ApplicationError as exc:
            _apply(form, exc)
        else:
            return HttpResponseRedirect(reverse("outreach:plan", args=[plan.pk]))
    return render(
        request,
        "outreach/plan_new.html",
        {"form": form, "plan": plan},
        status=400 if form.errors else 200,
    )


def _activity_units(plan: Plan) -> list[Unit]:
    from motcua.org.selectors import unit_subtree

    return list(unit_subtree(plan.unit).order_by("path")[:200])


def _activity_input(form: ActivityForm, units: list[Unit]) -> s.ActivityInput:
    by_id = {str(u.pk): u for u in units}
    data = form.cleaned_data
    return s.ActivityInput(
        title=data["title"],
        channel=data["channel"],
        topic=data["topic"],
        owner_unit=by_id[data["owner_unit"]],
        co_owner_units=[by_id[pk] for pk in data["co_owner_units"]],
        period_kind=data["period_kind"],
        period=data["period"] or 0,
        target_quantity=data["target_quantity"],
        quantity_unit=data["quantity_unit"],
        audience=data["audience"],
    )


def _activity_form_page(
    request: HttpRequest,
    plan: Plan,
    *,
    initial: dict[str, Any],
    save: Callable[[s.ActivityInput], Activity],
    done_url: Callable[[Activity], str],
    heading: str,
) -> HttpResponse:
    """The activity form of ``plan``, new or changed: ``save`` is the service call."""
    if not s.can_keep(request.user, plan.unit):
        return _forbidden(request)
    units = _activity_units(plan)
    form = ActivityForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(_activity_input(form, units))
        except ApplicationError as exc:
            _apply(form, exc)
        else:
            return HttpResponseRedirect(done_url(saved))
    return render(
        request,
        "outreach/activity_form.html",
        {"form": form, "plan": plan, "heading": heading},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def activity_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _readable_plan(request, pk)
    if plan is None:
        return _not_found(request)
    return _activity_form_page(
        request,
        plan,
        initial={"owner_unit": str(plan.unit.pk), "period_kind": PeriodKind.MONTH},
        save=lambda data: s.activity_create(actor=request.user, plan=plan, data=data),
        done_url=lambda _saved: reverse("outreach:plan", args=[plan.pk]),
        heading=_("New activity"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an activity: its form, topic, owners, due period, target and audience."""
    activity = Activity.objects.filter(pk=pk).first()
    plan = _readable_plan(request, activity.plan_id) if activity is not None else None
    if activity is None or plan is None:
        return _not_found(request)
    return _activity_form_page(
        request,
        plan,
        initial={
            "title": activity.title,
            "channel": activity.channel_id,
            "topic": activity.topic_id,
            "owner_unit": str(activity.owner_unit_id),
            "co_owner_units": [str(u.pk) for u in activity.co_owner_units.all()],
            "period_kind": activity.period_kind,
            "period": activity.period or None,
            "target_quantity": activity.target_quantity,
            "quantity_unit": activity.quantity_unit,
            "audience": activity.audience,
        },
        save=lambda data: s.activity_update(actor=request.user, activity=activity, data=data),
        done_url=lambda saved: reverse("outreach:activity", args=[saved.pk]),
        heading=_("Change the activity"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = (
        Activity.objects.select_related("plan__unit", "owner_unit", "channel", "topic")
        .filter(pk=pk)
        .first()
    )
    if activity is None or not (
        s.can_read(request.user, activity.plan.unit) or s.can_report(request.user, activity)
    ):
        return _not_found(request)
    reporter = s.can_report(request.user, activity)
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not reporter:
            return _forbidden(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                s.report_add(
                    actor=request.user,
                    activity=activity,
                    data=s.ReportInput(
                        reported_on=data["reported_on"],
                        quantity=data["quantity"],
                        people=data["people"] or 0,
                        views=data["views"] or 0,
                        broadcasts=data["broadcasts"] or 0,
                        note=data["note"],
                    ),
                    files=request.FILES.getlist("evidence"),
                )
            except ApplicationError as exc:
                _apply(form, exc)
            else:
                return HttpResponseRedirect(reverse("outreach:activity", args=[activity.pk]))
    row = sel.activity_rows(Activity.objects.filter(pk=activity.pk))[0]
    return render(
        request,
        "outreach/activity.html",
        {
            "row": row,
            "activity": activity,
            "reports": activity.reports.prefetch_related("evidence").order_by(
                "-reported_on", "-pk"
            ),
            "articles": activity.articles.all(),
            "materials": activity.materials.all(),
            "form": form,
            "reporter": reporter,
            "keeper": s.can_keep(request.user, activity.plan.unit),
        },
        status=400 if form.errors else 200,
    )


@require_GET
@login_required
def evidence_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Serve an evidence file to those who may read its activity; 404 to anyone else."""
    found = Evidence.objects.select_related("report__activity__plan__unit").filter(pk=pk).first()
    if found is None or not (
        s.can_read(request.user, found.report.activity.plan.unit)
        or s.can_report(request.user, found.report.activity)
    ):
        return _not_found(request)
    response = FileResponse(
        default_storage.open(found.file, "rb"),
        content_type=found.content_type,
        as_attachment=True,
        filename=found.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _private(response)


@require_GET
@login_required
def plan_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The plan's report of a month or quarter (``?ky=2026-03`` or ``2026-Q1``) as a file."""
    plan = _readable_plan(request, pk)
    if plan is None or fmt not in ("xlsx", "pdf", "docx"):
        return _not_found(request)
    key = request.GET.get("ky", "")
    try:
        report = reports.period_report(plan, key)
    except ApplicationError as exc:
        return _message(request, exc.message, 400)
    name = f"bao-cao-tuyen-truyen-{plan.year}-{key.lower()}"
    if fmt == "xlsx":
        content, kind, name = reports.report_xlsx(report), reports.XLSX, f"{name}.xlsx"
    elif fmt == "pdf":
        content, kind, name = reports.report_pdf(report), "application/pdf", f"{name}.pdf"
    else:
        superior = plan.unit.parent.name if plan.unit.parent is not None else ""
        content = reports.report_docx(report, superior=f"UBND {superior}" if superior else "")
        kind, name = reports.DOCX, f"{name}-gui-cap-tren.docx"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return _private(response)


@require_GET
@login_required
def rollup(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit (the province) and each unit directly below it: plan, completion, variety."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not s.can_read(request.user, unit):
        return _not_found(request)
    raw = request.GET.get("nam", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else clock.localdate().year
    return render(
        request,
        "outreach/rollup.html",
        {"unit": unit, "year": year, "rows": sel.rollup(unit, year)},
    )


# --- content ---------------------------------------------------------------------------------


def _activity_choices(user: Any) -> list[tuple[str, str]]:
    activities = (
        sel.activities_for_user(user)
        .filter(plan__year__gte=clock.localdate().year - 1)
        .select_related("plan__unit")
        .order_by("-plan__year", "due_on")[:300]
    )
    return [("", "—")] + [(str(a.pk), f"{a.plan.year} · {a.title}") for a in activities]


def _chosen_activity(user: Any, raw: str) -> Activity | None:
    if not raw:
        return None
    return sel.activities_for_user(user).filter(pk=int(raw)).select_related("plan__unit").first()


def _article_initial(article: Article) -> dict[str, Any]:
    publish = timezone.localtime(article.publish_at).date() if article.publish_at else None
    return {
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "topic": article.topic_id,
        "publish_on": publish,
        "activity": str(article.activity_id or ""),
        "unit": str(article.unit_id),
    }


def _article_page(request: HttpRequest, article: Article | None) -> HttpResponse:
    units = _keeper_units(request.user)
    if not units:
        return _forbidden(request)
    if article is not None and article.unit_id not in {u.pk for u in units}:
        return _not_found(request)
    form = ArticleForm(
        request.POST or None,
        request.FILES or None,
        initial=_article_initial(article) if article is not None else None,
    )
    form.fields["unit"].choices = [(str(u.pk), u.name) for u in units]  # type: ignore[attr-defined]
    form.fields["activity"].choices = _activity_choices(request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = next(u for u in units if str(u.pk) == data["unit"])
        if article is not None:
            unit = article.unit  # an article stays with its unit
        publish_at = None
        if data["publish_on"]:
            publish_at = timezone.make_aware(datetime.combine(data["publish_on"], time(7, 0)))
        try:
            s.article_save(
                actor=request.user,
                unit=unit,
                article=article,
                data=s.ArticleInput(
                    title=data["title"],
                    body=data["body"],
                    topic=data["topic"],
                    summary=data["summary"],
                    publish_at=publish_at,
                    activity=_chosen_activity(request.user, data["activity"]),
                ),
                image=data["image"],
            )
        except ApplicationError as exc:
            _apply(form, exc)
        else:
            return HttpResponseRedirect(reverse("outreach:articles_staff"))
    articles = Article.objects.filter(unit__in=units).select_related("topic", "activity")[:100]
    return render(
        request,
        "outreach/articles_staff.html",
        {"form": form, "articles": articles, "now": clock.now(), "editing": article},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def articles_staff(request: HttpRequest) -> HttpResponse:
    """The officer's articles, and the form for a new one (draft, scheduled or published)."""
    return _article_page(request, None)


@require_http_methods(["GET", "POST"])
@login_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an article: its text, category, activity, picture, or when it is published."""
    article = Article.objects.select_related("unit").filter(pk=pk).first()
    if article is None:
        return _not_found(request)
    return _article_page(request, article)


@require_http_methods(["GET", "POST"])
@login_required
def materials(request: HttpRequest) -> HttpResponse:
    """Leaflets, posters and broadcast scripts of the officer's units, and a new one."""
    units = _keeper_units(request.user)
    if not units:
        return _forbidden(request)
    form = MaterialForm(request.POST or None)
    form.fields["unit"].choices = [(str(u.pk), u.name) for u in units]  # type: ignore[attr-defined]
    form.fields["activity"].choices = _activity_choices(request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = next(u for u in units if str(u.pk) == data["unit"])
        try:
            s.material_create(
                actor=request.user,
                unit=unit,
                data=s.MaterialInput(
                    kind=data["kind"],
                    title=data["title"],
                    body=data["body"],
                    link=data["link"] or "",
                    procedure_code=data["procedure_code"],
                    copies=data["copies"] or 0,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    airings_per_day=data["airings_per_day"] or 0,
                    air_times=data["air_times"],
                    activity=_chosen_activity(request.user, data["activity"]),
                ),
            )
        except ApplicationError as exc:
            _apply(form, exc)
        else:
            return HttpResponseRedirect(reverse("outreach:materials"))
    rows = Material.objects.filter(unit__in=units).select_related("activity")[:100]
    return render(
        request,
        "outreach/materials.html",
        {"form": form, "materials": [(m, sel.airings_so_far(m)) for m in rows]},
        status=400 if form.errors else 200,
    )


@require_GET
@login_required
def material_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    material = Material.objects.select_related("unit").filter(pk=pk).first()
    if material is None or not s.can_read(request.user, material.unit):
        return _not_found(request)
    response = HttpResponse(reports.material_pdf(material), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{material.kind}-{material.pk}.pdf"'
    return _private(response)
