"""Who calls the API: a staff API token, or a signed-in staff session with CSRF.

``Authorization: Bearer mc_<prefix>_<secret>`` authenticates programs
(see :mod:`motcua.api.models`); the browser pages of the back office call
the same endpoints with their session cookie and the CSRF token header.
Either way ``request.auth`` is the user. A token that is present but
unknown, revoked or expired, or whose account is disabled, answers 401 at
once with the reason; a request with neither gets a 401 that says what to
send.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from motcua.api.services import TokenRejected, api_token_authenticate
from motcua.core.errors import ApplicationError


class NotAuthenticatedError(ApplicationError):
    """The request carries no valid credentials (401)."""

    status = 401

    def __init__(self, message: str, *, code: str = "not_authenticated") -> None:
        super().__init__(message, code=code)


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a staff API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            return api_token_authenticate(token)
        except TokenRejected as exc:
            raise NotAuthenticatedError(exc.message, code=exc.code) from None


class StaffSessionAuth(APIKeyCookie):
    """The Django session of a signed-in, active user; unsafe methods need the CSRF token."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.COOKIES.get(self.param_name):
            return None  # no session: skip the CSRF check so the 401 explains what to send
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


token_auth = ApiTokenAuth()
session_auth = StaffSessionAuth()
STAFF_AUTH = [token_auth, session_auth]
"""The auth list of every staff endpoint: a token first, else the session."""
