"""The funding-cliff timeline as server-rendered HTML and CSS: no JavaScript needed.

One list item per service: its name, when its funding ends and how long is left,
in text, then a bar from today to that date on a shared 24-month track.  The
same markup is a two-column chart on a wide screen and a stacked list on a phone
(``app/static/css/planning.css``), so nothing is scaled down or cut off; the
table below the chart on the page lists the same services.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from markupsafe import Markup, escape

TICK_MONTHS = 3  # a line on the track every 3 months, a date label every 6 (12 on a phone)


def _months_between(start: date, end: date) -> float:
    return (end.year - start.year) * 12 + (end.month - start.month) + (end.day - start.day) / 30.4


def time_left(today: date, end: date) -> str:
    """How long is left before ``end``, in words: "14 months left", "1 month left",
    "12 days left", "ends today", "already ended"."""
    days = (end - today).days
    if days < 0:
        return "already ended"
    if days == 0:
        return "ends today"
    months = int(_months_between(today, end))
    if months < 1:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"{months} month{'s' if months != 1 else ''} left"


def band(months_left: float) -> str:
    """The colour band of a bar: ``ended``, ``soon`` (6 months), ``mid`` (12), ``late``."""
    if months_left < 0:
        return "ended"
    return "soon" if months_left <= 6 else "mid" if months_left <= 12 else "late"


def cliff_timeline(rows: list[dict], *, today: date, months: int = 24) -> Markup | None:
    """The timeline of ``rows`` (``name``, ``funding_end``): one row per service, in the
    order given.  Rows whose funding has already ended get a short dark mark and
    "ended <date>".  Returns ``None`` when there is nothing to draw."""
    if not rows:
        return None
    parts = [f'<figure class="cliff-timeline" aria-labelledby="cliff-title">'
             f'<figcaption id="cliff-title" class="visually-hidden">Funding ending in the '
             f'next {months} months, one bar per service from today to the end of its '
             f'funding. The table below lists the same services.</figcaption>']
    parts.append('<div class="cliff-axis" aria-hidden="true">')
    for m in range(0, months + 1, 2 * TICK_MONTHS):
        when = (pd.Timestamp(today) + pd.DateOffset(months=m)).strftime("%b %Y")
        where = "start" if m == 0 else "end" if m == months else "mid"
        major = " major" if m % 12 == 0 else ""
        parts.append(f'<span class="cliff-tick {where}{major}" '
                     f'style="left: {100 * m / months:.2f}%">{escape(when)}</span>')
    parts.append('</div><ol class="cliff-rows">')
    for row in rows:
        end = pd.Timestamp(row["funding_end"]).date()
        m = _months_between(today, end)
        cls = band(m)
        width = 1.0 if m < 0 else max(1.0, 100 * min(m, months) / months)
        parts.append(
            f'<li class="cliff-row {cls}">'
            f'<span class="cliff-name">{escape(str(row["name"]))}</span>'
            f'<span class="cliff-when">{escape(end.strftime("%-d %b %Y"))}'
            f'<span class="cliff-left">{escape(time_left(today, end))}</span></span>'
            f'<span class="cliff-track" aria-hidden="true"><span class="cliff-bar {cls}" '
            f'style="width: {width:.1f}%"></span></span></li>')
    parts.append("</ol></figure>")
    return Markup("".join(parts))
