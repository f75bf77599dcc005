"""OpenID Connect sign-in for citizens (VNeID, provincial single sign-on).

Configured by settings (``OIDC_RP_CLIENT_ID`` and the provider's endpoints,
docs/citizens.md); without a client id the sign-in page shows no such
button and these views answer 404. The authorization code flow is run by
mozilla-django-oidc; this module decides who the person is: the citizen
whose (issuer, subject) pair matches, else the citizen with the same
verified e-mail address, which is then linked, else a new citizen. The ID
token's signature (JWKS), nonce, issuer and audience are checked. Staff
accounts are never signed in this way.
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from motcua.citizens.codes import citizen_create
from motcua.citizens.models import Citizen
from motcua.core.audit import audit_record
from motcua.core.text import nfc

logger = logging.getLogger(__name__)


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def _issuer() -> str:
    return str(
        getattr(settings, "MOTCUA_OIDC_ISSUER", "") or settings.OIDC_OP_AUTHORIZATION_ENDPOINT
    )


class CitizenOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Sign a citizen in from the provider's claims (``sub``, ``email``, ``name``)."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        """Return the citizen's user, or None when the provider's answer does not hold up."""
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError) as exc:
            logger.warning("OpenID Connect sign-in refused: %s", exc)
            return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience does not match")
        expected = getattr(settings, "MOTCUA_OIDC_ISSUER", "")
        if expected and payload.get("iss") != expected:
            raise SuspiciousOperation("ID token issuer does not match")
        if not payload.get("sub"):
            raise SuspiciousOperation("ID token without subject")
        self._id_subject = str(payload["sub"])
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        subject = str(claims.get("sub") or "")
        # The user-info answer must be about the person the ID token names.
        return bool(subject) and subject == getattr(self, "_id_subject", subject)

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        users = get_user_model().objects
        subject = str(claims.get("sub") or "")
        found = users.filter(citizen__oidc_issuer=_issuer(), citizen__oidc_subject=subject)
        if found.exists():
            return found
        email = str(claims.get("email") or "").strip().lower()
        if email and claims.get("email_verified", True):
            by_email = Citizen.objects.filter(email=email, oidc_subject="").first()
            if by_email is not None:
                by_email.oidc_issuer = _issuer()
                by_email.oidc_subject = subject
                by_email.save(update_fields=["oidc_issuer", "oidc_subject"])
                return users.filter(pk=by_email.user_id)
        return users.none()

    def create_user(self, claims: dict[str, Any]) -> Any:
        email = str(claims.get("email") or "").strip().lower()
        if email and Citizen.objects.filter(email=email).exists():
            email = ""  # an unverified address that another account holds is not taken
        with transaction.atomic():
            citizen = citizen_create(
                email=email,
                full_name=nfc(str(claims.get("name") or ""))[:200],
                oidc_issuer=_issuer(),
                oidc_subject=str(claims["sub"]),
            )
            audit_record(
                actor=citizen.user,
                action="citizens.created",
                obj=citizen,
                data={"method": "oidc"},
                new_stream=True,
            )
        return citizen.user

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        citizen = getattr(user, "citizen", None)
        if citizen is not None:
            audit_record(
                actor=user, action="citizens.sign_in", obj=citizen, data={"method": "oidc"}
            )
        return user


class CallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    @property
    def failure_url(self) -> str:
        return reverse("citizens:sign_in") + "?oidc=failed"

    @property
    def success_url(self) -> str:
        following = self.request.session.pop("citizens.next", None)
        return str(following or reverse("citizens:dossiers"))


def oidc_start(request: HttpRequest) -> HttpResponse:
    if not oidc_enabled():
        raise Http404
    response: HttpResponse = OIDCAuthenticationRequestView.as_view()(request)
    return response


def oidc_callback(request: HttpRequest) -> HttpResponse:
    if not oidc_enabled():
        raise Http404
    response: HttpResponse = CallbackView.as_view()(request)
    return response
