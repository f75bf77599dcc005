"""Admin for unit kinds, units, successions, roles and role assignments.

Every change goes through :mod:`motcua.org.services`: forms call the
services' checks to show messages beside the fields, ``save_model`` and
``save_formset`` call the writers, and a rule broken at save time (a race
with another user) rolls the whole change back and comes back as a message,
never as a server error. Units and kinds are never deleted (a unit is ended
by its ``valid until`` date), so deletion is switched off for them.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.core.spreadsheets import CellError
from motcua.core.text import search_terms
from motcua.org import accounts, services
from motcua.org.forms import UnitImportForm
from motcua.org.importers import units_import
from motcua.org.models import Role, RoleAssignment, Unit, UnitKind, UnitSuccession
from motcua.org.selectors import valid_on_q

_M = TypeVar("_M", bound=Model)


class ServiceAdmin(admin.ModelAdmin[_M]):
    """Turn an ApplicationError raised while saving into a message.

    The admin saves inside one transaction, so the exception rolls back
    everything the request wrote before it reaches this handler.
    """

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class CheckedModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model form that also runs a service check on its instance."""

    def check_instance(self) -> None:
        """Raise ApplicationError when the instance breaks a service rule."""

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors or (hasattr(self, "cleaned_data") and self.cleaned_data.get("DELETE")):
            return
        try:
            self.check_instance()
        except ApplicationError as exc:
            self.add_error(None, exc.message)
        except ObjectDoesNotExist:
            pass  # a related row of an inline is not saved yet; the service checks later


# --- unit kinds and roles ------------------------------------------------------------------------


_Coded = TypeVar("_Coded", UnitKind, Role)


class CodedAdmin(ServiceAdmin[_Coded]):
    """Unit kinds and roles: a code given once at creation, never deleted.

    Subclasses name the fields the services may change and call them.
    """

    editable_fields: frozenset[str] = frozenset()

    def get_readonly_fields(self, request: HttpRequest, obj: _Coded | None = None) -> list[str]:
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def create(self, request: HttpRequest, code: str, data: dict[str, Any]) -> _Coded:
        raise NotImplementedError

    def update(self, request: HttpRequest, obj: _Coded, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: _Coded, form: Any, change: bool) -> None:
        data = {
            name: form.cleaned_data[name]
            for name in self.editable_fields
            if name in form.cleaned_data
        }
        if change:
            self.update(request, obj, data)
        else:
            _adopt(obj, self.create(request, form.cleaned_data["code"], data))


@admin.register(UnitKind)
class UnitKindAdmin(CodedAdmin[UnitKind]):
    list_display = [
        "name",
        "code",
        "tier",
        "is_administrative",
        "is_historical",
        "gso_levels",
        "order",
    ]
    list_filter = ["tier", "is_administrative", "is_historical"]
    search_fields = ["name", "code"]
    editable_fields = services.KIND_FIELDS

    def create(self, request: HttpRequest, code: str, data: dict[str, Any]) -> UnitKind:
        return services.unit_kind_create(actor=request.user, code=code, **data)

    def update(self, request: HttpRequest, obj: UnitKind, data: dict[str, Any]) -> None:
        services.unit_kind_update(actor=request.user, kind=obj, data=data)


@admin.register(Role)
class RoleAdmin(CodedAdmin[Role]):
    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]
    editable_fields = services.ROLE_FIELDS

    def create(self, request: HttpRequest, code: str, data: dict[str, Any]) -> Role:
        return services.role_create(actor=request.user, code=code, **data)

    def update(self, request: HttpRequest, obj: Role, data: dict[str, Any]) -> None:
        services.role_update(actor=request.user, role=obj, data=data)


def _adopt(obj: Any, saved: Any) -> None:
    """Make the admin's unsaved ``obj`` the row a service created."""
    for field in saved._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


# --- units ---------------------------------------------------------------------------------------


class ValidTodayFilter(admin.SimpleListFilter):
    title = gettext_lazy("valid today")
    parameter_name = "valid_today"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = clock.localdate()
        if self.value() == "yes":
            return queryset.filter(valid_on_q(today))
        if self.value() == "no":
            return queryset.exclude(valid_on_q(today))
        return queryset


class UnitForm(CheckedModelForm):
    map_url = forms.URLField(
        label=gettext_lazy("map link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("A link to the office on a map."),
    )

    class Meta:
        model = Unit
        fields = list(services.UNIT_FIELD_ORDER)

    def check_instance(self) -> None:
        services.unit_check(unit=self.instance)


class SuccessionForm(CheckedModelForm):
    class Meta:
        model = UnitSuccession
        fields = ["predecessor", "successor", "effective_on", "legal_basis", "carries_statistics"]

    def check_instance(self) -> None:
        services.unit_succession_check(succession=self.instance)


class SuccessorInline(admin.TabularInline[UnitSuccession, Unit]):
    model = UnitSuccession
    form = SuccessionForm
    fk_name = "predecessor"
    fields = ["successor", "effective_on", "legal_basis", "carries_statistics"]
    autocomplete_fields = ["successor"]
    extra = 0
    verbose_name = gettext_lazy("successor")
    verbose_name_plural = gettext_lazy("successors")


class PredecessorInline(admin.TabularInline[UnitSuccession, Unit]):
    model = UnitSuccession
    form = SuccessionForm
    fk_name = "successor"
    fields = ["predecessor", "effective_on", "legal_basis", "carries_statistics"]
    autocomplete_fields = ["predecessor"]
    extra = 0
    verbose_name = gettext_lazy("predecessor")
    verbose_name_plural = gettext_lazy("predecessors")


def _save_successions(request: HttpRequest, formset: Any) -> None:
    formset.save(commit=False)
    for link in formset.deleted_objects:
        services.unit_succession_delete(actor=request.user, succession=link)
    for link in formset.new_objects:
        services.unit_succession_create(
            actor=request.user,
            predecessor=link.predecessor,
            successor=link.successor,
            effective_on=link.effective_on,
            legal_basis=link.legal_basis,
            carries_statistics=link.carries_statistics,
        )
    for link, changed in formset.changed_objects:
        data = {name: getattr(link, name) for name in changed if name in services.SUCCESSION_FIELDS}
        services.unit_succession_update(actor=request.user, succession=link, data=data)


@admin.register(Unit)
class UnitAdmin(ServiceAdmin[Unit]):
    form = UnitForm
    list_display = ["name", "kind", "admin_code", "agency_code", "valid_from", "valid_to", "parent"]
    list_select_related = ["kind", "parent"]
    list_filter = ["kind", ValidTodayFilter]
    search_fields = ["name"]  # see get_search_results
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]
    inlines = [PredecessorInline, SuccessorInline]
    change_list_template = "admin/org/unit/change_list.html"
    list_per_page = 50

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Unit], search_term: str
    ) -> tuple[QuerySet[Unit], bool]:
        """Match every word of the name without diacritics, or a code."""
        terms = search_terms(search_term)
        if not terms:
            return queryset, False
        by_name = Q()
        for term in terms:
            by_name &= Q(search_name__contains=term)
        code = search_term.strip().upper()
        return queryset.filter(
            by_name | Q(admin_code=code) | Q(agency_code__startswith=code)
        ), False

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if change:
            data = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in services.UNIT_FIELDS
            }
            _adopt(obj, services.unit_update(actor=request.user, unit=obj, data=data))
        else:
            fields = {name: form.cleaned_data[name] for name in UnitForm.Meta.fields}
            _adopt(obj, services.unit_create(actor=request.user, **fields))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        _save_successions(request, formset)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="org_unit_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a statistics-office list; show every error of a bad file."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        errors: list[CellError] = []
        summary = ""
        form = UnitImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = units_import(
                    actor=request.user,
                    data=upload.read(),
                    valid_from=form.cleaned_data["valid_from"],
                    valid_to=form.cleaned_data.get("valid_to"),
                    dry_run=form.cleaned_data.get("dry_run", False),
                )
            except ApplicationError as exc:
                summary = exc.message
                errors = [CellError(**error) for error in exc.extra.get("errors", [])]
            else:
                text = _(
                    "Created %(created)s, updated %(updated)s, unchanged %(unchanged)s units."
                ) % {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }
                if result.dry_run:
                    summary = _("Check only, nothing was written. %(text)s") % {"text": text}
                else:
                    self.message_user(request, text, messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:org_unit_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import units from the statistics office's list"),
            "form": form,
            "errors": errors,
            "summary": summary,
        }
        return TemplateResponse(request, "admin/org/unit/import.html", context)


# --- role assignments ----------------------------------------------------------------------------


class RoleAssignmentForm(CheckedModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "unit", "position", "valid_from", "valid_to"]

    def check_instance(self) -> None:
        services.role_assignment_check(assignment=self.instance)


def _save_assignment(
    request: HttpRequest, obj: RoleAssignment, changed: list[str] | None
) -> RoleAssignment:
    if obj.pk is None or obj._state.adding:
        return services.role_assignment_create(
            actor=request.user,
            user=obj.user,
            role=obj.role,
            unit=obj.unit,
            valid_from=obj.valid_from,
            valid_to=obj.valid_to,
            position=obj.position,
        )
    data = {
        name: getattr(obj, name) for name in changed or [] if name in services.ASSIGNMENT_FIELDS
    }
    return services.role_assignment_update(actor=request.user, assignment=obj, data=data)


def _save_assignments(request: HttpRequest, formset: Any) -> None:
    formset.save(commit=False)
    for assignment in formset.deleted_objects:
        services.role_assignment_delete(actor=request.user, assignment=assignment)
    for assignment in formset.new_objects:
        _save_assignment(request, assignment, None)
    for assignment, changed in formset.changed_objects:
        _save_assignment(request, assignment, changed)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ServiceAdmin[RoleAssignment]):
    form = RoleAssignmentForm
    list_display = ["user", "role", "unit", "position", "valid_from", "valid_to"]
    list_select_related = ["user", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]

    def save_model(
        self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool
    ) -> None:
        _adopt(obj, _save_assignment(request, obj, form.changed_data if change else None))

    def delete_model(self, request: HttpRequest, obj: RoleAssignment) -> None:
        services.role_assignment_delete(actor=request.user, assignment=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoleAssignment]) -> None:
        for assignment in queryset:
            services.role_assignment_delete(actor=request.user, assignment=assignment)


class RoleAssignmentInline(admin.TabularInline[RoleAssignment, Any]):
    model = RoleAssignment
    form = RoleAssignmentForm
    fields = ["role", "unit", "position", "valid_from", "valid_to"]
    autocomplete_fields = ["unit"]
    extra = 0


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class MotcuaUserAdmin(ServiceAdmin[Any], UserAdmin):  # type: ignore[type-arg]
    """Django's user admin with the user's role assignments inline."""

    inlines = [*UserAdmin.inlines, RoleAssignmentInline]
    actions = ["reset_second_factor"]

    @admin.action(description=gettext_lazy("Reset two-step verification"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """For a lost phone: the user sets up a new code at the next sign-in."""
        removed = [
            user.get_username()
            for user in queryset
            if accounts.second_factor_reset(actor=request.user, user=user)
        ]
        if removed:
            self.message_user(
                request,
                _("Two-step verification was reset for: %(users)s.")
                % {"users": ", ".join(removed)},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, _("None of the selected users had two-step verification."), messages.INFO
            )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is RoleAssignment:
            _save_assignments(request, formset)
        else:
            super().save_formset(request, form, formset, change)
