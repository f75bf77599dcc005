"""The quizzes app's forms: the citizen's start and submit, the organiser's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.quizzes.models import PredictionBasis, SizeBasis


class StartForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=120)
    phone = forms.CharField(label=_("Phone number"), max_length=20)
    id_number = forms.CharField(
        label=_("Personal ID number (optional)"), max_length=20, required=False
    )
    # The service checks the unit; the list is loaded only to draw the page.
    unit = forms.IntegerField(label=_("Unit or commune"), required=False, widget=forms.Select)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["id_number"].widget.attrs["inputmode"] = "numeric"

    def set_units(self, units: list[tuple[int, str]]) -> None:
        """Give the unit list its options (drawn pages only)."""
        self.fields["unit"].widget.choices = [("", _("— Choose —")), *units]


class SubmitForm(forms.Form):
    _PREDICTION = _("Write your prediction as a whole number between 0 and 100,000,000.")
    prediction = forms.IntegerField(
        label=_("Your prediction"),
        min_value=0,
        max_value=100_000_000,
        error_messages={
            "required": _PREDICTION,
            "invalid": _PREDICTION,
            "min_value": _PREDICTION,
            "max_value": _PREDICTION,
        },
    )


class QuizForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Organising unit"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, units: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units  # type: ignore[attr-defined]


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    opens_at = forms.DateTimeField(
        label=_("Opens at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    question_count = forms.IntegerField(label=_("Questions per attempt"), initial=10)
    time_limit_minutes = forms.IntegerField(label=_("Time limit (minutes)"), initial=15)
    attempts_per_person = forms.IntegerField(
        label=_("Attempts per person (0 = unlimited)"), initial=3, min_value=0
    )
    prediction_question = forms.CharField(
        label=_("Prediction question"), max_length=300, required=False
    )
    prediction_basis = forms.ChoiceField(
        label=_("Predictions are measured against"), choices=PredictionBasis.choices
    )
    collective_prizes = forms.IntegerField(label=_("Collective prizes"), initial=3, min_value=0)
    collective_basis = forms.ChoiceField(
        label=_("Collective prizes per 1,000 of"), choices=SizeBasis.choices
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Question bank (.xlsx or .csv)"))


class UnitForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit or commune"), coerce=int)
    population = forms.IntegerField(label=_("Population"), min_value=0)
    staff = forms.IntegerField(label=_("Staff"), min_value=0)

    def __init__(self, *args: Any, units: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units  # type: ignore[attr-defined]


class DisqualifyForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
