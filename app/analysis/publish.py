"""Disclosure control for gap figures before anyone sees them.  Pure: no Flask.

* Counts of people (:data:`~app.analysis.figures.PEOPLE_COUNTS`: survey
  responses and barrier counts) go through :class:`app.disclosure.DisclosureRule`
  (suppressed 1-7, rounded to 5 by default); suppressed values become ``None``.
* Shares of those counts are recomputed from the controlled counts and are
  ``None`` when either count is suppressed, so a share can never reveal a
  suppressed count.
* The voice component of the gap score is already left out for areas below
  ``min_responses`` (default 8: the first unsuppressed count).
* Service, session and place counts describe public listings, not people,
  and are published as they are.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..disclosure import DEFAULT_RULE, DisclosureRule
from .figures import PEOPLE_COUNTS, PEOPLE_SHARES


def publish_frame(gaps: pd.DataFrame, rule: DisclosureRule = DEFAULT_RULE) -> pd.DataFrame:
    """A copy of ``gaps`` with every count of people controlled."""
    out = gaps.copy()
    for col in PEOPLE_COUNTS:
        if col in out.columns:
            out[col] = pd.array([rule.apply(v) for v in out[col].tolist()], dtype="object")
    for share, count in PEOPLE_SHARES.items():
        if share in out.columns and count in out.columns:
            out[share] = pd.Series([
                (c / r) if (c is not None and r is not None and r > 0) else None
                for c, r in zip(out[count].tolist(), out["responses"].tolist(), strict=True)
            ], index=out.index, dtype="object")
    return out


def clean(value):
    """A JSON-safe scalar: NaN -> None, inf -> None, numpy -> Python."""
    if value is None:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return None if math.isnan(value) or math.isinf(value) else round(value, 4)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if value is pd.NA:
        return None
    return value


def records(gaps: pd.DataFrame, columns) -> list[dict]:
    """Rows as JSON-safe dicts with ``code`` first."""
    cols = [c for c in columns if c in gaps.columns]
    rows = []
    for code, row in zip(gaps.index, gaps[cols].itertuples(index=False), strict=True):
        item = {"code": str(code)}
        item.update({c: clean(v) for c, v in zip(cols, row, strict=True)})
        rows.append(item)
    return rows
