"""JSON API of reform models and their measured effect, mounted at /api/v1/outreach/models.

Staff only (a token or the session). No ``from __future__ import
annotations`` here: django-ninja reads the annotations at import time.
"""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from motcua.api.auth import STAFF_AUTH
from motcua.core.errors import NotFoundError
from motcua.core.schemas import error_responses
from motcua.initiatives import selectors
from motcua.initiatives.effect import Estimate, model_effect
from motcua.initiatives.models import ReformModel

router = Router(tags=["initiatives"], auth=STAFF_AUTH)

ERRORS = error_responses(401, 404, 422)


class ModelUnitOut(Schema):
    id: int
    name: str


class ModelAdoptionOut(Schema):
    unit: ModelUnitOut
    adopted_on: date
    adaptation_notes: str


class ModelOut(Schema):
    id: int
    title: str
    status: str = Field(
        description="`pilot`, `evaluated`, `recognised`, `replicated` or `rejected`."
    )
    status_label: str
    unit: ModelUnitOut = Field(description="The originating unit.")
    pilot_started_on: date
    procedures: list[str] = Field(description="National codes of the procedures it touches.")
    adopting_units: list[ModelAdoptionOut]


class ModelMeasureEffectOut(Schema):
    measure: str = Field(description="`on_time`, `working_days`, `satisfaction` or `online`.")
    label: str
    estimate: float | None = Field(
        description="Change caused by adoption: points for rates, days for `working_days`; "
        "null when there is too little data."
    )
    ci_low: float | None = Field(description="Lower end of the 95% interval.")
    ci_high: float | None = Field(description="Upper end of the 95% interval.")
    p_value: float | None
    dossiers: int = Field(description="Dossiers (or ratings) behind the estimate.")
    units: int = Field(description="Agencies behind the estimate.")
    adopting_units: int
    comparison_units: int
    pretrend_p: float | None = Field(
        description="p-value of the joint test that adopters did not differ before adopting."
    )
    pretrend_flag: bool = Field(description="True when adopters already differed before.")
    verdict: str = Field(description="Plain Vietnamese verdict.")


class ModelEffectOut(Schema):
    model: ModelOut
    measures: list[ModelMeasureEffectOut]


def _unit(unit: Any) -> dict[str, Any]:
    return {"id": unit.pk, "name": unit.name}


def model_body(model: ReformModel) -> dict[str, Any]:
    return {
        "id": model.pk,
        "title": model.title,
        "status": model.status,
        "status_label": model.get_status_display(),
        "unit": _unit(model.unit),
        "pilot_started_on": model.pilot_started_on,
        "procedures": sorted(p.code for p in model.procedures.all()),
        "adopting_units": [
            {
                "unit": _unit(r.unit),
                "adopted_on": r.adopted_on,
                "adaptation_notes": r.adaptation_notes,
            }
            for r in model.replications.all()
        ],
    }


def estimate_body(row: Estimate) -> dict[str, Any]:
    from motcua.initiatives.constants import Measure

    return {
        "measure": row.measure,
        "label": str(Measure(row.measure).label),
        "estimate": row.estimate,
        "ci_low": row.ci_low,
        "ci_high": row.ci_high,
        "p_value": row.p_value,
        "dossiers": row.dossiers,
        "units": row.units,
        "adopting_units": row.adopting_units,
        "comparison_units": row.comparison_units,
        "pretrend_p": row.pretrend_p,
        "pretrend_flag": row.pretrend_flag,
        "verdict": row.verdict,
    }


@router.get(
    "",
    response={200: list[ModelOut], **ERRORS},
    summary="Reform models with their status and adopting units",
)
def model_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [model_body(m) for m in selectors.model_list().prefetch_related("procedures")]


@router.get(
    "/{model_id}/effect",
    response={200: ModelEffectOut, **ERRORS},
    summary="Measured effect of a model on each measure",
    description=(
        "Stacked difference-in-differences over the model's procedures: adopters against "
        "not-yet and never adopters, agency and month effects per adoption cohort, weighted "
        "by dossiers, standard errors clustered by agency; with the event-study pre-trend "
        "test and a plain verdict. See docs/initiatives.md."
    ),
)
def model_effect_get(request: HttpRequest, model_id: int) -> dict[str, Any]:
    model = selectors.model_detail(model_id)
    if model is None:
        raise NotFoundError(_("This model does not exist."))
    result = model_effect(model)
    return {"model": model_body(model), "measures": [estimate_body(e) for e in result.estimates]}
