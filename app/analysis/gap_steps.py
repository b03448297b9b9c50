"""The steps of the gap analysis, each a small typed function.

:func:`app.analysis.gaps.compute_gaps` runs them in this order:

1. :func:`travel_step`: from every population point to every service, minutes and
   metres per filter (by stored journeys, an imported matrix or the straight line),
   and the (area, service) pairs within the threshold: a :class:`Travel`.
2. :func:`reach_step`: per area and filter, services and sessions within reach, the
   median young person's nearest, the reached ids, the reach share (and with journeys
   who cannot get there or home, and the evening figures).
3. :func:`provision_step`: places a week per 1,000 young people (2SFCA).
4. :func:`funding_step`: reachable sessions a week whose funding ends within 6/12/24 months.
5. :func:`voice_step`: the published voice counts and shares (or, for analysis tests,
   the raw ones).
6. :func:`score_step`: the components, the gap score and the ranks (published: whole
   numbers, equal scores share a rank).

Steps 2-5 return columns (name -> one value per area, in the areas' order) and change
nothing; the orchestrator adds them to its frame in that order.  Step 6 adds its columns
to the frame it is given, since it reads every column before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from .arrays import BoolArray, FloatArray, IntArray
from .completeness import deprivation_component, pct_rank, score_with_gaps
from .journey_figures import (
    PointJourneys,
    area_evening,
    area_partition,
    area_sessions,
    whole_people,
)
from .population import area_points, assign_points
from .reach_points import (
    area_reach,
    group_mean,
    group_quantiles,
    group_sum,
    point_travel,
    points_fca,
)
from .services import filter_mask
from .travel import MODE_PHRASES, Pairs
from .voice import VOICE_COLUMNS, voice_figures

Columns = dict[str, Any]
"""Column name -> values, one per area in the areas' order (arrays, lists or pandas arrays)."""

RISK_MONTHS = (6, 12, 24)
SHARE_KINDS = ("cost", "transport", "nothing_near", "any")


@dataclass(frozen=True)
class Travel:
    """What :func:`travel_step` measured, for the steps after it.

    ``group``: each point's area position (-1: in none); ``young_pt``: its young people;
    ``masks``: per filter, which services pass; ``minutes``/``metres``: per filter, each
    point's nearest; ``ai``/``aj``: the distinct (area, service) positions within the
    threshold; ``threshold_min``: the threshold used (capped at a journey run's limit);
    ``journeys``/``area_sess``: with a journey run, its figures and, per area, which
    sessions some of its young people reach (else ``None``).
    """

    n: int
    group: IntArray
    young_pt: FloatArray
    masks: dict[str, BoolArray]
    minutes: dict[str, FloatArray]
    metres: dict[str, FloatArray]
    pairs: Pairs
    ai: IntArray
    aj: IntArray
    threshold_min: float
    from_points: bool
    journeys: PointJourneys | None = None
    area_sess: npt.NDArray[Any] | None = None

    def per_area(self, by_service: FloatArray, flags: BoolArray) -> FloatArray:
        """Per area, ``by_service`` summed over the reachable services with ``flags``."""
        keep = flags[self.aj]
        return np.bincount(self.ai[keep], weights=by_service[self.aj[keep]],
                           minlength=self.n).astype(float)

    def sessions(self, sessions: FloatArray, flags: BoolArray) -> FloatArray:
        """Sessions a week within reach of the services with ``flags``.

        With journeys, each session is counted when some of the area's young people get
        there by its start and home after its end; else every session of a reachable
        service.
        """
        if self.journeys is None or self.area_sess is None:
            return self.per_area(sessions, flags)
        picked = self.area_sess[:, flags[self.journeys.session_service]]
        return np.asarray(picked.sum(axis=1), dtype=float)


def travel_step(areas: Any, svc: Any, *, points: Any, keys: list[str], threshold_min: float,
                mode: str, circuity: float, matrix: pd.DataFrame | None, max_monthly: float,
                journeys: Any) -> Travel:
    """Measure travel from every population point to every (located, active) service.

    ``areas`` (with every input column) and ``svc`` (normalised) as in
    :func:`~app.analysis.gaps.compute_gaps`; ``points`` ``None`` for one point per area.
    """
    n = len(areas)
    if points is None:
        pts = area_points(areas)
        group = np.asarray(pts["area"].to_numpy(), dtype=np.int64)
    else:
        pts = points.reset_index(drop=True)
        group = point_areas(pts, areas)
    young_pt = np.asarray(pts["young_people"].to_numpy(dtype=float), dtype=np.float64)
    masks: dict[str, BoolArray] = {
        key: np.asarray(filter_mask(svc, key, max_monthly=max_monthly), dtype=bool)
        for key in keys}
    area_codes = np.asarray(areas.index.astype(str))[np.maximum(group, 0)]
    xy = pts[["x", "y"]].to_numpy(dtype=float)
    pj: PointJourneys | None = None if journeys is None else journeys.for_points(
        xy, pts["lsoa"].astype(str).to_numpy(), list(svc["id"]))
    run_minutes = None if pj is None else pj.minutes(mode)
    if pj is not None:
        if run_minutes is None:
            raise ValueError(f"the journey run has no journeys {MODE_PHRASES.get(mode, mode)}")
        threshold_min = min(float(threshold_min), pj.limit_min)
    minutes, metres, pairs = point_travel(
        xy, svc[["x", "y"]].to_numpy(dtype=float), masks, threshold_min=threshold_min,
        mode=mode, circuity=circuity, matrix=matrix,
        point_codes=(np.where(group >= 0, area_codes, ""), pts["lsoa"].to_numpy()),
        svc_ids=list(svc["id"]), journey_minutes=run_minutes)
    ai, aj = area_pairs(group, pairs)
    return Travel(n=n, group=group, young_pt=young_pt, masks=masks, minutes=minutes,
                  metres=metres, pairs=pairs, ai=ai, aj=aj, threshold_min=threshold_min,
                  from_points=points is not None, journeys=pj,
                  area_sess=None if pj is None else area_sessions(pj, mode, threshold_min,
                                                                  group, n))


def reach_step(travel: Travel, svc: Any, keys: list[str], reach_filter: str,
               mode: str) -> Columns:
    """Per area: what its young people can reach.

    Young people (summed from the points), per filter services, sessions and the median
    young person's nearest (km, minutes), ``reach_ids`` and the reach figures.
    """
    t, n = travel, travel.n
    cols: Columns = {}
    if t.from_points:
        cols["young_people"] = group_sum(t.group, t.young_pt, n)
    sessions = svc["sessions_per_week"].to_numpy(dtype=float)
    for key in keys:
        keep = t.masks[key][t.aj]
        cols[f"{key}_services"] = np.bincount(t.ai[keep], minlength=n).astype(int)
        cols[f"{key}_sessions"] = t.sessions(sessions, t.masks[key])
        cols[f"{key}_nearest_km"] = group_quantiles(t.group, t.metres[key] / 1000.0, t.young_pt,
                                                    n, qs=(0.5,))[0]
        cols[f"{key}_nearest_min"] = group_quantiles(t.group, t.minutes[key], t.young_pt, n,
                                                     qs=(0.5,))[0]
    # Which services those are (for a ward's own report): ids, sorted, per area.
    keep = t.masks["all"][t.aj]
    ids = svc["id"].to_numpy(dtype=np.int64)[t.aj[keep]]
    order = np.lexsort((ids, t.ai[keep]))
    bounds = np.cumsum(np.bincount(t.ai[keep], minlength=n))[:-1]
    cols["reach_ids"] = [part.tolist() for part in np.split(ids[order], bounds)]
    cols.update(area_reach(t.group, t.young_pt, t.minutes[reach_filter], t.threshold_min, n))
    if t.journeys is not None:
        cols.update(area_partition(t.journeys, mode, t.threshold_min, t.group, t.young_pt, n,
                                   t.masks[reach_filter],
                                   t.minutes[reach_filter] <= t.threshold_min))
        cols.update(area_evening(t.journeys, t.threshold_min, t.group, t.young_pt, n))
    return cols


def provision_step(travel: Travel, svc: Any, young: FloatArray) -> FloatArray:
    """Places a week per 1,000 young people (2SFCA with demand at the points).

    Places = capacity x sessions a week; NaN for an area with no (or unknown) young people.
    """
    places = (svc["capacity"] * svc["sessions_per_week"]).to_numpy(dtype=float)
    t = travel
    out = np.asarray(group_mean(t.group, points_fca(t.pairs, t.young_pt, places), t.young_pt,
                                t.n), dtype=np.float64).copy()
    out[np.isnan(young) | (young <= 0)] = np.nan
    return out


def funding_step(travel: Travel, svc: Any, today: date) -> Columns:
    """``at_risk_<n>_sessions``: reachable sessions a week whose funding ends within n months."""
    today_ts = pd.Timestamp(today)
    end = svc["funding_end"]
    sessions = svc["sessions_per_week"].to_numpy(dtype=float)
    cols: Columns = {}
    for months in RISK_MONTHS:
        at_risk = np.asarray(
            (end.notna() & (end <= today_ts + pd.DateOffset(months=months))).to_numpy(),
            dtype=bool)
        cols[f"at_risk_{months}_sessions"] = travel.sessions(sessions, at_risk)
    return cols


def voice_step(index: pd.Index, *, published: pd.DataFrame | None,
               responses: Any) -> tuple[Columns, FloatArray]:
    """The voice counts and shares per area, and the responses as numbers.

    ``published``: the published (protected) counts: shares are whole percentages of
    them, ``None`` when either count is suppressed.  Else ``responses``, the raw long
    answers table (analysis tests only: never publish what it gives).
    """
    if published is not None:
        cols = published_voice(index, published)
        resp = pd.to_numeric(pd.Series(cols["responses"], dtype="object"),
                             errors="coerce").to_numpy(dtype=float)
        return cols, resp
    v = voice_figures(responses, index=index)
    cols = {col: v[col].to_numpy() for col in v.columns}
    resp = np.asarray(cols["responses"], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        for kind in SHARE_KINDS:
            cols[f"share_{kind}"] = np.where(
                resp > 0, np.asarray(cols[f"cites_{kind}"], dtype=float) / resp, np.nan)
    return cols, resp


def published_voice(index: pd.Index, voice: pd.DataFrame) -> Columns:
    """The voice columns from published counts: whole numbers or ``None`` (suppressed)."""
    v = voice.reindex(index)
    cols: Columns = {}
    for col in VOICE_COLUMNS:
        cols[col] = pd.array([None if _missing(x) else int(x) for x in v[col].tolist()],
                             dtype="object")
    for kind in SHARE_KINDS:
        cols[f"share_{kind}"] = pd.array([
            round(100 * c / r) / 100 if (c is not None and r) else None
            for c, r in zip(list(cols[f"cites_{kind}"]), list(cols["responses"]),
                            strict=True)], dtype="object")
    return cols


def _missing(x: object) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and bool(np.isnan(x)))


def score_step(out: Any, weights: dict[str, float], *, young: FloatArray, responses: FloatArray,
               min_responses: int, published: bool, whole: bool) -> str | None:
    """Add the components, the gap score and the rank to ``out``; return the deprivation measure.

    Adds ``c_*``, ``gap_score``/``gap_score_max``, ``complete``/``missing`` and ``rank``.

    ``published``: round the scores to whole numbers and rank on them (equal scores share
    a rank); ``whole``: also make the journey people counts whole (:func:`whole_people`).
    """
    measure, out["c_deprivation"] = deprivation_component(out)
    out["c_rurality"] = pd.to_numeric(out["rural_share"], errors="coerce").clip(0, 1)
    # No young people at all is no unmet need, not a missing input.
    out["c_reach"] = np.where(young == 0, 0.0, 1.0 - out["reach_share"].astype(float))
    out["c_provision"] = np.where(young == 0, 0.0, 1.0 - pct_rank(out["places_per_1000"]))
    out["c_voice"] = np.where(responses >= min_responses,
                              pd.to_numeric(out["share_any"], errors="coerce"), np.nan)
    all_sessions = out["all_sessions"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["c_funding"] = np.where(all_sessions > 0,
                                    out["at_risk_12_sessions"] / all_sessions, 0.0)
    score_with_gaps(out, weights)
    if published:
        out["gap_score"] = np.round(out["gap_score"])
        out["gap_score_max"] = np.round(out["gap_score_max"])
        out["rank"] = rank_published(out["gap_score"])
        if whole:
            whole_people(out)
    return measure


def rank_published(values: pd.Series) -> pd.Series:
    """Rank published values: 1 for the highest.

    Equal published values share a rank ("=17", the next is 19): a tie is never broken
    by area code, which would rank two areas apart on nothing, nor by unrounded values,
    which would let the order give away what rounding hides.  Missing values get no rank.
    """
    return pd.to_numeric(values, errors="coerce").rank(
        ascending=False, method="min").astype("Int64")


def area_pairs(group: IntArray, pairs: Pairs) -> tuple[IntArray, IntArray]:
    """Distinct (area position, service position) pairs from (point, service) pairs."""
    g = group[pairs.i]
    ok = g >= 0
    width = max(pairs.n_destinations, 1)
    key = np.unique(g[ok].astype(np.int64) * width + pairs.j[ok])
    return key // width, key % width


def point_areas(points: pd.DataFrame, areas: Any) -> IntArray:
    """Position in ``areas`` of each point's area (-1: none).

    Its ``area`` code when given, its own LSOA when the areas are its LSOAs,
    else point-in-polygon.
    """
    if "area" in points.columns:
        pos = pd.Series(np.arange(len(areas)), index=pd.Index(areas.index.astype(str)))
        return cast(IntArray, pos.reindex(points["area"].astype(str)).fillna(-1)
                    .to_numpy(dtype=np.int64))
    by_code = bool(len(points)) and bool(points["lsoa"].astype(str).isin(
        set(areas.index.astype(str))).all())
    return np.asarray(assign_points(points, areas, by_code=by_code), dtype=np.int64)
