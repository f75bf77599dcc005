"""JSON API of the parindex app, mounted at /api/v1/parindex/.

Read-only: definitions, a unit's assessments with their totals per area, and
the ranking of a definition. Scoring happens on the pages (evidence files
are uploaded there). Any staff member reads the definitions (the
province's published decisions); the ranking needs a scorer or appraiser
role anywhere, a unit's assessments being its scorer or its reviewing body. No ``from __future__ import
annotations`` here: django-ninja reads the annotations at import time.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from pydantic import Field

from motcua.api.auth import STAFF_AUTH
from motcua.core.errors import NotFoundError, PermissionDeniedError
from motcua.core.schemas import error_responses
from motcua.org.selectors import unit_get, user_units_for_role
from motcua.parindex import selectors as sel
from motcua.parindex.conf import appraiser_roles, scorer_roles
from motcua.parindex.models import Assessment, Definition
from motcua.parindex.services import may_appraise, may_define, may_score

router = Router(tags=["parindex"], auth=STAFF_AUTH)


class ParindexDefinitionOut(Schema):
    id: int
    year: int
    level: str = Field(description="`province` (departments and agencies) or `commune`.")
    issuer_id: int | None = Field(
        description="The province that issued it; null: every unit of the deployment."
    )
    name: str
    legal_basis: str
    survey_max_points: Decimal
    max_points: Decimal = Field(description="Sub-criteria plus the survey component.")


class ParindexSubCriterionOut(Schema):
    id: int
    code: str
    name: str
    max_points: Decimal
    scoring_guide: str
    evidence_required: str
    rule_code: str = Field(description="The automatic rule, empty when scored by hand.")


class ParindexCriterionOut(Schema):
    code: str
    name: str
    sub_criteria: list[ParindexSubCriterionOut]


class ParindexAreaOut(Schema):
    code: str
    name: str
    criteria: list[ParindexCriterionOut]


class ParindexDefinitionDetailOut(ParindexDefinitionOut):
    areas: list[ParindexAreaOut]


class ParindexAreaTotalOut(Schema):
    code: str
    name: str
    max_points: Decimal
    self_points: Decimal | None
    appraisal_points: Decimal | None = Field(
        description="Null until submitted; a sub-criterion not appraised counts its self-score."
    )


class ParindexScoreOut(Schema):
    code: str
    max_points: Decimal
    self_points: Decimal | None
    appraisal_points: Decimal | None
    automatic: bool = Field(description="Scored by the sub-criterion's automatic rule.")
    calculation: str = Field(description="How an automatic score was computed, in words.")
    evidence_files: int


class ParindexAssessmentOut(Schema):
    id: int
    definition_id: int
    year: int
    status: str = Field(description="`draft`, `submitted` or `appraised`.")
    submitted_at: datetime | None
    appraised_at: datetime | None
    max_points: Decimal
    self_total: Decimal
    survey_points: Decimal | None
    final_total: Decimal | None = Field(description="Once appraised: appraisal plus survey.")
    percent: Decimal | None = Field(description="The final total as a percentage of the maximum.")
    missing: int = Field(description="Sub-criteria without a self-score.")
    areas: list[ParindexAreaTotalOut]
    scores: list[ParindexScoreOut]


class ParindexRankOut(Schema):
    rank: int | None = Field(description="Null for a unit not appraised yet.")
    unit_id: int
    unit_name: str
    assessment_id: int
    status: str
    self_total: Decimal
    final_total: Decimal | None
    percent: Decimal | None


class ParindexRankingOut(Schema):
    definition: ParindexDefinitionOut
    rows: list[ParindexRankOut]


class ParindexRankingFilter(Schema):
    issuer_id: int | None = Field(
        None, description="The issuing province; omitted: the index without an issuer."
    )
    year: int = Field(ge=2000, le=2100)
    level: str = Field(pattern="^(province|commune)$", description="`province` or `commune`.")


def _caller(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _staff(request: HttpRequest) -> Any:
    """Any staff member reads the definitions: they are the province's published decisions."""
    return _caller(request)


def _reader(request: HttpRequest) -> Any:
    user = _caller(request)
    if may_define(user):
        return user
    for role in dict.fromkeys([*scorer_roles(), *appraiser_roles()]):
        if user_units_for_role(user, role).exists():
            return user
    raise PermissionDeniedError(_("The PAR INDEX is for reform officers."))


def _definition_out(d: Definition) -> dict[str, Any]:
    return {
        "id": d.pk,
        "year": d.year,
        "level": d.level,
        "issuer_id": d.issuer_id,
        "name": d.name,
        "legal_basis": d.legal_basis,
        "survey_max_points": d.survey_max_points,
        "max_points": sel.definition_max(d),
    }


@router.get(
    "/definitions",
    response={200: list[ParindexDefinitionOut], **error_responses(401)},
    summary="PAR INDEX definitions",
    description="Every definition, newest year first.",
)
def definitions(request: HttpRequest) -> Any:
    _staff(request)
    return [_definition_out(d) for d in Definition.objects.all()]


@router.get(
    "/definitions/{definition_id}",
    response={200: ParindexDefinitionDetailOut, **error_responses(401, 404, 422)},
    summary="A PAR INDEX definition with its tree",
    description="Areas → criteria → sub-criteria with points, guide, evidence and rule.",
)
def definition_detail(request: HttpRequest, definition_id: Path[int]) -> Any:
    _staff(request)
    found = sel.definition_get(definition_id)
    if found is None:
        raise NotFoundError(_("This PAR INDEX definition does not exist."), code="no_definition")
    return {
        **_definition_out(found),
        "areas": [
            {
                "code": a.code,
                "name": a.name,
                "criteria": [
                    {
                        "code": c.code,
                        "name": c.name,
                        "sub_criteria": [
                            {
                                "id": s.pk,
                                "code": s.code,
                                "name": s.name,
                                "max_points": s.max_points,
                                "scoring_guide": s.scoring_guide,
                                "evidence_required": s.evidence_required,
                                "rule_code": s.rule_code,
                            }
                            for s in c.sub_criteria.all()
                        ],
                    }
                    for c in a.criteria.all()
                ],
            }
            for a in found.areas.all()
        ],
    }


@router.get(
    "/units/{unit_id}/assessments",
    response={200: list[ParindexAssessmentOut], **error_responses(401, 403, 404, 422)},
    summary="A unit's self-assessments across the years",
    description="Newest year first, with totals per area.",
)
def unit_assessments(request: HttpRequest, unit_id: Path[int]) -> Any:
    user = _caller(request)
    unit = unit_get(unit_id)
    if unit is None:
        raise NotFoundError(
            _("There is no unit with id %(id)s.") % {"id": unit_id}, code="unknown_unit"
        )
    if not (may_score(user, unit) or may_appraise(user, unit)):
        raise PermissionDeniedError(
            _("You cannot read the PAR INDEX of %(unit)s.") % {"unit": unit.name}
        )
    out = []
    for a in Assessment.objects.filter(unit=unit).select_related("definition", "unit"):
        sheet = sel.assessment_sheet(a)
        out.append(
            {
                "id": a.pk,
                "definition_id": a.definition_id,
                "year": a.definition.year,
                "status": a.status,
                "submitted_at": a.submitted_at,
                "appraised_at": a.appraised_at,
                "max_points": sheet.max_points,
                "self_total": sheet.self_total,
                "survey_points": a.survey_points,
                "final_total": sheet.final_total,
                "percent": sheet.percent,
                "missing": sheet.missing,
                "areas": [
                    {
                        "code": line.code,
                        "name": line.name,
                        "max_points": line.max_points,
                        "self_points": line.self_points,
                        "appraisal_points": line.appraisal_points
                        if sheet.appraisal_total is not None
                        else None,
                    }
                    for line in sheet.areas
                ],
                "scores": [
                    {
                        "code": line.code,
                        "max_points": line.max_points,
                        "self_points": line.self_points,
                        "appraisal_points": line.appraisal_points,
                        "automatic": line.score.automatic if line.score else False,
                        "calculation": line.score.calculation if line.score else "",
                        "evidence_files": len(line.evidence),
                    }
                    for line in sheet.lines
                    if line.kind == "sub"
                ],
            }
        )
    return out


@router.get(
    "/ranking",
    response={200: ParindexRankingOut, **error_responses(401, 403, 404, 422)},
    summary="Ranking of the units assessed against a definition",
    description=(
        "Appraised units by the percentage of the maximum (equal percentages share a rank), "
        "then the units not appraised yet."
    ),
)
def ranking(request: HttpRequest, filters: Query[ParindexRankingFilter]) -> Any:
    _reader(request)
    found = Definition.objects.filter(
        year=filters.year, level=filters.level, issuer_id=filters.issuer_id
    ).first()
    if found is None:
        raise NotFoundError(
            _("No PAR INDEX is defined for this year and level."), code="no_definition"
        )
    return {
        "definition": _definition_out(found),
        "rows": [
            {
                "rank": r.rank,
                "unit_id": r.assessment.unit_id,
                "unit_name": r.assessment.unit.name,
                "assessment_id": r.assessment.pk,
                "status": r.assessment.status,
                "self_total": r.self_total,
                "final_total": r.final_total,
                "percent": r.percent,
            }
            for r in sel.ranking(found)
        ],
    }
