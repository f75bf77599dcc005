"""Forms of the judge's and the organiser's pages; the rules are checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.contests import conf
from motcua.contests.models import Contest, Criterion, PerformanceKind, Team
from motcua.contests.scoring import points_text
from motcua.core import clock
from motcua.org.models import RoleAssignment, Unit
from motcua.org.selectors import valid_on_q


class SheetForm(forms.Form):
    """One field per criterion (``criterion_<id>``, large numeric inputs) and a comment."""

    comment = forms.CharField(
        label=pgettext_lazy("judge", "Comment (optional)"),
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
        field.label_from_instance = lambda user: user.get_full_name() or user.get_username()  # type: ignore[method-assign,assignment]


class ReopenForm(forms.Form):
    sheet = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the audit trail and sent to the judge."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing the results"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Recorded in the audit trail. The results and certificates are taken down until "
            "the round is published again."
        ),
    )


def _units_under(units: list[Unit]) -> Any:
    """Return the units valid today at or below any of ``units``, in tree order."""
    day = clock.localdate()
    query = Q()
    for unit in units:
        query |= Q(path__startswith=unit.path)
    if not units:
        return Unit.objects.none()
    return Unit.objects.filter(query).filter(valid_on_q(day)).order_by("path")


class ContestForm(forms.Form):
    name = forms.CharField(label=_("Name of the contest"), max_length=250)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    organiser = forms.ModelChoiceField(label=_("Organising unit"), queryset=Unit.objects.none())
    decision = forms.CharField(
        label=_("Organising decision"),
        max_length=200,
        required=False,
        help_text=_("Number and date of the decision that organises the contest."),
    )

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["organiser"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _units_under(units)


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name of the round"), max_length=120)
    held_on = forms.DateField(label=_("Held on"), required=False, help_text=_("dd/mm/yyyy"))
    drop_extremes = forms.BooleanField(
        label=_("Drop the highest and lowest totals (with at least three judges)"),
        required=False,
    )


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name of the team"), max_length=200)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    members = forms.CharField(
        label=_("Members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: full name, then a comma and the position if wanted."),
    )

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _units_under([contest.organiser])

    def member_list(self) -> list[tuple[str, str]]:
        people = []
        for line in (self.cleaned_data.get("members") or "").splitlines():
            name, _comma, position = line.partition(",")
            if name.strip():
                people.append((name.strip(), position.strip()))
        return people


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=200)
    max_points = forms.CharField(label=_("Maximum points"), max_length=12)
    kind = forms.ModelChoiceField(
        label=_("Only for performances of the kind"),
        queryset=PerformanceKind.objects.all(),
        required=False,
        empty_label=_("All performances"),
    )
    tie_break = forms.BooleanField(label=_("Breaks ties"), required=False)


class PerformanceForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=PerformanceKind.objects.all())
    title = forms.CharField(label=_("Title (optional)"), max_length=250, required=False)

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["team"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = contest.teams.order_by("name")


class PrizeForm(forms.Form):
    name = forms.CharField(label=_("Prize"), max_length=120)
    count = forms.IntegerField(label=_("Number of prizes"), min_value=1, max_value=50, initial=1)
