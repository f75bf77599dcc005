"""Admin of the procedure catalogue; every save goes through the services.

A version and its lines (documents, fees, steps) are saved together by one
service call after the forms validate. When the service refuses (time
budgets over the limit, a version already in force, …) the transaction is
rolled back and the same form is shown again with the service's message, so
nothing is half written and no rule lives only in the admin.
"""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog import services
from motcua.catalog.bundle import bundle_export, bundle_import, is_bundle
from motcua.catalog.content import content_from
from motcua.catalog.declaration_forms import (
    check_file,
    declaration_form_attach,
    declaration_form_remove,
)
from motcua.catalog.excel import procedure_export, procedure_import
from motcua.catalog.forms import ProcedureImportForm
from motcua.catalog.intake_rules import online_intake_limit_save, procedure_desks_set
from motcua.catalog.models import (
    DeclarationForm,
    FeeLine,
    Field,
    OnlineIntakeLimit,
    Procedure,
    ProcedureDesk,
    ProcedureVersion,
    RequiredDocument,
    WorkflowStep,
)
from motcua.catalog.selectors import in_force_filter
from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.org.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SERVICE_ERROR = "_catalog_service_error"


def _xlsx_response(codes: list[str] | None = None) -> HttpResponse:
    buffer = io.BytesIO()
    procedure_export(stream=buffer, codes=codes)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    filename = f"thu-tuc-{clock.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ServiceErrorMixin:
    """Show a service's ApplicationError as a form error instead of a 500.

    The change view runs in a transaction; when the service raises, the view
    runs again on the same POST with a form whose ``clean`` reports the
    message, so the user keeps what was typed.
    """

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        parent: Any = super()
        try:
            return parent.changeform_view(request, object_id, form_url, extra_context)  # type: ignore[no-any-return]
        except ApplicationError as exc:
            if request.method != "POST" or hasattr(request, SERVICE_ERROR):
                raise
            setattr(request, SERVICE_ERROR, exc)
            return parent.changeform_view(request, object_id, form_url, extra_context)  # type: ignore[no-any-return]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        parent: Any = super()
        form_class = parent.get_form(request, obj, change=change, **kwargs)
        error: ApplicationError | None = getattr(request, SERVICE_ERROR, None)
        if error is None:
            return form_class
        problems = [e["message"] for e in error.extra.get("errors", [])] or [error.message]

        class WithServiceError(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                super().clean()
                raise ValidationError(problems)

        return WithServiceError


# --- Fields ---------------------------------------------------------------------


@admin.register(Field)
class FieldAdmin(ServiceErrorMixin, admin.ModelAdmin[Field]):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Field | None = None) -> list[str]:
        return ["code"] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: Field, form: forms.ModelForm[Field], change: bool
    ) -> None:
        if change:
            saved = services.field_update(
                actor=request.user, field=obj, name=form.cleaned_data["name"]
            )
        else:
            saved = services.field_create(
                actor=request.user, code=form.cleaned_data["code"], name=form.cleaned_data["name"]
            )
        obj.pk = saved.pk


# --- Procedures -----------------------------------------------------------------


class VersionListInline(admin.TabularInline[ProcedureVersion, Procedure]):
    model = ProcedureVersion
    fields = ["number", "name", "effective_from", "effective_to"]
    readonly_fields = ["number", "name", "effective_from", "effective_to"]
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["-effective_from"]
    verbose_name_plural = gettext_lazy("versions")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(ServiceErrorMixin, admin.ModelAdmin[Procedure]):
    list_display = ["code", "current_name", "is_active", "is_illustrative"]
    list_filter = ["is_active", "is_illustrative"]
    search_fields = ["code", "versions__name"]
    fields = ["code", "is_active", "is_illustrative"]
    readonly_fields = ["code"]
    inlines = [VersionListInline]
    actions = ["export_selected"]
    change_list_template = "admin/catalog/procedure/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Procedure]:
        current = ProcedureVersion.objects.filter(
            in_force_filter(clock.localdate()), procedure=OuterRef("pk")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(current_name=Subquery(current.values("name")[:1]))
        )

    @admin.display(description=gettext_lazy("name in force today"), ordering="current_name")
    def current_name(self, obj: Procedure) -> str:
        return getattr(obj, "current_name", None) or "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A procedure is created with its first version (version admin or import).
        return False

    def save_model(
        self, request: HttpRequest, obj: Procedure, form: forms.ModelForm[Procedure], change: bool
    ) -> None:
        services.procedure_update(
            actor=request.user,
            procedure=obj,
            is_active=form.cleaned_data["is_active"],
            is_illustrative=form.cleaned_data["is_illustrative"],
        )

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            path(
                "export-bundle/",
                self.admin_site.admin_view(self.export_bundle_view),
                name="{}_{}_export_bundle".format(*info),
            ),
        ]
        return own + super().get_urls()

    def has_import_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("catalog.add_procedureversion") and request.user.has_perm(
            "catalog.change_procedureversion"
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a workbook; show every error, or import it all."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ProcedureImportForm(request.POST or None, request.FILES or None)
        errors: list[dict[str, Any]] = []
        if request.method == "POST" and form.is_valid():
            dry_run = form.cleaned_data["dry_run"]
            upload = form.cleaned_data["file"]
            data = upload.read()
            upload.seek(0)
            try:
                if is_bundle(data):
                    bundle = bundle_import(actor=request.user, data=data, dry_run=dry_run)
                    result = bundle.catalogue
                    messages.info(
                        request,
                        _("Declaration forms: %(attached)s attached, %(unchanged)s unchanged.")
                        % {"attached": bundle.forms_attached, "unchanged": bundle.forms_unchanged},
                    )
                else:
                    result = procedure_import(actor=request.user, file=upload, dry_run=dry_run)
            except ApplicationError as exc:
                errors = exc.extra.get("errors", [])
                messages.error(request, exc.message)
            else:
                if dry_run:
                    messages.info(
                        request,
                        _("The file is valid. An import would do this: %(summary)s")
                        % {"summary": result.summary()},
                    )
                else:
                    messages.success(
                        request, _("Imported: %(summary)s") % {"summary": result.summary()}
                    )
                    return HttpResponseRedirect(reverse("admin:catalog_procedure_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import procedures from Excel"),
            "form": form,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/catalog/procedure/import.html", context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """Download the catalogue (versions in force today and later ones)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return _xlsx_response()

    def export_bundle_view(self, request: HttpRequest) -> HttpResponse:
        """Download the catalogue with its declaration forms (a .zip)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        buffer = io.BytesIO()
        bundle_export(stream=buffer)
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        filename = f"thu-tuc-mau-don-{clock.localdate():%Y%m%d}.zip"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.action(description=gettext_lazy("Export the selected procedures to Excel"))
    def export_selected(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> HttpResponse:
        return _xlsx_response(codes=list(queryset.values_list("code", flat=True)))


# --- Versions -------------------------------------------------------------------


class VersionForm(forms.ModelForm[ProcedureVersion]):
    # Vietnamese write 01/04/2026 for 1 April; Django's "vi" locale has no
    # input formats and would read it as 4 January.
    effective_from = forms.DateField(
        label=gettext_lazy("effective from"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=AdminDateWidget(format="%d/%m/%Y"),
    )
    procedure_code = forms.CharField(
        label=gettext_lazy("national code"),
        max_length=20,
        help_text=gettext_lazy(
            "A new code creates the procedure; an existing one gets a new version."
        ),
    )

    class Meta:
        model = ProcedureVersion
        fields = [
            "effective_from",
            "name",
            "field",
            "competent_level",
            "competent_agency",
            "time_limit_amount",
            "time_limit_unit",
            "online_level",
            "result_type",
            "supplement_policy",
            "supplement_window_days",
            "legal_basis",
        ]


class VersionChangeForm(VersionForm):
    procedure_code = None  # type: ignore[assignment]


class LinesFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    def kept_forms(self) -> list[forms.ModelForm[Any]]:
        """Return the filled forms that are not marked for deletion."""
        return [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]


class VersionLineInline(admin.TabularInline[Any, ProcedureVersion]):
    formset = LinesFormSet
    extra = 1

    def _editable(self, obj: ProcedureVersion | None) -> bool:
        return obj is None or obj.is_editable_on(clock.localdate())

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


class DocumentInline(VersionLineInline):
    model = RequiredDocument
    fields = ["order", "name", "form", "count", "is_mandatory", "note"]


class FeeInline(VersionLineInline):
    model = FeeLine
    fields = ["order", "name", "kind", "amount", "note"]


class StepInline(VersionLineInline):
    model = WorkflowStep
    fields = ["order", "name", "role", "unit", "is_inter_agency", "budget_amount", "budget_unit"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "unit":
            kwargs["queryset"] = Unit.objects.exclude(agency_code="").order_by("agency_code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(ServiceErrorMixin, admin.ModelAdmin[ProcedureVersion]):
    list_display = ["procedure", "number", "name", "effective_from", "effective_to", "status"]
    list_filter = ["competent_level", "field", "procedure__is_illustrative"]
    search_fields = ["procedure__code", "name"]
    list_select_related = ["procedure", "field"]
    date_hierarchy = "effective_from"
    inlines = [DocumentInline, FeeInline, StepInline]
    form = VersionForm

    @admin.display(description=gettext_lazy("status"))
    def status(self, obj: ProcedureVersion) -> str:
        today = clock.localdate()
        if obj.is_in_force_on(today):
            return _("in force")
        if obj.effective_from > today:
            return _("not in force yet")
        return _("no longer in force")

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        kwargs["form"] = VersionChangeForm if obj is not None else VersionForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(
        self, request: HttpRequest, obj: ProcedureVersion | None = None
    ) -> list[str]:
        return ["procedure", "number", "effective_to"] if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: ProcedureVersion | None = None) -> Any:
        fields = list(VersionForm.Meta.fields)
        if obj is None:
            return ["procedure_code", *fields]
        return ["procedure", "number", *fields[:1], "effective_to", *fields[1:]]

    def has_change_permission(
        self, request: HttpRequest, obj: ProcedureVersion | None = None
    ) -> bool:
        if obj is not None and not obj.is_editable_on(clock.localdate()):
            return False  # in force or past: shown read-only
        return super().has_change_permission(request, obj)

    def has_delete_permission(
        self, request: HttpRequest, obj: ProcedureVersion | None = None
    ) -> bool:
        if obj is not None and not obj.is_editable_on(clock.localdate()):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(
        self,
        request: HttpRequest,
        obj: ProcedureVersion,
        form: forms.ModelForm[ProcedureVersion],
        change: bool,
    ) -> None:
        """Do nothing yet: the version is saved with its lines in :meth:`save_related`."""

    def save_related(
        self,
        request: HttpRequest,
        form: forms.ModelForm[ProcedureVersion],
        formsets: list[Any],
        change: bool,
    ) -> None:
        data = form.cleaned_data
        lines: dict[type, list[forms.ModelForm[Any]]] = {
            fs.model: fs.kept_forms() for fs in formsets
        }
        content = content_from(
            {**data, "field_code": data["field"].code},
            documents=(f.cleaned_data for f in lines.get(RequiredDocument, [])),
            fees=(f.cleaned_data for f in lines.get(FeeLine, [])),
            steps=(
                {
                    **f.cleaned_data,
                    "role_code": f.cleaned_data["role"].code,
                    "agency_code": unit.agency_code if (unit := f.cleaned_data.get("unit")) else "",
                }
                for f in lines.get(WorkflowStep, [])
            ),
        )
        if change:
            version = services.procedure_version_update(
                actor=request.user,
                version=form.instance,
                content=content,
                effective_from=data["effective_from"],
            )
        else:
            code = data["procedure_code"].strip()
            procedure = Procedure.objects.filter(code=code).first()
            if procedure is None:
                procedure = services.procedure_create(
                    actor=request.user,
                    code=code,
                    effective_from=data["effective_from"],
                    content=content,
                )
                version = procedure.versions.get()
            else:
                version = services.procedure_version_create(
                    actor=request.user,
                    procedure=procedure,
                    effective_from=data["effective_from"],
                    content=content,
                )
        # The admin logs and redirects with this object: make it the saved one.
        form.instance.__dict__.update(version.__dict__)
        form.instance._state.adding = False

    def construct_change_message(
        self,
        request: HttpRequest,
        form: forms.Form,
        formsets: Any,
        add: bool = False,
    ) -> list[dict[str, dict[str, list[str]]]]:
        return [{"added": {}}] if add else [{"changed": {"fields": list(form.changed_data)}}]

    def delete_model(self, request: HttpRequest, obj: ProcedureVersion) -> None:
        services.procedure_version_delete(actor=request.user, version=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        for version in queryset:
            try:
                services.procedure_version_delete(actor=request.user, version=version)
            except ApplicationError as exc:
                messages.error(request, exc.message)


# --- Declaration forms ----------------------------------------------------------


class DeclarationFormForm(forms.ModelForm[DeclarationForm]):
    upload = forms.FileField(
        label=gettext_lazy("file"),
        help_text=gettext_lazy(
            "PDF, Word (.doc, .docx), OpenDocument (.odt, .ods) or Excel (.xls, .xlsx); "
            "checked by its content."
        ),
    )

    class Meta:
        model = DeclarationForm
        fields = ["version", "order", "name", "reference"]

    def clean_upload(self) -> Any:
        upload = self.cleaned_data["upload"]
        try:
            check_file(upload.read(), upload.name)
        except ApplicationError as exc:
            raise ValidationError(exc.message) from exc
        upload.seek(0)
        return upload


@admin.register(DeclarationForm)
class DeclarationFormAdmin(ServiceErrorMixin, admin.ModelAdmin[DeclarationForm]):
    """Attach forms (tờ khai) to versions; also allowed while a version is in force."""

    form = DeclarationFormForm
    list_display = ["name", "version", "order", "filename", "size"]
    list_select_related = ["version__procedure"]
    search_fields = ["name", "version__procedure__code", "version__name"]
    autocomplete_fields = ["version"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: DeclarationForm, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        upload = data["upload"]
        saved = declaration_form_attach(
            actor=request.user,
            version=data["version"],
            name=data["name"],
            reference=data.get("reference", ""),
            order=data.get("order"),
            data=upload.read(),
            filename=upload.name,
        )
        obj.__dict__.update(saved.__dict__)
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: DeclarationForm) -> None:
        declaration_form_remove(actor=request.user, form=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[DeclarationForm]) -> None:
        for form in queryset:
            declaration_form_remove(actor=request.user, form=form)


# --- Receiving desks and online-intake limits -----------------------------------


@admin.register(ProcedureDesk)
class ProcedureDeskAdmin(ServiceErrorMixin, admin.ModelAdmin[ProcedureDesk]):
    """List the desks that receive a procedure; a procedure with none is received anywhere."""

    list_display = ["procedure", "desk"]
    list_select_related = ["procedure", "desk"]
    search_fields = ["procedure__code", "desk__name"]
    autocomplete_fields = ["procedure", "desk"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ProcedureDesk, form: Any, change: bool) -> None:
        procedure = form.cleaned_data["procedure"]
        desks = [row.desk for row in ProcedureDesk.objects.filter(procedure=procedure)]
        rows = procedure_desks_set(
            actor=request.user, procedure=procedure, desks=[*desks, form.cleaned_data["desk"]]
        )
        saved = next(row for row in rows if row.desk_id == form.cleaned_data["desk"].pk)
        obj.pk = saved.pk
        obj._state.adding = False

    def _remove(self, request: HttpRequest, rows: list[ProcedureDesk]) -> None:
        for row in rows:
            desks = [
                other.desk
                for other in ProcedureDesk.objects.filter(procedure_id=row.procedure_id)
                if other.pk != row.pk
            ]
            procedure_desks_set(actor=request.user, procedure=row.procedure, desks=desks)

    def delete_model(self, request: HttpRequest, obj: ProcedureDesk) -> None:
        self._remove(request, [obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ProcedureDesk]) -> None:
        self._remove(request, list(queryset))


@admin.register(OnlineIntakeLimit)
class OnlineIntakeLimitAdmin(ServiceErrorMixin, admin.ModelAdmin[OnlineIntakeLimit]):
    """Working hours to decide on an online submission, per procedure, desk or both."""

    list_display = ["procedure", "desk", "decide_within_hours", "warn_before_hours", "basis"]
    list_select_related = ["procedure", "desk"]
    search_fields = ["procedure__code", "desk__name"]
    autocomplete_fields = ["procedure", "desk"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["procedure", "desk"] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: OnlineIntakeLimit, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        saved = online_intake_limit_save(
            actor=request.user,
            procedure=obj.procedure if change else data.get("procedure"),
            desk=obj.desk if change else data.get("desk"),
            decide_within_hours=data["decide_within_hours"],
            warn_before_hours=data["warn_before_hours"],
            basis=data.get("basis", ""),
        )
        obj.pk = saved.pk
        obj._state.adding = False
