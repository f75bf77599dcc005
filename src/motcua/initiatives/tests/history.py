"""A model with monthly history of known effect, written as :class:`HistoricalFigure` rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np

from motcua.initiatives import services
from motcua.initiatives.models import HistoricalFigure, ReformModel
from motcua.initiatives.tests.helpers import Province


def month_start(year: int, month: int, add: int) -> date:
    index = year * 12 + month - 1 + add
    return date(index // 12, index % 12 + 1, 1)


def model_with_history(p: Province, *, lift: float = 10.0, seed: int = 5) -> ReformModel:
    """Return a model piloted in ward 0 (2025-01) and adopted by wards 1–3 (2025-07);
    24 months from 2024-07 with ``lift`` on-time points after adoption, 80 dossiers a month."""
    model = services.model_create(
        actor=p.officer,
        title="Một cửa không giấy",
        unit=p.wards[0],
        pilot_started_on=date(2025, 1, 1),
        procedure_codes=[p.procedure.code],
    )
    services.model_evaluate(actor=p.officer, model=model, evaluation="Giảm thời gian chờ")
    services.model_recognise(
        actor=p.officer,
        model=model,
        decision_number="45/QĐ-UBND",
        decided_on=date(2025, 6, 20),
        scope="province",
    )
    for ward in p.wards[1:4]:
        services.model_replicate(
            actor=p.officer, model=model, unit=ward, adopted_on=date(2025, 7, 1)
        )
    rng = np.random.default_rng(seed)
    rows = []
    for i, ward in enumerate(p.wards):
        base = 60 + 3 * i
        start = date(2025, 1, 1) if i == 0 else (date(2025, 7, 1) if i <= 3 else None)
        for k in range(24):
            day = month_start(2024, 7, k)
            rate = base + rng.normal(0, 2) + (lift if start and day >= start else 0)
            finished = 80
            rows.append(
                HistoricalFigure(
                    agency=ward,
                    procedure=p.procedure,
                    year=day.year,
                    month=day.month,
                    received=finished,
                    received_online=int(finished * 0.4),
                    finished=finished,
                    finished_on_time=round(finished * min(rate, 100) / 100),
                    handling_days=Decimal(finished * 5),
                    source="tests",
                )
            )
    HistoricalFigure.objects.bulk_create(rows)
    return model
