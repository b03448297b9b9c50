"""Figures for decision areas (wards, parishes, custom areas) from LSOA data.

``area_figures(session, level)`` is the one function the rest of the service
uses; the per-LSOA figures it shares out come from
:func:`app.geodata.lsoa_figures.lsoa_figures`.  Pure: SQLAlchemy, pandas,
geopandas; no Flask.

Method (also in ``gdf.attrs['method']`` and docs/GEOGRAPHY.md):

1. Every LSOA figure is put on LSOA 2021 areas.  Figures published on LSOA
   2011 (IoD2019, RUC 2011) go through the ONS LSOA 2011 -> 2021 lookup:
   unchanged and split LSOAs take their 2011 parent's value; merged ones take
   the mean of their parents (deciles and classes: the parent's with the most
   people).
2. The youth band (default 13-19) is made from the population file's bands; a
   band only partly inside (Census 2021 '16-24') is split into single years of
   age evenly, and the figure's note says so.
3. Each LSOA is overlaid on the target areas (areal weighting, as tobler's
   ``area_interpolate`` does for counts): an LSOA's people are shared among the
   areas it overlaps in proportion to the overlapping area.  Pieces under 2% of
   an LSOA are slivers of generalised boundaries: their share goes to the
   LSOA's other pieces in proportion; an LSOA at least 97% inside the target
   areas is shared out in full (so county totals are kept), one partly outside
   them (custom areas) only as far as it is inside.
4. Counts are summed.  Scores and rates are population-weighted means: the IMD
   score by all residents (as MHCLG's 'average score'), IDACI and the Children
   and Young People sub-domain by young people in the band.  Deciles are never
   averaged: the area gets the share of its young people living in LSOAs of
   each national decile (``share_most_deprived_20`` = deciles 1-2).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..analysis.arrays import FloatArray
from ..models import Area
from .crs import BNG
from .lsoa_figures import FigureSource, lsoa_figures

SLIVER = 0.02
SNAP = 0.97

COLUMNS = [
    "name", "young_people", "young_people_20_24", "population", "imd_score", "idaci",
    "share_most_deprived_20", "idaci_rank_pct", "idaci_share_most_deprived_20", "cyp_score",
    "cyp_share_most_deprived_20", "rural_share", "uncertain", "uncertain_share",
] + [f"share_imd_decile_{d}" for d in range(1, 11)] + ["inputs"]

METHOD = (
    "LSOA figures (LSOA 2021; 2011 figures via the ONS 2011->2021 lookup) shared among the "
    "areas each LSOA overlaps in proportion to the overlapping area (pieces under 2% of an "
    "LSOA are slivers, their share given to the other pieces; LSOAs 97% or more inside the "
    "areas shared out in full); counts summed; IMD score weighted by all "
    "residents; IDACI and Children and Young People scores weighted by young people in the "
    "band; deciles never averaged: share of young people in LSOAs of each national decile."
)


def overlay_weights(source: gpd.GeoDataFrame, target: gpd.GeoDataFrame) -> pd.DataFrame:
    """Rows (source code, target code, fraction of the source's area), slivers handled.

    The same intersection areas as ``geopandas.overlay`` (and tobler's area
    tables), computed only for pairs whose boxes meet; a source wholly inside a
    target skips the intersection.
    """
    src_geoms = np.asarray(source.geometry.values, dtype=object)
    tgt_geoms = np.asarray(target.geometry.values, dtype=object)
    shapely.prepare(tgt_geoms)
    src_i, tgt_i = shapely.STRtree(tgt_geoms).query(src_geoms, predicate="intersects")
    inside = shapely.contains(tgt_geoms[tgt_i], src_geoms[src_i])
    src_area = shapely.area(src_geoms)
    overlap = np.where(inside, src_area[src_i], 0.0)
    rest = ~inside
    overlap[rest] = shapely.area(shapely.intersection(src_geoms[src_i[rest]],
                                                      tgt_geoms[tgt_i[rest]]))
    table = pd.DataFrame({"src": np.asarray(source.index)[src_i],
                          "tgt": np.asarray(target.index)[tgt_i],
                          "fraction": overlap / src_area[src_i]})
    table = table.groupby(["src", "tgt"], as_index=False)["fraction"].sum()
    covered = table.groupby("src")["fraction"].sum()  # share of each LSOA inside any target
    table = table[table["fraction"] >= SLIVER].copy()
    kept = table.groupby("src")["fraction"].transform("sum")
    goal = covered.reindex(table["src"]).to_numpy()
    goal = np.where(goal >= SNAP, 1.0, goal)
    table["fraction"] = table["fraction"].to_numpy() * goal / kept.to_numpy()
    return table


def _weighted(matrix: FloatArray, values: FloatArray, weights: FloatArray) -> FloatArray:
    """Population-weighted mean per target, ignoring sources where the value is missing."""
    weights = np.nan_to_num(weights, nan=0.0)  # an LSOA with no population counts for nothing
    present = ~np.isnan(values)
    num = matrix @ np.where(present, values * weights, 0.0)
    den = matrix @ np.where(present, weights, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def area_figures(session: Session, level: str, *, age_min: int = 13, age_max: int = 19,
                 deprivation_year: int | None = None,
                 lsoas: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Figures for every area of ``level``, indexed by area code (EPSG:27700).

    Columns: name, geometry, young_people (float), young_people_20_24,
    population, imd_score, idaci, share_most_deprived_20,
    idaci_share_most_deprived_20, cyp_score, cyp_share_most_deprived_20,
    rural_share, share_imd_decile_1..10, inputs (the LSOAs and the share of
    each used).  Missing figures are NaN.  ``attrs['sources']`` maps each figure
    to {source, year, note}; ``attrs['method']`` describes the method.
    ``deprivation_year`` picks an edition of the Indices (default: the newest,
    IoD2025 on LSOA 2021, else IoD2019 through the 2011 -> 2021 lookup).
    ``lsoas``: :func:`lsoa_figures` for that band and edition when the caller already
    has it (read, never changed); else it is worked out here.
    """
    if lsoas is None:
        lsoas = lsoa_figures(session, age_min=age_min, age_max=age_max,
                             deprivation_year=deprivation_year)
    sources: dict[str, FigureSource] = dict(lsoas.attrs["sources"])
    if level == "lsoa":
        target = lsoas[["name", "geometry"]].copy()
        table = pd.DataFrame({"src": lsoas.index, "tgt": lsoas.index, "fraction": 1.0})
    else:
        areas = session.scalars(select(Area).where(Area.level == level)
                                .order_by(Area.code)).all()
        target = gpd.GeoDataFrame(
            {"name": [a.name for a in areas]}, geometry=[a.geometry for a in areas], crs=BNG,
            index=pd.Index([a.code for a in areas], name="code"),
        )
        if target.empty or lsoas.empty:
            table = pd.DataFrame({"src": [], "tgt": [], "fraction": []})
        else:
            table = overlay_weights(lsoas, target)
    src_pos = {c: i for i, c in enumerate(lsoas.index)}
    tgt_pos = {c: i for i, c in enumerate(target.index)}
    matrix = np.zeros((len(target), len(lsoas)))
    for src, tgt, frac in table.itertuples(index=False):
        matrix[tgt_pos[tgt], src_pos[src]] = frac

    def col(name: str) -> FloatArray:
        values: FloatArray = lsoas[name].astype(float).to_numpy()
        return values

    young = col("young_people")
    if np.isnan(young).all():
        young = np.ones(len(lsoas), dtype=np.float64)
    population = col("population")
    if np.isnan(population).all():
        population = young
    out = target.copy()
    out["young_people"] = matrix @ np.nan_to_num(col("young_people"), nan=0.0) \
        if not np.isnan(col("young_people")).all() else np.nan
    out["young_people_20_24"] = matrix @ np.nan_to_num(col("young_people_20_24"), nan=0.0) \
        if not np.isnan(col("young_people_20_24")).all() else np.nan
    out["population"] = matrix @ np.nan_to_num(col("population"), nan=0.0) \
        if not np.isnan(col("population")).all() else np.nan
    out["imd_score"] = _weighted(matrix, col("imd_score"), population)
    out["idaci"] = _weighted(matrix, col("idaci"), young)
    out["cyp_score"] = _weighted(matrix, col("cyp_score"), young)
    # Rounded so that equal ranks stay equal after weighting (x * w / w drifts).
    out["idaci_rank_pct"] = np.round(_weighted(matrix, col("idaci_rank_pct"), young), 9)
    decile = col("imd_decile")
    for d in range(1, 11):
        out[f"share_imd_decile_{d}"] = _weighted(
            matrix, np.where(np.isnan(decile), np.nan, (decile == d).astype(float)), young)
        imd_deciles = sources.get("share_most_deprived_20")
        note = f"share of young people in IMD decile {d}"
        sources[f"share_imd_decile_{d}"] = {**imd_deciles, "note": note} \
            if imd_deciles is not None else {"note": note}
    for out_name, dec_name in (("share_most_deprived_20", "imd_decile"),
                               ("idaci_share_most_deprived_20", "idaci_decile"),
                               ("cyp_share_most_deprived_20", "cyp_decile")):
        dec = col(dec_name)
        out[out_name] = _weighted(matrix, np.where(np.isnan(dec), np.nan, (dec <= 2) * 1.0),
                                  young)
    out["rural_share"] = _weighted(matrix, col("rural"), young)
    from .coverage import uncertain_flags  # postcode coverage stored with the import

    coverage = uncertain_flags(session, lsoas.index)
    if coverage is not None:
        flags, cover = coverage
        out["uncertain_share"] = _weighted(matrix, flags, young)
        out["uncertain"] = out["uncertain_share"].fillna(0) >= cover["threshold"]
        sources["uncertain"] = cover
    inputs: dict[str, list[str]] = {code: [] for code in target.index}
    for src, tgt, frac in table.sort_values(["tgt", "src"]).itertuples(index=False):
        inputs[tgt].append(f"{src} ({frac:.0%})")
    out["inputs"] = [", ".join(inputs[c]) for c in target.index]
    out = out[[c for c in COLUMNS if c in out.columns] + ["geometry"]]
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=BNG)
    out.index.name = "code"
    out.attrs["sources"] = sources
    out.attrs["method"] = METHOD
    out.attrs["age_band"] = (age_min, age_max)
    out.attrs["level"] = level
    return out
