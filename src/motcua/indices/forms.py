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


class ExternalImportForm(forms.Form):
    file = forms.FileField(
        label=_("File of results (CSV or Excel)"),
        help_text=_(
            "Columns: index, unit, year, component, score, rank, source "
            "(or: chỉ số, đơn vị, năm, thành phần, điểm, xếp hạng, nguồn)."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".csv") or name.endswith(".xlsx")):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."), code="file_type")
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."), code="file_size")
        return upload
