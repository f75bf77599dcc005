"""Monthly, quarterly and annual reports of a unit, in Excel and in PDF with the same charts.

The report holds the service index of the period, the months of the
period, the units directly below (each rolled up) and the procedures that
took longest, all read from the rollups (about ten queries whatever the
size of the data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

import motcua.core
from motcua.feedback.selectors import under
from motcua.indices import tables
from motcua.indices.charts import Chart, bar_chart, line_chart
from motcua.indices.dashboard import _pct, _slowest, monthly_rows
from motcua.indices.excel import workbook_bytes
from motcua.indices.models import AgencyMonthlyCount
from motcua.indices.periods import Period, months_q, period_parse
from motcua.indices.selectors import IndexResult, service_index
from motcua.org.models import Unit

FONT_DIR = Path(motcua.core.__file__).resolve().parent / "fonts"


@dataclass
class Report:
    unit: Unit
    period: Period
    index: IndexResult
    tables: list[tables.Table]
    charts: list[Chart]
    made_at: datetime


def _months(period: Period) -> list[Period]:
    if period.kind == "month":
        return [period]
    first, last = period.start.month, period.end.month
    return [period_parse(f"{period.start.year}-{m:02d}") for m in range(first, last + 1)]


def _children_table(unit: Unit, period: Period) -> tables.Table:
    children = [
        SimpleNamespace(pk=pk, name=name, path=path)
        for pk, name, path in unit.children.order_by("name").values_list("pk", "name", "path")
    ]
    by_path = {child.path: child for child in children}
    depth = unit.path.count("/")
    totals: dict[int, dict[str, int]] = {
        c.pk: {"received": 0, "online": 0, "finished": 0, "on_time": 0} for c in children
    }
    rows = (
        AgencyMonthlyCount.objects.filter(months_q(period.start, period.end), under(unit, "agency"))
        .order_by()
        .values("agency__path")
        .annotate(
            n_received=Sum("received"),
            n_online=Sum("received_online"),
            n_finished=Sum("finished"),
            n_on_time=Sum("finished_on_time"),
        )
    )
    for row in rows:
        # The child a path is under: the unit's path and one more segment.
        path = row["agency__path"]
        child = by_path.get("/".join(path.split("/")[: depth + 1]) + "/")
        if child is None:
            continue
        t = totals[child.pk]
        t["received"] += row["n_received"] or 0
        t["online"] += row["n_online"] or 0
        t["finished"] += row["n_finished"] or 0
        t["on_time"] += row["n_on_time"] or 0
    return (
        _("Units below"),
        [_("Unit"), _("Received"), _("Received online"), _("Finished"), _("On time (%)")],
        [
            [
                c.name,
                totals[c.pk]["received"],
                totals[c.pk]["online"],
                totals[c.pk]["finished"],
                tables._blank(_pct(totals[c.pk]["on_time"], totals[c.pk]["finished"])),
            ]
            for c in children
        ],
    )


def report_build(unit: Unit, period: Period, *, now: datetime) -> Report:
    index = service_index(unit, period, now=now)
    months = monthly_rows(unit, _months(period))
    slow = _slowest(unit, period.start, period.end, "agency__name", 10)
    labels = [m.label for m in months]
    return Report(
        unit=unit,
        period=period,
        index=index,
        tables=[
            tables.index_table(index),
            tables.months_table(months),
            _children_table(unit, period),
            (
                _("Slowest units"),
                [_("Unit"), _("Finished"), _("Late"), _("Average days")],
                [
                    [
                        r["agency__name"],
                        r["n_finished"],
                        r["n_late"],
                        round((r["n_seconds"] or 0) / 86400 / r["n_finished"], 1),
                    ]
                    for r in slow
                ],
            ),
        ],
        charts=[
            bar_chart(
                _("Points by group"),
                [f"{g.number}. {g.name}" for g in index.groups],
                [g.score for g in index.groups],
            ),
            line_chart(_("On time (%)"), labels, [m.on_time_pct for m in months]),
            line_chart(_("Received online (%)"), labels, [m.online_pct for m in months]),
        ],
        made_at=now,
    )


def report_xlsx(report: Report) -> bytes:
    return workbook_bytes(report.tables)


class _ReportPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Serif", size=8)
        self.cell(0, 6, f"{self.footer_text} · {self.page_no()}", align="C")


def report_pdf(report: Report) -> bytes:
    pdf = _ReportPDF(format="A4")
    pdf.footer_text = f"Motcua · {report.unit.name} · {report.period.key}"
    for style, name in (("", "Regular"), ("B", "Bold")):
        pdf.add_font("Serif", style, str(FONT_DIR / f"LiberationSerif-{name}.ttf"))
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Serif", "B", 14)
    pdf.multi_cell(
        0,
        7,
        _("Service report: %(unit)s") % {"unit": report.unit.name},
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Serif", size=11)
    pdf.multi_cell(
        0,
        6,
        f"{report.period.label()} · {report.index.version.name}\n"
        + _("%(total)s points of the %(max)s that can be measured")
        % {"total": report.index.total, "max": report.index.max_measured}
        + (f" · {report.index.rating}" if report.index.rating else "")
        + "\n"
        + _("Made on %(at)s")
        % {"at": timezone.localtime(report.made_at).strftime("%H:%M %d/%m/%Y")},
        align="C",
    )
    for chart in report.charts:
        if pdf.get_y() > 220:
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font("Serif", "B", 11)
        pdf.cell(0, 6, chart.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Serif", size=7)
        used = chart.draw_pdf(pdf, pdf.l_margin, pdf.get_y(), 170)
        pdf.set_y(pdf.get_y() + used + 2)
    for title, headers, rows in report.tables:
        pdf.add_page() if pdf.get_y() > 200 else pdf.ln(4)
        pdf.set_font("Serif", "B", 11)
        pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Serif", size=8)
        widths = _widths(len(headers))
        with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.5) as table:
            table.row([str(h) for h in headers])
            for row in rows:
                table.row(["" if v is None else str(v) for v in row])
    return bytes(pdf.output())


def _widths(n: int) -> Any:
    if n >= 8:
        return (8, 50, 12, 12, 12, 12, 12, 12, 25)[:n] if n == 9 else None
    return (60, *([20] * (n - 1)))
