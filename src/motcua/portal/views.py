"""Citizen pages: the home page and the dossier lookup."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.core.http import private_no_store
from motcua.core.layout import render_with_cached_layout
from motcua.dossiers.public import pause_explanation
from motcua.portal.forms import LookupForm
from motcua.portal.lookup import Outcome, lookup, problem_message
from motcua.portal.lookup_html import lookup_content, lookup_title
from motcua.portal.selectors import home_page_data

PHONE_PROBLEMS = frozenset({Outcome.PHONE_INVALID, Outcome.PHONE_MISMATCH, Outcome.PHONE_LOCKED})


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The public home page: search, most used and online procedures, the offices."""
    return render(request, "portal/home.html", home_page_data())


@private_no_store
@require_GET
def lookup_page(request: HttpRequest) -> HttpResponse:
    """Show a dossier's status by its code (tra cứu hồ sơ); nothing personal.

    With the last four digits of the applicant's telephone, its history too
    (see :mod:`motcua.portal.lookup` for the limits).
    """
    asked = "ma" in request.GET
    form = LookupForm(request.GET if asked else None)
    result = None
    status = 200
    if asked and form.is_valid():
        result = lookup(request, form.cleaned_data["ma"], form.cleaned_data["so"])
        message = problem_message(result)
        if result.problem in PHONE_PROBLEMS:
            form.add_error("so", message)
        elif result.problem == Outcome.NOT_FOUND:
            form.add_error("ma", message)
        elif result.problem:
            form.add_error(None, message)
        if result.problem in (Outcome.TOO_MANY, Outcome.TOO_MANY_PHONE_TRIES):
            status = 429
    found = result.status if result is not None else None
    return render_with_cached_layout(
        request,
        page="portal/lookup.html",
        layout="portal/lookup_layout.html",
        title=lookup_title,
        content=lookup_content,
        context={
            "form": form,
            "result": found,
            "office": result.office if result is not None else None,
            "timeline": result.timeline if result is not None else None,
            "pause_text": pause_explanation(found.pause) if found and found.pause else "",
        },
        status=status,
    )
