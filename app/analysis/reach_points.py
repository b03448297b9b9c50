"""Reach measured from population points, summed up to areas.

Pure: numpy, scipy, pandas.  Points come from :mod:`.population`.

Per point: minutes to the nearest service passing each filter (a k=1
KD-tree query: fast enough for 1.5 million points, see
``bench/reach_points.py``) and, when wanted, the sparse (point, service)
pairs within the threshold (for counts, sessions, 2SFCA and funding risk).

Imported travel-time matrices (``from_code``, ``to_id``, ``minutes``; see
:mod:`app.gaps.travel_import`) are origin-area based: routing engines are
run from an area's (population-weighted) centroid.  A point takes the
imported minutes of the mapped area that holds it, or else of its own LSOA,
for every service the matrix lists (so an LSOA matrix serves wards and
parishes too, and a ward's own rows win on the ward map); pairs the matrix lacks fall back to the
straight-line estimate from the point itself.

Computed journeys (:class:`~.journey_figures.PointJourneys`) are point
based: with them each point's minutes to each service are its own (by bus
the best session's slower leg), ``inf`` where there is no journey within the
run's limit, and nothing is estimated or borrowed from an area.

Per area: sums over its points.  ``reach_share`` is the share of its young
people living within the threshold of a service passing the filter,
``unreached`` how many do not, ``nearest_median``/``nearest_p90`` the minutes
the median and the 90th-percentile young person travel to the nearest one,
and counts/sessions/places are young-people-weighted means over the points.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Literal, overload

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.spatial import cKDTree

from .arrays import BoolArray, FloatArray, IntArray
from .travel import DEFAULT_CIRCUITY, Pairs, estimate_minutes, metres_per_minute

CHUNK = 2_000_000

#: Per filter key, one figure per point (nearest minutes, or metres).
PerFilter = dict[str, FloatArray]
#: Codes per point, one entry per point (an area's code, an LSOA code).
CodeList = Sequence[Hashable] | npt.NDArray[np.generic]


def _matrix_origins(code_lists: Sequence[CodeList],
                    matrix: pd.DataFrame | None) -> tuple[IntArray, list[str]]:
    """For each point the position of its matrix origin code (-1: none), and the codes."""
    n = len(code_lists[0]) if code_lists else 0
    if matrix is None or not len(matrix) or n == 0:
        return np.full(n, -1, dtype=np.int64), []
    held = pd.Index(pd.unique(matrix["from_code"].astype(str)))
    pos = np.full(n, -1, dtype=np.int64)
    for codes in code_lists:
        if codes is None:
            continue
        found = held.get_indexer(pd.Index(np.asarray(codes).astype(str)))
        pos = np.where(pos >= 0, pos, found)
    return pos, list(held)


@overload
def point_travel(points_xy: npt.ArrayLike, svc_xy: npt.ArrayLike, masks: dict[str, BoolArray],
                 *, threshold_min: float, mode: str = ..., circuity: float = ...,
                 matrix: pd.DataFrame | None = ..., point_codes: Sequence[CodeList] = ...,
                 svc_ids: Sequence[Hashable] | None = ..., with_pairs: Literal[True] = ...,
                 journey_minutes: FloatArray | None = ...,
                 ) -> tuple[PerFilter, PerFilter, Pairs]: ...


@overload
def point_travel(points_xy: npt.ArrayLike, svc_xy: npt.ArrayLike, masks: dict[str, BoolArray],
                 *, threshold_min: float, mode: str = ..., circuity: float = ...,
                 matrix: pd.DataFrame | None = ..., point_codes: Sequence[CodeList] = ...,
                 svc_ids: Sequence[Hashable] | None = ..., with_pairs: bool,
                 journey_minutes: FloatArray | None = ...,
                 ) -> tuple[PerFilter, PerFilter, Pairs | None]: ...


def point_travel(points_xy: npt.ArrayLike, svc_xy: npt.ArrayLike, masks: dict[str, BoolArray],
                 *, threshold_min: float, mode: str = "bus",
                 circuity: float = DEFAULT_CIRCUITY, matrix: pd.DataFrame | None = None,
                 point_codes: Sequence[CodeList] = (), svc_ids: Sequence[Hashable] | None = None,
                 with_pairs: bool = True, journey_minutes: FloatArray | None = None,
                 ) -> tuple[PerFilter, PerFilter, Pairs | None]:
    """(nearest minutes per filter, nearest straight-line metres per filter, pairs).

    ``journey_minutes``: (points x services) minutes from a journey run
    (``inf``: none); when given they are every point's minutes (``matrix`` is
    not used) and metres stay the straight-line distance.

    ``masks``: {filter key: boolean mask over services}.  ``point_codes``:
    sequences of codes per point tried in turn against the matrix's
    ``from_code`` (the point's mapped area, then its LSOA).  ``pairs``:
    :class:`~app.analysis.travel.Pairs` of (point, service) within the
    threshold, or ``None`` unless ``with_pairs``.
    """
    pxy = np.asarray(points_xy, dtype=float).reshape(-1, 2)
    sxy = np.asarray(svc_xy, dtype=float).reshape(-1, 2)
    n, m = len(pxy), len(sxy)
    minutes: PerFilter = {}
    metres: PerFilter = {}
    for key, mask in masks.items():
        if mask.any():
            d, _ = cKDTree(sxy[mask]).query(pxy, k=1)
        else:
            d = np.full(n, np.inf)
        metres[key] = d
        minutes[key] = estimate_minutes(d, mode, circuity)
    if journey_minutes is not None:
        return _journey_travel(journey_minutes, masks, metres, threshold_min, with_pairs)
    pairs: Pairs | None = None
    if with_pairs:
        r = float(threshold_min) * metres_per_minute(mode) / circuity
        if n and m:
            coo = cKDTree(pxy).sparse_distance_matrix(cKDTree(sxy), r, output_type="coo_matrix")
            i, j, mins = coo.row.astype(np.int64), coo.col.astype(np.int64), \
                estimate_minutes(coo.data, mode, circuity)
            zi, zj = _same_place(pxy, sxy)  # exact zeros are dropped by scipy
            i, j, mins = np.r_[i, zi], np.r_[j, zj], np.r_[mins, np.zeros(len(zi))]
        else:
            i = j = np.array([], dtype=np.int64)
            mins = np.array([], dtype=float)
        pairs = Pairs(i, j, mins, n, m)
    origin, held = _matrix_origins(list(point_codes), matrix)
    covered = np.flatnonzero(origin >= 0)
    if len(covered) and m:
        table = _dense_matrix(matrix, held, svc_ids, m)
        keep_i: list[IntArray] = []
        keep_j: list[IntArray] = []
        keep_m: list[FloatArray] = []
        step = max(1, CHUNK // m)  # about CHUNK (point, service) cells at a time
        for start in range(0, len(covered), step):
            rows = covered[start:start + step]
            d = np.sqrt(((pxy[rows, None, :] - sxy[None, :, :]) ** 2).sum(axis=2))
            routed = table[origin[rows]]
            full = np.where(np.isnan(routed), estimate_minutes(d, mode, circuity), routed)
            for key, mask in masks.items():
                minutes[key][rows] = full[:, mask].min(axis=1) if mask.any() else np.inf
            if with_pairs:
                ri, rj = np.nonzero(full <= threshold_min)
                keep_i.append(rows[ri])
                keep_j.append(rj)
                keep_m.append(full[ri, rj])
        if with_pairs:
            assert pairs is not None  # built above whenever with_pairs
            drop = np.isin(pairs.i, covered)
            pairs = Pairs(np.concatenate([pairs.i[~drop], *keep_i]),
                          np.concatenate([pairs.j[~drop], *keep_j]),
                          np.concatenate([pairs.minutes[~drop], *keep_m]), n, m)
    return minutes, metres, pairs


def _journey_travel(full: FloatArray, masks: dict[str, BoolArray], metres: PerFilter,
                    threshold_min: float,
                    with_pairs: bool) -> tuple[PerFilter, PerFilter, Pairs | None]:
    """point_travel's answer from a run's (points x services) minutes."""
    n, m = full.shape
    minutes = {key: (full[:, mask].min(axis=1).astype(float) if mask.any() and m
                     else np.full(n, np.inf)) for key, mask in masks.items()}
    pairs: Pairs | None = None
    if with_pairs:
        i, j = np.nonzero(full <= threshold_min)
        pairs = Pairs(i.astype(np.int64), j.astype(np.int64), full[i, j].astype(float), n, m)
    return minutes, metres, pairs


def _same_place(a: FloatArray, b: FloatArray) -> tuple[IntArray, IntArray]:
    hits = cKDTree(a).query_ball_tree(cKDTree(b), 1e-9)
    i = [p for p, js in enumerate(hits) for _ in js]
    j = [q for js in hits for q in js]
    return np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)


def _dense_matrix(matrix: pd.DataFrame, held: list[str], svc_ids: Sequence[Hashable] | None,
                  m: int) -> FloatArray:
    """(origin code, service position) minutes; NaN where the matrix has no row."""
    table = np.full((len(held), m), np.nan)
    if svc_ids is None:
        return table
    rows = pd.Index(held).get_indexer(matrix["from_code"].astype(str))
    cols = pd.Index([str(s) for s in svc_ids]).get_indexer(matrix["to_id"].astype(str))
    ok = (rows >= 0) & (cols >= 0)
    table[rows[ok], cols[ok]] = matrix["minutes"].to_numpy(dtype=float)[ok]
    return table


def group_sum(group: IntArray, values: npt.ArrayLike, n: int) -> FloatArray:
    """Sum of ``values`` per group (``n`` groups; a negative group is left out)."""
    ok = group >= 0
    # With weights bincount's sums are float64 (numpy's stubs say intp): asarray copies nothing.
    return np.asarray(np.bincount(group[ok], weights=np.asarray(values, dtype=float)[ok],
                                  minlength=n), dtype=np.float64)


def weights_for_means(group: IntArray, weights: FloatArray, n: int) -> FloatArray:
    """Young people per point, or 1 for every point of an area with none.

    So an area without population figures still gets its points' mean.
    """
    total = group_sum(group, weights, n)
    none = np.zeros(len(group), dtype=bool)
    ok = group >= 0
    none[ok] = total[group[ok]] <= 0
    return np.where(none, 1.0, weights)


def group_mean(group: IntArray, values: npt.ArrayLike, weights: FloatArray, n: int) -> FloatArray:
    """Weighted mean of ``values`` per group (NaN for a group with no points)."""
    w = weights_for_means(group, weights, n)
    num = group_sum(group, np.asarray(values, dtype=float) * w, n)
    den = group_sum(group, w, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def group_quantiles(group: npt.ArrayLike, values: npt.ArrayLike, weights: npt.ArrayLike, n: int,
                    qs: Sequence[float] = (0.5, 0.9)) -> list[FloatArray]:
    """Weighted quantiles per group.

    The value of the point at which the running total of young people (smallest values first) reaches ``q`` of the
    area's total.  NaN for a group with no points.
    """
    ok = np.asarray(group) >= 0
    g = np.asarray(group)[ok]
    v = np.asarray(values, dtype=float)[ok]
    w = weights_for_means(np.asarray(group), np.asarray(weights, dtype=float), n)[ok]
    order = np.lexsort((v, g))
    g, v, w = g[order], v[order], w[order]
    cw = np.cumsum(w)
    total = np.bincount(g, weights=w, minlength=n)
    base = np.concatenate([[0.0], np.cumsum(total)[:-1]])
    first = np.searchsorted(g, np.arange(n), side="left")
    last = np.searchsorted(g, np.arange(n), side="right") - 1
    out: list[FloatArray] = []
    for q in qs:
        target = base + q * total
        idx = np.searchsorted(cw, target - 1e-9 * np.maximum(total, 1.0), side="left")
        idx = np.clip(idx, first, np.maximum(last, first))
        res = np.full(n, np.nan)
        has = last >= first
        res[has] = v[idx[has]]
        out.append(res)
    return out


def area_reach(group: IntArray, young: FloatArray, minutes: FloatArray,
               threshold_min: float, n: int) -> dict[str, FloatArray]:
    """Reach figures for each of ``n`` areas.

    Young people, reached, unreached, reach share and the nearest-time median
    and 90th percentile.
    """
    reached = minutes <= threshold_min
    total = group_sum(group, young, n)
    got = group_sum(group, np.where(reached, young, 0.0), n)
    share = group_mean(group, reached.astype(float), young, n)
    median, p90 = group_quantiles(group, minutes, young, n)
    return {"points_young_people": total, "reached": got, "unreached": total - got,
            "reach_share": share, "nearest_median": median, "nearest_p90": p90}


def points_fca(pairs: Pairs, young: FloatArray, places: FloatArray,
               per: float = 1000.0) -> FloatArray:
    """2SFCA with points as demand.

    Places a week per ``per`` young people at each point (Luo and Wang 2003;
    see :mod:`.provision`).
    """
    from .provision import two_step_fca

    return two_step_fca(pairs, young, places, per=per)
