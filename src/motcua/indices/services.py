"""Writes of the indices app: figures entered by an administrator, external results.

Each runs in one transaction, locks the row it changes and appends one
audit record; an import writes every row or none.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError
from motcua.core.text import nfc
from motcua.indices.constants import IndicatorSource
from motcua.indices.models import EnteredFigure, Indicator
from motcua.indices.periods import period_parse
from motcua.org.models import Unit


def entered_figure_problems(
    *, indicator_code: str, numerator: Decimal, denominator: Decimal, evidence: str
) -> list[str]:
    """Return what is wrong with an entered figure (empty when it may be saved)."""
    errors = []
    if not Indicator.objects.filter(code=indicator_code, source=IndicatorSource.ENTERED).exists():
        errors.append(
            _("Sub-indicator %(code)s is computed from the data; it cannot be entered.")
            % {"code": indicator_code}
        )
    if denominator <= 0:
        errors.append(_("The denominator must be greater than 0."))
    if numerator < 0 or numerator > denominator:
        errors.append(_("The numerator must be between 0 and the denominator."))
    if not nfc(evidence).strip():
        errors.append(_("Give the evidence: the document, its number and date, or a link."))
    return errors


def entered_figure_save(
    *,
    actor: Any,
    indicator_code: str,
    unit: Unit,
    period: str,
    numerator: Decimal,
    denominator: Decimal,
    evidence: str,
) -> EnteredFigure:
    """Enter (or correct) a figure the system cannot see, with its evidence."""
    key = period_parse(period).key
    evidence = nfc(evidence).strip()
    errors = entered_figure_problems(
        indicator_code=indicator_code,
        numerator=numerator,
        denominator=denominator,
        evidence=evidence,
    )
    if errors:
        raise ApplicationError(" ".join(errors), code="invalid_entry", extra={"errors": errors})
    with transaction.atomic():
        figure = (
            EnteredFigure.objects.select_for_update()
            .filter(indicator_code=indicator_code, unit=unit, period=key)
            .first()
        )
        before = None
        if figure is None:
            figure = EnteredFigure(indicator_code=indicator_code, unit=unit, period=key)
        else:
            before = [str(figure.numerator), str(figure.denominator), figure.evidence]
        figure.numerator, figure.denominator, figure.evidence = numerator, denominator, evidence
        figure.entered_by = actor if getattr(actor, "is_authenticated", False) else None
        figure.entered_at = clock.now()
        figure.save()
        audit_record(
            actor=actor,
            action="indices.entered_figure_save",
            obj=figure,
            new_stream=before is None,
            data={
                "indicator": indicator_code,
                "unit": unit.pk,
                "period": key,
                "numerator": str(numerator),
                "denominator": str(denominator),
                "evidence": evidence,
                "before": before,
            },
        )
    return figure
