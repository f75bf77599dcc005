"""Forms of the judge's and the organiser's pages; the rules are checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from motcua.contests import conf
from motcua.contests.models import Contest, Criterion
from motcua.contests.scoring import points_text
from motcua.core import clock
from motcua.org.models import RoleAssignment
from motcua.org.selectors import valid_on_q


class SheetForm(forms.Form):
    """One field per criterion (``criterion_<id>``, large numeric inputs) and a comment."""

    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, criteria: list[Criterion], disabled: bool = False, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        for criterion in criteria:
            maximum = points_text(criterion.max_points)
            fields[f"criterion_{criterion.pk}"] = forms.CharField(
                label=criterion.name,
                required=False,
                max_length=12,
                disabled=disabled,
                help_text=_("From 0 to %(max)s points") % {"max": maximum},
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "autocomplete": "off",
                        "class": "score-input",
                        "data-max": str(maximum),
                    }
                ),
            )
        comment = self.fields.pop("comment")
        comment.disabled = disabled
        self.fields.update(fields)
        self.fields["comment"] = comment
        self.criteria = criteria

    def points(self) -> dict[int, str]:
        return {
            criterion.pk: self.cleaned_data.get(f"criterion_{criterion.pk}") or ""
            for criterion in self.criteria
        }


class AssignJudgeForm(forms.Form):
    judge = forms.ModelChoiceField(label=_("Judge"), queryset=get_user_model().objects.none())

    def __init__(self, *args: Any, contest: Contest, exclude: list[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        day = clock.localdate()
        ancestors = contest.organiser.ancestor_ids()
        judge_ids = (
            RoleAssignment.objects.filter(role__code=conf.judge_role(), unit_id__in=ancestors)
            .filter(valid_on_q(day))
            .values("user_id")
        )
        field = self.fields["judge"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            get_user_model()
            .objects.filter(pk__in=judge_ids, is_active=True)
            .exclude(pk__in=exclude)
            .order_by("last_name", "first_name", "username")
        )
        field.label_from_instance = lambda user: user.get_full_name() or user.get_username()  # type: ignore[method-assign]


class ReopenForm(forms.Form):
    sheet = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the audit trail and sent to the judge."),
    )
