from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import ApplicationError
from motcua.workdays.models import CalendarEntry, CalendarStatus, CalendarYear, WorkSchedule
from motcua.workdays.services import (
    calendar_entry_delete,
    calendar_entry_save,
    calendar_year_confirm,
    calendar_year_delete,
    calendar_year_save,
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


class CalendarEntryInline(admin.TabularInline[CalendarEntry, CalendarYear]):
    model = CalendarEntry
    formset = CalendarEntryFormSet
    extra = 0
    fields = ["day", "kind", "name", "legal_basis", "unit"]
    autocomplete_fields = ["unit"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin[CalendarYear]):
    list_display = ["year", "status", "confirmed_by", "confirmed_at", "legal_basis"]
    list_filter = ["status"]
    readonly_fields = ["status", "confirmed_by", "confirmed_at"]
    inlines = [CalendarEntryInline]
    actions = ["confirm"]
    # The twelve month grids under the entries (workdays/calendar_grid.py).
    change_form_template = "admin/workdays/calendaryear/change_form_grid.html"

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
