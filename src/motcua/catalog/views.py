"""Public catalogue pages: the searchable list and a procedure's detail."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.catalog.forms import ProcedureFilterForm
from motcua.catalog.selectors import (
    field_list,
    procedure_search,
    procedure_version_get,
    procedure_version_next,
)
from motcua.core.errors import NotFoundError

PAGE_SIZE = 20


@require_GET
def procedure_list(request: HttpRequest) -> HttpResponse:
    """List the procedures in force today, searched and filtered (GET q, field, level)."""
    fields = list(field_list())
    form = ProcedureFilterForm(request.GET, fields=fields)
    query = form.value("q")
    versions = procedure_search(query, field=form.value("field"), level=form.value("level"))
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/procedure_list.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "versions": list(page.object_list),
            "filtered": bool(query or form.value("field") or form.value("level")),
        },
    )


@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Show the version of procedure ``code`` in force today."""
    try:
        version = procedure_version_get(code)
    except NotFoundError:
        return render(request, "catalog/procedure_not_found.html", {"code": code}, status=404)
    return render(
        request,
        "catalog/procedure_detail.html",
        {
            "version": version,
            "procedure": version.procedure,
            "documents": version.documents.all(),
            "fees": version.fees.all(),
            "steps": version.steps.all(),
            "next_version": procedure_version_next(version),
        },
    )
