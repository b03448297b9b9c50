"""Load what planning needs from the database as plain tables (areas, services,
council buildings, imported travel times).  Read-only: nothing here writes.

The gap analysis has its own loader; this one keeps the planning pages
independent of it and feeds the pure code in ``app/analysis`` the columns it
documents.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..models import Area, Building, Service, TravelTime

AREA_LEVEL = "lsoa"


def load_areas(session, *, age_min: int = 13, age_max: int = 19) -> gpd.GeoDataFrame:
    """LSOAs as a GeoDataFrame (EPSG:27700) indexed by code.

    The figures are the gap analysis's own (:func:`app.geodata.figures.lsoa_figures`:
    the youth band from Census age bands, the newest IMD decile, rurality).
    Columns used here: ``name``, ``young_people``, ``imd_decile``, ``rural``
    (True/False/None), ``origin_x``/``origin_y`` (a point inside the area), ``geometry``.
    """
    from ..geodata.figures import lsoa_figures

    gdf = lsoa_figures(session, age_min=age_min, age_max=age_max)
    if gdf.empty:
        return gpd.GeoDataFrame({"name": [], "young_people": [], "imd_decile": [], "rural": [],
                                 "origin_x": [], "origin_y": []},
                                geometry=gpd.GeoSeries([], crs=27700),
                                index=pd.Index([], name="code"))
    gdf = gdf.copy()
    gdf["young_people"] = pd.to_numeric(gdf["young_people"], errors="coerce").fillna(0.0)
    gdf["imd_decile"] = [None if pd.isna(v) else int(v) for v in gdf["imd_decile"]]
    gdf["rural"] = [None if pd.isna(v) else bool(v >= 0.5) for v in gdf.get(
        "rural", pd.Series(np.nan, index=gdf.index))]
    centres = {a.code: (a.centroid_x, a.centroid_y) for a in session.scalars(
        select(Area).where(Area.level == AREA_LEVEL))}
    pts = gdf.geometry.representative_point()
    gdf["origin_x"] = [centres.get(c, (None, None))[0] or p.x for c, p in zip(gdf.index, pts,
                                                                            strict=True)]
    gdf["origin_y"] = [centres.get(c, (None, None))[1] or p.y for c, p in zip(gdf.index, pts,
                                                                            strict=True)]
    return gdf


def service_record(s: Service) -> dict:
    """One live service as a plain dict for the analysis (a copy, never the row)."""
    return {
        "id": s.id, "name": s.name, "service_type": s.service_type,
        "uniformed": bool(s.uniformed), "x": s.x, "y": s.y,
        "cost_model": s.cost_model or "free",
        "cost_amount": float(s.cost_amount) if s.cost_amount is not None else 0.0,
        "sessions_per_week": max(len(s.sessions), 1),
        "evening_weekend": sum(1 for x in s.sessions if x.day >= 5 or x.start.hour >= 17),
        "capacity": s.capacity, "funding_end": s.funding_end,
        "funding_source": s.funding_source, "status": s.status or "active",
        "venue_name": s.venue_name, "proposed": False,
    }


def load_services(session) -> list[dict]:
    rows = session.scalars(select(Service).options(selectinload(Service.sessions))
                           .order_by(Service.name, Service.id)).all()
    return [service_record(s) for s in rows]


def load_buildings(session) -> dict[int, dict]:
    rows = session.scalars(select(Building).order_by(Building.name)).all()
    return {b.id: {"id": b.id, "name": b.name, "x": b.x, "y": b.y, "kind": b.kind}
            for b in rows}


def load_matrix(session, *, to_kind: str, mode: str = "bus") -> pd.DataFrame | None:
    """Imported travel times for ``to_kind`` (service/building), or ``None``."""
    rows = session.execute(select(TravelTime.from_code, TravelTime.to_id, TravelTime.minutes)
                           .where(TravelTime.to_kind == to_kind, TravelTime.mode == mode)).all()
    if not rows:
        return None
    return pd.DataFrame(rows, columns=["from_code", "to_id", "minutes"])


def candidate_minutes(areas: pd.DataFrame, buildings: dict[int, dict], *, mode: str = "bus",
                      matrix: pd.DataFrame | None = None) -> np.ndarray:
    """Minutes from each area to each candidate building (areas x buildings)."""
    from ..analysis.reach import area_origins
    from ..analysis.travel import travel_minutes

    dest = pd.DataFrame([{"x": b["x"], "y": b["y"]} for b in buildings.values()],
                        index=pd.Index([str(k) for k in buildings]))
    if len(dest) == 0:
        return np.zeros((len(areas), 0))
    origins = pd.DataFrame(area_origins(areas), columns=["x", "y"],
                           index=pd.Index([str(c) for c in areas.index]))
    return travel_minutes(origins, dest, mode=mode, matrix=matrix).to_numpy(dtype=float)


def load_wards(session) -> dict[str, dict]:
    """Wards (newest edition first when several exist): ``{code: {name, geometry}}``."""
    rows = session.scalars(select(Area).where(Area.level == "ward")
                           .order_by(Area.edition.desc(), Area.name)).all()
    out: dict[str, dict] = {}
    for a in rows:
        if a.code not in out:
            label = a.name + (f" ({a.edition})" if a.edition else "")
            out[a.code] = {"name": label, "wkb": a.geom_wkb}
    return dict(sorted(out.items(), key=lambda kv: kv[1]["name"]))


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
