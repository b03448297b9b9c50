"""Population points: where an area's young people live, for travel measures.

Pure: numpy, pandas, shapely.  No Flask, no database.

Measuring travel from one point per area (its centroid or representative
point) puts a market town and its countryside at one spot, which can fall
in the fields.  Accessibility studies instead spread each small area's
population over the places people live (dasymetric mapping) and measure
from there.  Here:

* each LSOA's young people are shared among its **live residential
  postcodes** (terminated and large-user postcodes left out), evenly or in
  proportion to a household count when the postcode file has one;
* an LSOA with no such postcode keeps one point at its population-weighted
  centroid when known, otherwise at a point inside its polygon;
* every point is then given to an area of the level being mapped: by its own
  LSOA code at LSOA level, by point-in-polygon at any other level (a point
  just outside every polygon, a gap in generalised boundaries, goes to the
  nearest area within :data:`SNAP_M` metres).

An area's figures are sums over its points, so LSOA, ward and parish views
add up to the same county totals and a ward's share equals the
young-people-weighted mean of its LSOA pieces' shares.

Kept as our own code (not tobler's ``masked_area_interpolate``) because the
input is points with weights, not a raster, and the job is a weighted
share-out plus a point-in-polygon join: a few numpy lines.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

SNAP_M = 1000.0
POINT_COLUMNS = ["x", "y", "lsoa", "young_people", "kind"]


def population_points(lsoas: pd.DataFrame, postcodes: pd.DataFrame | None,
                      *, value: str = "young_people") -> pd.DataFrame:
    """One row per population point: ``x``, ``y``, ``lsoa``, ``young_people``, ``kind``.

    ``lsoas``: indexed by LSOA code with ``value`` (young people) and either
    ``origin_x``/``origin_y`` (population-weighted centroid) or a
    ``geometry`` column.  ``postcodes``: columns ``x``, ``y``, ``lsoa_code``
    and optionally ``households`` (weights), already limited to live
    residential postcodes.  ``kind`` is ``postcode`` or ``centroid``.
    The points of an LSOA sum to its ``value`` exactly (a missing value
    counts as 0 young people).
    """
    people = pd.to_numeric(lsoas[value], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    pc = postcodes if postcodes is not None else pd.DataFrame(columns=["x", "y", "lsoa_code"])
    pos = lsoas.index.get_indexer(pd.Index(pc["lsoa_code"]))  # one hash lookup per postcode
    keep = pos >= 0
    pc, pos = pc[keep], pos[keep]
    n = len(lsoas)
    w = np.ones(len(pc))
    if "households" in pc.columns:
        hh = pd.to_numeric(pc["households"], errors="coerce").to_numpy(dtype=float)
        hh = np.where(np.isfinite(hh) & (hh > 0), hh, 0.0)
        # An LSOA whose file gives no household count anywhere is shared evenly.
        w = np.where(np.bincount(pos, weights=hh, minlength=n)[pos] > 0, hh, 1.0)
    total = np.bincount(pos, weights=w, minlength=n)
    share = w / total[pos] if len(pc) else w
    codes = np.asarray(lsoas.index)[pos]
    pc_points = pd.DataFrame({
        "x": pc["x"].to_numpy(dtype=float), "y": pc["y"].to_numpy(dtype=float),
        "lsoa": codes, "young_people": share * people[pos], "kind": "postcode"})
    missing = np.flatnonzero(total == 0)
    xy = origins(lsoas.iloc[missing])
    centre = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "lsoa": np.asarray(lsoas.index)[missing],
                           "young_people": people[missing], "kind": "centroid"})
    parts = [p for p in (pc_points, centre) if len(p)]
    if not parts:
        return pd.DataFrame(columns=POINT_COLUMNS)
    return pd.concat(parts, ignore_index=True)[POINT_COLUMNS]


def origins(areas: pd.DataFrame) -> np.ndarray:
    """(n, 2) eastings/northings of the areas' origins.

    ``origin_x``/``origin_y`` where given, else a point inside each polygon.
    """
    n = len(areas)
    xy = np.full((n, 2), np.nan)
    if "origin_x" in areas.columns and "origin_y" in areas.columns:
        xy = areas[["origin_x", "origin_y"]].to_numpy(dtype=float)
    gap = np.isnan(xy).any(axis=1)
    if gap.any():
        pts = shapely.point_on_surface(np.asarray(areas.geometry.values, dtype=object)[gap])
        xy[gap] = np.column_stack([shapely.get_x(pts), shapely.get_y(pts)])
    return xy


def area_points(areas: pd.DataFrame) -> pd.DataFrame:
    """One point per area (the old single-origin measure).

    For callers with no postcodes: ``x``, ``y``, ``lsoa`` (the area code), ``young_people``,
    ``kind`` = ``centroid``, ``area`` = position of the area.
    """
    xy = origins(areas)
    young = (pd.to_numeric(areas["young_people"], errors="coerce").to_numpy(dtype=float)
             if "young_people" in areas.columns else np.full(len(areas), np.nan))
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "lsoa": np.asarray(areas.index),
                         "young_people": np.nan_to_num(young, nan=0.0), "kind": "centroid",
                         "area": np.arange(len(areas))})


def assign_points(points: pd.DataFrame, areas: pd.DataFrame, *, by_code: bool = False,
                  snap_m: float = SNAP_M) -> np.ndarray:
    """Position in ``areas`` of the area holding each point; -1 for none.

    ``by_code``: match the point's ``lsoa`` code to the area index (LSOA
    level).  Otherwise point-in-polygon; a point inside no polygon goes to the
    nearest one within ``snap_m`` metres.  Overlapping polygons: the first.
    """
    if by_code:
        pos = pd.Series(np.arange(len(areas)), index=pd.Index(areas.index.astype(str)))
        return np.asarray(pos.reindex(points["lsoa"].astype(str)).fillna(-1)
                          .to_numpy(dtype=np.int64))
    out = np.full(len(points), -1, dtype=np.int64)
    if not len(points) or not len(areas):
        return out
    geoms = np.asarray(areas.geometry.values, dtype=object)
    pts = shapely.points(points["x"].to_numpy(dtype=float), points["y"].to_numpy(dtype=float))
    tree = shapely.STRtree(geoms)
    p_i, a_i = tree.query(pts, predicate="intersects")
    first = np.unique(p_i, return_index=True)[1]
    out[p_i[first]] = a_i[first]
    lost = np.flatnonzero(out < 0)
    if len(lost):
        q_i, n_i = tree.query_nearest(pts[lost], max_distance=snap_m, all_matches=False)
        out[lost[q_i]] = n_i
    return out
