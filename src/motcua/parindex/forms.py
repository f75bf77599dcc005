"""Forms of the parindex pages: parsing only; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Definition workbook (.xlsx)"),
        help_text=_("Sheets “Bộ chỉ số” and “Tiêu chí”, as in the exported file."),
        error_messages={"required": _("Choose the workbook to import.")},
    )
    dry_run = forms.BooleanField(label=_("Check only, import nothing"), required=False)


class StartForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)


class ScoreForm(forms.Form):
    points = forms.CharField(label=_("Self-score"), required=False, max_length=12)
    note = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = forms.FileField(label=_("Evidence file (PDF, JPEG or PNG)"), required=False)


class AppraiseForm(forms.Form):
    points = forms.CharField(
        label=_("Appraisal score"),
        required=False,
        max_length=12,
        help_text=_("Leave empty to accept the self-score."),
    )
    note = forms.CharField(
        label=_("Appraisal note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SurveyForm(forms.Form):
    points = forms.CharField(label=_("Survey component points"), max_length=12)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("What the unit must correct"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what the unit must correct.")},
    )
