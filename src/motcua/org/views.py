"""Staff sign-in (password, then a one-time code) and the account pages.

Sign-in has two steps when the user has a second factor or must have one
(:func:`motcua.org.accounts.second_factor_required`): the password step
only remembers, in the session, who passed it and when; the user is signed
in (Django's ``login``) after the code step, so no session anywhere in the
site (pages, admin, API) belongs to a user who gave only a password. A
user who must have a second factor and has none sets it up inside the
sign-in. The pending step expires after :data:`PENDING_SECONDS`.

Wrong codes count as failed sign-ins for the lockout (django-axes), like
wrong passwords, per username and address and per address.
"""

from __future__ import annotations

import time
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from motcua.core.errors import ApplicationError
from motcua.core.forms import StaffAuthenticationForm
from motcua.core.middleware import LAST_SEEN_SESSION_KEY
from motcua.org import accounts
from motcua.org.forms import OneTimeCodeForm

PENDING_SESSION_KEY = "motcua_sign_in"
"""Session entry of a sign-in waiting for its code: user, backend, since, next, password
(the password's session hash) and, while setting up a device, key."""

ENROL_SESSION_KEY = "motcua_totp_key"
"""Session entry of the secret a signed-in user is setting up, until confirmed."""

PENDING_SECONDS = 300


class SignInView(LoginView):
    """Step one: username and password (axes counts the failures).

    The form speaks plainly (``core.forms.StaffAuthenticationForm``); without
    a ``next`` the officer lands on ``LOGIN_REDIRECT_URL``, their own work.
    """

    template_name = "org/sign_in.html"
    redirect_authenticated_user = True
    form_class = StaffAuthenticationForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        has_device = accounts.second_factor_device(user) is not None
        if not has_device and not accounts.second_factor_required(user):
            response = super().form_valid(form)
            self.request.session[LAST_SEEN_SESSION_KEY] = int(time.time())
            return response
        self.request.session.cycle_key()
        self.request.session[PENDING_SESSION_KEY] = {
            "user": user.pk,
            "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
            "since": int(time.time()),
            "next": self.get_success_url(),
            "password": user.get_session_auth_hash(),  # a password changed meanwhile ends it
        }
        return redirect("sign_in_code" if has_device else "sign_in_enrol")


def _pending(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    """Return the user and data of the sign-in waiting for its code, if still fresh."""
    data = request.session.get(PENDING_SESSION_KEY)
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("user"), int)
        or time.time() - data.get("since", 0) > PENDING_SECONDS
    ):
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    user = get_user_model().objects.filter(pk=data["user"], is_active=True).first()
    if user is None or data.get("password") != user.get_session_auth_hash():
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    return user, data


def _start_again(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Sign in again: the sign-in was not finished in time."))
    return redirect("login")


def _locked_out(request: HttpRequest, credentials: dict[str, Any]) -> HttpResponse | None:
    """Return the lockout page when this address (or this user from it) is locked."""
    if settings.AXES_ENABLED and not AxesProxyHandler.is_allowed(request, credentials):
        response: HttpResponse = get_lockout_response(request, None, credentials)
        return response
    return None


def _count_failure(request: HttpRequest, credentials: dict[str, Any]) -> None:
    """Report a failed step to axes, as a wrong password is (it may lock the address)."""
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)


def _complete_sign_in(
    request: HttpRequest, user: Any, data: dict[str, Any], device: Any
) -> HttpResponse:
    request.session.pop(PENDING_SESSION_KEY, None)
    auth_login(request, user, backend=data["backend"])
    otp_login(request, device)
    request.session[LAST_SEEN_SESSION_KEY] = int(time.time())
    return redirect(data.get("next") or settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step two: the code of the user's authenticator app."""
    pending = _pending(request)
    if pending is None:
        return _start_again(request)
    user, data = pending
    if accounts.second_factor_device(user) is None:
        return redirect("sign_in_enrol")
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        credentials = {"username": user.get_username()}
        locked = _locked_out(request, credentials)
        if locked is not None:
            return locked
        device = accounts.second_factor_verify(user, form.cleaned_data["code"])
        if device is not None:
            return _complete_sign_in(request, user, data, device)
        _count_failure(request, credentials)
        form.add_error(
            "code",
            _(
                "The code is not right. Check that the phone's clock is right and enter "
                "the code the app shows now."
            ),
        )
    return render(request, "org/sign_in_code.html", {"form": form, "person": user})


def _enrolment_context(user: Any, key: str) -> dict[str, Any]:
    qr = segno.make(accounts.totp_config_url(user, key), error="m")
    return {
        "qr": qr.svg_data_uri(scale=5, border=2),
        "secret": accounts.totp_key_base32(key),
        "issuer": settings.OTP_TOTP_ISSUER,
        "person": user,
    }


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_enrol(request: HttpRequest) -> HttpResponse:
    """Step two for a user who must have a second factor and has none: set it up."""
    pending = _pending(request)
    if pending is None:
        return _start_again(request)
    user, data = pending
    if accounts.second_factor_device(user) is not None:
        return redirect("sign_in_code")
    key = data.get("key")
    if not isinstance(key, str):
        key = data["key"] = accounts.new_totp_key()
        request.session[PENDING_SESSION_KEY] = data
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        credentials = {"username": user.get_username()}
        locked = _locked_out(request, credentials)
        if locked is not None:
            return locked
        try:
            device = accounts.second_factor_enable(
                user=user, key=key, code=form.cleaned_data["code"]
            )
        except ApplicationError as exc:
            _count_failure(request, credentials)
            form.add_error("code", exc.message)
        else:
            messages.success(request, _("Two-step verification is on for your account."))
            return _complete_sign_in(request, user, data, device)
    context = _enrolment_context(user, key) | {"form": form, "required": True}
    return render(request, "org/sign_in_enrol.html", context)


# --- the account pages ----------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's account: password and two-step verification."""
    return render(
        request,
        "org/account.html",
        {
            "device": accounts.second_factor_device(request.user),
            "required": accounts.second_factor_required(request.user),
        },
    )


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password (the old one, then the new one twice)."""
    user: Any = request.user
    form = PasswordChangeForm(user, request.POST if request.method == "POST" else None)
    if form.is_bound:
        credentials = {"username": user.get_username()}
        locked = _locked_out(request, credentials)
        if locked is not None:
            return locked
        if form.is_valid():
            accounts.account_password_change(
                user=user, new_password=form.cleaned_data["new_password1"]
            )
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password was changed."))
            return redirect("account:overview")
        if "old_password" in form.errors:
            _count_failure(request, credentials)
    return render(
        request,
        "org/password_change.html",
        {"form": form, "password_rules": password_validators_help_texts()},
    )


@sensitive_post_parameters("code")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Turn two-step verification on (a new secret, confirmed by a first code) or off."""
    user = request.user
    device = accounts.second_factor_device(user)
    required = accounts.second_factor_required(user)
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
    if device is not None:
        if form.is_bound and form.is_valid():
            credentials = {"username": user.get_username()}
            locked = _locked_out(request, credentials)
            if locked is not None:
                return locked
            try:
                accounts.second_factor_disable(user=user, code=form.cleaned_data["code"])
            except ApplicationError as exc:
                if exc.code == "wrong_code":
                    _count_failure(request, credentials)
                form.add_error("code", exc.message)
            else:
                messages.success(request, _("Two-step verification is off for your account."))
                return redirect("account:overview")
        return render(
            request,
            "org/second_factor_on.html",
            {"form": form, "device": device, "required": required},
        )
    key = request.session.get(ENROL_SESSION_KEY)
    if not isinstance(key, str):
        key = request.session[ENROL_SESSION_KEY] = accounts.new_totp_key()
    if form.is_bound and form.is_valid():
        try:
            accounts.second_factor_enable(user=user, key=key, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            form.add_error("code", exc.message)
        else:
            request.session.pop(ENROL_SESSION_KEY, None)
            messages.success(request, _("Two-step verification is on for your account."))
            return redirect("account:overview")
    context = _enrolment_context(user, key) | {"form": form, "required": required}
    return render(request, "org/second_factor_enrol.html", context)


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin site's sign-in: the staff sign-in, so the admin asks for the code too."""
    if request.user.is_authenticated:
        # Signed in, but the admin sent the user here: no access to the admin.
        return render(request, "org/no_admin_access.html", status=403)
    return redirect_to_login(
        request.GET.get("next", reverse("admin:index")), reverse("login"), "next"
    )


def admin_password_change(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin's "change password" link: the audited account page."""
    return redirect("account:password")
