from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.dossiers.public import dossier_public_status


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """Show a dossier's status by its code (tra cứu hồ sơ); nothing personal."""
    code = request.GET.get("ma", "").strip()
    status = dossier_public_status(code) if code else None
    response = render(
        request,
        "portal/lookup.html",
        {"code": code, "result": status, "not_found": bool(code) and status is None},
    )
    response.headers["Cache-Control"] = "no-store"
    return response
