"""Admin of staff API tokens: the secret is shown once, right after creation."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.api.models import ApiToken
from motcua.api.services import api_token_create, api_token_revoke
from motcua.core import clock


class ApiTokenForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ApiToken
        fields = ["user", "name", "expires_at"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        expires = data.get("expires_at")
        if expires is not None and expires <= clock.now():
            self.add_error("expires_at", _("The expiry must be in the future."))
        user = data.get("user")
        if user is not None and not user.is_active:
            self.add_error("user", _("The account is disabled."))
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    form = ApiTokenForm
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    @admin.display(boolean=True, description=gettext_lazy("revoked"))
    def revoked(self, obj: ApiToken) -> bool:
        return obj.revoked

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return []
        return ["user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return ["user", "name", "expires_at"]
        return self.get_readonly_fields(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:  # pragma: no cover - tokens are read-only once created
            return
        token, text = api_token_create(  # the form checked what the service would refuse
            actor=request.user,
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            expires_at=form.cleaned_data.get("expires_at"),
        )
        obj.pk = token.pk
        obj.prefix = token.prefix
        obj.created_at = token.created_at
        messages.warning(
            request,
            _(
                "The token for %(user)s is: %(token)s — copy it now; it is not stored and "
                "will not be shown again."
            )
            % {"user": token.user.get_username(), "token": text},
        )

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # revoke instead: the row stays as the record of the token

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset:
            if not token.revoked:
                api_token_revoke(actor=request.user, token=token)
                count += 1
        messages.success(request, _("%(count)s token(s) revoked.") % {"count": count})
