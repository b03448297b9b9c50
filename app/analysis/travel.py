"""Estimated travel times between points, and imported travel-time matrices.

Pure: numpy, scipy and pandas only.

Estimated times use the straight-line distance multiplied by a road
circuity factor (default 1.3: roads are on average about 30% longer than the
crow flies in rural England) divided by a door-to-door speed for the mode:

=======  ========  =====================================================
mode     km/h      meaning
=======  ========  =====================================================
walk     4.8       a steady walk
cycle    16        an everyday cyclist
bus      18        "bus-like": in-vehicle speed with a share of the
                   wait and walk to the stop folded in (rural buses
                   average 25-30 km/h between stops)
car      40        a lift on rural roads, including parking
=======  ========  =====================================================

An imported matrix (from a routing engine such as r5r or OSRM) replaces the
estimate for every (origin, destination) pair it holds; pairs it lacks fall
back to the estimate.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.spatial import cKDTree

SPEEDS_KMH = {"walk": 4.8, "cycle": 16.0, "bus": 18.0, "car": 40.0}
MODES = tuple(SPEEDS_KMH)
MODE_PHRASES = {"walk": "on foot", "cycle": "by bike", "bus": "by bus", "car": "by car"}
DEFAULT_CIRCUITY = 1.3


def metres_per_minute(mode: str) -> float:
    """Door-to-door speed of ``mode`` in metres a minute (``ValueError`` if unknown)."""
    if mode not in SPEEDS_KMH:
        raise ValueError(f"unknown travel mode {mode!r}; use one of {', '.join(MODES)}")
    return SPEEDS_KMH[mode] * 1000.0 / 60.0


def _xy(points: Any) -> np.ndarray:  # a (Geo)DataFrame, a GeoSeries or pairs
    """An (n, 2) array of eastings/northings.

    From a GeoDataFrame, GeoSeries, DataFrame with x/y columns, or an
    array-like of pairs.
    """
    if hasattr(points, "geometry") and hasattr(points, "crs") and "geometry" in getattr(
        points, "columns", []
    ):
        geom = points.geometry
        if not (geom.geom_type == "Point").all():
            geom = geom.representative_point()
        return np.column_stack([geom.x.to_numpy(), geom.y.to_numpy()]).astype(float)
    if hasattr(points, "geom_type"):  # GeoSeries
        geom = points if (points.geom_type == "Point").all() else points.representative_point()
        return np.column_stack([geom.x.to_numpy(), geom.y.to_numpy()]).astype(float)
    if isinstance(points, pd.DataFrame):
        return np.asarray(points[["x", "y"]].to_numpy(dtype=float))
    arr = np.asarray(points, dtype=float)
    return arr.reshape(-1, 2)


def _labels(points: Any, n: int) -> pd.Index:
    index = getattr(points, "index", None)
    return index if index is not None else pd.RangeIndex(n)


def estimate_minutes(distance_m: ArrayLike, mode: str = "bus",
                     circuity: float = DEFAULT_CIRCUITY) -> np.ndarray:
    """Minutes to cover a straight-line ``distance_m`` by ``mode``."""
    return np.asarray(distance_m, dtype=float) * circuity / metres_per_minute(mode)


def radius_for(threshold_min: float, mode: str, circuity: float = DEFAULT_CIRCUITY) -> float:
    """The straight-line radius (metres) reachable within ``threshold_min``."""
    return float(threshold_min) * metres_per_minute(mode) / circuity


def travel_minutes(origins: Any, destinations: Any, *, mode: str = "bus",
                   circuity: float = DEFAULT_CIRCUITY,
                   matrix: pd.DataFrame | None = None) -> pd.DataFrame:
    """Dense matrix of minutes: rows ``origins``, columns ``destinations``.

    ``origins``/``destinations``: GeoDataFrames (polygons use their
    representative point), DataFrames with ``x``/``y`` or arrays of pairs, all
    EPSG:27700.  ``matrix``: optional long table with columns ``from_code``,
    ``to_id``, ``minutes`` whose values replace the estimates where present
    (codes matched against the two indexes, as strings).

    Dense: use it for small inputs; :func:`pairs_within` scales.
    """
    a, b = _xy(origins), _xy(destinations)
    d = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2))
    out = pd.DataFrame(estimate_minutes(d, mode, circuity),
                       index=_labels(origins, len(a)), columns=_labels(destinations, len(b)))
    if matrix is not None and len(matrix):
        rows = {str(k): i for i, k in enumerate(out.index)}
        cols = {str(k): j for j, k in enumerate(out.columns)}
        values = out.to_numpy(copy=True)
        for f, t, m in zip(matrix["from_code"].astype(str), matrix["to_id"].astype(str),
                           matrix["minutes"].astype(float), strict=True):
            if f in rows and t in cols:
                values[rows[f], cols[t]] = m
        out = pd.DataFrame(values, index=out.index, columns=out.columns)
    return out


@dataclass
class Pairs:
    """Sparse (origin, destination) pairs within a threshold.

    ``i``/``j`` are positions in the origin/destination arrays, ``minutes``
    the travel time of each pair.
    """

    i: np.ndarray
    j: np.ndarray
    minutes: np.ndarray
    n_origins: int
    n_destinations: int


def pairs_within(origin_xy: np.ndarray, dest_xy: np.ndarray, threshold_min: float, *,
                 mode: str = "bus", circuity: float = DEFAULT_CIRCUITY,
                 matrix: pd.DataFrame | None = None,
                 origin_codes: Sequence[Hashable] | None = None,
                 dest_ids: Sequence[Hashable] | None = None) -> Pairs:
    """All pairs reachable within ``threshold_min``, found with KD-trees.

    With a ``matrix`` (long: ``from_code``, ``to_id``, ``minutes``), its pairs
    are used as given (kept when ``minutes <= threshold_min``) and estimated
    pairs that the matrix covers are dropped, so a routing engine's "60
    minutes" beats a straight line's "12".
    """
    origin_xy = np.asarray(origin_xy, dtype=float).reshape(-1, 2)
    dest_xy = np.asarray(dest_xy, dtype=float).reshape(-1, 2)
    n, m = len(origin_xy), len(dest_xy)
    empty = np.array([], dtype=np.int64)
    if n == 0 or m == 0:
        return Pairs(empty, empty, np.array([], dtype=float), n, m)
    r = radius_for(threshold_min, mode, circuity)
    ta, tb = cKDTree(origin_xy), cKDTree(dest_xy)
    coo = ta.sparse_distance_matrix(tb, r, output_type="coo_matrix")
    i, j = coo.row.astype(np.int64), coo.col.astype(np.int64)
    minutes = estimate_minutes(coo.data, mode, circuity)
    # sparse_distance_matrix drops exact zeros (same point): add them back.
    zero_i, zero_j = _coincident(ta, tb)
    if len(zero_i):
        i = np.concatenate([i, zero_i])
        j = np.concatenate([j, zero_j])
        minutes = np.concatenate([minutes, np.zeros(len(zero_i))])
        keys = np.unique(np.column_stack([i, j]), axis=0, return_index=True)[1]
        i, j, minutes = i[keys], j[keys], minutes[keys]
    if matrix is not None and len(matrix) and origin_codes is not None and dest_ids is not None:
        o_pos = pd.Series(np.arange(n), index=pd.Index([str(c) for c in origin_codes]))
        d_pos = pd.Series(np.arange(m), index=pd.Index([str(c) for c in dest_ids]))
        mat = matrix.assign(from_code=matrix["from_code"].astype(str),
                            to_id=matrix["to_id"].astype(str))
        mat = mat[mat["from_code"].isin(o_pos.index) & mat["to_id"].isin(d_pos.index)]
        mi = o_pos.loc[mat["from_code"]].to_numpy()
        mj = d_pos.loc[mat["to_id"]].to_numpy()
        mm = mat["minutes"].to_numpy(dtype=float)
        keep = ~np.isin(i * m + j, mi * m + mj)
        within = mm <= threshold_min
        i = np.concatenate([i[keep], mi[within]])
        j = np.concatenate([j[keep], mj[within]])
        minutes = np.concatenate([minutes[keep], mm[within]])
    return Pairs(i, j, minutes, n, m)


def _coincident(ta: cKDTree, tb: cKDTree) -> tuple[np.ndarray, np.ndarray]:
    pairs = ta.query_ball_tree(tb, 1e-9)
    i = [a for a, js in enumerate(pairs) for _ in js]
    j = [b for js in pairs for b in js]
    return np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)


def nearest(origin_xy: np.ndarray, dest_xy: np.ndarray, *, mode: str = "bus",
            circuity: float = DEFAULT_CIRCUITY) -> tuple[np.ndarray, np.ndarray]:
    """(straight-line metres, estimated minutes) to the nearest destination.

    Both are ``inf`` when there is none.
    """
    origin_xy = np.asarray(origin_xy, dtype=float).reshape(-1, 2)
    dest_xy = np.asarray(dest_xy, dtype=float).reshape(-1, 2)
    if len(dest_xy) == 0:
        inf = np.full(len(origin_xy), np.inf)
        return inf, inf.copy()
    d, _ = cKDTree(dest_xy).query(origin_xy, k=1)
    return d, estimate_minutes(d, mode, circuity)


class MatrixError(ValueError):
    """A travel-time CSV cannot be used; the message names the row and column."""


MATRIX_COLUMNS = ("from_code", "to_kind", "to_id", "minutes")
MAX_MINUTES = 24 * 60  # a travel time longer than a day is a mistake in the file


def read_travel_matrix(source: Any, *, name: str = "travel-time CSV",  # a path or binary file
                       default_mode: str | None = None) -> pd.DataFrame:
    """Parse a travel-time CSV: ``from_code,to_kind,to_id,minutes[,mode]``.

    ``from_code`` is an area or LSOA code, ``to_kind`` ``service`` or
    ``building``, ``to_id`` the service or building id, ``minutes`` a
    non-negative number, ``mode`` one of :data:`MODES` (or ``default_mode``).
    Raises :class:`MatrixError` naming the file, row and column of the first
    problem; nothing is returned half-read.
    """
    from ..ingest import IngestError, csv_rows, number

    data = source.read() if hasattr(source, "read") else open(source, "rb").read()
    try:
        header, body = csv_rows(data, name)
    except IngestError as exc:
        raise MatrixError(str(exc)) from None
    missing = [c for c in MATRIX_COLUMNS if c not in header]
    if missing:
        raise MatrixError(f"{name}: the header lacks column(s) {', '.join(missing)} "
                          f"(expected {','.join(MATRIX_COLUMNS)}[,mode])")
    if "mode" not in header and default_mode is None:
        raise MatrixError(f"{name}: no 'mode' column; give one or choose a mode for the file")
    rows = []
    for rowno, raw in body:
        row = {k: (raw.get(k) or "").strip() for k in header if k}
        for col in ("from_code", "to_id"):
            if not row[col]:
                raise MatrixError(f"{name}: row {rowno}, column {col}: empty")
            if len(row[col]) > 32:
                raise MatrixError(f"{name}: row {rowno}, column {col}: longer than 32 "
                                  "characters")
        if row["to_kind"] not in ("service", "building"):
            raise MatrixError(f"{name}: row {rowno}, column to_kind: {row['to_kind'][:40]!r} "
                              "is not 'service' or 'building'")
        try:
            minutes = number(row["minutes"], name, rowno, "minutes", 0, MAX_MINUTES)
        except IngestError as exc:
            raise MatrixError(str(exc)) from None
        if minutes is None:
            raise MatrixError(f"{name}: row {rowno}, column minutes: empty")
        mode = row.get("mode") or default_mode
        if mode not in SPEEDS_KMH:
            raise MatrixError(f"{name}: row {rowno}, column mode: {str(mode)[:40]!r} is not "
                              f"one of {', '.join(MODES)}")
        rows.append((row["from_code"], row["to_kind"], row["to_id"], mode, minutes))
    return pd.DataFrame(rows, columns=["from_code", "to_kind", "to_id", "mode", "minutes"])
