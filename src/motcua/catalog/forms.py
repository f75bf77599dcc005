"""Forms of the public catalogue pages and the admin import screen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import CompetentLevel, Field


class ProcedureFilterForm(forms.Form):
    """The search box and filters of the procedure list (GET)."""

    q = forms.CharField(label=_("Search procedures"), max_length=200, required=False)
    field = forms.ChoiceField(label=_("Field"), required=False)
    level = forms.ChoiceField(
        label=_("Competent level"),
        required=False,
        choices=[("", _("All levels")), *CompetentLevel.choices],
    )

    def __init__(self, *args: Any, fields: list[Field], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_choice = self.fields["field"]
        assert isinstance(field_choice, forms.ChoiceField)
        field_choice.choices = [("", _("All fields")), *((f.code, f.name) for f in fields)]

    def value(self, name: str) -> str:
        """Return the cleaned value of ``name``, or "" when it was invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return str(self.cleaned_data.get(name) or "")


class ProcedureImportForm(forms.Form):
    """Upload of a procedure workbook in the admin."""

    file = forms.FileField(
        label=_("Excel workbook (.xlsx) or bundle with the forms (.zip)"),
        help_text=_(
            "Sheets “Thủ tục”, “Thành phần hồ sơ”, “Phí, lệ phí” and “Quy trình”, as exported; "
            "or the .zip exported with the declaration forms."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file"),
        required=False,
        help_text=_("Validate everything and report what would change, without writing."),
    )
