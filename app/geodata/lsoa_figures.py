"""Figures on the imported LSOAs (LSOA 2021), the inputs of every area's figures.

``lsoa_figures(session)`` gives one row per imported LSOA with its population, the
youth band, the deprivation measures and rurality, and ``attrs['sources']`` (each
figure's source, year and note).  :func:`app.geodata.figures.area_figures` shares
these out over any area level.  Pure: SQLAlchemy, pandas, geopandas; no Flask.

1. Every LSOA figure is put on LSOA 2021 areas.  Figures published on LSOA
   2011 (IoD2019, RUC 2011) go through the ONS LSOA 2011 -> 2021 lookup
   (``_Lsoa21``): unchanged and split LSOAs take their 2011 parent's value
   (a split parent's count shared evenly); merged ones take the mean of their
   parents (deciles and classes: the parent's with the most people).
2. The youth band (default 13-19) is made from the population file's bands; a
   band only partly inside (Census 2021 '16-24') is split into single years of
   age evenly, and the figure's note says so.
"""

from __future__ import annotations

from typing import Literal, NamedTuple, NotRequired, TypedDict

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..models import Area, AreaIndicator, LsoaLookup
from .crs import BNG
from .population import OPEN_END, parse_band_name


class FigureSource(TypedDict):
    """Where one figure comes from (``attrs['sources'][figure]`` of the figure frames)."""

    # Missing only from the IMD decile shares when no IMD deciles were imported.
    source: NotRequired[str]
    year: NotRequired[int | None]  # None: nothing was imported for it
    note: str | None
    # Only the uncertain flag's: the share of an area's young people in uncertain LSOAs
    # that makes the area uncertain.
    threshold: NotRequired[float]


# How an LSOA 2011 figure goes onto LSOA 2021: ``count`` (shared evenly among the
# children of a split LSOA), ``mean`` (of merged parents, weighted by people where
# known) or ``first`` (the value of the parent with the most people: deciles, classes).
How = Literal["count", "mean", "first"]

# LSOAs in England in each edition of the Indices (national ranks run 1..N).
NATIONAL_LSOAS = {2019: 32844, 2025: 33755}
USED = ("imd_score", "imd_decile", "idaci_score", "idaci_rate_approx", "idaci_decile",
        "idaci_rank",
        "children_young_people_score", "children_young_people_decile", "rural",
        "pop_total_mid2015", "population_total")


def _indicators(session: Session) -> pd.DataFrame:
    """The LSOA indicators figures use: code, name, value, year, source (one query each)."""
    wanted = (AreaIndicator.level == "lsoa", or_(
        AreaIndicator.name.in_(USED), AreaIndicator.name.like("population_age_%")))
    rows = session.execute(select(
        AreaIndicator.area_code, AreaIndicator.name, AreaIndicator.value, AreaIndicator.year,
    ).where(*wanted)).all()
    frame = pd.DataFrame(rows, columns=["code", "name", "value", "year"])
    sources = session.execute(select(AreaIndicator.name, AreaIndicator.year,
                                     func.min(AreaIndicator.source)).where(*wanted)
                              .group_by(AreaIndicator.name, AreaIndicator.year)).all()
    lookup = {(n, y): src for n, y, src in sources}
    frame["source"] = [lookup[(n, y)] for n, y in zip(frame["name"], frame["year"],
                                                       strict=True)]
    return frame


class _Lsoa21:
    """Put figures published on either LSOA edition onto the imported LSOA 2021 codes."""

    def __init__(self, session: Session, codes: list[str]) -> None:
        self.codes = codes
        self.parents: dict[str, list[str]] = {}
        self.children: dict[str, int] = {}
        for old, new in session.execute(select(LsoaLookup.lsoa11, LsoaLookup.lsoa21)):
            self.parents.setdefault(new, []).append(old)
            self.children[old] = self.children.get(old, 0) + 1

    def values(self, series: pd.Series, *, how: How = "mean",
               weights: pd.Series | None = None) -> pd.Series:
        """``series`` (indexed by LSOA code, either edition) on the LSOA 2021 codes."""
        series = series.astype(float)
        out = series.reindex(self.codes)
        have = set(series.index)
        for code in self.codes:
            if code in have or code not in self.parents:
                continue
            parents = [p for p in self.parents[code] if p in have]
            if not parents:
                continue
            vals = series[parents]
            w = None
            if weights is not None and weights.reindex(parents).notna().all():
                w = weights[parents].astype(float)
            if how == "count":  # a split parent's count is shared evenly among its children
                out[code] = float(sum(series[p] / self.children[p] for p in parents))
            elif how == "mean":
                out[code] = float((vals * w).sum() / w.sum()) if w is not None and w.sum() \
                    else float(vals.mean())
            else:  # the value of the parent with the most people (deciles, classes)
                out[code] = float(vals[w.idxmax()] if w is not None else vals.iloc[0])
        return out


class _Newest(NamedTuple):
    """One indicator's rows of one year (indexed by LSOA code), and that year."""

    rows: pd.DataFrame
    year: int

    def source(self, note: str | None = None) -> FigureSource:
        """The figure's source: the file the rows came from, their year and ``note``."""
        return {"source": str(self.rows["source"].iloc[0]), "year": int(self.year),
                "note": note}


class _Measure(NamedTuple):
    """A measure put on the LSOA 2021 codes, and the rows and year it came from."""

    on_lsoas: pd.Series
    newest: _Newest


def _newest(ind: pd.DataFrame, name: str, year: int | None = None) -> _Newest | None:
    """The rows of ``name`` for ``year`` or else its newest year, or ``None``."""
    rows = ind[ind["name"] == name]
    if year is not None:
        rows = rows[rows["year"] == year]
    if rows.empty:
        return None
    year = int(rows["year"].max())
    return _Newest(rows[rows["year"] == year].set_index("code"), year)


def _youth_band(ind: pd.DataFrame, total: _Newest, mapper: _Lsoa21, age_min: int,
                age_max: int) -> tuple[dict[str, pd.Series], dict[str, FigureSource]]:
    """The population, the youth band and 20-24 on the LSOA 2021 codes, with sources."""
    year_rows = ind[(ind["year"] == total.year) & ind["name"].str.startswith("population_age_")]
    wide = year_rows.pivot_table(index="code", columns="name", values="value",
                                 aggfunc="sum").fillna(0.0)
    young_w: list[float] = []
    send_w: list[float] = []
    split: list[str] = []
    for band_label in wide.columns:
        parsed = parse_band_name(band_label)
        if parsed is None:
            raise ValueError(f"{band_label!r} is not an age band")
        low, high = parsed
        top = OPEN_END - 1 if high is None else high
        width = top - low + 1
        for weights, lo_t, hi_t in ((young_w, age_min, age_max), (send_w, 20, 24)):
            overlap = max(0, min(top, hi_t) - max(low, lo_t) + 1)
            weights.append(overlap / width)
            if 0 < overlap < width and weights is young_w:
                split.append(f"{low}-{'' if high is None else high}")
    young = wide.to_numpy() @ np.array(young_w)
    send = wide.to_numpy() @ np.array(send_w)
    columns = {
        "population": mapper.values(total.rows["value"], how="count"),
        "young_people": mapper.values(pd.Series(young, index=wide.index),
                                      how="count").fillna(0.0),
        "young_people_20_24": mapper.values(pd.Series(send, index=wide.index),
                                            how="count").fillna(0.0),
    }
    band = f"{age_min}-{age_max}"
    note = (f"young people aged {band}; " + (
        f"the published band(s) {', '.join(split)} were split into single years of age "
        "evenly (no better data given)" if split else "exact from the published ages"))
    sources = {
        "young_people": total.source(note),
        "young_people_20_24": total.source(
            "aged 20-24, shown separately (the SEND extension of the "
            "youth-services duty); bands split into single years evenly where needed"),
        "population": total.source("all usual residents"),
    }
    return columns, sources


def lsoa_figures(session: Session, *, age_min: int = 13, age_max: int = 19,
                 deprivation_year: int | None = None) -> gpd.GeoDataFrame:
    """Per-LSOA figures on the imported LSOAs, with ``attrs['sources']``.

    ``deprivation_year`` picks an edition of the Indices (2019, 2025); by
    default the newest imported edition of each measure is used.
    """
    if age_min > age_max:
        raise ValueError("age_min must not be greater than age_max")
    areas = session.scalars(select(Area).where(Area.level == "lsoa").order_by(Area.code)).all()
    codes = [a.code for a in areas]
    gdf = gpd.GeoDataFrame(
        {"name": [a.name for a in areas]},
        geometry=[a.geometry for a in areas], crs=BNG, index=pd.Index(codes, name="code"),
    )
    sources: dict[str, FigureSource] = {}
    ind = _indicators(session)
    mapper = _Lsoa21(session, codes)

    # Population and the youth band.
    total = _newest(ind, "population_total")
    weights11 = None
    if total is not None:
        columns, band_sources = _youth_band(ind, total, mapper, age_min, age_max)
        for name, column in columns.items():
            gdf[name] = column
        sources.update(band_sources)
    else:
        gdf["population"] = np.nan
        gdf["young_people"] = np.nan
        gdf["young_people_20_24"] = np.nan
        sources["young_people"] = {"source": "none imported", "year": None,
                                   "note": "no population file imported: LSOAs weighted equally"}
    pop2015 = ind[(ind["name"] == "pop_total_mid2015")]
    if not pop2015.empty:
        weights11 = pop2015.set_index("code")["value"]

    # Deprivation: the newest edition of each measure.
    def measure(name: str, how: How = "mean") -> _Measure | None:
        newest = _newest(ind, name, deprivation_year)
        if newest is None:
            return None
        values = mapper.values(newest.rows["value"].astype(float), how=how, weights=weights11)
        return _Measure(values, newest)

    imd = measure("imd_score")
    gdf["imd_score"] = imd.on_lsoas.values if imd is not None else np.nan
    if imd is not None:
        sources["imd_score"] = imd.newest.source("IMD score, population-weighted")
    dec = measure("imd_decile", how="first")
    gdf["imd_decile"] = dec.on_lsoas.values if dec is not None else np.nan
    if dec is not None:
        sources["share_most_deprived_20"] = dec.newest.source(
            "share of young people in LSOAs of national IMD decile 1 or 2")
        sources["imd_decile"] = dec.newest.source("national IMD decile, 1 = most deprived 10%")

    idaci_note = ""  # set whenever idaci is found
    idaci = measure("idaci_score")
    if idaci is not None:
        idaci_note = "IDACI score (rate of children in income-deprived households)"
    else:
        idaci = measure("idaci_rate_approx")
        if idaci is not None:
            idaci_note = ("approximate IDACI rate: published numerator (rounded, partly "
                          "suppressed) / mid-2015 children 0-15; missing where suppressed")
    gdf["idaci"] = idaci.on_lsoas.values if idaci is not None else np.nan
    if idaci is not None:
        sources["idaci"] = idaci.newest.source(idaci_note + ", weighted by young people")
    idec = measure("idaci_decile", how="first")
    gdf["idaci_decile"] = idec.on_lsoas.values if idec is not None else np.nan
    if idec is not None:
        sources["idaci_share_most_deprived_20"] = idec.newest.source(
            "share of young people in LSOAs of national IDACI decile 1 or 2")
    irank = measure("idaci_rank", how="first")
    gdf["idaci_rank_pct"] = np.nan
    if irank is not None:  # official, never suppressed: 1 = most deprived in England
        year = irank.newest.year
        total_lsoas = NATIONAL_LSOAS.get(year, 32844 if year < 2021 else 33755)
        gdf["idaci_rank_pct"] = (1.0 - (irank.on_lsoas.values - 1.0)
                                 / (total_lsoas - 1.0)).clip(0, 1)
        sources["idaci_rank_pct"] = irank.newest.source(
            "official IDACI national rank as a percentile (1 = most deprived LSOA in England)")
    cyp = measure("children_young_people_score")
    gdf["cyp_score"] = cyp.on_lsoas.values if cyp is not None else np.nan
    if cyp is not None:
        sources["cyp_score"] = cyp.newest.source("Children and Young People sub-domain score, "
                                                 "weighted by young people")
    cdec = measure("children_young_people_decile", how="first")
    gdf["cyp_decile"] = cdec.on_lsoas.values if cdec is not None else np.nan
    if cdec is not None:
        sources["cyp_share_most_deprived_20"] = cdec.newest.source(
            "share of young people in LSOAs of national Children and Young People "
            "sub-domain decile 1 or 2")

    rural_rows = _newest(ind, "rural")
    rural = None if rural_rows is None else mapper.values(
        rural_rows.rows["value"].astype(float), how="first", weights=weights11)
    gdf["rural"] = rural.values if rural is not None else np.nan
    if rural_rows is not None:
        sources["rural_share"] = rural_rows.source("share of young people in rural LSOAs")
    gdf.attrs["sources"] = sources
    gdf.attrs["age_band"] = (age_min, age_max)
    return gdf
