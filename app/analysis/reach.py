"""What a young person in each area can reach within a travel threshold.

Each area is represented by one origin point: its population-weighted
centroid when the areas carry ``origin_x``/``origin_y`` columns, otherwise
its representative point (a point guaranteed inside the polygon).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from .services import DEFAULT_MAX_MONTHLY, FILTERS, active, filter_mask, located, services_frame
from .travel import DEFAULT_CIRCUITY, Pairs, nearest, pairs_within


def area_origins(areas: pd.DataFrame) -> np.ndarray:
    """(n, 2) eastings/northings standing for each area."""
    if "origin_x" in areas.columns and "origin_y" in areas.columns:
        xy = areas[["origin_x", "origin_y"]].to_numpy(dtype=float)
        if not np.isnan(xy).any():
            return np.asarray(xy)
    pts = areas.geometry.representative_point()
    return np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])


def reachable_pairs(areas: pd.DataFrame, services: pd.DataFrame, *, threshold_min: float = 30,
                    mode: str = "bus", circuity: float = DEFAULT_CIRCUITY,
                    matrix: pd.DataFrame | None = None) -> Pairs:
    """Sparse (area position, service position) pairs within the threshold.

    ``services`` must already be normalised, active and located.
    """
    return pairs_within(area_origins(areas), services[["x", "y"]].to_numpy(dtype=float),
                        threshold_min, mode=mode, circuity=circuity, matrix=matrix,
                        origin_codes=list(areas.index), dest_ids=list(services["id"]))


def reach(areas: pd.DataFrame, services: pd.DataFrame, *, threshold_min: float = 30,
          mode: str = "bus", filters: Iterable[str] = tuple(FILTERS), max_monthly: float = DEFAULT_MAX_MONTHLY,
          circuity: float = DEFAULT_CIRCUITY, matrix: pd.DataFrame | None = None,
          pairs: Pairs | None = None, today: date | None = None) -> pd.DataFrame:
    """Reach per area (same index as ``areas``), for each filter key ``f``.

    Columns:

    * ``f_services``: active services reachable within ``threshold_min``;
    * ``f_sessions``: their regular sessions a week;
    * ``f_nearest_km``: straight-line km to the nearest such service;
    * ``f_nearest_min``: estimated minutes to it (``inf`` when none exists).

    Filter keys are those of :data:`~app.analysis.services.FILTERS`
    (``under`` uses ``max_monthly`` pounds a month).  With an imported
    ``matrix``, reachability uses its minutes; nearest is still estimated.
    Services whose funding lapsed before ``today`` (default: today) are not
    active (:func:`app.analysis.services.active`).
    """
    svc = located(active(services_frame(services), today))
    if pairs is None:
        pairs = reachable_pairs(areas, svc, threshold_min=threshold_min, mode=mode,
                                circuity=circuity, matrix=matrix)
    origins = area_origins(areas)
    n = len(areas)
    sessions = svc["sessions_per_week"].to_numpy(dtype=float)
    out = {}
    for key in filters:
        mask = filter_mask(svc, key, max_monthly=max_monthly)
        keep = mask[pairs.j]
        i = pairs.i[keep]
        out[f"{key}_services"] = np.bincount(i, minlength=n).astype(int)
        out[f"{key}_sessions"] = np.bincount(i, weights=sessions[pairs.j[keep]], minlength=n)
        dist, minutes = nearest(origins, svc[["x", "y"]].to_numpy(dtype=float)[mask],
                                mode=mode, circuity=circuity)
        out[f"{key}_nearest_km"] = dist / 1000.0
        out[f"{key}_nearest_min"] = minutes
    return pd.DataFrame(out, index=areas.index)
