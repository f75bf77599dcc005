"""Forms of the initiatives pages (input only; rules stay in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.initiatives.models import CouncilMember


class RegistrySearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)


class CouncilScoreForm(forms.Form):
    """One score (0–100) and opinion per member who has not been recorded yet."""

    def __init__(self, *args: Any, members: list[CouncilMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            self.fields[f"score_{member.pk}"] = forms.CharField(
                label=_("Score of %(name)s (0–100)") % {"name": member.name},
                required=False,
                max_length=10,
                initial="" if member.score is None else str(member.score),
            )
            self.fields[f"opinion_{member.pk}"] = forms.CharField(
                label=_("Opinion of %(name)s") % {"name": member.name},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=member.opinion,
            )

    def pairs(self) -> list[tuple[CouncilMember, forms.BoundField, forms.BoundField]]:
        return [(m, self[f"score_{m.pk}"], self[f"opinion_{m.pk}"]) for m in self.members]


class CouncilConcludeForm(forms.Form):
    opinion = forms.CharField(
        label=_("Council's conclusion"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
