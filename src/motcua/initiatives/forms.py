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


class DateInput(forms.DateInput):
    input_type = "date"


def unit_choices(user: Any) -> list[tuple[int, str]]:
    """Return the units (and those below them) where ``user`` is a reform officer."""
    from django.db.models import Q

    from motcua.core import clock
    from motcua.initiatives import conf
    from motcua.org.models import Unit
    from motcua.org.selectors import user_units_for_role, valid_on_q

    roots: list[Unit] = []
    for role in conf.officer_roles():
        roots.extend(user_units_for_role(user, role))
    if getattr(user, "is_superuser", False):
        units = Unit.objects.filter(valid_on_q(clock.localdate()))
    else:
        q = Q(pk__in=[])
        for root in roots:
            q |= Q(path__startswith=root.path)
        units = Unit.objects.filter(q).filter(valid_on_q(clock.localdate()))
    return [(u.pk, u.name) for u in units.order_by("path")[:500]]


class InitiativeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    authors = forms.CharField(label=_("Authors"), max_length=500)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    field = forms.CharField(label=_("Field"), max_length=200, required=False)
    problem = forms.CharField(label=_("Problem to solve"), widget=forms.Textarea(attrs={"rows": 3}))
    solution = forms.CharField(label=_("Solution"), widget=forms.Textarea(attrs={"rows": 3}))
    applied_on = forms.DateField(label=_("Date applied"), required=False, widget=DateInput)
    expected_benefits = forms.CharField(
        label=_("Expected benefits"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    measured_benefits = forms.CharField(
        label=_("Measured benefits"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    procedure_codes = forms.CharField(
        label=_("Procedures"),
        required=False,
        max_length=1000,
        help_text=_("National codes separated by commas, e.g. 1.001193, 2.000635."),
    )
    evidence = forms.FileField(label=_("Evidence file (PDF, JPEG or PNG)"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(user)  # type: ignore[attr-defined]


class ModelForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    unit = forms.TypedChoiceField(label=_("Originating unit"), coerce=int)
    pilot_started_on = forms.DateField(label=_("Pilot started on"), widget=DateInput)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    procedure_codes = InitiativeForm.base_fields["procedure_codes"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(user)  # type: ignore[attr-defined]


class CouncilForm(forms.Form):
    name = forms.CharField(label=_("Council name"), max_length=300)
    members = forms.CharField(
        label=_("Members"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One member a line: full name, then a dash and the position."),
    )
    pass_mark = forms.DecimalField(
        label=_("Pass mark"), required=False, max_digits=5, decimal_places=2
    )

    def member_pairs(self) -> list[tuple[str, str]]:
        pairs = []
        for line in self.cleaned_data["members"].splitlines():
            name, _sep, position = line.replace("–", "-").partition("-")
            if name.strip():
                pairs.append((name.strip(), position.strip()))
        return pairs


class DecisionForm(forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    decided_on = forms.DateField(label=_("Decision date"), widget=DateInput)
    scope = forms.ChoiceField(label=_("Scope"))
    issued_by = forms.CharField(label=_("Issued by"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from motcua.initiatives.constants import RecognitionScope

        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = RecognitionScope.choices  # type: ignore[attr-defined]


class EvaluateForm(forms.Form):
    evaluation = forms.CharField(label=_("Evaluation"), widget=forms.Textarea(attrs={"rows": 3}))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReplicateForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Adopting unit"), coerce=int)
    adopted_on = forms.DateField(label=_("Adopted on"), widget=DateInput)
    adaptation_notes = forms.CharField(
        label=_("Adaptation notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(user)  # type: ignore[attr-defined]
