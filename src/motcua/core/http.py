"""HTTP helpers shared by the apps' views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


def mark_private(response: HttpResponse) -> HttpResponse:
    """Forbid every cache to keep ``response`` (``Cache-Control: private, no-store``).

    A page with personal data on a shared counter PC must not come back from
    the browser's cache after sign-out, nor be kept by a proxy on the way.
    """
    patch_cache_control(response, private=True, no_store=True)
    return response


def private_no_store(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate a public view whose answer is about one person or one dossier."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return mark_private(view(request, *args, **kwargs))

    return wrapper
