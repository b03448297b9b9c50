"""Areas and where their young people live, cached per data version: the gap
analysis's area table (:func:`areas`), planning's LSOAs (:func:`lsoa_areas`),
the ward list (:func:`wards`) and the population points (:func:`population_points`).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import select

from ..cache import cached
from ..geodata.crs import BNG
from ..models import AREA_LEVELS, Area

__all__ = ["areas", "levels_with_areas", "lsoa_areas", "lsoa_frame", "population_points",
           "wards"]


def levels_with_areas(session) -> list[str]:
    """The area levels (``AREA_LEVELS`` order) that have at least one area."""
    have = set(session.scalars(select(Area.level).distinct()).all())
    return [lv for lv in AREA_LEVELS if lv in have]


def _band(age_min: int | None, age_max: int | None) -> tuple[int, int]:
    """The age band asked for, else the analysis settings' (never a number of our own)."""
    if age_min is None or age_max is None:
        from ..settings import analysis_settings

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


def lsoa_frame(session, age_min: int, age_max: int) -> gpd.GeoDataFrame:
    """The LSOAs' figures for an age band (:func:`app.geodata.lsoa_figures.lsoa_figures`),
    cached per data version: the area figures of every level, the population points and
    planning's LSOAs are all made from this one frame, so a page that asks for several
    of them (or a second level) reads and builds it once.  Read only: never changed."""
    from ..geodata.lsoa_figures import lsoa_figures

    return cached("lsoa-figures", session, {"ages": [age_min, age_max]},
                  lambda: lsoa_figures(session, age_min=age_min, age_max=age_max),
                  responses=False)


def _area_figures(session, level, age_min, age_max) -> gpd.GeoDataFrame:
    from ..geodata.figures import area_figures

    gdf = area_figures(session, level, age_min=age_min, age_max=age_max,
                       lsoas=lsoa_frame(session, age_min, age_max))
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
    from ..geodata.points import load_points

    age_min, age_max = _band(age_min, age_max)

    return cached("points", session, {"level": level, "ages": [age_min, age_max]},
                  lambda: load_points(session, level, areas(session, level, age_min=age_min,
                                                            age_max=age_max),
                                      age_min=age_min, age_max=age_max,
                                      lsoas=lsoa_frame(session, age_min, age_max)),
                  responses=False)


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
    gdf = lsoa_frame(session, age_min, age_max)
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
