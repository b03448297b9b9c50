"""Gap analysis: need, reach, provision, voice and funding risk per area,
combined into a gap score whose weights a user can change.

The gap score
-------------
Each component is a number from 0 (no gap) to 1 (the biggest gap):

==================  ==========================================================
``deprivation``     percentile rank of IDACI among the areas (IMD score when
                    IDACI is missing): the most deprived area scores 1
``rurality``        share of the area's population in rural places (0-1)
``reach``           ``1 / (1 + s)`` where *s* is the sessions a week of
                    provision passing ``reach_filter`` (default: free) reachable
                    within the threshold: none reachable scores 1, one session
                    0.5, four sessions 0.2
``provision``       1 minus the percentile rank of places a week per 1,000
                    young people (2SFCA): the worst-provided area scores 1
``voice``           share of the area's responses citing cost, transport or
                    nothing near; left out unless the area has at least
                    ``min_responses`` responses
``funding``         share of the reachable sessions whose funding ends
                    within 12 months
==================  ==========================================================

``gap_score = 100 * sum(weight_k * component_k) / sum(weight_k)`` over the
components that have a value for that area (a missing IDACI or too few
responses does not count as "no gap").  ``rank`` 1 is the biggest gap.
Default weights are :data:`DEFAULT_WEIGHTS`; any weight may be set to 0.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .provision import two_step_fca
from .reach import reach, reachable_pairs
from .services import (
    DEFAULT_MAX_MONTHLY,
    FILTERS,
    active,
    filter_mask,
    located,
    services_frame,
)
from .travel import DEFAULT_CIRCUITY, MODE_PHRASES
from .voice import voice_figures

DEFAULT_WEIGHTS = {
    "deprivation": 1.0,
    "rurality": 0.5,
    "reach": 1.5,
    "provision": 1.0,
    "voice": 0.5,
    "funding": 0.5,
}
WEIGHT_LABELS = {
    "deprivation": "Deprivation (IDACI)",
    "rurality": "Rurality",
    "reach": "No provision within reach",
    "provision": "Low places per 1,000 young people",
    "voice": "Young people citing barriers",
    "funding": "Provision about to lose funding",
}
RISK_MONTHS = (6, 12, 24)
AREA_INPUTS = ("name", "young_people", "imd_score", "idaci", "share_most_deprived_20",
               "rural_share")


def pct_rank(values: pd.Series) -> pd.Series:
    """0 for the lowest value, 1 for the highest (ties averaged); NaN stays NaN."""
    ranked = values.rank(method="average")
    n = values.notna().sum()
    if n <= 1:
        return ranked.where(ranked.isna(), 0.5)
    return (ranked - 1) / (n - 1)


def check_weights(weights: dict | None) -> dict:
    merged = dict(DEFAULT_WEIGHTS)
    for key, value in (weights or {}).items():
        if key not in DEFAULT_WEIGHTS:
            raise ValueError(f"unknown gap-score weight {key!r}; use {', '.join(DEFAULT_WEIGHTS)}")
        value = float(value)
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"weight {key!r} must be 0 or more")
        merged[key] = value
    if sum(merged.values()) <= 0:
        raise ValueError("at least one gap-score weight must be above 0")
    return merged


def compute_gaps(areas, services, *, responses=None, threshold_min: float = 30,
                 mode: str = "bus", weights: dict | None = None, filters=None,
                 today: date | None = None, max_monthly: float = DEFAULT_MAX_MONTHLY,
                 reach_filter: str = "free", circuity: float = DEFAULT_CIRCUITY,
                 matrix: pd.DataFrame | None = None, min_responses: int = 8):
    """Every figure for every area, the gap score and the rank.

    ``areas``: GeoDataFrame indexed by area code, EPSG:27700, with columns
    ``name``, ``geometry``, ``young_people``, ``imd_score``, ``idaci``,
    ``share_most_deprived_20``, ``rural_share`` (any but name/geometry may be
    missing or NaN), optionally ``origin_x``/``origin_y``.
    ``services``: see :func:`app.analysis.services.services_frame`.
    ``responses``: long answers table, see :func:`app.analysis.voice.voice_figures`.
    ``filters``: filter keys to compute reach for (default all of ``FILTERS``;
    ``all`` and ``reach_filter`` are always included).
    ``matrix``: imported travel times (``from_code``, ``to_id``, ``minutes``) for
    this ``mode``.

    Returns a GeoDataFrame (same index and geometry) with the inputs, the
    reach columns (``<filter>_services|_sessions|_nearest_km|_nearest_min``),
    ``places_per_1000``, the voice counts and shares, ``at_risk_<n>_sessions``
    for n in 6/12/24 months, ``c_<component>`` and ``gap_score``/``rank``.
    Raw counts: publish through :func:`app.analysis.publish.publish_frame`.
    """
    weights = check_weights(weights)
    keys = list(dict.fromkeys(["all", reach_filter, *(filters or FILTERS)]))
    for key in keys:
        if key not in FILTERS:
            raise ValueError(f"unknown filter {key!r}; use one of {', '.join(FILTERS)}")
    if threshold_min <= 0:
        raise ValueError("the travel threshold must be above 0 minutes")
    out = areas.copy()
    for col in AREA_INPUTS:
        if col not in out.columns:
            out[col] = np.nan if col != "name" else out.index.astype(str)
    svc = located(active(services_frame(services)))
    pairs = reachable_pairs(out, svc, threshold_min=threshold_min, mode=mode,
                            circuity=circuity, matrix=matrix)
    r = reach(out, svc, threshold_min=threshold_min, mode=mode, filters=keys,
              max_monthly=max_monthly, circuity=circuity, pairs=pairs)
    for col in r.columns:
        out[col] = r[col].to_numpy()

    young = pd.to_numeric(out["young_people"], errors="coerce").to_numpy(dtype=float)
    places = (svc["capacity"] * svc["sessions_per_week"]).to_numpy(dtype=float)
    out["places_per_1000"] = two_step_fca(pairs, young, places)
    out.loc[np.isnan(young) | (young <= 0), "places_per_1000"] = np.nan

    # Funding risk: reachable sessions a week whose funding ends within n months.
    today_ts = pd.Timestamp(today or date.today())
    sessions = svc["sessions_per_week"].to_numpy(dtype=float)
    end = svc["funding_end"]
    for n_months in RISK_MONTHS:
        at_risk = (end.notna() & (end <= today_ts + pd.DateOffset(months=n_months))).to_numpy()
        keep = at_risk[pairs.j]
        out[f"at_risk_{n_months}_sessions"] = np.bincount(
            pairs.i[keep], weights=sessions[pairs.j[keep]], minlength=len(out))

    v = voice_figures(responses, index=out.index)
    for col in v.columns:
        out[col] = v[col].to_numpy()
    resp = out["responses"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        for kind in ("cost", "transport", "nothing_near", "any"):
            out[f"share_{kind}"] = np.where(resp > 0, out[f"cites_{kind}"] / resp, np.nan)

    # Components.
    dep = pd.to_numeric(out["idaci"], errors="coerce")
    if dep.notna().sum() == 0:
        dep = pd.to_numeric(out["imd_score"], errors="coerce")
    out["c_deprivation"] = pct_rank(dep)
    out["c_rurality"] = pd.to_numeric(out["rural_share"], errors="coerce").clip(0, 1)
    out["c_reach"] = 1.0 / (1.0 + out[f"{reach_filter}_sessions"].astype(float))
    out["c_provision"] = 1.0 - pct_rank(out["places_per_1000"])
    out["c_voice"] = np.where(resp >= min_responses, out["share_any"], np.nan)
    all_sessions = out["all_sessions"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["c_funding"] = np.where(all_sessions > 0,
                                    out["at_risk_12_sessions"] / all_sessions, 0.0)
    comp = np.column_stack([out[f"c_{k}"].to_numpy(dtype=float) for k in DEFAULT_WEIGHTS])
    w = np.array([weights[k] for k in DEFAULT_WEIGHTS])
    have = ~np.isnan(comp)
    denom = (have * w).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = 100.0 * np.where(have, comp, 0.0) @ w / denom
    out["gap_score"] = np.where(denom > 0, score, np.nan)
    out["rank"] = out["gap_score"].rank(ascending=False, method="min").astype("Int64")
    out.attrs.update(threshold_min=threshold_min, mode=mode, weights=weights,
                     max_monthly=max_monthly, reach_filter=reach_filter,
                     filters=keys, circuity=circuity, min_responses=min_responses)
    return out


def funding_at_risk(services, today: date | None = None, months=RISK_MONTHS):
    """Services whose funding ends within 6, 12 and 24 months (see
    :func:`app.analysis.services.funding_at_risk`)."""
    from .services import funding_at_risk as _far

    return _far(services, today, months)


def top_gaps(gaps, n: int = 5):
    """The ``n`` highest-ranked areas (rank 1 first)."""
    return gaps.sort_values(["rank", "name"]).head(n)


def summary(gaps, *, figure: str = "gap_score", n: int = 5, labels: dict | None = None) -> list[str]:
    """A few plain-English sentences for the top of the table and evidence pack."""
    from .figures import FIGURES

    if len(gaps) == 0:
        return ["There are no areas at this level yet."]
    info = FIGURES.get(figure, {"label": figure, "worse": "high"})
    top = top_gaps(gaps, n)
    names = ", ".join(str(x) for x in top["name"])
    attrs = gaps.attrs
    mode = attrs.get("mode", "bus")
    thr = attrs.get("threshold_min", 30)
    lines = [f"The {len(top)} areas with the biggest gap score are {names}."]
    rf = attrs.get("reach_filter", "free")
    col = f"{rf}_sessions"
    if col in gaps.columns:
        none = int((gaps[col] <= 0).sum())
        label = FILTERS.get(rf, rf).lower().replace("£x", f"£{attrs.get('max_monthly', 10):g}")
        lines.append(
            f"{none} of {len(gaps)} areas have no provision ({label}) within "
            f"{thr:g} minutes {MODE_PHRASES.get(mode, 'by ' + mode)}."
        )
    if figure in gaps.columns and figure != "gap_score":
        ascending = info.get("worse") == "low"
        order = gaps.assign(_v=pd.to_numeric(gaps[figure], errors="coerce")).sort_values(
            ["_v", "rank"], ascending=[ascending, True], na_position="last")
        worst = order.head(n)
        lines.append(f"By “{info['label']}”, the {len(worst)} areas most in need are "
                     f"{', '.join(str(x) for x in worst['name'])}.")
    return lines


__all__ = ["DEFAULT_WEIGHTS", "WEIGHT_LABELS", "compute_gaps", "funding_at_risk",
           "filter_mask", "summary", "top_gaps"]
