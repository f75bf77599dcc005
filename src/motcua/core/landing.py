"""Where a signed-in user lands, registered by the apps so core names none above it.

An app whose role has a home page of its own (the reform officer's outreach
home, the judge's score sheets) registers it in ``AppConfig.ready()``. The
sign-in redirect asks :func:`landing_for` first; the highest priority among
the pages the user's check admits wins. None when no app claims the user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class Landing:
    url_name: str
    applies: Callable[[HttpRequest], bool]
    priority: int


_LANDINGS: dict[str, Landing] = {}


def register_landing(
    url_name: str, applies: Callable[[HttpRequest], bool], *, priority: int = 100
) -> None:
    """Send users for whom ``applies(request)`` holds to ``url_name`` after sign-in
    (idempotent; a higher ``priority`` wins when several apply)."""
    _LANDINGS[url_name] = Landing(url_name, applies, priority)


def landing_for(request: HttpRequest) -> str | None:
    """Return the path of the registered landing page for this user, if any."""
    for landing in sorted(_LANDINGS.values(), key=lambda item: (-item.priority, item.url_name)):
        if landing.applies(request):
            return reverse(landing.url_name)
    return None
