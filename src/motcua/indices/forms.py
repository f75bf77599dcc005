"""Forms of the indices pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import ApplicationError
from motcua.indices.periods import Period, period_parse


class PeriodForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        help_text=_("A year (2026), a quarter (2026-Q3) or a month (2026-07)."),
    )

    def clean_period(self) -> Period:
        try:
            return period_parse(self.cleaned_data["period"])
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].widget.attrs.update({"size": 8, "autocomplete": "off"})
