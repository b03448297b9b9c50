"""Geometry for planning's inputs, on the tables :mod:`app.inputs` gives: minutes
from areas to candidate sites, and the areas in chosen wards.  No database, no
Flask."""

from __future__ import annotations

import numpy as np
import pandas as pd


def candidate_minutes(areas: pd.DataFrame, candidates: dict, *, mode: str = "bus",
                      matrix: pd.DataFrame | None = None) -> np.ndarray:
    """Minutes from each area to each candidate site (areas x candidates)."""
    from ..analysis.reach import area_origins
    from ..analysis.travel import travel_minutes

    dest = pd.DataFrame([{"x": b["x"], "y": b["y"]} for b in candidates.values()],
                        index=pd.Index([str(k) for k in candidates]))
    if len(dest) == 0:
        return np.zeros((len(areas), 0))
    origins = pd.DataFrame(area_origins(areas), columns=["x", "y"],
                           index=pd.Index([str(c) for c in areas.index]))
    return travel_minutes(origins, dest, mode=mode, matrix=matrix).to_numpy(dtype=float)


def areas_in_wards(areas: pd.DataFrame, wards: dict[str, dict], codes) -> list[str]:
    """LSOA codes whose origin point lies in one of the wards ``codes``."""
    import shapely

    shapes = [shapely.from_wkb(wards[c]["wkb"]) for c in codes if c in wards]
    if not shapes:
        return []
    union = shapely.union_all(shapes)
    pts = shapely.points(areas["origin_x"].to_numpy(dtype=float),
                         areas["origin_y"].to_numpy(dtype=float))
    inside = shapely.contains_xy(union, shapely.get_x(pts), shapely.get_y(pts))
    return [str(c) for c, hit in zip(areas.index, inside, strict=True) if hit]
