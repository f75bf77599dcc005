from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import ApplicationError


def add_application_error(form: forms.Form, exc: ApplicationError) -> None:
    """Put a service's error on the form: each listed problem on its field when the form has it."""
    problems = exc.extra.get("errors") or [
        {"field": exc.extra.get("field", ""), "message": exc.message}
    ]
    for problem in problems:
        field = problem.get("field") or None
        form.add_error(field if field in form.fields else None, problem["message"])


class DestinationForm(forms.Form):
    destination = forms.CharField(
        label=_("Phone number or e-mail address"),
        max_length=254,
        help_text=_("We send a 6-digit code there; no password is needed."),
        error_messages={"required": _("Enter your phone number or e-mail address.")},
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Sign-in code"),
        max_length=12,
        help_text=_("The 6 digits we sent you."),
        error_messages={"required": _("Enter the code we sent you.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    id_number = forms.CharField(
        label=_("Personal ID number"),
        max_length=20,
        required=False,
        help_text=_("12 digits, on the citizen identity card (CCCD)."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)


class DraftForm(forms.Form):
    applicant_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    applicant_id_number = forms.CharField(
        label=_("Personal ID number"),
        max_length=20,
        required=False,
        help_text=_("12 digits, on the citizen identity card (CCCD)."),
    )
    applicant_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    applicant_email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    applicant_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    receiving_unit = forms.ChoiceField(
        label=_("Submit to"),
        required=False,
        help_text=_("The one-stop desk that receives the dossier; it need not be where you live."),
    )
    documents = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, desks: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(str(unit.pk), unit.name) for unit in desks]
        self.fields["receiving_unit"].choices = choices  # type: ignore[attr-defined]


class ScanForm(forms.Form):
    document = forms.CharField(required=False, widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("Scan (PDF, JPEG or PNG)"),
        allow_empty_file=True,  # refused by core.uploads, with its clearer message
        error_messages={"required": _("Choose the scanned file.")},
    )


class SupplementForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the desk"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    documents = forms.CharField(required=False, widget=forms.HiddenInput)
