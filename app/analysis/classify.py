"""Choropleth classes: values in, bins, labels and colours out.  Pure: no folium.

Uses mapclassify (quantiles by default; natural breaks and equal interval
also) and ColorBrewer's sequential palettes.  Missing or suppressed values get
their own grey class so the legend can say so.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# ColorBrewer YlOrRd (need is red) and its reverse use; 3..7 classes.
YLORRD = {
    3: ["#ffeda0", "#feb24c", "#f03b20"],
    4: ["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
    5: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
    6: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"],
    7: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"],
}
NO_DATA = "#bdbdbd"
SCHEMES = {"quantiles": "Quantiles", "natural_breaks": "Natural breaks (Jenks)",
           "equal_interval": "Equal interval"}


@dataclass
class Classification:
    """Map classes of one figure: bounds, labels, colours and counts per class."""

    bins: list[float]              # upper bound of each class
    labels: list[str]              # one per class, e.g. "2 to 5"
    colours: list[str]             # one per class
    classes: list[int | None]      # class of each value (None: no data)
    value_colours: list[str]       # colour of each value
    scheme: str
    counts: list[int] = field(default_factory=list)
    no_data: int = 0

    def legend(self) -> list[tuple[str, str]]:
        """(colour, label) rows, plus 'No data or suppressed' when needed."""
        rows = list(zip(self.colours, self.labels, strict=True))
        if self.no_data:
            rows.append((NO_DATA, "No data or suppressed"))
        return rows


def _fmt(x: float, decimals: int) -> str:
    return f"{x:,.{decimals}f}"


def classify(values: Iterable[Any], *, scheme: str = "quantiles", k: int = 5, worse: str = "high",
             decimals: int | None = None) -> Classification:
    """Classify ``values`` (None/NaN/inf are "no data").

    ``worse='low'`` reverses the palette, so red always marks need.
    Fewer distinct values than ``k`` gives fewer classes.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown classification {scheme!r}; use one of {', '.join(SCHEMES)}")
    arr = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    ok = np.isfinite(arr)
    data = arr[ok]
    if len(data) == 0:
        return Classification([], [], [], [None] * len(arr), [NO_DATA] * len(arr), scheme,
                              [], int((~ok).sum()))
    distinct = np.unique(data)
    k = int(max(1, min(k, len(distinct), 7)))
    if k == 1:
        bins = [float(distinct[-1])]
        yb = np.zeros(len(data), dtype=int)
    else:
        # Imported here, not at the top: mapclassify loads SciPy's statistics,
        # scikit-learn and matplotlib (about half of the app's start-up CPU), which
        # a process that draws no choropleth (an RQ worker, a `flask` command, the
        # survey) never needs.
        import mapclassify

        maker = {"quantiles": mapclassify.Quantiles,
                 "natural_breaks": mapclassify.NaturalBreaks,
                 "equal_interval": mapclassify.EqualInterval}[scheme]
        with warnings.catch_warnings():
            # mapclassify warns when ties leave fewer classes; we use what it gives.
            warnings.simplefilter("ignore", UserWarning)
            c = maker(data, k=k)
        bins = [float(b) for b in c.bins]
        yb = np.asarray(c.yb, dtype=int)
        # mapclassify may merge classes; keep only the used bins' count.
        k = len(bins)
    if decimals is None:
        span = float(distinct[-1] - distinct[0])
        whole = np.allclose(data, np.round(data)) and np.allclose(bins, np.round(bins))
        decimals = 0 if span >= 20 or whole else (1 if span >= 2 else 2)
    palette = list(YLORRD[k]) if k >= 3 else YLORRD[3][-k:]
    if worse == "low":
        palette = list(reversed(palette))
    lows = [float(data.min())] + bins[:-1]
    labels = []
    for n, (lo, hi) in enumerate(zip(lows, bins, strict=True)):
        if n == 0:
            labels.append(f"{_fmt(lo, decimals)} to {_fmt(hi, decimals)}")
        else:
            labels.append(f"over {_fmt(lo, decimals)} to {_fmt(hi, decimals)}")
    classes: list[int | None] = [None] * len(arr)
    colours = [NO_DATA] * len(arr)
    for pos, cls in zip(np.flatnonzero(ok), yb, strict=True):
        classes[pos] = int(cls)
        colours[pos] = palette[int(cls)]
    counts = [int((yb == n).sum()) for n in range(k)]
    return Classification(bins, labels, list(palette), classes, colours, scheme, counts,
                          int((~ok).sum()))
