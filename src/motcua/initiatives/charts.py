"""The chart of a model's page: adopters' and other agencies' monthly series (inline SVG)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from motcua.initiatives.effect import Series, period_label

W, H, LEFT, BOTTOM, TOP, RIGHT = 640, 240, 44, 44, 12, 10


def series_chart(series: Series, *, title: str, adopters: str, others: str) -> SafeString:
    """Return an SVG line chart of both series on a 0–top scale (gaps where no dossiers)."""
    values = [v for v in (*series.adopters, *series.others) if v is not None]
    top = max(values, default=0.0)
    top = 100.0 if top <= 100 and top > 10 else max(top * 1.1, 1.0)
    n = max(len(series.periods), 1)
    step = (W - LEFT - RIGHT) / max(n - 1, 1)
    plot = H - BOTTOM - TOP

    def y(v: float) -> float:
        return TOP + plot * (1 - min(v, top) / top)

    parts = [
        f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for tick in (0, top / 2, top):
        parts.append(
            f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:.0f}</text>'
        )
    every = max(1, n // 8)
    for i, period in enumerate(series.periods):
        if i % every == 0:
            parts.append(
                f'<text x="{LEFT + i * step:.1f}" y="{H - BOTTOM + 16}" text-anchor="middle">'
                f"{period_label(period)}</text>"
            )
    line: list[float | None]
    for line, css in ((series.adopters, "series adopters"), (series.others, "series others")):
        segment: list[str] = []
        for i, v in enumerate([*line, None]):
            if v is None:
                if segment:
                    parts.append(f'<polyline points="{" ".join(segment)}" class="{css}"/>')
                segment = []
                continue
            segment.append(f"{LEFT + i * step:.1f},{y(v):.1f}")
    legend_y = H - 10
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT + 24}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
        f'class="series adopters"/><text x="{LEFT + 30}" y="{legend_y}">{escape(adopters)}</text>'
        f'<line x1="{LEFT + 300}" x2="{LEFT + 324}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
        f'class="series others"/><text x="{LEFT + 330}" y="{legend_y}">{escape(others)}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
