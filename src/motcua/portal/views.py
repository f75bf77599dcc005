from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.dossiers.public import dossier_public_status


def _over_limit(request: HttpRequest) -> bool:
    """Count look-ups per client address and minute; True past ``MOTCUA_LOOKUP_PER_MINUTE``.

    The counter lives in the cache: per process with the default local-memory
    cache, shared when a deployment configures a shared cache.
    """
    address = request.META.get("REMOTE_ADDR", "")
    key = f"motcua:lookup:{address}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        count = 1
    return bool(count > settings.MOTCUA_LOOKUP_PER_MINUTE)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The public home page: what the office does and the procedure search."""
    return render(request, "portal/home.html")


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """Show a dossier's status by its code (tra cứu hồ sơ); nothing personal."""
    code = request.GET.get("ma", "").strip()
    too_many = bool(code) and _over_limit(request)
    status = dossier_public_status(code) if code and not too_many else None
    response = render(
        request,
        "portal/lookup.html",
        {
            "code": code,
            "result": status,
            "too_many": too_many,
            "not_found": bool(code) and not too_many and status is None,
        },
        status=429 if too_many else 200,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
