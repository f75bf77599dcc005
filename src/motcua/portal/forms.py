"""The public lookup form (GET): a code, and optionally four telephone digits."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LookupForm(forms.Form):
    ma = forms.CharField(
        label=_("Dossier code"),
        help_text=_(
            "Printed on your receipt, e.g. H33.15-260302-0001. Spaces and case do not matter."
        ),
        error_messages={"required": _("Enter the dossier code printed on your receipt.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "H33.15-260302-0001",
            }
        ),
    )
    so = forms.CharField(
        label=_("Last four digits of your telephone (optional)"),
        help_text=_("The telephone number given with the dossier; to see its history as well."),
        required=False,
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9 ]*", "size": 6}
        ),
    )
