"""Small charts drawn on the server: one drawing for the screen (SVG) and the PDF report.

A chart is a list of plain drawing operations (:class:`Chart`), rendered as
inline SVG for the pages (no script, no CDN) and with fpdf2's own lines,
rectangles and text in the PDF reports, so paper shows the same chart.
Chosen over Vega-Lite + vega-embed + vl-convert by measurement (ADR 0013):
here a chart is a dozen bars or points, drawn in about 0.06 ms of Python,
where vl-convert took 73 ms (median; 1.1 s for the first) per chart and a
33.5 MB wheel (84 MB installed). Every chart has a table view beside it
(the template's ``<details>``) and an Excel export of the same rows.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

W, H, PAD_L, PAD_B, PAD_T = 640, 220, 44, 28, 12
Op = tuple[Any, ...]


@dataclass
class Chart:
    title: str
    width: float
    height: float
    ops: list[Op] = field(default_factory=list)

    def __html__(self) -> str:
        return str(self.svg())

    def __str__(self) -> str:
        return str(self.svg())

    def svg(self) -> SafeString:
        title = escape(self.title)
        parts = [
            f'<svg class="chart" viewBox="0 0 {self.width:g} {self.height:g}" role="img" '
            f'aria-label="{title}" xmlns="http://www.w3.org/2000/svg"><title>{title}</title>'
        ]
        for op in self.ops:
            kind = op[0]
            if kind == "grid":
                _k, x1, y1, x2, y2 = op
                parts.append(
                    f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{y1:.1f}" y2="{y2:.1f}" class="grid"/>'
                )
            elif kind == "text":
                _k, x, y, anchor, text = op
                parts.append(
                    f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(text)}</text>'
                )
            elif kind == "point":
                _k, x, y, text = op
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{escape(text)}</title></circle>'
                )
            elif kind == "polyline":
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in op[1])
                parts.append(f'<polyline points="{points}" class="series"/>')
            elif kind == "bar":
                _k, x, y, w, h = op
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" class="bar"/>'
                )
        parts.append("</svg>")
        return mark_safe("".join(parts))

    def draw_pdf(self, pdf: Any, x0: float, y0: float, width: float) -> float:
        """Draw on ``pdf`` at (x0, y0) scaled to ``width`` mm; return the height used."""
        k = width / self.width
        pdf.set_draw_color(220, 220, 220)
        pdf.set_font_size(7)
        for op in self.ops:
            kind = op[0]
            if kind == "grid":
                _k, x1, y1, x2, y2 = op
                pdf.set_draw_color(220, 220, 220)
                pdf.line(x0 + x1 * k, y0 + y1 * k, x0 + x2 * k, y0 + y2 * k)
            elif kind == "text":
                _k, x, y, anchor, text = op
                w = pdf.get_string_width(text)
                shift = {"end": w, "middle": w / 2}.get(anchor, 0)
                pdf.text(x0 + x * k - shift, y0 + y * k, text)
            elif kind == "point":
                _k, x, y, _t = op
                pdf.set_fill_color(29, 112, 184)
                pdf.circle(x0 + x * k, y0 + y * k, 0.8, style="F")
            elif kind == "polyline":
                pdf.set_draw_color(29, 112, 184)
                pdf.set_line_width(0.5)
                pts = op[1]
                for (xa, ya), (xb, yb) in itertools.pairwise(pts):
                    pdf.line(x0 + xa * k, y0 + ya * k, x0 + xb * k, y0 + yb * k)
                pdf.set_line_width(0.2)
            elif kind == "bar":
                _k, x, y, w, h = op
                pdf.set_fill_color(29, 112, 184)
                pdf.rect(x0 + x * k, y0 + y * k, w * k, h * k, style="F")
        return self.height * k


def _num(value: Decimal | int | float | None) -> float | None:
    return None if value is None else float(value)


def line_chart(
    title: str, labels: Sequence[str], values: Sequence[Decimal | int | None], *, top: float = 100
) -> Chart:
    """Return a line chart of ``values`` (None leaves a gap) on a 0–``top`` scale."""
    n = max(len(labels), 1)
    step = (W - PAD_L - 10) / max(n - 1, 1)
    plot_h = H - PAD_B - PAD_T
    chart = Chart(title, W, H)

    def y(v: float) -> float:
        return PAD_T + plot_h * (1 - min(v, top) / top)

    for tick in (0, top / 2, top):
        chart.ops.append(("grid", PAD_L, y(tick), W - 10, y(tick)))
        chart.ops.append(("text", PAD_L - 6, y(tick) + 4, "end", f"{tick:g}"))
    segment: list[tuple[float, float]] = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = PAD_L + i * step
        chart.ops.append(("text", x, H - 8, "middle", label))
        v = _num(value)
        if v is None:
            if segment:
                chart.ops.append(("polyline", segment))
            segment = []
            continue
        segment.append((x, y(v)))
        chart.ops.append(("point", x, y(v), f"{label}: {v:g}"))
    if segment:
        chart.ops.append(("polyline", segment))
    return chart


def bar_chart(title: str, labels: Sequence[str], values: Sequence[Decimal | int]) -> Chart:
    """Return a horizontal bar chart, one bar per label."""
    bar = 22
    height = max(len(labels), 1) * (bar + 6) + 10
    top = max((float(v) for v in values), default=0) or 1
    label_w = 260
    chart = Chart(title, W, height)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        yy = 5 + i * (bar + 6)
        width = (W - label_w - 60) * float(value) / top
        short = label if len(label) <= 42 else label[:41] + "…"
        chart.ops.append(("text", label_w - 6, yy + 15, "end", short))
        chart.ops.append(("bar", label_w, yy, width, bar))
        chart.ops.append(("text", label_w + width + 4, yy + 15, "start", f"{float(value):g}"))
    return chart
