"""What every back-office view shares: the role gate and error pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.dossiers.screens import UserRoles, roles_held, what_you_can_do

StaffView = Callable[..., HttpResponse]


def staff_view(
    roles: Iterable[str] | None = None, *, refusal: Any = ""
) -> Callable[[StaffView], StaffView]:
    """Require a login and, for the page, one of ``roles`` (any dossier role when None).

    The wrapped view receives the user's :class:`UserRoles` after the
    request. A user without any dossier role sees what they can do today
    (:func:`no_dossier_role`), not a bare 403.
    """
    wanted = frozenset(roles or ())

    def decorator(view: StaffView) -> StaffView:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user_roles = UserRoles.for_request(request)
            if not user_roles:
                return no_dossier_role(request, user_roles)
            if wanted and not user_roles.holds_any(wanted):
                return forbidden(request, str(refusal))
            return view(request, user_roles, *args, **kwargs)

        return login_required(wrapper)

    return decorator


def no_dossier_role(request: HttpRequest, roles: UserRoles) -> HttpResponse:
    """Say what a user without any dossier role can do today.

    Roles without screens yet (the reform officer, the contest judge, …)
    are named with what their holder can use today, with a 200; an account
    with no role at all is told to ask for one, with a 403.
    """
    held = roles_held(roles)
    return render(
        request,
        "dossiers/no_role.html",
        {"held": held, "today": what_you_can_do(held, request.user)},
        status=200 if held else 403,
    )


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "dossiers/forbidden.html", {"message": message}, status=403)


def not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "dossiers/not_found.html", {"message": message}, status=404)
