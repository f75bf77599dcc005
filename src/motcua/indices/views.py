"""Pages of the indices app: the leader's morning page, the service index with its
drill-down, and the public statistics of a unit. Thin: selectors compute, templates show."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.core import clock
from motcua.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from motcua.core.landing import landing_for
from motcua.dossiers.screens import UserRoles
from motcua.indices import tables
from motcua.indices.charts import bar_chart, line_chart
from motcua.indices.constants import ExternalIndex
from motcua.indices.dashboard import leader_dashboard, monthly_rows, rating_rows
from motcua.indices.excel import workbook_bytes, xlsx_response
from motcua.indices.external import external_results_import, external_trends
from motcua.indices.forms import ExternalImportForm, PeriodForm
from motcua.indices.models import FillState
from motcua.indices.periods import month_keys, period_parse
from motcua.indices.reports import report_build, report_pdf, report_xlsx
from motcua.indices.rollups import FILL_STATE
from motcua.indices.selectors import (
    service_drilldown,
    service_index,
    service_index_years,
    unit_for_viewer,
    viewer_units,
)
from motcua.org.models import Unit

LANDING_ROLES = frozenset({"agency_leader", "centre_director", "commune_leader", "reform_officer"})
"""Roles whose first page after sign-in is the dashboard (issue 12: leaders and reform
officers); the others land on their queue or on the dossiers app's "what you can do today"."""


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "indices/forbidden.html", {"message": message}, status=403)


def viewer_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Load ``unit_id`` for a leader or reform officer of it, else answer 403 / 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, unit_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            unit = unit_for_viewer(request.user, unit_id)
        except NotFoundError as exc:
            raise Http404(exc.message) from exc
        except PermissionDeniedError as exc:
            return _forbidden(request, exc.message)
        return view(request, unit, *args, **kwargs)

    return login_required(wrapper)


def _filled_at() -> Any:
    return FillState.objects.filter(name=FILL_STATE).values_list("filled_at", flat=True).first()


@require_GET
@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Where staff land after signing in: leaders on the dashboard, everyone else on
    their queue or what their roles allow (``dossiers:start``). A page an app
    registered for the user's role (``core.landing``) comes first."""
    registered = landing_for(request)
    if registered:
        return redirect(registered)
    if UserRoles.for_request(request).holds_any(LANDING_ROLES) and viewer_units(request.user):
        return redirect("indices:home")
    return redirect("dossiers:start")


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    units = viewer_units(request.user)
    if not units:
        return _forbidden(request, _("Only leaders and reform officers see the dashboards."))
    return redirect("indices:dashboard", unit_id=units[0].pk)


def _unit_links(unit: Unit) -> str:
    """The links to the dashboards of the units directly below (hundreds for a province).

    Joined in Python: one URL reversed, not one template loop and ``{% url %}`` per unit.
    """
    placeholder = 2_147_483_647
    pattern = reverse("indices:dashboard", args=[placeholder])
    children = unit.children.order_by("name").values_list("pk", "name")
    return format_html_join(
        "",
        ' · <a href="{}">{}</a>',
        ((pattern.replace(str(placeholder), str(pk)), name) for pk, name in children),
    )


@require_GET
@viewer_page
def dashboard(request: HttpRequest, unit: Unit) -> HttpResponse:
    dash = leader_dashboard(unit, now=clock.now())
    sections = tables.dashboard_tables(dash)
    months = dash.months
    labels = [m.label for m in months]
    charts = {
        "on_time": line_chart(_("On time (%)"), labels, [m.on_time_pct for m in months]),
        "online": line_chart(_("Received online (%)"), labels, [m.online_pct for m in months]),
        "procedures": bar_chart(
            _("Average days"),
            [r.name for r in dash.slow_procedures],
            [r.average_days for r in dash.slow_procedures],
        ),
        "units": bar_chart(
            _("Average days"),
            [r.name for r in dash.slow_units],
            [r.average_days for r in dash.slow_units],
        ),
        "steps": bar_chart(
            _("Average working days"),
            [r.name for r in dash.slow_steps],
            [r.average_days or 0 for r in dash.slow_steps],
        ),
        "satisfaction": line_chart(
            _("Satisfied (%)"), labels, [r.satisfied_pct for r in dash.ratings]
        ),
        "workload": bar_chart(
            _("Dossiers in hand"),
            [r.name for r in dash.workload],
            [r.pending for r in dash.workload],
        ),
    }
    if request.GET.get("format") == "xlsx":
        content = workbook_bytes([sections[name] for name in sections])
        return xlsx_response(f"bang-dieu-hanh-{unit.pk}-{dash.today:%Y%m%d}.xlsx", content)
    return render(
        request,
        "indices/dashboard.html",
        {
            "unit": unit,
            "dash": dash,
            "charts": charts,
            "sections": sections,
            "children": _unit_links(unit),
            "filled_at": _filled_at(),
        },
    )


@require_GET
@viewer_page
def service(request: HttpRequest, unit: Unit) -> HttpResponse:
    today = clock.localdate()
    default = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    form = PeriodForm(request.GET if "period" in request.GET else {"period": default})
    result = None
    chart = None
    if form.is_valid():
        result = service_index(unit, form.cleaned_data["period"])
        if request.GET.get("format") == "xlsx":
            content = workbook_bytes([tables.index_table(result)])
            return xlsx_response(f"chi-so-phuc-vu-{unit.pk}-{result.period.key}.xlsx", content)
        chart = bar_chart(
            _("Points by group"),
            [f"{g.number}. {g.name}" for g in result.groups],
            [g.score for g in result.groups],
        )
    return render(
        request,
        "indices/service.html",
        {
            "unit": unit,
            "form": form,
            "result": result,
            "chart": chart,
            "table": tables.index_table(result) if result else None,
            "filled_at": _filled_at(),
        },
    )


@require_GET
@viewer_page
def drilldown(request: HttpRequest, unit: Unit, code: str) -> HttpResponse:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "indices/drilldown.html", {"unit": unit, "form": form}, status=400)
    period = form.cleaned_data["period"]
    try:
        indicator, rows = service_drilldown(unit, period, code)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    table = tables.drilldown_table(rows)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"chi-tiet-{code}-{unit.pk}-{period.key}.xlsx", workbook_bytes([table])
        )
    return render(
        request,
        "indices/drilldown.html",
        {"unit": unit, "form": form, "indicator": indicator, "rows": rows, "period": period},
    )


@require_GET
@viewer_page
def report(request: HttpRequest, unit: Unit) -> HttpResponse:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(
            request, "indices/report_error.html", {"unit": unit, "form": form}, status=400
        )
    built = report_build(unit, form.cleaned_data["period"], now=clock.now())
    name = f"bao-cao-{unit.pk}-{built.period.key}"
    if request.GET.get("format") == "pdf":
        response = HttpResponse(report_pdf(built), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
        return response
    return xlsx_response(f"{name}.xlsx", report_xlsx(built))


IMPORT_ROLES = frozenset({"reform_officer", "administrator"})


@viewer_page
def external(request: HttpRequest, unit: Unit) -> HttpResponse:
    may_import = request.user.is_superuser or UserRoles.for_request(request).holds_any(IMPORT_ROLES)
    form = ExternalImportForm()
    row_errors: list[dict[str, Any]] = []
    if request.method == "POST":
        if not may_import:
            return _forbidden(request, _("Only reform officers and administrators import results."))
        form = ExternalImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                count = external_results_import(
                    actor=request.user, content=upload.read(), filename=upload.name
                )
            except ApplicationError as exc:
                form.add_error("file", exc.message)
                row_errors = exc.extra.get("errors", [])
            else:
                messages.success(request, _("%(count)s results imported.") % {"count": count})
                return redirect("indices:external", unit_id=unit.pk)
    trends = external_trends(unit)
    years = sorted({r.year for results in trends.values() for r in results})[-6:]
    measured = service_index_years(unit, years)
    blocks = []
    for code, results in trends.items():
        label = ExternalIndex(code).label
        blocks.append(
            {
                "label": label,
                "chart": line_chart(
                    str(label),
                    [str(r.year) for r in results],
                    [r.score for r in results],
                    top=max(100.0, *(float(r.score) for r in results)),
                ),
                "table": (
                    str(label),
                    [_("Year"), _("Official score"), _("Rank"), _("Service index measured here")],
                    [
                        [
                            r.year,
                            r.score,
                            r.rank or "",
                            f"{measured[r.year].total} / {measured[r.year].max_measured}"
                            if r.year in measured
                            else "",
                        ]
                        for r in results
                    ],
                ),
            }
        )
    return render(
        request,
        "indices/external.html",
        {
            "unit": unit,
            "form": form,
            "row_errors": row_errors,
            "blocks": blocks,
            "may_import": may_import,
        },
        status=400 if row_errors or form.errors else 200,
    )


@require_GET
def public_units(request: HttpRequest) -> HttpResponse:
    today = clock.localdate()
    units = (
        Unit.objects.filter(kind__is_administrative=True, depth__lte=2)
        .filter(**{"valid_to__isnull": True})
        .order_by("depth", "name")
    )
    return render(request, "indices/public_units.html", {"units": units, "today": today})


@require_GET
def public_stats(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=unit_id)
    today = clock.localdate()
    keys = month_keys(today, 12)
    months = monthly_rows(unit, keys)
    ratings = rating_rows(unit, keys)
    table = tables.public_table(months, ratings)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"thong-ke-{unit.pk}-{today:%Y%m}.xlsx", workbook_bytes([table]))
    labels = [m.label for m in months]
    return render(
        request,
        "indices/public_stats.html",
        {
            "unit": unit,
            "table": table,
            "months": months,
            "received_chart": bar_chart(
                _("Dossiers received"), labels, [m.received for m in months]
            ),
            "on_time_chart": line_chart(_("On time (%)"), labels, [m.on_time_pct for m in months]),
            "online_chart": line_chart(
                _("Received online (%)"), labels, [m.online_pct for m in months]
            ),
            "satisfaction_chart": line_chart(
                _("Satisfied (%)"), labels, [r.satisfied_pct for r in ratings]
            ),
        },
    )


__all__ = [
    "dashboard",
    "drilldown",
    "home",
    "period_parse",
    "public_stats",
    "public_units",
    "service",
]
