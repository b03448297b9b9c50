"""Gap figures as JSON-safe records (NaN, infinity and numpy values made plain).

NaN and infinity become ``None``, numpy scalars Python ones.  Pure: no Flask.

Counts of people never leave through here unprotected: the gap views take
them from the published snapshot (:mod:`app.publication`), the one place
disclosure control is applied.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd


def clean(value: Any) -> Any:
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


def records(gaps: pd.DataFrame, columns: Iterable[str]) -> list[dict[str, Any]]:
    """Rows as JSON-safe dicts with ``code`` first."""
    cols = [c for c in columns if c in gaps.columns]
    frame = gaps[cols]
    # ``itertuples`` takes each column as a Series, and each Series deep-copies the
    # frame's ``attrs`` (the analysis's settings and sources): a tenth of a second a
    # call on a gap table.  The rows need no attrs.
    frame.attrs = {}
    rows = []
    for code, row in zip(gaps.index, frame.itertuples(index=False), strict=True):
        item = {"code": str(code)}
        item.update({c: clean(v) for c, v in zip(cols, row, strict=True)})
        rows.append(item)
    return rows
