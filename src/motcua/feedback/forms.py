"""Forms of the feedback pages; the rules are checked again by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import ApplicationError
from motcua.core.forms import DayField
from motcua.feedback.constants import SatisfactionLevel
from motcua.feedback.models import EvaluationScheme

SCORE_CHOICES = [("", "—"), ("0", "0"), ("1", "1"), ("2", "2")]


def apply_error(form: forms.Form, exc: ApplicationError) -> None:
    """Show a service's refusal on ``form``: each problem at its field, else at the top."""
    problems = exc.extra.get("errors") or []
    for problem in problems:
        field = problem["field"]
        form.add_error(field if field in form.fields else None, problem["message"])
    if not problems:
        form.add_error(None, exc.message)


class EvaluationForm(forms.Form):
    """The three levels as buttons, the nine indicators (optional, 0–2) and a comment."""

    level = forms.ChoiceField(
        label=_("How satisfied are you?"),
        choices=SatisfactionLevel.choices,
        error_messages={"required": _("Choose how satisfied you are.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, scheme: EvaluationScheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        for number, name in enumerate(scheme.indicators, start=1):
            self.fields[f"indicator_{number}"] = forms.ChoiceField(
                label=f"{number}. {name}", choices=SCORE_CHOICES, required=False
            )

    def indicator_fields(self) -> list[forms.BoundField]:
        return [self[f"indicator_{n}"] for n in range(1, len(self.scheme.indicators) + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [data.get(f"indicator_{n}", "") for n in range(1, len(self.scheme.indicators) + 1)]
        if any(given) and not all(given):
            raise forms.ValidationError(
                _("Score all nine indicators (0, 1 or 2 points), or leave them all empty.")
            )
        data["scores"] = [int(v) for v in given] if all(given) else []
        return data


class PairForm(forms.Form):
    code = forms.CharField(
        label=_("Pairing code"),
        max_length=12,
        help_text=_("The eight digits shown to the officer on the kiosk page of the desk."),
    )


class KioskCreateForm(forms.Form):
    name = forms.CharField(label=_("Kiosk name"), max_length=100)
    unit = forms.ChoiceField(label=_("Desk"))


class FollowUpForm(forms.Form):
    note = forms.CharField(
        label=_("Contact with the citizen"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("When and how the citizen was contacted, and what they said."),
    )
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    close = forms.BooleanField(label=_("Close the follow-up"), required=False)


class PaknForm(forms.Form):
    """A PAKN from the portal; staff add the channel and the receiving unit."""

    sender_name = forms.CharField(label=_("Full name"), max_length=200)
    sender_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    sender_email = forms.EmailField(label=_("E-mail"), required=False)
    sender_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    title = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 6}))
    dossier_code = forms.CharField(
        label=_("Dossier code (if it is about a dossier)"), max_length=60, required=False
    )
    consent_publish = forms.BooleanField(
        label=_("I agree that the question and the answer are published (without my name)"),
        required=False,
    )
    attachment = forms.FileField(
        label=_("Attached file (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG: a photo or a scan of a letter or a document."),
    )
    # A field people never see: a robot that fills it is ignored (no CAPTCHA).
    website = forms.CharField(label=_("Leave this empty"), required=False)


class PaknStaffForm(PaknForm):
    channel = forms.ChoiceField(label=_("Received through"))
    unit = forms.ChoiceField(label=_("Receiving unit"))

    field_order = ["channel", "unit"]


class PaknAssignForm(forms.Form):
    kind = forms.ChoiceField(label=_("Classification"))
    unit = forms.ChoiceField(label=_("Assign to"))
    dossier_code = forms.CharField(
        label=_("Dossier code (if it is about a dossier)"), max_length=60, required=False
    )


class PaknAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 6}))


class SurveyForm(forms.Form):
    """One questionnaire version as a form: a 1–5 level per aspect, overall, expectations."""

    website = forms.CharField(label=_("Leave this empty"), required=False)

    def __init__(self, *args: Any, questionnaire: Any, paper: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        definition = questionnaire.definition
        scale = [("", "—")] + [
            (str(i), label) for i, label in enumerate(definition.get("scale", []), start=1)
        ]
        if paper:
            self.fields["paper_number"] = forms.CharField(
                label=_("Paper form number"), max_length=30
            )
        for aspect in questionnaire.aspects:
            self.fields[f"aspect_{aspect['key']}"] = forms.ChoiceField(
                label=aspect["name"],
                choices=scale,
                required=False,
                help_text="; ".join(aspect.get("criteria", [])),
                widget=forms.RadioSelect,
            )
        if definition.get("overall"):
            self.fields["overall"] = forms.ChoiceField(
                label=definition["overall"], choices=scale, required=False, widget=forms.RadioSelect
            )
        expectations = definition.get("expectations") or {}
        if expectations.get("options"):
            self.fields["expectations"] = forms.MultipleChoiceField(
                label=expectations.get("question", ""),
                choices=[(str(i), text) for i, text in enumerate(expectations["options"])],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        self.order_fields([name for name in self.fields if name != "website"] + ["website"])


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Campaign name"), max_length=200)
    unit = forms.ChoiceField(label=_("Unit surveyed"))
    questionnaire = forms.ChoiceField(label=_("Questionnaire"))
    starts_on = DayField(label=_("From"))
    ends_on = DayField(label=_("Until"))
    sample_target = forms.IntegerField(label=_("Sample target"), min_value=1)
