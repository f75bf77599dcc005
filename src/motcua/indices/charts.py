"""Small server-side SVG charts: no script, no CDN, the same markup on screen and on paper.

Chosen over Vega-Lite + vega-embed + vl-convert for this page by
measurement (ADR 0013): a chart here is a dozen bars or points, drawn in
well under a millisecond of Python, and each page needs no JavaScript and
no 60-MB native wheel. Every chart has a table view beside it (the
template's ``<details>``) and an Excel export of the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

W, H, PAD_L, PAD_B, PAD_T = 640, 220, 44, 28, 12


def _num(value: Decimal | int | float | None) -> float | None:
    return None if value is None else float(value)


def line_chart(
    title: str, labels: Sequence[str], values: Sequence[Decimal | int | None], *, top: float = 100
) -> SafeString:
    """Return an SVG line chart of ``values`` (None leaves a gap) on a 0–``top`` scale."""
    n = max(len(labels), 1)
    step = (W - PAD_L - 10) / max(n - 1, 1)
    plot_h = H - PAD_B - PAD_T

    def y(v: float) -> float:
        return PAD_T + plot_h * (1 - min(v, top) / top)

    parts = [
        f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for tick in (0, top / 2, top):
        parts.append(
            f'<line x1="{PAD_L}" x2="{W - 10}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid"/>'
            f'<text x="{PAD_L - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:g}</text>'
        )
    points: list[str] = []
    segments: list[list[str]] = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = PAD_L + i * step
        parts.append(f'<text x="{x:.1f}" y="{H - 8}" text-anchor="middle">{escape(label)}</text>')
        v = _num(value)
        if v is None:
            if points:
                segments.append(points)
                points = []
            continue
        points.append(f"{x:.1f},{y(v):.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y(v):.1f}" r="3"><title>{escape(label)}: {v:g}</title></circle>'
        )
    if points:
        segments.append(points)
    for seg in segments:
        parts.append(f'<polyline points="{" ".join(seg)}" class="series"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def bar_chart(title: str, labels: Sequence[str], values: Sequence[Decimal | int]) -> SafeString:
    """Return a horizontal SVG bar chart, one bar per label."""
    n = max(len(labels), 1)
    bar = 22
    height = n * (bar + 6) + 10
    top = max((float(v) for v in values), default=0) or 1
    label_w = 260
    parts = [
        f'<svg class="chart" viewBox="0 0 {W} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        yy = 5 + i * (bar + 6)
        width = (W - label_w - 60) * float(value) / top
        short = label if len(label) <= 42 else label[:41] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{yy + 15}" text-anchor="end">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{yy}" width="{width:.1f}" height="{bar}" class="bar"/>'
            f'<text x="{label_w + width + 4:.1f}" y="{yy + 15}">{float(value):g}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
