"""Admin for the index definitions (rules as data) and the entered figures.

Definitions are plain configuration rows; an entered figure is saved only
through :func:`motcua.indices.services.entered_figure_save` (checks, audit).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from motcua.core.errors import ApplicationError
from motcua.indices.models import (
    EnteredFigure,
    ExternalResult,
    IndexVersion,
    Indicator,
    IndicatorGroup,
    RatingBand,
)
from motcua.indices.periods import period_parse
from motcua.indices.queries import QUERIES
from motcua.indices.services import entered_figure_problems, entered_figure_save


class RatingBandInline(admin.TabularInline[RatingBand, IndexVersion]):
    model = RatingBand
    extra = 0


class GroupInline(admin.TabularInline[IndicatorGroup, IndexVersion]):
    model = IndicatorGroup
    extra = 0


@admin.register(IndexVersion)
class IndexVersionAdmin(admin.ModelAdmin[IndexVersion]):
    list_display = ["name", "code", "effective_from"]
    inlines = [GroupInline, RatingBandInline]


class IndicatorForm(forms.ModelForm):  # type: ignore[type-arg]
    query = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *[(k, f"{k}: {q.description}") for k, q in QUERIES.items()]],
    )

    class Meta:
        model = Indicator
        fields = [
            "group",
            "code",
            "order",
            "name",
            "max_points",
            "source",
            "query",
            "target",
            "scoring",
            "numerator_label",
            "denominator_label",
        ]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin[Indicator]):
    form = IndicatorForm
    list_display = ["code", "name", "max_points", "source", "query", "target", "scoring", "group"]
    list_filter = ["group__version", "source"]


class EnteredFigureForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = EnteredFigure
        fields = ["indicator_code", "unit", "period", "numerator", "denominator", "evidence"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            period_parse(data.get("period", ""))
        except ApplicationError as exc:
            raise ValidationError(exc.message) from exc
        problems = entered_figure_problems(
            indicator_code=data.get("indicator_code", ""),
            numerator=data["numerator"],
            denominator=data["denominator"],
            evidence=data.get("evidence", ""),
        )
        if problems:
            raise ValidationError(problems)
        return data

    def validate_unique(self) -> None:
        """Leave it to the service, which corrects the existing figure of the same key."""


@admin.register(EnteredFigure)
class EnteredFigureAdmin(admin.ModelAdmin[EnteredFigure]):
    form = EnteredFigureForm
    list_display = [
        "indicator_code",
        "unit",
        "period",
        "numerator",
        "denominator",
        "entered_by",
        "entered_at",
    ]
    list_filter = ["indicator_code", "period"]
    raw_id_fields = ["unit"]

    def save_model(self, request: HttpRequest, obj: EnteredFigure, form: Any, change: bool) -> None:
        saved = entered_figure_save(
            actor=request.user,
            indicator_code=obj.indicator_code,
            unit=obj.unit,
            period=obj.period,
            numerator=obj.numerator,
            denominator=obj.denominator,
            evidence=obj.evidence,
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ExternalResult)
class ExternalResultAdmin(admin.ModelAdmin[ExternalResult]):
    list_display = ["index", "unit", "year", "component", "score", "rank"]
    list_filter = ["index", "year"]
    raw_id_fields = ["unit"]
