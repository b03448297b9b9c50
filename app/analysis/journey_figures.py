"""From journeys per (population point, session) to figures per area.

Pure: numpy and pandas.  The inputs are a :class:`~.journeys.JourneyResult`
and the tables it was computed for; outputs are

* a long travel-time table (``from_code``, ``to_id``, ``minutes``) per area
  and service for one mode, which the gap analysis uses in place of the
  straight-line estimate (:func:`app.analysis.travel.pairs_within`'s
  ``matrix``): an area's minutes to a service are those of its *median young
  person* (the youth-weighted median over its population points);
  by public transport a service's minutes are the best of its sessions,
  each session counting its slower leg (there or home);
* young people per area (census-derived counts: population, not
  respondents) with no public-transport route to any evening session, with no
  way home by public transport from any evening session they can reach, and
  who reach an evening session by car but not by public transport.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .journeys import EVENING_FROM_S, JourneyResult

MODE_TO_NETWORK = {"walk": "walk", "cycle": "cycle", "car": "drive"}
JOURNEY_FIGURES = ("yp_no_evening_pt", "yp_no_way_home", "yp_car_not_bus")


def point_service_minutes(result: JourneyResult, mode: str, sessions: pd.DataFrame,
                          n_services: int) -> np.ndarray | None:
    """(points x services) minutes by ``mode`` (walk, cycle, car, bus)."""
    if mode == "bus":
        worst_leg = np.maximum(result.pt_there_min, result.pt_home_min)
        out = np.full((worst_leg.shape[0], n_services), np.inf, dtype=np.float32)
        venue = sessions["venue"].to_numpy(int)
        for v in np.unique(venue):
            out[:, v] = worst_leg[:, venue == v].min(axis=1)
        return out
    network_mode = MODE_TO_NETWORK.get(mode)
    return result.network_minutes.get(network_mode)


def weighted_median(values: np.ndarray, weights: np.ndarray, groups: np.ndarray,
                    n_groups: int) -> np.ndarray:
    """Per group and column, the weighted median of ``values`` (rows = points).

    The lower median, so half the weight is at or below it.
    """
    out = np.full((n_groups, values.shape[1]), np.inf, dtype=np.float32)
    order = np.argsort(groups, kind="stable")
    bounds = np.searchsorted(groups[order], np.arange(n_groups + 1))
    for g in range(n_groups):
        rows = order[bounds[g]:bounds[g + 1]]
        if len(rows) == 0:
            continue
        w = weights[rows]
        if w.sum() <= 0:
            w = np.ones(len(rows))
        block = values[rows]
        sort = np.argsort(block, axis=0, kind="stable")
        cum = np.cumsum(w[sort], axis=0)
        k = (cum >= cum[-1] / 2.0).argmax(axis=0)
        cols = np.arange(block.shape[1])
        out[g] = block[sort[k, cols], cols]
    return out


def area_matrix(result: JourneyResult, mode: str, sessions: pd.DataFrame,
                service_ids, point_area: np.ndarray, area_codes, youth: np.ndarray,
                *, limit_min: float) -> pd.DataFrame | None:
    """Long table of area -> service minutes for ``mode`` (pairs beyond ``limit_min`` are given as ``limit_min`` + 1, i.e. out of reach)."""
    per_point = point_service_minutes(result, mode, sessions, len(service_ids))
    if per_point is None:
        return None
    known = point_area >= 0
    med = weighted_median(per_point[known], youth[known], point_area[known], len(area_codes))
    med = np.where(np.isfinite(med), med, limit_min + 1)
    i, j = np.meshgrid(np.arange(len(area_codes)), np.arange(len(service_ids)), indexing="ij")
    return pd.DataFrame({"from_code": np.asarray(area_codes, dtype=object)[i.ravel()],
                         "to_id": np.asarray([str(s) for s in service_ids],
                                             dtype=object)[j.ravel()],
                         "minutes": med.ravel().astype(float)})


def evening_figures(result: JourneyResult, sessions: pd.DataFrame, threshold_min: float,
                    point_area: np.ndarray, area_codes, youth: np.ndarray) -> pd.DataFrame:
    """Young people per area without an evening journey, in three figures.

    Columns:

    * ``yp_no_evening_pt``: no public-transport route (there by the start and
      home after the end, each within ``threshold_min``) to any evening session;
    * ``yp_no_way_home``: a bus *there* for some evening session (within the
      run's limit, ``result.threshold_min``) but none home from any of them
      within that limit -- the stranded-after-the-last-bus figure;
    * ``yp_car_not_bus``: an evening session within ``threshold_min`` by car,
      but none by public transport.
    """
    evening = (sessions["start_s"].to_numpy() >= EVENING_FROM_S)
    there = result.pt_there_min[:, evening] <= threshold_min
    home = result.pt_home_min[:, evening] <= threshold_min
    both = (there & home).any(axis=1)
    n_points = result.pt_there_min.shape[0]
    limit = result.threshold_min
    there_at_all = result.pt_there_min[:, evening] <= limit
    home_at_all = result.pt_home_min[:, evening] <= limit
    no_home = there_at_all.any(axis=1) & ~(there_at_all & home_at_all).any(axis=1)
    drive = result.network_minutes.get("drive")
    if drive is not None and evening.any():
        venue = sessions["venue"].to_numpy(int)[evening]
        by_car = (drive[:, venue] <= threshold_min).any(axis=1)
    else:
        by_car = np.zeros(n_points, dtype=bool)
    frame = pd.DataFrame({"area": point_area, "youth": youth,
                          "yp_no_evening_pt": np.where(~both, youth, 0.0),
                          "yp_no_way_home": np.where(no_home, youth, 0.0),
                          "yp_car_not_bus": np.where(by_car & ~both, youth, 0.0)})
    frame = frame[frame["area"] >= 0]
    sums = frame.groupby("area")[["youth", *JOURNEY_FIGURES]].sum()
    sums = sums.reindex(range(len(area_codes)), fill_value=0.0)
    sums.index = pd.Index(list(area_codes), name="code")
    return sums


def scale_to_area(sums: pd.DataFrame, young_people: pd.Series | None) -> pd.DataFrame:
    """The journey counts as shares of the young people at the points in each area, applied to the area's own census figure (an area's young people may be apportioned from LSOAs differently from its postcodes), rounded."""
    out = sums[list(JOURNEY_FIGURES)].copy()
    if young_people is not None:
        total = young_people.reindex(out.index).astype(float)
        share = out.div(sums["youth"].where(sums["youth"] > 0), axis=0)
        out = share.mul(total, axis=0).fillna(0.0)
    return out.round(0)
