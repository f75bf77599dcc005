"""Staff menu entries registered by the apps, so core's layout names no app above it.

Each app adds its links in ``AppConfig.ready()``; the context processor
hands them to ``core/base.html`` in order. A staff link may say who sees
it (``allowed``, asked with the request), so a menu offers only what the
user's roles may open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise, SimpleLazyObject


@dataclass(frozen=True)
class MenuLink:
    url_name: str
    label: str | Promise
    order: int
    allowed: Callable[[HttpRequest], bool] | None = None


_STAFF_LINKS: dict[str, MenuLink] = {}
_PUBLIC_LINKS: dict[str, MenuLink] = {}
_PUBLIC_ACCOUNTS: list[Callable[[HttpRequest], bool]] = []


def register_public_account(check: Callable[[HttpRequest], bool]) -> None:
    """Say which signed-in users are members of the public: they get no staff menu.

    ``check(request)`` is asked only on pages that show the menu (idempotent).
    """
    if check not in _PUBLIC_ACCOUNTS:
        _PUBLIC_ACCOUNTS.append(check)


def _staff_links(request: HttpRequest) -> list[tuple[str, Any]]:
    if any(check(request) for check in _PUBLIC_ACCOUNTS):
        return []
    return _resolved(_STAFF_LINKS, request)


def register_public_link(url_name: str, label: str | Promise, *, order: int = 100) -> None:
    """Show ``label`` linking to ``url_name`` to everyone (idempotent)."""
    _PUBLIC_LINKS[url_name] = MenuLink(url_name, label, order)
    _public_menus.clear()


_public_menus: dict[tuple[str, str], list[tuple[str, Any]]] = {}
"""The public menu by (script prefix, URL configuration): every page shows it, unchanged."""


def _public_menu() -> list[tuple[str, Any]]:
    key = (get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))
    menu = _public_menus.get(key)
    if menu is None:
        menu = _public_menus[key] = _resolved(_PUBLIC_LINKS)
    return list(menu)


def register_staff_link(
    url_name: str,
    label: str | Promise,
    *,
    order: int = 100,
    allowed: Callable[[HttpRequest], bool] | None = None,
) -> None:
    """Show ``label`` linking to ``url_name`` to signed-in staff (idempotent).

    ``allowed(request)`` decides whether this user sees it (everyone signed
    in when None); it runs on every page, so it should answer from data the
    request already holds.
    """
    _STAFF_LINKS[url_name] = MenuLink(url_name, label, order, allowed)


def _resolved(
    links: dict[str, MenuLink], request: HttpRequest | None = None
) -> list[tuple[str, Any]]:
    ordered = sorted(links.values(), key=lambda link: (link.order, link.url_name))
    return [
        (reverse(link.url_name), link.label)
        for link in ordered
        if link.allowed is None or (request is not None and link.allowed(request))
    ]


def staff_menu(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``public_menu`` for everyone, ``staff_menu`` for a signed-in user."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    # Lazy: the links' checks (the user's roles) cost a query, paid only by pages
    # that show the menu (not the admin's).
    return {
        "public_menu": _public_menu(),
        "staff_menu": SimpleLazyObject(lambda: _staff_links(request)) if signed_in else [],
    }
