"""What every back-office view shares: the role gate and error pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.dossiers.screens import UserRoles

StaffView = Callable[..., HttpResponse]


def staff_view(
    roles: Iterable[str] | None = None, *, refusal: Any = ""
) -> Callable[[StaffView], StaffView]:
    """Require a login and, for the page, one of ``roles`` (any dossier role when None).

    The wrapped view receives the user's :class:`UserRoles` after the
    request. A user without any dossier role sees why, not a bare 403.
    """
    wanted = frozenset(roles or ())

    def decorator(view: StaffView) -> StaffView:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user_roles = UserRoles.load(request.user)
            if not user_roles:
                return render(request, "dossiers/no_role.html", status=403)
            if wanted and not user_roles.holds_any(wanted):
                return forbidden(request, str(refusal))
            return view(request, user_roles, *args, **kwargs)

        return login_required(wrapper)

    return decorator


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "dossiers/forbidden.html", {"message": message}, status=403)


def not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "dossiers/not_found.html", {"message": message}, status=404)
