"""Public catalogue pages: the searchable list and a procedure's detail."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from motcua.catalog.declaration_forms import download_name
from motcua.catalog.forms import ProcedureFilterForm
from motcua.catalog.models import OnlineLevel
from motcua.catalog.selectors import (
    declaration_form_get,
    field_list,
    offices_for_version,
    online_submit_url,
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
    online = version.online_level in (OnlineLevel.FULL, OnlineLevel.PARTIAL)
    return render(
        request,
        "catalog/procedure_detail.html",
        {
            "version": version,
            "procedure": version.procedure,
            "documents": version.documents.all(),
            "fees": version.fees.all(),
            "steps": version.steps.all(),
            "forms": version.declaration_forms.all(),
            "next_version": procedure_version_next(version),
            "offices": offices_for_version(version),
            "online": online,
            "submit_url": online_submit_url(version.procedure.code) if online else "",
        },
    )


@require_GET
def declaration_form(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """Send a declaration form (tờ khai) to download; public, cacheable for a day."""
    try:
        form = declaration_form_get(code, pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    try:
        handle = form.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(form.name) from exc
    response = FileResponse(
        handle, as_attachment=True, filename=download_name(form), content_type=form.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, public=True, max_age=86400)
    return response
