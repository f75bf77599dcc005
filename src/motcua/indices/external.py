"""Import of external index results (PAR INDEX, SIPAS, PAPI, PCI, DTI) from CSV or Excel.

Columns, in the first row, in any order (Vietnamese or English headers):
``index`` (chỉ số: par_index, sipas, papi, pci, dti), ``unit`` (đơn vị:
the unit's administrative code, electronic identifier code or exact name),
``year`` (năm), ``component`` (thành phần; empty for the overall score),
``score`` (điểm), ``rank`` (xếp hạng, optional), ``source`` (nguồn,
optional). Every row is checked first and every problem is listed; only
a file without problems is written, in one transaction and one statement
(an upsert: a row of the same index, unit, year and component replaces the
earlier one).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError
from motcua.core.text import nfc
from motcua.indices.constants import ExternalIndex
from motcua.indices.models import ExternalResult
from motcua.org.models import Unit

HEADERS = {
    "index": "index",
    "chỉ số": "index",
    "unit": "unit",
    "đơn vị": "unit",
    "year": "year",
    "năm": "year",
    "component": "component",
    "thành phần": "component",
    "score": "score",
    "điểm": "score",
    "rank": "rank",
    "xếp hạng": "rank",
    "source": "source",
    "nguồn": "source",
}
REQUIRED = ("index", "unit", "year", "score")
INDEX_NAMES = {c.value: c.value for c in ExternalIndex} | {
    c.label.lower(): c.value for c in ExternalIndex
}


@dataclass(frozen=True)
class RowError:
    row: int
    message: str


def _rows(content: bytes, filename: str) -> list[list[Any]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise ApplicationError(
                _("The file is not a readable Excel workbook."), code="unreadable"
            ) from exc
        return [list(row) for row in sheet.iter_rows(values_only=True)] if sheet else []
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError(_("Save the CSV file as UTF-8."), code="unreadable") from exc
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _text(value: Any) -> str:
    return nfc("" if value is None else str(value)).strip()


def external_results_import(*, actor: Any, content: bytes, filename: str) -> int:
    """Import the rows of the file; return how many were written, or raise listing every problem."""
    # Blank lines are skipped but keep their place: errors name the file's own row numbers.
    rows = [
        (number, row)
        for number, row in enumerate(_rows(content, filename), start=1)
        if any(_text(v) for v in row)
    ]
    if not rows:
        raise ApplicationError(_("The file is empty."), code="empty")
    columns = [HEADERS.get(_text(h).lower()) for h in rows[0][1]]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ApplicationError(
            _("The first row must name the columns; missing: %(names)s.")
            % {"names": ", ".join(missing)},
            code="missing_columns",
        )
    units: dict[str, Unit] = {}
    for known in Unit.objects.filter(valid_to__isnull=True).only(
        "id", "name", "admin_code", "agency_code"
    ):
        for key in (known.admin_code, known.agency_code, known.name):
            if key:
                units.setdefault(nfc(key).casefold(), known)
    errors: list[RowError] = []
    parsed: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for number, raw in rows[1:]:
        row = {name: _text(value) for name, value in zip(columns, raw, strict=False) if name}
        problems = []
        index = INDEX_NAMES.get(row.get("index", "").lower())
        if index is None:
            problems.append(_("unknown index “%(value)s”") % {"value": row.get("index", "")})
        unit: Unit | None = units.get(row.get("unit", "").casefold())
        if unit is None:
            problems.append(_("no current unit “%(value)s”") % {"value": row.get("unit", "")})
        year = row.get("year", "")
        if not (year.isdigit() and 2000 <= int(year) <= 2100):
            problems.append(_("the year “%(value)s” is not a year") % {"value": year})
        try:
            score = Decimal(row.get("score", "").replace(",", "."))
            if not score.is_finite() or score < 0 or score >= Decimal("1000000"):
                raise InvalidOperation
        except InvalidOperation:
            problems.append(
                _("the score “%(value)s” is not a number") % {"value": row.get("score", "")}
            )
            score = Decimal(0)
        rank_text = row.get("rank", "")
        if rank_text and not (rank_text.isdigit() and 0 < int(rank_text) < 1000):
            problems.append(_("the rank “%(value)s” is not a whole number") % {"value": rank_text})
        component = row.get("component", "")[:200]
        seen_key = (index, unit.pk if unit else None, year, component)
        if not problems and seen_key in seen:
            problems.append(_("the same index, unit, year and component appear twice"))
        seen.add(seen_key)
        if problems:
            errors.append(RowError(number, "; ".join(problems)))
            continue
        parsed.append(
            {
                "index": index,
                "unit": unit,
                "year": int(year),
                "component": component,
                "score": score,
                "rank": int(rank_text) if rank_text else None,
                "source": row.get("source", "")[:300],
            }
        )
    if errors:
        raise ApplicationError(
            _("Nothing was imported: %(count)s rows have problems.") % {"count": len(errors)},
            code="invalid_rows",
            extra={"errors": [{"row": e.row, "message": e.message} for e in errors]},
        )
    now = clock.now()
    with transaction.atomic():
        # One INSERT … ON CONFLICT DO UPDATE for the whole file (not one per row).
        ExternalResult.objects.bulk_create(
            [
                ExternalResult(
                    index=item["index"],
                    unit=item["unit"],
                    year=item["year"],
                    component=item["component"],
                    score=item["score"],
                    rank=item["rank"],
                    source=item["source"],
                    imported_at=now,
                )
                for item in parsed
            ],
            update_conflicts=True,
            unique_fields=["index", "unit", "year", "component"],
            update_fields=["score", "rank", "source", "imported_at"],
        )
        audit_record(
            actor=actor,
            action="indices.external_results_import",
            stream="indices.external_results",
            data={"file": filename, "rows": len(parsed)},
        )
    return len(parsed)


def external_trends(unit: Unit) -> dict[str, list[ExternalResult]]:
    """Return the overall results of ``unit`` per index, oldest year first (one query)."""
    trends: dict[str, list[ExternalResult]] = {}
    for result in ExternalResult.objects.filter(unit=unit, component="").order_by("index", "year"):
        trends.setdefault(result.index, []).append(result)
    return trends
