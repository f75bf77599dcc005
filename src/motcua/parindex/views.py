"""PAR INDEX pages under /chi-so-cchc/: definitions, the assessment form, appraisal, ranking."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.errors import ApplicationError
from motcua.core.http import private_no_store
from motcua.org.models import Unit
from motcua.org.selectors import unit_get, user_units_for_role
from motcua.parindex import selectors as sel
from motcua.parindex.conf import appraiser_roles, scorer_roles
from motcua.parindex.excel import XLSX, export_definition
from motcua.parindex.forms import (
    AppraiseForm,
    ImportForm,
    ReturnForm,
    ScoreForm,
    StartForm,
    SurveyForm,
)
from motcua.parindex.models import Assessment, AssessmentStatus, Definition
from motcua.parindex.services import (
    assessment_appraise,
    assessment_appraise_score,
    assessment_evidence_remove,
    assessment_refresh,
    assessment_return,
    assessment_score,
    assessment_start,
    assessment_submit,
    assessment_survey,
    definition_import,
    level_of,
    may_appraise,
    may_define,
    may_score,
    took_part_in_self_assessment,
)


def _message(request: HttpRequest, message: str, status: int = 404) -> HttpResponse:
    return render(request, "parindex/message.html", {"message": message}, status=status)


def _apply(form: django_forms.Form, exc: ApplicationError) -> None:
    problems = exc.extra.get("errors") or []
    placed = False
    for problem in problems:
        name = problem.get("field")
        if name in form.fields:
            form.add_error(name, problem["message"])
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def _units(user: Any, roles: list[str]) -> list[Unit]:
    seen: dict[int, Unit] = {}
    for role in roles:
        for unit in user_units_for_role(user, role):
            seen.setdefault(unit.pk, unit)
    return list(seen.values())


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@private_no_store
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """Definitions, my units' assessments, those waiting for my appraisal; the import form."""
    user = request.user
    definer = may_define(user)
    if not (definer or _may_read(user)):
        return _message(request, _("The PAR INDEX pages are for reform officers."), 403)
    form = ImportForm(request.POST or None, request.FILES or None) if definer else None
    import_errors: list[Any] = []
    status = 200
    checked = None
    if request.method == "POST":
        if form is None:
            return _message(request, _("You cannot import PAR INDEX definitions."), 403)
        if form.is_valid():
            try:
                imported = definition_import(
                    data=form.cleaned_data["file"].read(),
                    actor=user,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                import_errors = exc.extra.get("errors", [])
                status = 400
            else:
                if form.cleaned_data["dry_run"]:
                    checked = imported
                else:
                    return HttpResponseRedirect(reverse("parindex:definition", args=[imported.pk]))
        else:
            status = 400
    own_units = _units(user, scorer_roles())
    mine = list(
        Assessment.objects.filter(unit__in=[u for u in own_units])
        .select_related("unit", "definition")
        .order_by("-definition__year", "unit__name")
    )
    reviewing = sel.waiting_for_appraisal(_units(user, appraiser_roles()))
    definitions = list(sel.definition_list())
    start_form = _start_form(own_units, definitions)
    return render(
        request,
        "parindex/home.html",
        {
            "definitions": definitions,
            "form": form,
            "import_errors": import_errors,
            "checked": checked,
            "mine": mine,
            "reviewing": reviewing,
            "start_form": start_form,
            "own_units": own_units,
        },
        status=status,
    )


def _start_form(units: list[Unit], definitions: list[Definition], data: Any = None) -> StartForm:
    form = StartForm(data)
    form.fields["unit"].choices = [(u.pk, u.name) for u in units]  # type: ignore[attr-defined]
    years = sorted({d.year for d in definitions}, reverse=True)
    form.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
    return form


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """Open (or find) the self-assessment of a unit for a year."""
    units = _units(request.user, scorer_roles())
    form = _start_form(units, list(sel.definition_list()), request.POST)
    if not form.is_valid():
        return _message(request, _("Choose one of your units and a year."), 400)
    unit = next(u for u in units if u.pk == form.cleaned_data["unit"])
    try:
        found = assessment_start(unit=unit, year=form.cleaned_data["year"], actor=request.user)
    except ApplicationError as exc:
        return _message(request, exc.message, exc.status)
    return HttpResponseRedirect(reverse("parindex:assessment", args=[found.pk]))


def _may_read(user: Any) -> bool:
    return bool(_units(user, list(dict.fromkeys([*scorer_roles(), *appraiser_roles()]))))


@login_required
@private_no_store
def definition(request: HttpRequest, pk: int) -> HttpResponse:
    """A definition's tree: areas, criteria, sub-criteria with points, guide, evidence, rule."""
    found = sel.definition_get(pk)
    if found is None or not (_may_read(request.user) or may_define(request.user)):
        return _message(request, _("This PAR INDEX definition does not exist."))
    from motcua.parindex.rules import RULES

    return render(
        request,
        "parindex/definition.html",
        {
            "definition": found,
            "maximum": sel.definition_max(found),
            "rules": {code: rule.name for code, rule in RULES.items()},
        },
    )


@login_required
@private_no_store
def definition_excel(request: HttpRequest, pk: int) -> HttpResponse:
    found = Definition.objects.filter(pk=pk).first()
    if found is None or not (_may_read(request.user) or may_define(request.user)):
        return _message(request, _("This PAR INDEX definition does not exist."))
    return _xlsx(export_definition(found), f"chi-so-cchc-{found.level}-{found.year}.xlsx")


def _visible(request: HttpRequest, pk: int) -> tuple[Assessment | None, bool, bool]:
    found = (
        Assessment.objects.select_related("unit__kind", "definition", "submitted_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        return None, False, False
    scorer = may_score(request.user, found.unit)
    appraiser = may_appraise(request.user, found.unit)
    if not (scorer or appraiser):
        return None, False, False
    return found, scorer, appraiser


ACTIONS = (
    "score",
    "remove_evidence",
    "refresh",
    "submit",
    "appraise_score",
    "survey",
    "return",
    "appraise",
)


@login_required
@private_no_store
@require_http_methods(["GET", "POST"])
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment form: self-scores with evidence in a draft, appraisal once submitted."""
    found, scorer, appraiser = _visible(request, pk)
    if found is None:
        return _message(request, _("This self-assessment does not exist."))
    bound: django_forms.Form | None = None
    bound_sub: int | None = None
    status = 200
    action = request.POST.get("action", "")
    if request.method == "POST":
        if action not in ACTIONS:
            return _message(request, _("Unknown action."), 400)
        bound, bound_sub, call = _prepare(request, found, action)
        if call is not None:
            try:
                call()
            except ApplicationError as exc:
                _apply(bound, exc)
                status = exc.status
        if not bound.errors:
            anchor = f"#r{bound_sub}" if bound_sub is not None else ""
            return HttpResponseRedirect(reverse("parindex:assessment", args=[found.pk]) + anchor)
        status = status if status != 200 else 400
        found.refresh_from_db()
    sheet = sel.assessment_sheet(found)
    draft = found.status == AssessmentStatus.DRAFT
    submitted = found.status == AssessmentStatus.SUBMITTED
    # Whoever scored or submitted it sees the appraisal forms of someone else, not their own.
    own_work = submitted and appraiser and took_part_in_self_assessment(request.user, found)
    appraiser = appraiser and not own_work
    rows = []
    for line in sheet.lines:
        form: django_forms.Form | None = None
        if line.sub is not None:
            prefix = f"s{line.sub.pk}"
            if bound is not None and bound_sub == line.sub.pk:
                form = bound
            elif draft and scorer:
                form = ScoreForm(
                    prefix=prefix,
                    initial={
                        "points": "" if line.self_points is None else line.self_points,
                        "note": line.score.self_note if line.score else "",
                    },
                )
            elif submitted and appraiser:
                form = AppraiseForm(
                    prefix=prefix,
                    initial={
                        "points": "" if line.appraisal_points is None else line.appraisal_points,
                        "note": line.score.appraisal_note if line.score else "",
                    },
                )
        rows.append((line, form))
    survey_form = (
        bound
        if isinstance(bound, SurveyForm)
        else SurveyForm(initial={"points": found.survey_points or ""})
    )
    return_form = bound if isinstance(bound, ReturnForm) else ReturnForm()
    return render(
        request,
        "parindex/assessment.html",
        {
            "assessment": found,
            "sheet": sheet,
            "rows": rows,
            "scorer": scorer and draft,
            "appraiser": appraiser and submitted,
            "own_work": own_work,
            "survey_form": survey_form,
            "return_form": return_form,
            "bound": bound,
        },
        status=status,
    )


def _prepare(
    request: HttpRequest, found: Assessment, action: str
) -> tuple[django_forms.Form, int | None, Callable[[], Any] | None]:
    """Return the posted form, its sub-criterion and the service call (None if invalid)."""
    user = request.user
    if action in ("refresh", "submit", "appraise"):
        form = django_forms.Form(request.POST)
        form.is_valid()
        service = {
            "refresh": assessment_refresh,
            "submit": assessment_submit,
            "appraise": assessment_appraise,
        }[action]
        return form, None, lambda: service(assessment=found, actor=user)
    if action == "return":
        returned = ReturnForm(request.POST)
        if not returned.is_valid():
            return returned, None, None
        reason = returned.cleaned_data["reason"]
        return (
            returned,
            None,
            lambda: assessment_return(assessment=found, actor=user, reason=reason),
        )
    if action == "remove_evidence":
        form = django_forms.Form(request.POST)
        form.is_valid()
        try:
            evidence_id = int(request.POST.get("evidence", ""))
        except ValueError:
            form.add_error(None, _("This file does not exist."))
            return form, None, None
        return (
            form,
            None,
            lambda: assessment_evidence_remove(
                assessment=found, evidence_id=evidence_id, actor=user
            ),
        )
    if action == "survey":
        survey = SurveyForm(request.POST)
        if not survey.is_valid():
            return survey, None, None
        points = survey.cleaned_data["points"]
        return survey, None, lambda: assessment_survey(assessment=found, points=points, actor=user)
    try:
        sub = int(request.POST.get("sub", ""))
    except ValueError:
        form = django_forms.Form(request.POST)
        form.is_valid()
        form.add_error(None, _("Choose a sub-criterion."))
        return form, None, None
    prefix = f"s{sub}"
    if action == "score":
        scored = ScoreForm(request.POST, request.FILES, prefix=prefix)
        if not scored.is_valid():
            return scored, sub, None
        data = scored.cleaned_data
        return (
            scored,
            sub,
            lambda: assessment_score(
                assessment=found,
                sub_criterion_id=sub,
                points=data["points"],
                note=data["note"],
                files=[data["file"]] if data["file"] else [],
                actor=user,
            ),
        )
    appraised = AppraiseForm(request.POST, prefix=prefix)
    if not appraised.is_valid():
        return appraised, sub, None
    data = appraised.cleaned_data
    return (
        appraised,
        sub,
        lambda: assessment_appraise_score(
            assessment=found,
            sub_criterion_id=sub,
            points=data["points"],
            note=data["note"],
            actor=user,
        ),
    )


@login_required
@private_no_store
def assessment_excel(request: HttpRequest, pk: int) -> HttpResponse:
    found, _scorer, _appraiser = _visible(request, pk)
    if found is None:
        return _message(request, _("This self-assessment does not exist."))
    content = sel.assessment_export(sel.assessment_sheet(found))
    return _xlsx(content, f"tu-danh-gia-{found.unit_id}-{found.definition.year}.xlsx")


@login_required
@private_no_store
def evidence_file(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """An evidence file, only to those who may see the assessment."""
    found, _scorer, _appraiser = _visible(request, pk)
    evidence = sel.score_evidence(pk, evidence_pk) if found is not None else None
    if evidence is None:
        return _message(request, _("This file does not exist."))
    with default_storage.open(evidence.file, "rb") as handle:
        response = HttpResponse(handle.read(), content_type=evidence.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="{evidence.pk}.{evidence.file.rsplit(".", 1)[-1]}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@private_no_store
def ranking_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The units assessed against a definition, ranked by the appraised percentage."""
    found = Definition.objects.filter(pk=pk).first()
    if found is None or not (_may_read(request.user) or may_define(request.user)):
        return _message(request, _("This PAR INDEX definition does not exist."))
    rows = sel.ranking(found)
    if request.GET.get("format") == "xlsx":
        return _xlsx(sel.ranking_export(rows), f"xep-hang-{found.level}-{found.year}.xlsx")
    return render(
        request,
        "parindex/ranking.html",
        {"definition": found, "rows": rows, "maximum": sel.definition_max(found)},
    )


@login_required
@private_no_store
def history(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's results across the years."""
    unit = unit_get(unit_id)
    if unit is None or not (may_score(request.user, unit) or may_appraise(request.user, unit)):
        return _message(request, _("This unit does not exist."))
    return render(
        request,
        "parindex/history.html",
        {"unit": unit, "rows": sel.unit_history(unit), "level": level_of(unit)},
    )
