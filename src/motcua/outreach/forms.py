"""Forms of the outreach pages; the services check every rule again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.forms import DayField
from motcua.outreach.constants import MaterialKind, PeriodKind
from motcua.outreach.models import Channel, Topic

REQUIRED = {"required": _("This field is required.")}
WHOLE = {
    "required": _("Enter a whole number, 0 or more."),
    "invalid": _("Enter a whole number, 0 or more."),
    "min_value": _("Enter a whole number, 0 or more."),
}


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, error_messages=WHOLE)
    title = forms.CharField(label=_("Title"), max_length=300, error_messages=REQUIRED)
    objectives = forms.CharField(
        label=_("Objectives"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    unit = forms.ChoiceField(label=_("Unit"), error_messages=REQUIRED)


class IssueForm(forms.Form):
    number = forms.CharField(label=_("Document number"), max_length=60, error_messages=REQUIRED)
    issued_on = DayField(label=_("Issue date"), error_messages=REQUIRED)


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Activity"), max_length=300, error_messages=REQUIRED)
    channel = forms.ModelChoiceField(
        label=_("Form of communication"),
        queryset=Channel.objects.filter(active=True),
        error_messages={"required": _("Choose the form of communication.")},
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.filter(active=True),
        error_messages={"required": _("Choose the topic.")},
    )
    owner_unit = forms.ChoiceField(label=_("Owner unit"), error_messages=REQUIRED)
    co_owner_units = forms.MultipleChoiceField(
        label=_("Co-owner units"), required=False, widget=forms.CheckboxSelectMultiple
    )
    period_kind = forms.ChoiceField(label=_("Due in"), choices=PeriodKind.choices)
    period = forms.IntegerField(
        label=_("Month or quarter"),
        required=False,
        help_text=_("1–12 for a month, 1–4 for a quarter; empty for the whole year."),
        error_messages=WHOLE,
    )
    target_quantity = forms.IntegerField(
        label=_("Target quantity"), min_value=1, error_messages=WHOLE
    )
    quantity_unit = forms.CharField(
        label=_("Counted in"),
        max_length=40,
        required=False,
        help_text=_("e.g. broadcasts, articles"),
    )
    audience = forms.CharField(label=_("Audience"), max_length=300, required=False)

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(u.pk), u.name) for u in units]
        self.fields["owner_unit"].choices = choices  # type: ignore[attr-defined]
        self.fields["co_owner_units"].choices = choices  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    reported_on = DayField(label=_("Date"), error_messages=REQUIRED)
    quantity = forms.IntegerField(label=_("Quantity done"), min_value=0, error_messages=WHOLE)
    people = forms.IntegerField(
        label=_("People reached"), min_value=0, required=False, error_messages=WHOLE
    )
    views = forms.IntegerField(label=_("Views"), min_value=0, required=False, error_messages=WHOLE)
    broadcasts = forms.IntegerField(
        label=_("Broadcasts"), min_value=0, required=False, error_messages=WHOLE
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(
        label=_("Evidence (PDF, JPEG or PNG)"),
        required=False,
        help_text=_("Photos, minutes or screenshots; the files are checked before they are kept."),
    )


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, error_messages=REQUIRED)
    summary = forms.CharField(label=_("Summary"), max_length=500, required=False)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text, or the tags p, b, i, strong, em, ul, ol, li, h2, h3, br."),
        error_messages=REQUIRED,
    )
    topic = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Topic.objects.filter(active=True),
        error_messages={"required": _("Choose the category.")},
    )
    publish_on = DayField(
        label=_("Publish on"),
        required=False,
        help_text=_("Empty: keep as a draft. A future day schedules it (published at 07:00)."),
    )
    activity = forms.ChoiceField(label=_("Plan activity"), required=False)
    image = forms.FileField(label=_("Picture (JPEG or PNG)"), required=False)
    unit = forms.ChoiceField(label=_("Unit"), error_messages=REQUIRED)


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300, error_messages=REQUIRED)
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), error_messages=REQUIRED
    )
    link = forms.URLField(
        label=_("QR link (leaflet, poster)"),
        required=False,
        assume_scheme="https",
        error_messages={
            "invalid": _("Enter a web address, for example https://dichvucong.gov.vn.")
        },
    )
    procedure_code = forms.CharField(
        label=_("Procedure code (leaflet, poster)"),
        max_length=30,
        required=False,
        help_text=_("The QR code opens the procedure's public page, e.g. 1.001193."),
    )
    copies = forms.IntegerField(
        label=_("Copies printed"), min_value=0, required=False, error_messages=WHOLE
    )
    starts_on = DayField(label=_("Airs from (broadcast)"), required=False)
    ends_on = DayField(label=_("Airs until (broadcast)"), required=False)
    airings_per_day = forms.IntegerField(
        label=_("Airings a day (broadcast)"),
        min_value=0,
        max_value=24,
        required=False,
        error_messages=WHOLE,
    )
    air_times = forms.CharField(
        label=_("Air times (broadcast)"),
        max_length=100,
        required=False,
        help_text=_("e.g. 6:00, 17:30"),
    )
    activity = forms.ChoiceField(label=_("Plan activity"), required=False)
    unit = forms.ChoiceField(label=_("Unit"), error_messages=REQUIRED)
