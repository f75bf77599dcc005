from __future__ import annotations

import hashlib
import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import ApplicationError
from motcua.workdays.amendments import EntryChange
from motcua.workdays.models import (
    CalendarEntry,
    CalendarStatus,
    CalendarYear,
    DayKind,
    WorkSchedule,
)
from motcua.workdays.services import (
    Amendment,
    calendar_amendment_apply,
    calendar_amendment_preview,
    calendar_entry_delete,
    calendar_entry_save,
    calendar_year_confirm,
    calendar_year_delete,
    calendar_year_save,
    unit_for_code,
    work_schedule_check,
    work_schedule_delete,
    work_schedule_save,
)


class CalendarEntryFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    """Check every entry against its year and the other entries before anything is saved."""

    def clean(self) -> None:
        super().clean()
        year = getattr(self.instance, "year", None)
        seen: set[tuple[Any, Any]] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            day, unit = form.cleaned_data.get("day"), form.cleaned_data.get("unit")
            if day is None:
                continue
            if year is not None and day.year != year:
                form.add_error(
                    "day",
                    _("%(day)s is not in %(year)s.")
                    % {"day": day.strftime("%d/%m/%Y"), "year": year},
                )
            key = (day, getattr(unit, "pk", None))
            if key in seen:
                form.add_error(
                    "day", _("%(day)s already has an entry.") % {"day": day.strftime("%d/%m/%Y")}
                )
            seen.add(key)


def _confirmed(obj: Any) -> bool:
    return obj is not None and getattr(obj, "status", None) == CalendarStatus.CONFIRMED


class CalendarEntryInline(admin.TabularInline[CalendarEntry, CalendarYear]):
    """The entries of a year: edited here while it is a draft; a confirmed year is amended."""

    model = CalendarEntry
    formset = CalendarEntryFormSet
    extra = 0
    fields = ["day", "kind", "name", "legal_basis", "unit"]
    autocomplete_fields = ["unit"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _confirmed(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _confirmed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _confirmed(obj) and super().has_delete_permission(request, obj)


REMOVE = "remove"


class AmendmentForm(forms.Form):
    legal_basis = forms.CharField(
        label=gettext_lazy("Legal basis of the amendment"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text=gettext_lazy(
            "The document that changes the calendar: number, date and issuing body. "
            "It is stored with each changed day and in the audit log."
        ),
        error_messages={
            "required": gettext_lazy("Write the legal basis of the amendment."),
        },
    )


class AmendmentDayForm(forms.Form):
    day = forms.DateField(
        label=gettext_lazy("day"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "size": 10}),
        error_messages={
            "invalid": gettext_lazy("Write the day as dd/mm/yyyy, e.g. 24/11/2026."),
            "required": gettext_lazy("Write the day as dd/mm/yyyy, e.g. 24/11/2026."),
        },
    )
    change = forms.ChoiceField(
        label=gettext_lazy("change"),
        choices=[
            ("", "—"),  # an untouched row is left out
            *DayKind.choices,
            (REMOVE, gettext_lazy("Remove the entry of this day")),
        ],
    )
    name = forms.CharField(label=gettext_lazy("name"), max_length=200, required=False)
    unit_code = forms.CharField(
        label=gettext_lazy("only for the unit with code"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Empty for the whole country."),
    )


AmendmentDayFormSet = forms.formset_factory(AmendmentDayForm, extra=4, max_num=50)


def _fingerprint(amendment: Amendment) -> str:
    """Return a digest of what was previewed, so that only a previewed amendment is saved."""
    content = [
        amendment.legal_basis,
        [(c.day.isoformat(), c.kind, c.name, c.unit_id) for c in amendment.changes],
    ]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def _changes(rows: Any) -> list[EntryChange]:
    """Return the amendment's days from the filled rows; raise ApplicationError for a bad unit."""
    changes = []
    for row in rows.forms:
        data = row.cleaned_data
        if not data:
            continue
        code = (data.get("unit_code") or "").strip()
        unit = unit_for_code(code) if code else None
        kind = None if data["change"] == REMOVE else data["change"]
        changes.append(EntryChange(data["day"], kind, data.get("name") or "", unit=unit))
    return changes


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin[CalendarYear]):
    list_display = ["year", "status", "confirmed_by", "confirmed_at", "legal_basis"]
    list_filter = ["status"]
    readonly_fields = ["status", "confirmed_by", "confirmed_at"]
    inlines = [CalendarEntryInline]
    actions = ["confirm"]

    @admin.action(description=gettext_lazy("Confirm the selected calendars"))
    def confirm(self, request: HttpRequest, queryset: QuerySet[CalendarYear]) -> None:
        for calendar in queryset:
            try:
                calendar_year_confirm(calendar_year=calendar, actor=request.user)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(
                    request, _("The calendar for %(year)s is confirmed.") % {"year": calendar.year}
                )

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/amend/",
                self.admin_site.admin_view(self.amend_view),
                name="{}_{}_amend".format(*info),
            ),
            *super().get_urls(),
        ]

    def amend_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Amend a confirmed year: enter the days and the legal basis, preview, then save.

        "Save" works only for exactly what was previewed (the form carries its digest);
        otherwise the preview is shown again.
        """
        calendar = get_object_or_404(CalendarYear, pk=object_id)
        if not self.has_change_permission(request, calendar):
            raise PermissionDenied
        posted = request.method == "POST"
        form = AmendmentForm(request.POST if posted else None)
        rows = AmendmentDayFormSet(request.POST if posted else None, prefix="days")
        preview: Amendment | None = None
        previewed = ""
        if posted and form.is_valid() and rows.is_valid():
            try:
                changes = _changes(rows)
                basis = form.cleaned_data["legal_basis"]
                preview = calendar_amendment_preview(
                    calendar_year=calendar, changes=changes, legal_basis=basis
                )
                previewed = _fingerprint(preview)
                if "apply" in request.POST and request.POST.get("previewed") == previewed:
                    applied = calendar_amendment_apply(
                        calendar_year=calendar,
                        changes=changes,
                        legal_basis=basis,
                        actor=request.user,
                    )
                    self.message_user(
                        request,
                        _(
                            "The calendar for %(year)s is amended; %(count)s due dates of open "
                            "dossiers moved."
                        )
                        % {"year": applied.year, "count": len(applied.moves)},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:workdays_calendaryear_change", args=[calendar.pk])
                    )
                if "apply" in request.POST:
                    self.message_user(
                        request,
                        _("Check the preview of this amendment, then save it."),
                        messages.WARNING,
                    )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                preview = None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": calendar,
            "title": _("Amend the working calendar for %(year)s") % {"year": calendar.year},
            "form": form,
            "rows": rows,
            "preview": preview,
            "previewed": previewed,
            "confirmed": _confirmed(calendar),
        }
        return TemplateResponse(request, "admin/workdays/calendaryear/amend.html", context)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The entries belong to the year: it is chosen once, when the calendar is created.
        fixed = ["year"] if obj is not None else []
        return [*fixed, *self.readonly_fields]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status == CalendarStatus.CONFIRMED:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Create or change the year through the service (checked and audited)."""
        try:
            saved = calendar_year_save(
                actor=request.user,
                year=obj.year,
                legal_basis=obj.legal_basis,
                note=obj.note,
                calendar_year=obj if change else None,
            )
        except ApplicationError as exc:
            raise _Refused(exc) from exc
        obj.pk, obj.status = saved.pk, saved.status
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        calendar_year_delete(calendar_year=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarYear]) -> None:
        for calendar in queryset:
            calendar_year_delete(calendar_year=calendar, actor=request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Save entries through the services so each change is checked and audited.

        All or nothing: the admin runs the whole form in one transaction, and a
        refused entry (another administrator saved the same day meanwhile)
        ends it, rolling every change of this form back.
        """
        calendar = form.instance
        formset.save(commit=False)
        try:
            for entry in formset.deleted_objects:
                calendar_entry_delete(entry=entry, actor=request.user)
            for entry_form in formset.forms:
                if not entry_form.has_changed() or entry_form in formset.deleted_forms:
                    continue
                data = {
                    name: entry_form.cleaned_data[name]
                    for name in ("day", "kind", "name", "legal_basis", "unit")
                }
                existing = entry_form.instance if entry_form.instance.pk else None
                calendar_entry_save(
                    calendar_year=calendar, actor=request.user, entry=existing, **data
                )
        except ApplicationError as exc:
            raise _Refused(exc) from exc

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as refused:  # raised inside the admin's transaction: all rolled back
            self.message_user(
                request,
                _("Nothing was saved: %(problem)s") % {"problem": refused.error.message},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)


class _Refused(Exception):
    """A service refused part of an admin form; the whole form is rolled back."""

    def __init__(self, error: ApplicationError) -> None:
        super().__init__(error.message)
        self.error = error


class WorkScheduleForm(forms.ModelForm[WorkSchedule]):
    class Meta:
        model = WorkSchedule
        fields = ["unit", "sessions", "cutoff"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        sessions, cutoff = cleaned.get("sessions"), cleaned.get("cutoff")
        if sessions and cutoff:
            try:
                work_schedule_check(sessions, cutoff)
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message) from None
        return cleaned


@admin.register(WorkSchedule)
class WorkScheduleAdmin(admin.ModelAdmin[WorkSchedule]):
    form = WorkScheduleForm
    list_display = ["unit", "sessions", "cutoff"]
    autocomplete_fields = ["unit"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Save through the service (checked and audited); the form has validated it."""
        saved = work_schedule_save(
            actor=request.user,
            unit=obj.unit,
            sessions=obj.sessions,
            cutoff=obj.cutoff,
            schedule=obj if change else None,
        )
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        work_schedule_delete(schedule=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[WorkSchedule]) -> None:
        for schedule in queryset:
            work_schedule_delete(schedule=schedule, actor=request.user)
