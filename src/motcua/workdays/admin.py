from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import ApplicationError
from motcua.workdays.core import Schedule
from motcua.workdays.models import CalendarEntry, CalendarYear, WorkSchedule
from motcua.workdays.services import (
    calendar_entry_delete,
    calendar_entry_save,
    calendar_year_confirm,
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

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Save entries through the services so each change is checked and audited."""
        calendar = form.instance
        formset.save(commit=False)
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
            try:
                calendar_entry_save(
                    calendar_year=calendar, actor=request.user, entry=existing, **data
                )
            except ApplicationError as exc:  # e.g. another administrator saved the same day
                self.message_user(request, exc.message, messages.ERROR)


class WorkScheduleForm(forms.ModelForm[WorkSchedule]):
    class Meta:
        model = WorkSchedule
        fields = ["unit", "sessions", "cutoff"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        sessions, cutoff = cleaned.get("sessions"), cleaned.get("cutoff")
        if sessions and cutoff:
            try:
                Schedule.parse(sessions, cutoff.strftime("%H:%M"))
            except ValueError:
                raise forms.ValidationError(
                    _(
                        "Write the sessions as 07:00-11:30,13:30-17:00, in order and not overlapping, "
                        "with the cut-off no later than the end of the last session."
                    )
                ) from None
        return cleaned


@admin.register(WorkSchedule)
class WorkScheduleAdmin(admin.ModelAdmin[WorkSchedule]):
    form = WorkScheduleForm
    list_display = ["unit", "sessions", "cutoff"]
    autocomplete_fields = ["unit"]
