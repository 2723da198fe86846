"""Charts drawn at build time as SVG: the reader's browser loads no chart library."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from harvest.render.html import e
from harvest.vocabulary import money


@dataclass(frozen=True)
class Series:
    """One line of a chart: a label, a colour and the running total at each date."""

    label: str
    colour: str
    points: Sequence[tuple[date, Decimal]]


def line_chart(series: Sequence[Series], title: str, width: int = 640, height: int = 260) -> str:
    """A cumulative line chart with its title, axis labels and a legend, as inline SVG."""
    dates = sorted({d for s in series for d, _ in s.points})
    if not dates:
        return ""
    top = max((v for s in series for _, v in s.points), default=Decimal(0))
    top = top if top > 0 else Decimal(1)
    left, right, upper, lower = 90, 16, 30, 40
    span = max((dates[-1] - dates[0]).days, 1)

    def x(d: date) -> str:
        return f"{left + (width - left - right) * (d - dates[0]).days / span:.1f}"

    def y(v: Decimal) -> str:
        return f"{upper + (height - upper - lower) * float(1 - v / top):.1f}"

    parts = [
        f'<svg class="hl-chart" viewBox="0 0 {width} {height}" role="img" aria-label="{e(title)}">',
        f"<title>{e(title)}</title>",
        f'<line x1="{left}" y1="{height - lower}" x2="{width - right}" y2="{height - lower}" stroke="#888"/>',
        f'<line x1="{left}" y1="{upper}" x2="{left}" y2="{height - lower}" stroke="#888"/>',
        f'<text x="{left - 6}" y="{upper + 4}" text-anchor="end" font-size="12">{e(money(top))}</text>',
        f'<text x="{left - 6}" y="{height - lower}" text-anchor="end" font-size="12">0</text>',
        f'<text x="{left}" y="{height - lower + 18}" font-size="12">{dates[0].isoformat()}</text>',
        f'<text x="{width - right}" y="{height - lower + 18}" text-anchor="end" font-size="12">'
        f"{dates[-1].isoformat()}</text>",
    ]
    for i, s in enumerate(series):
        points = " ".join(f"{x(d)},{y(v)}" for d, v in s.points)
        if len(s.points) == 1:
            d, v = s.points[0]
            parts.append(f'<circle cx="{x(d)}" cy="{y(v)}" r="4" fill="{s.colour}"/>')
        else:
            parts.append(f'<polyline fill="none" stroke="{s.colour}" stroke-width="2.5" points="{points}"/>')
        lx = left + 10 + i * 150
        parts.append(f'<rect x="{lx}" y="8" width="14" height="4" fill="{s.colour}"/>')
        parts.append(f'<text x="{lx + 20}" y="14" font-size="12">{e(s.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
