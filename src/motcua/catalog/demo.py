"""Load the illustrative demo procedures (motcua.catalog.demo_data) idempotently."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from motcua.catalog import services
from motcua.catalog.content import DocumentSpec, FeeSpec, StepSpec, VersionContent
from motcua.catalog.models import Field, Procedure


def demo_content(item: dict[str, Any]) -> VersionContent:
    """Turn one row of ``motcua.catalog.demo_data.PROCEDURES`` into version content."""
    from motcua.catalog.demo_data import DEMO_SUPPLEMENT_WINDOW

    amount, unit = item["limit"]
    return VersionContent(
        name=item["name"],
        field_code=item["field"],
        competent_level=item["level"],
        competent_agency=item["agency"],
        time_limit_amount=amount,
        time_limit_unit=unit,
        online_level=item["online"],
        result_type=item["result"],
        supplement_policy=item["supplement"],
        supplement_window_days=item.get("supplement_window", DEMO_SUPPLEMENT_WINDOW),
        legal_basis=item["legal_basis"],
        documents=tuple(
            DocumentSpec(order=i, name=name, form=form, count=count, is_mandatory=mandatory)
            for i, (name, form, count, mandatory) in enumerate(item["documents"], start=1)
        ),
        fees=tuple(
            FeeSpec(order=i, name=name, kind=kind, amount=fee, note=note)
            for i, (name, kind, fee, note) in enumerate(item["fees"], start=1)
        ),
        steps=tuple(
            StepSpec(
                order=i,
                name=step[0],
                role_code=step[1],
                budget_amount=Decimal(step[2]),
                budget_unit=step[3],
                is_inter_agency=step[4],
                # An optional sixth element names the coordinating agency's identifier code.
                agency_code=step[5] if len(step) > 5 else "",
            )
            for i, step in enumerate(item["steps"], start=1)
        ),
    )


def load_demo_procedures(actor: Any) -> int:
    """Create the demo fields and procedures that do not exist yet; return how many.

    Needs the org roles (intake_officer, case_handler, …). Procedures whose
    code already exists are left alone, so a second run creates nothing.
    """
    from motcua.catalog.demo_data import EFFECTIVE_FROM, FIELDS, PROCEDURES

    created = 0
    with transaction.atomic():
        existing_fields = set(Field.objects.values_list("code", flat=True))
        for code, name in FIELDS.items():
            if code not in existing_fields:
                services.field_create(actor=actor, code=code, name=name)
        existing = set(Procedure.objects.values_list("code", flat=True))
        for item in PROCEDURES:
            if item["code"] in existing:
                continue
            services.procedure_create(
                actor=actor,
                code=item["code"],
                effective_from=date.fromisoformat(item.get("effective_from", EFFECTIVE_FROM)),
                content=demo_content(item),
                is_illustrative=True,
            )
            created += 1
    return created
