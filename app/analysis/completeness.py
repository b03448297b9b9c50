"""Missing inputs never raise a gap rank.  Pure: numpy and pandas.

What happens when an input is missing, component by component:

===============  ===========================================================
``deprivation``  measured by the **official** IDACI national rank (as a
                 national percentile, young-people-weighted over an area's
                 LSOAs) whenever the file has it, for every area: the
                 approximate IDACI rate of IoD2019 is suppressed for small
                 counts (9 of Herefordshire's 116 LSOAs), the rank never is.
                 Without ranks: the IDACI score/rate, else the IMD score.
                 An area without the measure chosen is *incomplete*.
``rurality``     the rural-urban class; an area without one is *incomplete*.
``reach``        share of young people within the threshold; an area with no
                 young people (no population figures) is *incomplete*.
``provision``    2SFCA places per 1,000 young people; as ``reach``.
``funding``      0 when no sessions are in reach (never missing).
``voice``        left out (and the other weights rescaled) below the
                 minimum number of responses: too few answers is not a
                 missing input but a survey not yet run there.  The survey
                 publication layer owns this rule.
===============  ===========================================================

An *incomplete* area's ``gap_score`` counts each missing component as 0 (no
gap): a lower bound, so the missing part can never lift it above an area
whose figures are all known.  ``gap_score_max`` counts them as 1 (the
biggest gap) so a reader sees the range; ``missing`` names them and
``complete`` is ``False``.  Pages list incomplete areas apart and the map
outlines them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

OPTIONAL = ("voice",)
# Deprivation measures in order of preference: (column, higher = more deprived).
DEPRIVATION_MEASURES = ("idaci_rank_pct", "idaci", "imd_score")


def pct_rank(values: pd.Series) -> pd.Series:
    """0 for the lowest value, 1 for the highest (ties averaged); NaN stays NaN."""
    ranked = values.rank(method="average")
    n = values.notna().sum()
    if n <= 1:
        return ranked.where(ranked.isna(), 0.5)
    return (ranked - 1) / (n - 1)


def deprivation_component(out: pd.DataFrame) -> tuple[str | None, pd.Series]:
    """(measure used, 0-1 component: percentile among the areas, 1 = most deprived)."""
    for col in DEPRIVATION_MEASURES:
        if col in out.columns:
            values = pd.to_numeric(out[col], errors="coerce")
            if values.notna().any():
                return col, pct_rank(values)
    return None, pd.Series(np.nan, index=out.index)


def score_with_gaps(out: pd.DataFrame, weights: dict[str, float]) -> None:
    """Set ``gap_score``, ``gap_score_max``, ``complete``, ``missing`` and ``rank``."""
    keys = list(weights)
    comp = np.column_stack([out[f"c_{k}"].to_numpy(dtype=float) for k in keys])
    w = np.array([weights[k] for k in keys], dtype=float)
    optional = np.array([k in OPTIONAL for k in keys])
    absent = np.isnan(comp)
    gap = absent & ~optional & (w > 0)
    counted = ~(absent & optional)  # optional parts left out when absent
    denom = (counted * w).sum(axis=1)
    low = np.where(absent, 0.0, comp)
    high = np.where(gap, 1.0, low)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["gap_score"] = np.where(denom > 0, 100.0 * (low * counted) @ w / denom, np.nan)
        out["gap_score_max"] = np.where(denom > 0, 100.0 * (high * counted) @ w / denom,
                                        np.nan)
    out["complete"] = ~gap.any(axis=1)
    out["missing"] = [", ".join(k for k, g in zip(keys, row, strict=True) if g)
                      for row in gap]
    out["rank"] = out["gap_score"].rank(ascending=False, method="min").astype("Int64")
