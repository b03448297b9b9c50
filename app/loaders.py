"""The one loader of analysis inputs: areas, services, council buildings and
imported travel times, read from the database for the gap maps and the
planning pages alike, and kept in :mod:`app.cache` per data version.

Each table is queried once and cached; the gap analysis takes it as a pandas
table (the shapes documented in :mod:`app.analysis`) and planning as plain
records (:mod:`app.analysis.scenario` copies and changes them).  Both views of
one cached query, so the two features cannot disagree about the data.  Survey
responses reach the analysis only as published figures (:mod:`app.publication`).
"""

from __future__ import annotations

import hashlib
from datetime import time

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .cache import cached
from .geodata.crs import BNG
from .models import AREA_LEVELS, Area, Building, Service, TravelTime

EVENING = time(17, 0)
SERVICE_COLUMNS = ["id", "name", "service_type", "uniformed", "x", "y", "cost_model",
                   "cost_amount", "monthly_cost", "sessions_per_week", "evening_weekend",
                   "capacity", "funding_end", "funding_source", "status", "postcode",
                   "outside_council"]


def levels_with_areas(session) -> list[str]:
    have = set(session.scalars(select(Area.level).distinct()).all())
    return [lv for lv in AREA_LEVELS if lv in have]


# ---- areas --------------------------------------------------------------------------

def _band(age_min: int | None, age_max: int | None) -> tuple[int, int]:
    """The age band asked for, else the analysis settings' (never a number of our own)."""
    if age_min is None or age_max is None:
        from .settings import analysis_settings

        settings = analysis_settings()
        age_min = settings.age_min if age_min is None else age_min
        age_max = settings.age_max if age_max is None else age_max
    return int(age_min), int(age_max)


def areas(session, level: str, *, age_min: int | None = None,
          age_max: int | None = None) -> gpd.GeoDataFrame:
    """Areas of ``level`` with their figures (:func:`app.geodata.figures.area_figures`),
    young people counted in the given age band (the analysis settings' by default)."""
    age_min, age_max = _band(age_min, age_max)
    return cached("areas", session, {"level": level, "ages": [age_min, age_max]},
                  lambda: _area_figures(session, level, age_min, age_max), responses=False)


def _area_figures(session, level, age_min, age_max) -> gpd.GeoDataFrame:
    from .geodata.figures import area_figures

    gdf = area_figures(session, level, age_min=age_min, age_max=age_max)
    if len(gdf):
        return gdf
    rows = session.scalars(select(Area).where(Area.level == level).order_by(Area.code)).all()
    return gpd.GeoDataFrame({"name": [a.name for a in rows]},
                            geometry=[a.geometry for a in rows], crs=BNG,
                            index=pd.Index([a.code for a in rows], name="code"))


def population_points(session, level: str, *, age_min: int | None = None,
                      age_max: int | None = None) -> pd.DataFrame | None:
    """Where the young people of each ``level`` area live: LSOA young people spread
    over live residential postcodes (:func:`app.geodata.points.load_points`), or
    ``None`` without population figures.  Age band as :func:`areas`."""
    from .geodata.points import load_points

    age_min, age_max = _band(age_min, age_max)

    return cached("points", session, {"level": level, "ages": [age_min, age_max]},
                  lambda: load_points(session, level, areas(session, level, age_min=age_min,
                                                            age_max=age_max),
                                      age_min=age_min, age_max=age_max), responses=False)


def lsoa_areas(session, *, age_min: int | None = None,
               age_max: int | None = None) -> gpd.GeoDataFrame:
    """LSOAs as planning uses them, indexed by code (EPSG:27700): ``name``,
    ``young_people`` (age band as :func:`areas`), ``imd_decile`` (int or None),
    ``rural`` (True/False/None), ``origin_x``/``origin_y`` (the area's stored centre,
    else a point inside it)."""
    age_min, age_max = _band(age_min, age_max)
    return cached("lsoa-areas", session, {"ages": [age_min, age_max]},
                  lambda: _lsoa_areas(session, age_min, age_max), responses=False)


def _lsoa_areas(session, age_min, age_max) -> gpd.GeoDataFrame:
    from .geodata.figures import lsoa_figures

    gdf = lsoa_figures(session, age_min=age_min, age_max=age_max)
    if gdf.empty:
        return gpd.GeoDataFrame({"name": [], "young_people": [], "imd_decile": [], "rural": [],
                                 "origin_x": [], "origin_y": []},
                                geometry=gpd.GeoSeries([], crs=BNG),
                                index=pd.Index([], name="code"))
    gdf = gdf.copy()
    gdf["young_people"] = pd.to_numeric(gdf["young_people"], errors="coerce").fillna(0.0)
    gdf["imd_decile"] = [None if pd.isna(v) else int(v) for v in gdf["imd_decile"]]
    gdf["rural"] = [None if pd.isna(v) else bool(v >= 0.5) for v in gdf.get(
        "rural", pd.Series(np.nan, index=gdf.index))]
    centres = {a.code: (a.centroid_x, a.centroid_y) for a in session.scalars(
        select(Area).where(Area.level == "lsoa"))}
    pts = gdf.geometry.representative_point()
    gdf["origin_x"] = [centres.get(c, (None, None))[0] or p.x
                       for c, p in zip(gdf.index, pts, strict=True)]
    gdf["origin_y"] = [centres.get(c, (None, None))[1] or p.y
                       for c, p in zip(gdf.index, pts, strict=True)]
    return gdf


def wards(session) -> dict[str, dict]:
    """Wards (newest edition first when several exist): ``{code: {name, wkb}}``."""
    def load():
        rows = session.scalars(select(Area).where(Area.level == "ward")
                               .order_by(Area.edition.desc(), Area.name)).all()
        out: dict[str, dict] = {}
        for a in rows:
            if a.code not in out:
                out[a.code] = {"name": a.name + (f" ({a.edition})" if a.edition else ""),
                               "wkb": a.geom_wkb}
        return dict(sorted(out.items(), key=lambda kv: kv[1]["name"]))

    return cached("wards", session, {}, load, responses=False)


# ---- services -----------------------------------------------------------------------

def _monthly(service) -> float | None:
    from .directory.costs import service_monthly_cost

    return service_monthly_cost(service)


def _service_rows(session) -> list[dict]:
    """Every service (any status) as a plain row, by id: the one services query."""
    def load():
        rows = []
        for s in session.scalars(select(Service).options(selectinload(Service.sessions))
                                 .order_by(Service.id)):
            sessions = list(s.sessions)
            cost = _monthly(s)
            rows.append({
                "id": s.id, "name": s.name, "service_type": s.service_type,
                "uniformed": bool(s.uniformed), "x": s.x, "y": s.y,
                "cost_model": s.cost_model,
                "cost_amount": float(s.cost_amount) if s.cost_amount is not None else None,
                "monthly_cost": np.nan if cost is None else float(cost),
                "sessions_per_week": len(sessions),
                "evening_weekend": sum(1 for x in sessions
                                       if x.day >= 5 or x.start >= EVENING),
                # A neighbouring area's service counts for reach, never as the
                # council's provision: its funding is not the council's to lose
                # (funding cliff, funding risk, grant scenarios).
                "capacity": s.capacity,
                "funding_end": None if s.outside_council else s.funding_end,
                "funding_source": s.funding_source, "status": s.status,
                "postcode": s.postcode, "venue_name": s.venue_name,
                "outside_council": bool(s.outside_council),
            })
        return rows

    return cached("service-rows", session, {}, load, responses=False)


def services(session, *, include_inactive: bool = False) -> pd.DataFrame:
    """Services as the analysis table (see :mod:`app.analysis.services`): active
    ones unless ``include_inactive``."""
    rows = _service_rows(session)
    if not include_inactive:
        rows = [r for r in rows if r["status"] == "active"]
    return pd.DataFrame(rows, columns=SERVICE_COLUMNS)


def service_records(session) -> list[dict]:
    """Every service as a fresh planning record, by name: a copy, never the row.

    A service with no sessions counts one a week, a missing price counts 0 and a
    missing status counts active, as the scenario model documents.
    """
    rows = sorted(_service_rows(session), key=lambda r: (r["name"], r["id"]))
    return [{
        "id": r["id"], "name": r["name"], "service_type": r["service_type"],
        "uniformed": r["uniformed"], "x": r["x"], "y": r["y"],
        "cost_model": r["cost_model"] or "free", "cost_amount": r["cost_amount"] or 0.0,
        "sessions_per_week": max(r["sessions_per_week"], 1),
        "evening_weekend": r["evening_weekend"], "capacity": r["capacity"],
        "funding_end": r["funding_end"], "funding_source": r["funding_source"],
        "status": r["status"] or "active", "venue_name": r["venue_name"], "proposed": False,
        "outside_council": r["outside_council"],
    } for r in rows]


# ---- council buildings --------------------------------------------------------------

def _building_rows(session) -> list[dict]:
    return cached("building-rows", session, {}, lambda: [
        {"id": b.id, "name": b.name, "x": b.x, "y": b.y, "kind": b.kind}
        for b in session.scalars(select(Building).order_by(Building.id))], responses=False)


def buildings(session) -> pd.DataFrame:
    return pd.DataFrame(_building_rows(session), columns=["id", "name", "x", "y", "kind"])


def building_records(session) -> dict[int, dict]:
    """Council buildings by id, in name order, as fresh planning records."""
    rows = sorted(_building_rows(session), key=lambda b: (b["name"], b["id"]))
    return {b["id"]: dict(b) for b in rows}


# ---- travel times -------------------------------------------------------------------

def travel_matrix(session, mode: str, *, to_kind: str = "service",
                  areas: gpd.GeoDataFrame | None = None) -> pd.DataFrame | None:
    """Imported travel times (``from_code``, ``to_id``, ``minutes``) to ``to_kind``
    (service/building) by ``mode``, or ``None`` when none are imported.

    With ``areas`` (the level being mapped), times imported for areas of
    another level (an LSOA matrix when wards are shown, say) stand for each
    mapped area whose origin (``origin_x``/``origin_y`` or representative
    point, as in :func:`app.analysis.reach.area_origins`) lies in that area;
    an area's own imported rows win over borrowed ones.
    """
    codes = "" if areas is None else hashlib.sha256(
        ",".join(map(str, areas.index)).encode()).hexdigest()[:24]
    imported = cached("travel", session, {"mode": mode, "to": to_kind, "areas": codes},
                      lambda: _travel_matrix(session, mode, to_kind, areas), responses=False)
    if imported is not None or to_kind != "service":
        return imported
    return _journey_matrix(session, mode, areas, codes)


def _journey_matrix(session, mode, areas, codes) -> pd.DataFrame | None:
    """Without imported times: the computed journeys (:mod:`app.geodata.journeys`)
    while they match the current data, per area (LSOAs when ``areas`` is None)."""
    from .geodata.journeys import current_journeys, journey_status

    status = journey_status(session)
    if status["basis"] != "network":
        return None

    def build():
        journeys = cached("journeys", session, {"id": status.get("run")},
                          lambda: current_journeys(session), responses=False)
        return None if journeys is None else journeys.matrix(
            mode, areas if areas is not None else lsoa_areas(session))

    return cached("journey-travel", session, {"mode": mode, "areas": codes,
                                              "id": status.get("run")},
                  build, responses=False)


def imported_travel_modes(session, to_kind: str = "service") -> list[str]:
    """The modes with travel times imported from a routing engine to ``to_kind``
    (they win over computed journeys and estimates)."""
    return cached("travel-modes", session, {"to": to_kind}, lambda: sorted(
        session.scalars(select(TravelTime.mode).where(TravelTime.to_kind == to_kind)
                        .distinct())), responses=False)


def _travel_matrix(session, mode, to_kind, areas) -> pd.DataFrame | None:
    rows = session.execute(
        select(TravelTime.from_code, TravelTime.to_id, TravelTime.minutes)
        .where(TravelTime.mode == mode, TravelTime.to_kind == to_kind)
    ).all()
    if not rows:
        return None
    matrix = pd.DataFrame(rows, columns=["from_code", "to_id", "minutes"])
    if areas is None or not len(areas):
        return matrix
    direct = matrix["from_code"].isin(areas.index)
    foreign = sorted(set(matrix.loc[~direct, "from_code"]))
    if not foreign:
        return matrix
    from .analysis.reach import area_origins

    held = session.scalars(select(Area).where(Area.code.in_(foreign))).all()
    if not held:
        return matrix[direct]
    holders = gpd.GeoDataFrame({"holder": [a.code for a in held]},
                               geometry=[a.geometry for a in held], crs=BNG)
    xy = area_origins(areas)
    pts = gpd.GeoDataFrame({"code": list(areas.index)},
                           geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=BNG)
    joined = gpd.sjoin(pts, holders, how="inner", predicate="within")
    joined = joined.drop_duplicates("code")  # overlapping editions: first holder
    own = set(matrix.loc[direct, "from_code"])
    link = joined.loc[~joined["code"].isin(own), ["code", "holder"]]
    borrowed = link.merge(matrix, left_on="holder", right_on="from_code")
    borrowed = borrowed.assign(from_code=borrowed["code"])[["from_code", "to_id", "minutes"]]
    return pd.concat([matrix[direct], borrowed], ignore_index=True)


__all__ = ["areas", "building_records", "buildings", "levels_with_areas", "lsoa_areas",
           "service_records", "services", "travel_matrix", "wards"]


# ---- context for maps with no basemap -------------------------------------------------

def road_lines(session, *, min_kmh: float = 0.0) -> gpd.GeoDataFrame | None:
    """The imported road network's drivable roads as merged lines (EPSG:27700), or
    ``None`` when no network is imported; cached per imported file."""
    from .models import TransportData

    sha = session.scalar(select(TransportData.sha256).where(TransportData.kind == "roads"))
    if sha is None:
        return None

    def compute():
        from .geodata.transport import load_network
        from .maps.context import road_lines as lines

        return lines(load_network(session)[0], min_kmh=min_kmh)

    return cached("road_lines", session, {"sha": sha, "min_kmh": min_kmh}, compute,
                  responses=False)


def context_near(session, x: float, y: float, radius_m: float = 4000.0) -> dict:
    """The context around a point for a map with no basemap: parish (else ward)
    outlines and names, roads, and council buildings, within ``radius_m``."""
    from .maps.context import context_features

    window = (x - radius_m, y - radius_m, x + radius_m, y + radius_m)
    outlines = None
    for level in ("parish", "ward"):
        rows = session.execute(select(Area.name, Area.geom_wkb).where(Area.level == level)).all()
        if rows:
            import shapely

            outlines = gpd.GeoDataFrame({"name": [r.name for r in rows]},
                                        geometry=shapely.from_wkb([r.geom_wkb for r in rows]),
                                        crs=BNG)
            break
    places = [{"name": b.name, "x": b.x, "y": b.y, "kind": b.kind}
              for b in session.scalars(select(Building).where(
                  Building.x.between(window[0], window[2]),
                  Building.y.between(window[1], window[3])))]
    near = radius_m * 0.6  # surely on screen round the point
    return context_features(areas=outlines, roads=road_lines(session), places=places,
                            window=window, label_window=(x - near, y - near, x + near, y + near),
                            tolerance_m=10.0)


def gap_map_context(session) -> dict:
    """Roads for the county-wide gap map: the main roads only (A and B roads), cached
    per imported file."""
    from .maps.context import MAIN_KMH, context_features
    from .models import TransportData

    sha = session.scalar(select(TransportData.sha256).where(TransportData.kind == "roads"))
    if sha is None:
        return context_features()
    return cached("gap_map_context", session, {"sha": sha, "min_kmh": MAIN_KMH},
                  lambda: context_features(roads=road_lines(session, min_kmh=MAIN_KMH),
                                           tolerance_m=40.0), responses=False)
