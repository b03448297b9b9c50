"""Gap analysis: need, reach, provision, voice and funding risk per area.

They are combined into a gap score whose weights a user can change.

The gap score
-------------
Each component is a number from 0 (no gap) to 1 (the biggest gap):

==================  ==========================================================
``deprivation``     percentile rank among the areas of the official IDACI
                    national rank (young-people-weighted national percentile;
                    the approximate IDACI rate, then the IMD score, when the
                    file has no ranks): the most deprived area scores 1
``rurality``        share of the area's young people in rural LSOAs (0-1)
``reach``           share of the area's young people who **cannot** reach
                    provision passing ``reach_filter`` (default: free)
                    within the threshold, measured from population points
                    (:mod:`.population`, :mod:`.reach_points`)
``provision``       1 minus the percentile rank of places a week per 1,000
                    young people (2SFCA, demand at the population points):
                    the worst-provided area scores 1
``voice``           share of the area's responses citing cost, transport or
                    nothing near; left out unless the area has at least
                    ``min_responses`` responses
``funding``         share of the reachable sessions whose funding ends
                    within 12 months
==================  ==========================================================

``gap_score = 100 * sum(weight_k * component_k) / sum(weight_k)``.  What a
missing input does is in :mod:`.completeness`: too few responses leave voice
out; any other missing component makes the area *incomplete*, scored as if
that part were no gap (a lower bound, ``gap_score_max`` the upper), so a
missing input can never raise a rank.  ``rank`` 1 is the biggest gap.
Default weights are :data:`DEFAULT_WEIGHTS`; any weight may be set to 0.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .completeness import deprivation_component, pct_rank, score_with_gaps
from .journey_figures import area_evening, area_partition, area_sessions, whole_people
from .population import area_points, assign_points
from .reach_points import (
    area_reach,
    group_mean,
    group_quantiles,
    group_sum,
    point_travel,
    points_fca,
)
from .services import (
    DEFAULT_MAX_MONTHLY,
    FILTERS,
    active,
    filter_mask,
    located,
    services_frame,
)
from .travel import DEFAULT_CIRCUITY, MODE_PHRASES
from .voice import VOICE_COLUMNS, voice_figures

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
                 matrix: pd.DataFrame | None = None, min_responses: int = 8,
                 points: pd.DataFrame | None = None,
                 voice: pd.DataFrame | None = None, journeys=None):
    """Every figure for every area, the gap score and the rank.

    ``areas``: GeoDataFrame indexed by area code, EPSG:27700, with columns
    ``name``, ``geometry``, ``young_people``, ``imd_score``, ``idaci``,
    ``share_most_deprived_20``, ``rural_share`` (any but name/geometry may be
    missing or NaN), optionally ``origin_x``/``origin_y``.
    ``services``: see :func:`app.analysis.services.services_frame`.
    ``voice``: the published voice figures per area (:func:`app.publication.voice`):
    what every page uses.  Shares are then whole percentages of the published
    counts, ``gap_score`` a whole number and ``rank`` follows the published score
    (ties by area code).
    ``responses``: raw long answers table (:func:`app.analysis.voice.voice_figures`),
    for analysis tests only: never publish what it gives.
    ``filters``: filter keys to compute reach for (default all of ``FILTERS``;
    ``all`` and ``reach_filter`` are always included).
    ``matrix``: imported travel times (``from_code``, ``to_id``, ``minutes``) for
    this ``mode`` (how it combines with points: :mod:`.reach_points`).
    ``points``: population points (:func:`.population.population_points`:
    ``x``, ``y``, ``lsoa``, ``young_people``, optionally ``area``, the code
    of the area holding each); without them each area is one point at its
    origin (``origin_x``/``origin_y`` or a point inside it).  With points an
    area's ``young_people`` is the sum of its points.
    ``journeys``: a current journey run (anything with ``for_points(xy, lsoa,
    service_ids)`` giving :class:`~.journey_figures.PointJourneys`, such as
    :class:`app.geodata.journeys.StoredJourneys`): every point's own minutes,
    by bus per session (``matrix`` is then not used); the threshold is capped at
    the run's limit; adds ``cannot_get_there``/``cannot_get_home`` (with
    ``reached`` they add up to ``young_people``) and the evening figures.

    Returns a GeoDataFrame (same index and geometry) with the inputs, the
    reach columns (``<filter>_services|_sessions``: the services some of the
    area's young people can reach and their sessions a week;
    ``<filter>_nearest_km|_nearest_min`` for the median young person), ``reach_share``, ``reached``, ``unreached``, ``nearest_median``,
    ``nearest_p90`` (for ``reach_filter``), ``reach_ids`` (the ids of the services
    counted in ``all_services``), ``complete``/``missing``,
    ``places_per_1000``, the voice counts and shares, ``at_risk_<n>_sessions``
    for n in 6/12/24 months, ``c_<component>`` and ``gap_score``/``rank``.
    Raw counts: publish through :mod:`app.publication`.
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
    n = len(out)
    if points is None:
        pts = area_points(out)
        group = pts["area"].to_numpy()
    else:
        pts = points.reset_index(drop=True)
        group = _point_areas(pts, out)
    young_pt = pts["young_people"].to_numpy(dtype=float)
    masks = {key: filter_mask(svc, key, max_monthly=max_monthly) for key in keys}
    area_codes = np.asarray(out.index.astype(str))[np.maximum(group, 0)]
    pj = None if journeys is None else journeys.for_points(
        pts[["x", "y"]].to_numpy(dtype=float), pts["lsoa"].astype(str).to_numpy(),
        list(svc["id"]))
    run_minutes = None if pj is None else pj.minutes(mode)
    if pj is not None:
        if run_minutes is None:
            raise ValueError(f"the journey run has no journeys {MODE_PHRASES.get(mode, mode)}")
        threshold_min = min(float(threshold_min), pj.limit_min)
    minutes, metres, pairs = point_travel(
        pts[["x", "y"]].to_numpy(dtype=float), svc[["x", "y"]].to_numpy(dtype=float), masks,
        threshold_min=threshold_min, mode=mode, circuity=circuity, matrix=matrix,
        point_codes=(np.where(group >= 0, area_codes, ""), pts["lsoa"].to_numpy()),
        svc_ids=list(svc["id"]), journey_minutes=run_minutes)
    if points is not None:
        out["young_people"] = group_sum(group, young_pt, n)
    sessions = svc["sessions_per_week"].to_numpy(dtype=float)

    # Union of the services some of the area's young people can reach: each
    # (area, service) pair once.
    ai, aj = _area_pairs(group, pairs)
    # With journeys, sessions are counted one by one: by bus only those some of
    # the area's young people get to by the start and home from after the end.
    area_sess = None if pj is None else area_sessions(pj, mode, threshold_min, group, n)

    def per_area(weights_by_service, keep):
        return np.bincount(ai[keep], weights=weights_by_service[aj[keep]], minlength=n)

    def per_area_sessions(service_flags):
        return area_sess[:, service_flags[pj.session_service]].sum(axis=1).astype(float)

    for key in keys:
        keep = masks[key][aj]
        out[f"{key}_services"] = np.bincount(ai[keep], minlength=n).astype(int)
        out[f"{key}_sessions"] = (per_area(sessions, keep) if pj is None
                                  else per_area_sessions(masks[key]))
        out[f"{key}_nearest_km"] = group_quantiles(group, metres[key] / 1000.0, young_pt, n,
                                                   qs=(0.5,))[0]
        out[f"{key}_nearest_min"] = group_quantiles(group, minutes[key], young_pt, n,
                                                    qs=(0.5,))[0]
    # Which services those are (for a ward's own report): ids, sorted, per area.
    keep = masks["all"][aj]
    ids = svc["id"].to_numpy(dtype=np.int64)[aj[keep]]
    order = np.lexsort((ids, ai[keep]))
    bounds = np.cumsum(np.bincount(ai[keep], minlength=n))[:-1]
    out["reach_ids"] = [part.tolist() for part in np.split(ids[order], bounds)]
    for col, values in area_reach(group, young_pt, minutes[reach_filter], threshold_min,
                                  n).items():
        out[col] = values
    if pj is not None:
        parts = area_partition(pj, mode, threshold_min, group, young_pt, n, masks[reach_filter],
                               minutes[reach_filter] <= threshold_min)
        for col, values in {**parts, **area_evening(pj, threshold_min, group, young_pt,
                                                   n)}.items():
            out[col] = values

    young = pd.to_numeric(out["young_people"], errors="coerce").to_numpy(dtype=float)
    places = (svc["capacity"] * svc["sessions_per_week"]).to_numpy(dtype=float)
    out["places_per_1000"] = group_mean(group, points_fca(pairs, young_pt, places),
                                        young_pt, n)
    out.loc[np.isnan(young) | (young <= 0), "places_per_1000"] = np.nan

    # Funding risk: reachable sessions a week whose funding ends within n months.
    today_ts = pd.Timestamp(today or date.today())
    end = svc["funding_end"]
    for n_months in RISK_MONTHS:
        at_risk = (end.notna() & (end <= today_ts + pd.DateOffset(months=n_months))).to_numpy()
        out[f"at_risk_{n_months}_sessions"] = (per_area(sessions, at_risk[aj]) if pj is None
                                               else per_area_sessions(at_risk))

    if voice is not None:
        _published_voice(out, voice)
        resp = pd.to_numeric(out["responses"], errors="coerce").to_numpy(dtype=float)
        min_responses = 1  # suppressed counts are already None
    else:
        v = voice_figures(responses, index=out.index)
        for col in v.columns:
            out[col] = v[col].to_numpy()
        resp = out["responses"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            for kind in ("cost", "transport", "nothing_near", "any"):
                out[f"share_{kind}"] = np.where(resp > 0, out[f"cites_{kind}"] / resp, np.nan)

    # Components.
    measure, out["c_deprivation"] = deprivation_component(out)
    out["c_rurality"] = pd.to_numeric(out["rural_share"], errors="coerce").clip(0, 1)
    out["c_reach"] = np.where(young == 0, 0.0, 1.0 - out["reach_share"].astype(float))
    # No young people at all is no unmet need, not a missing input.
    out["c_provision"] = np.where(young == 0, 0.0, 1.0 - pct_rank(out["places_per_1000"]))
    out["c_voice"] = np.where(resp >= min_responses,
                              pd.to_numeric(out["share_any"], errors="coerce"), np.nan)
    all_sessions = out["all_sessions"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["c_funding"] = np.where(all_sessions > 0,
                                    out["at_risk_12_sessions"] / all_sessions, 0.0)
    score_with_gaps(out, weights)
    if voice is not None:
        # Published: whole numbers, ranked on the published score; equal scores share a rank.
        out["gap_score"] = np.round(out["gap_score"])
        out["gap_score_max"] = np.round(out["gap_score_max"])
        out["rank"] = rank_published(out["gap_score"])
        if pj is not None:
            whole_people(out)
    out.attrs.update(threshold_min=threshold_min, mode=mode, weights=weights,
                     max_monthly=max_monthly, reach_filter=reach_filter,
                     deprivation_measure=measure,
                     points="postcodes" if points is not None else "one per area",
                     filters=keys, circuity=circuity, min_responses=min_responses,
                     travel="journeys" if pj is not None else "matrix or straight line",
                     moved_points=0 if pj is None else pj.moved)
    return out


def _area_pairs(group: np.ndarray, pairs) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (area position, service position) pairs from (point, service) pairs."""
    g = group[pairs.i]
    ok = g >= 0
    key = np.unique(g[ok].astype(np.int64) * max(pairs.n_destinations, 1) + pairs.j[ok])
    return key // max(pairs.n_destinations, 1), key % max(pairs.n_destinations, 1)


def _point_areas(points: pd.DataFrame, areas) -> np.ndarray:
    """Position in ``areas`` of each point's area.

    Its ``area`` code when given, its own LSOA when the areas are its LSOAs,
    else point-in-polygon.
    """
    if "area" in points.columns:
        pos = pd.Series(np.arange(len(areas)), index=pd.Index(areas.index.astype(str)))
        return pos.reindex(points["area"].astype(str)).fillna(-1).to_numpy(dtype=np.int64)
    by_code = bool(len(points)) and points["lsoa"].astype(str).isin(
        set(areas.index.astype(str))).all()
    return assign_points(points, areas, by_code=by_code)


def _published_voice(out, voice: pd.DataFrame) -> None:
    """Set the voice columns from published (protected) counts.

    Shares are whole percentages of them, ``None`` when either count is suppressed.
    """
    v = voice.reindex(out.index)
    for col in VOICE_COLUMNS:
        out[col] = pd.array([None if (x is None or x is pd.NA or (isinstance(x, float)
                                                                   and np.isnan(x)))
                             else int(x) for x in v[col].tolist()], dtype="object")
    for kind in ("cost", "transport", "nothing_near", "any"):
        out[f"share_{kind}"] = pd.array([
            round(100 * c / r) / 100 if (c is not None and r) else None
            for c, r in zip(out[f"cites_{kind}"].tolist(), out["responses"].tolist(),
                            strict=True)], dtype="object")


def rank_published(values: pd.Series) -> pd.Series:
    """Rank published values: 1 for the highest.

    Equal published values share a rank ("=17", the next is 19): a tie is never broken
    by area code, which would rank two areas apart on nothing, nor by unrounded values,
    which would let the order give away what rounding hides.  Missing values get no rank.
    """
    return pd.to_numeric(values, errors="coerce").rank(
        ascending=False, method="min").astype("Int64")


def rank_label(rank, ranks: pd.Series) -> str:
    """``rank`` as shown: "=17" when another area shares it, "–" for none."""
    if rank is None or pd.isna(rank):
        return "–"
    shared = int((ranks == rank).sum()) > 1
    return f"={int(rank)}" if shared else str(int(rank))


def funding_at_risk(services, today: date | None = None, months=RISK_MONTHS):
    """Services whose funding ends within 6, 12 and 24 months.

    See :func:`app.analysis.services.funding_at_risk`.
    """
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
    if "unreached" in gaps.columns and "young_people" in gaps.columns:
        total = float(pd.to_numeric(gaps["young_people"], errors="coerce").sum())
        out = float(pd.to_numeric(gaps["unreached"], errors="coerce").sum())
        if total > 0:
            lines.append(f"About {round(out, -1):,.0f} of {total:,.0f} young people "
                         f"({out / total:.0%}) live beyond {thr:g} minutes "
                         f"{MODE_PHRASES.get(mode, 'by ' + mode)} of such provision.")
        incomplete = int((~gaps["complete"].astype(bool)).sum()) if "complete" in gaps else 0
        if incomplete:
            lines.append(f"{incomplete} areas lack an input and are marked incomplete; a "
                         "missing figure never moves an area up the ranking.")
    return lines


__all__ = ["DEFAULT_WEIGHTS", "WEIGHT_LABELS", "compute_gaps", "funding_at_risk",
           "filter_mask", "rank_label", "rank_published", "summary", "top_gaps"]
