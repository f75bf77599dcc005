"""Request-wide behaviour: the language, private caching, idle sessions, the CSP headers."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.core.http import mark_private

LAST_SEEN_SESSION_KEY = "motcua_last_seen"
"""Unix time of the session's last request, as :class:`SessionIdleMiddleware` wrote it."""


class LanguageMiddleware:
    """Activate the language cookie's language, else ``LANGUAGE_CODE``.

    Django's LocaleMiddleware would follow the browser's Accept-Language; a
    public office's pages stay Vietnamese until the user switches.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PrivateCacheMiddleware:
    """Send ``Cache-Control: private, no-store`` on every answer that may carry personal data.

    That is every answer to a signed-in user (staff pages, the admin, the
    API through the session) and every answer under ``MOTCUA_PRIVATE_PATHS``
    (the API with a token), except ``MOTCUA_PUBLIC_API_PATHS`` (anonymous
    operations that set their own headers). Public pages for anonymous
    visitors keep their caching; a citizen's page marks itself with
    :func:`motcua.core.http.private_no_store`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.prefixes = tuple(settings.MOTCUA_PRIVATE_PATHS)
        self.public = tuple(settings.MOTCUA_PUBLIC_API_PATHS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        path = request.path_info
        private_path = path.startswith(self.prefixes) and not path.startswith(self.public)
        if private_path or _signed_in(request):
            mark_private(response)
        return response


def _signed_in(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return session is not None and SESSION_KEY in session


class SessionIdleMiddleware:
    """End a signed-in session after ``MOTCUA_SESSION_IDLE_MINUTES`` without a request.

    Counter PCs are shared: a session left open must not serve the next
    person. The last request's instant is kept in the session and written
    back at most once a minute, so an active user costs one session write a
    minute, not one per request. The session cookie itself ends when the
    browser closes (``SESSION_EXPIRE_AT_BROWSER_CLOSE``) and the stored
    session expires ``SESSION_COOKIE_AGE`` (the same idle time) after its
    last write, so the idle limit holds even if this check were skipped.

    Wall-clock time, not :mod:`motcua.core.clock`: a test that freezes the
    domain's "now" at some past working day must not end its own sessions.
    """

    refresh_seconds = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _signed_in(request):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
            idle_limit = settings.MOTCUA_SESSION_IDLE_MINUTES * 60
            if isinstance(last_seen, int) and now - last_seen > idle_limit:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)s minutes without activity.")
                    % {"minutes": settings.MOTCUA_SESSION_IDLE_MINUTES},
                )
            elif not isinstance(last_seen, int) or now - last_seen >= self.refresh_seconds:
                request.session[LAST_SEEN_SESSION_KEY] = now
        return self.get_response(request)


# The headers of the settings' own policies, with the prefixes each leaves out.
_csp_headers: dict[str, tuple[tuple[str, str, str, tuple[str, ...]], ...]] = {}


def _forget_csp_headers(**_kwargs: Any) -> None:
    _csp_headers.clear()


setting_changed.connect(_forget_csp_headers, dispatch_uid="motcua.core.middleware.csp")

_POLICY_CHANGES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


def _settings_csp_headers() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """Return (header, value, exemption attribute, excluded prefixes) of each policy."""
    headers = _csp_headers.get("")
    if headers is None:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        policy_ro = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {}
        headers = (
            (
                HEADER,
                build_policy(),
                "_csp_exempt",
                tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ()),
            ),
            (
                HEADER_REPORT_ONLY,
                build_policy(report_only=True),
                "_csp_exempt_ro",
                tuple(policy_ro.get("EXCLUDE_URL_PREFIXES", None) or ()),
            ),
        )
        _csp_headers[""] = headers
    return headers


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the headers built once while a view changes nothing.

    django-csp builds both headers from the settings on every answer (about
    0.07 ms, a tenth of the JSON lookup's CPU). An answer whose view set no
    policy of its own (``@csp``, ``@csp_update``, ``@csp_replace``) and whose
    request used no nonce gets the settings' headers, built once per process
    (again when the settings change), under django-csp's own rules: not over
    a header already set, not on an exempt answer (``@csp_exempt``), not
    under an excluded prefix. Anything else, and ``DEBUG``, takes
    django-csp's own path. ``core/tests/test_csp.py`` compares both.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in _POLICY_CHANGES)
        ):
            return super().process_response(request, response)
        path = request.path_info
        for header, value, exemption, excluded in _settings_csp_headers():
            if (
                value
                and header not in response
                and getattr(response, exemption, False) is False
                and not path.startswith(excluded)
            ):
                response[header] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
