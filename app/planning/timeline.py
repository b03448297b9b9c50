"""The funding-cliff timeline as server-rendered SVG: no JavaScript needed."""

from __future__ import annotations

from datetime import date

import pandas as pd
from markupsafe import Markup, escape

ROW_H = 26
LEFT = 230      # room for service names
RIGHT = 40
TOP = 34
WIDTH = 760


def _months_between(start: date, end: date) -> float:
    return (end.year - start.year) * 12 + (end.month - start.month) + (end.day - start.day) / 30.4


def cliff_timeline(rows: list[dict], *, today: date, months: int = 24) -> Markup | None:
    """An SVG with one row per service: a bar from today to its funding end.

    Rows whose funding has already ended are drawn as a mark at today, in red,
    labelled "ended".  Returns ``None`` when there is nothing to draw.
    """
    if not rows:
        return None
    height = TOP + ROW_H * len(rows) + 20
    span = WIDTH - LEFT - RIGHT

    def x_at(m: float) -> float:
        return LEFT + span * max(0.0, min(m, months)) / months

    parts = [f'<svg class="cliff-timeline" role="img" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet" '
             f'aria-labelledby="cliff-title"><title id="cliff-title">Funding ending in the '
             f'next {months} months, one bar per service</title>']
    for m in range(0, months + 1, 3):
        x = x_at(m)
        when = (pd.Timestamp(today) + pd.DateOffset(months=m)).strftime("%b %Y")
        parts.append(f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - 16}" '
                     f'class="tick"/>')
        parts.append(f'<text x="{x:.1f}" y="{TOP - 12}" text-anchor="middle" '
                     f'class="tick-label">{escape(when)}</text>')
    for n, row in enumerate(rows):
        y = TOP + n * ROW_H
        end = pd.Timestamp(row["funding_end"]).date()
        m = _months_between(today, end)
        name = str(row["name"])
        short = name if len(name) <= 32 else name[:31] + "…"
        parts.append(f'<text x="{LEFT - 8}" y="{y + 17}" text-anchor="end" '
                     f'class="row-label">{escape(short)}</text>')
        if m < 0:
            parts.append(f'<rect x="{LEFT}" y="{y + 5}" width="6" height="16" class="bar ended"/>')
            parts.append(f'<text x="{LEFT + 10}" y="{y + 17}" class="bar-label">ended '
                         f'{escape(end.strftime("%d %b %Y"))}</text>')
            continue
        x = x_at(m)
        cls = "bar soon" if m <= 6 else "bar mid" if m <= 12 else "bar late"
        parts.append(f'<rect x="{LEFT}" y="{y + 5}" width="{max(x - LEFT, 3):.1f}" height="16" '
                     f'class="{cls}"><title>{escape(name)}: funding ends '
                     f'{escape(end.strftime("%d %B %Y"))}</title></rect>')
        label_x = x + 6 if x < WIDTH - 110 else x - 6
        anchor = "start" if x < WIDTH - 110 else "end"
        parts.append(f'<text x="{label_x:.1f}" y="{y + 17}" text-anchor="{anchor}" '
                     f'class="bar-label">{escape(end.strftime("%d %b %Y"))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
