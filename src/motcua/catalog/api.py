"""JSON API of the procedure catalogue, mounted at /api/v1/catalog/."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field as SchemaField

from motcua.catalog import formatting
from motcua.catalog.models import (
    CompetentLevel,
    DocumentForm,
    FeeKind,
    OnlineLevel,
    ProcedureVersion,
    ResultType,
    StepBudgetUnit,
    SupplementPolicy,
    TimeLimitUnit,
)
from motcua.catalog.selectors import field_list, procedure_search, procedure_version_get
from motcua.core.schemas import error_responses

router = Router(tags=["catalog"])

PAGE_SIZE = 20


class FieldOut(Schema):
    code: str
    name: str


class ProcedureSummaryOut(Schema):
    code: str
    name: str
    version: int
    version_id: int = SchemaField(
        description="Send it as `procedure_version_id` at intake (the version must be in force)."
    )
    effective_from: date
    effective_to: date | None
    field: FieldOut
    competent_level: CompetentLevel
    competent_agency: str
    time_limit_amount: int
    time_limit_unit: TimeLimitUnit
    time_limit_text: str = SchemaField(
        description="The time limit in words, in the request's language."
    )
    online_level: OnlineLevel
    is_illustrative: bool
    url: str


class ProcedureDocumentOut(Schema):
    """A required document; named apart from the dossiers' checklist line (``DocumentOut``)."""

    id: int = SchemaField(
        description="Send it in `provided_document_ids` when the document is handed in."
    )
    order: int
    name: str
    form: DocumentForm
    count: int
    is_mandatory: bool
    note: str


class FeeOut(Schema):
    order: int
    name: str
    kind: FeeKind
    amount: int = SchemaField(description="Whole đồng (VND).")
    note: str


class ProcedureStepOut(Schema):
    """A step of the workflow; named apart from the dossiers' control-slip step (``StepOut``)."""

    id: int
    order: int
    name: str
    role_code: str
    role_name: str
    agency_code: str | None
    agency_name: str | None
    is_inter_agency: bool
    budget_amount: Decimal
    budget_unit: StepBudgetUnit


class DeclarationFormOut(Schema):
    """A form (tờ khai) to download and fill in."""

    order: int
    name: str
    reference: str
    url: str = SchemaField(description="Where to download it (no sign-in).")
    content_type: str
    size: int = SchemaField(description="Bytes.")
    sha256: str


class ProcedureDetailOut(ProcedureSummaryOut):
    result_type: ResultType
    supplement_policy: SupplementPolicy
    supplement_window_days: int | None = SchemaField(
        description=(
            "Working days the applicant has to hand in a requested supplement before the "
            "dossier is closed; null: no automatic closure."
        )
    )
    legal_basis: str
    documents: list[ProcedureDocumentOut]
    fees: list[FeeOut]
    steps: list[ProcedureStepOut]
    declaration_forms: list[DeclarationFormOut]


class ProcedurePageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[ProcedureSummaryOut]


class ProcedureFilter(Schema):
    q: str = SchemaField("", max_length=200, description="Words to find, accents optional.")
    field: str | None = SchemaField(None, description="Field code.")
    level: CompetentLevel | None = None
    page: int = SchemaField(1, ge=1)


class OnQuery(Schema):
    on: date | None = SchemaField(None, description="Day (YYYY-MM-DD); today when empty.")


def _summary(version: ProcedureVersion) -> dict[str, object]:
    return {
        "code": version.procedure.code,
        "name": version.name,
        "version": version.number,
        "version_id": version.pk,
        "effective_from": version.effective_from,
        "effective_to": version.effective_to,
        "field": {"code": version.field.code, "name": version.field.name},
        "competent_level": version.competent_level,
        "competent_agency": version.competent_agency,
        "time_limit_amount": version.time_limit_amount,
        "time_limit_unit": version.time_limit_unit,
        "time_limit_text": formatting.time_limit_text(version),
        "online_level": version.online_level,
        "is_illustrative": version.procedure.is_illustrative,
        "url": version.procedure.get_absolute_url(),
    }


@router.get(
    "/procedures",
    response={200: ProcedurePageOut, **error_responses(422)},
    summary="Search procedures in force today",
)
def procedure_list(request: HttpRequest, filters: Query[ProcedureFilter]) -> dict[str, object]:
    """Every word of ``q`` must occur in the name, code or field (accents and case ignored)."""
    versions = procedure_search(filters.q, field=filters.field, level=filters.level)
    count = versions.count()
    start = (filters.page - 1) * PAGE_SIZE
    items = list(versions[start : start + PAGE_SIZE]) if start < count else []
    return {
        "count": count,
        "page": filters.page,
        "pages": -(-count // PAGE_SIZE),
        "page_size": PAGE_SIZE,
        "items": [_summary(v) for v in items],
    }


@router.get(
    "/procedures/{code}",
    response={200: ProcedureDetailOut, **error_responses(404, 422)},
    summary="A procedure as in force on a day",
)
def procedure_detail(request: HttpRequest, code: str, query: Query[OnQuery]) -> dict[str, object]:
    """Return the version in force on ``on`` (today), with documents, fees and steps.

    Each document's ``id`` is what counter intake takes in ``provided_document_ids``.
    """
    version = procedure_version_get(code, on=query.on)
    return {
        **_summary(version),
        "result_type": version.result_type,
        "supplement_policy": version.supplement_policy,
        "supplement_window_days": version.supplement_window_days,
        "legal_basis": version.legal_basis,
        "documents": [
            {
                "id": d.pk,
                "order": d.order,
                "name": d.name,
                "form": d.form,
                "count": d.count,
                "is_mandatory": d.is_mandatory,
                "note": d.note,
            }
            for d in version.documents.all()
        ],
        "fees": [
            {"order": f.order, "name": f.name, "kind": f.kind, "amount": f.amount, "note": f.note}
            for f in version.fees.all()
        ],
        "steps": [
            {
                "id": s.pk,
                "order": s.order,
                "name": s.name,
                "role_code": s.role.code,
                "role_name": s.role.name,
                "agency_code": s.unit.agency_code if s.unit else None,
                "agency_name": s.unit.name if s.unit else None,
                "is_inter_agency": s.is_inter_agency,
                "budget_amount": s.budget_amount,
                "budget_unit": s.budget_unit,
            }
            for s in version.steps.all()
        ],
        "declaration_forms": [
            {
                "order": f.order,
                "name": f.name,
                "reference": f.reference,
                "url": reverse("catalog:declaration_form", args=[version.procedure.code, f.pk]),
                "content_type": f.content_type,
                "size": f.size,
                "sha256": f.sha256,
            }
            for f in version.declaration_forms.all()
        ],
    }


@router.get("/fields", response=list[FieldOut], summary="Fields of procedures")
def field_list_api(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": f.code, "name": f.name} for f in field_list()]
