"""A public page's layout, rendered once per language and reused for anonymous visitors.

``core/base.html`` (header, menus, language switch, footer) is about half of
the template work of a busy public page (the lookup, a quiz attempt), and for a visitor who is not signed in and
has no message waiting it is the same on every request but for two values:
the CSRF token of the language switch and the page's own address (its
``next``). :func:`render_with_cached_layout` renders the layout once per
(language, script prefix, URL configuration, public menu) with markers in
their place and in the place of the title and the content, then answers
each request by joining the cached pieces with that request's values and
the page's own title and content: its templates, or functions that write
them out (the lookup's, :mod:`motcua.portal.lookup_html`). Anyone else (a
signed-in user, a message to show, ``DEBUG`` with its template reloading)
gets the ordinary render. ``portal/tests/test_layout.py`` compares the two
renders.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import escape
from django.utils.translation import get_language

from motcua.core.menu import staff_menu

_TITLE = "motcuaLayoutTitle0b7e"
_CONTENT = "motcuaLayoutContent0b7e"
_CSRF = "motcuaLayoutCsrf0b7e"
_NEXT = "motcuaLayoutNext0b7e"

_layouts: dict[tuple[Any, ...], tuple[str, str, str]] = {}
_lock = threading.Lock()


def _clear(**_kwargs: Any) -> None:
    _layouts.clear()


setting_changed.connect(_clear, dispatch_uid="motcua.core.layout")


class _LayoutRequest(HttpRequest):
    """An anonymous request whose address is a marker."""

    def get_full_path(self, force_append_slash: bool = False) -> str:
        return _NEXT


def _layout(template_name: str, key: tuple[Any, ...]) -> tuple[str, str, str]:
    """Return the layout of ``template_name`` cut around its title and content."""
    cached = _layouts.get(key)
    if cached is not None:
        return cached
    request = _LayoutRequest()
    request.path = request.path_info = _NEXT
    request.user = AnonymousUser()
    context: dict[str, Any] = {}
    for processor in engines["django"].engine.template_context_processors:  # type: ignore[attr-defined]
        context.update(processor(request))
    context.update(
        csrf_token=_CSRF,
        request=request,
        messages=[],
        layout_title=_TITLE,
        layout_content=_CONTENT,
    )
    html = get_template(template_name).render(context)
    before, _, rest = html.partition(_TITLE)
    middle, _, after = rest.partition(_CONTENT)
    if not after or _TITLE in rest or _CONTENT in after:  # pragma: no cover - a broken layout
        raise RuntimeError(f"{template_name} must show layout_title and layout_content once")
    with _lock:
        _layouts[key] = (before, middle, after)
    return before, middle, after


def _render(part: str | Callable[[dict[str, Any]], str], context: dict[str, Any]) -> str:
    if callable(part):
        return part(context)
    return get_template(part).render(context)


def render_with_cached_layout(
    request: HttpRequest,
    *,
    page: str,
    layout: str,
    title: str | Callable[[dict[str, Any]], str],
    content: str | Callable[[dict[str, Any]], str],
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """Render ``page`` for ``request``; for an anonymous visitor, as ``layout`` + title + content.

    ``page`` extends ``core/base.html`` and includes the title and content
    templates in its blocks; ``layout`` is the same page with
    ``{{ layout_title }}`` and ``{{ layout_content }}`` in their place.
    ``title`` and ``content`` name those templates, or are functions that
    return, for ``context``, the HTML those templates render (a hot page's
    content written out in Python, compared with the templates by its tests).
    """
    user = getattr(request, "user", None)
    if settings.DEBUG or (user is not None and user.is_authenticated) or get_messages(request):
        return HttpResponse(get_template(page).render(context, request), status=status)
    menu = staff_menu(request)["public_menu"]
    key = (
        layout,
        get_language(),
        get_script_prefix(),
        str(get_urlconf() or settings.ROOT_URLCONF),
        tuple(url for url, _label in menu),
    )
    before, middle, after = _layout(layout, key)
    token = get_token(request)
    # The page's own forms need the token too ({% csrf_token %}; no request here).
    context = {**context, "csrf_token": token}
    here = escape(request.get_full_path())
    html = "".join(
        (
            before.replace(_CSRF, token).replace(_NEXT, here),
            _render(title, context),
            middle.replace(_CSRF, token).replace(_NEXT, here),
            _render(content, context),
            after.replace(_CSRF, token).replace(_NEXT, here),
        )
    )
    return HttpResponse(html, status=status)
