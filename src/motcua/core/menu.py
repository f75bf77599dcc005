"""Staff menu entries registered by the apps, so core's layout names no app above it.

Each app adds its links in ``AppConfig.ready()``; the context processor
hands them to ``core/base.html`` in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class MenuLink:
    url_name: str
    label: str | Promise
    order: int


_STAFF_LINKS: dict[str, MenuLink] = {}


def register_staff_link(url_name: str, label: str | Promise, *, order: int = 100) -> None:
    """Show ``label`` linking to ``url_name`` to signed-in staff (idempotent)."""
    _STAFF_LINKS[url_name] = MenuLink(url_name, label, order)


def staff_menu(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``staff_menu`` = [(url, label), …] for a signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"staff_menu": []}
    links = sorted(_STAFF_LINKS.values(), key=lambda link: (link.order, link.url_name))
    return {"staff_menu": [(reverse(link.url_name), link.label) for link in links]}
