"""Forms of the org admin pages and of the staff account pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.core.forms import DayField


class UnitImportForm(forms.Form):
    """Upload of a statistics-office list of administrative units."""

    file = forms.FileField(
        label=_("List file"),
        help_text=_(
            "CSV (UTF-8, comma or semicolon) or Excel .xlsx, as published by the statistics office."
        ),
    )
    # Typed as dd/mm/yyyy whatever the browser's language (core.forms.DayField).
    valid_from = DayField(
        label=_("Valid from"),
        help_text=_("The day the list takes effect, e.g. 01/07/2025 for the two-tier list."),
    )
    valid_to = DayField(
        label=_("Valid until"),
        required=False,
        help_text=_("Only for a list no longer in force: the first day it stopped applying."),
    )
    dry_run = forms.BooleanField(
        label=_("Check only"),
        required=False,
        help_text=_("Check the file and count, without writing."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end <= start:
            self.add_error("valid_to", gettext("The end of validity must be after its start."))
        return data


class OneTimeCodeForm(forms.Form):
    """The six-digit code of an authenticator app (spaces allowed: "123 456")."""

    code = forms.CharField(
        label=_("Code from the authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 8,
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data["code"] if not ch.isspace() and ch != "-")
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError(gettext("Enter the 6 digits the app shows."))
        return code
