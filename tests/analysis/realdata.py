"""Real Herefordshire inputs for tests and benchmarks, read from ../shared
(never copied into the repo).

``lsoa_areas()``: the 117 LSOA 2021 (BGC) with young people 13-19 (Census
2021 bands 0-15 and 16-24 split evenly by single year: 3/16 and 4/9), IMD
2025 score, the IoD2025 Income domain score standing in for IDACI (the
official IDACI score is not in the shared folder), the share in England's
most deprived 20% and rurality (RUC 2021).
``ward_areas()``: the 53 wards (May 2025 BGC) with the same figures summed
or young-people-weighted over the LSOA -> ward 2024 best-fit lookup.
``postcode_xy(pc)``: easting/northing of a live postcode (NSPL Nov 2021).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

HEREFORDSHIRE = Path(__file__).resolve().parents[2].parent / "shared" / "geodata" / "herefordshire"
BNG = "EPSG:27700"


def available() -> bool:
    return (HEREFORDSHIRE / "lsoa2021_bgc_herefordshire.geojson").exists()


@lru_cache(maxsize=1)
def _lsoa() -> gpd.GeoDataFrame:
    g = gpd.read_file(HEREFORDSHIRE / "lsoa2021_bgc_herefordshire.geojson").to_crs(BNG)
    g = g.rename(columns={"LSOA21CD": "code", "LSOA21NM": "name"}).set_index("code")
    pop = pd.read_csv(HEREFORDSHIRE / "census2021_pop_age6_herefordshire_lsoa21.csv",
                      index_col="lsoa21_code")
    iod = pd.read_csv(HEREFORDSHIRE / "iod2025_herefordshire_lsoa21.csv", index_col="lsoa21_code")
    ruc = pd.read_csv(HEREFORDSHIRE / "ruc2021_herefordshire_lsoa21.csv", index_col="lsoa21_code")
    g["young_people"] = (pop["age_0_15"] * 3 / 16 + pop["age_16_24"] * 4 / 9).reindex(g.index)
    g["imd_score"] = iod["IMD_score"].reindex(g.index)
    g["idaci"] = iod["Income_score"].reindex(g.index)
    g["share_most_deprived_20"] = (iod["IMD_decile"] <= 2).astype(float).reindex(g.index)
    g["rural_share"] = (ruc["ruc"] == "Rural").astype(float).reindex(g.index)
    return g[["name", "young_people", "imd_score", "idaci", "share_most_deprived_20",
              "rural_share", "geometry"]]


def lsoa_areas() -> gpd.GeoDataFrame:
    return _lsoa().copy()


def ward_areas() -> gpd.GeoDataFrame:
    lsoa = _lsoa()
    wards = gpd.read_file(HEREFORDSHIRE / "wards2025_bgc_herefordshire.geojson").to_crs(BNG)
    wards = wards.rename(columns={"WD25CD": "code", "WD25NM": "name"}).set_index("code")
    look = pd.read_csv(HEREFORDSHIRE / "lookup_lsoa21_ward24_herefordshire.csv")
    df = lsoa.drop(columns="geometry").join(look.set_index("lsoa21_code")["ward24_code"])
    w = df["young_people"]
    out = pd.DataFrame({"young_people": w.groupby(df["ward24_code"]).sum()})
    for col in ("imd_score", "idaci", "share_most_deprived_20", "rural_share"):
        out[col] = (df[col] * w).groupby(df["ward24_code"]).sum() / out["young_people"]
    return wards[["name", "geometry"]].join(out)


@lru_cache(maxsize=1)
def _postcodes() -> pd.DataFrame:
    pc = pd.read_csv(HEREFORDSHIRE / "postcodes_herefordshire_nspl_nov2021_HR_LD.csv",
                     usecols=["pcds", "doterm", "oseast1m", "osnrth1m"], dtype={"doterm": str})
    return pc[pc["doterm"].isna()].set_index("pcds")


def postcode_xy(postcode: str) -> tuple[float, float]:
    row = _postcodes().loc[postcode]
    return float(row["oseast1m"]), float(row["osnrth1m"])


def live_postcodes() -> pd.DataFrame:
    """Every live postcode: index postcode, columns x, y."""
    pc = _postcodes()
    return pd.DataFrame({"x": pc["oseast1m"].astype(float), "y": pc["osnrth1m"].astype(float)},
                        index=pc.index)


def area_of(areas: gpd.GeoDataFrame, x: float, y: float) -> str:
    from shapely.geometry import Point

    hit = areas[areas.geometry.contains(Point(x, y))]
    if len(hit):
        return hit.index[0]
    return areas.geometry.distance(Point(x, y)).idxmin()


__all__ = ["HEREFORDSHIRE", "area_of", "available", "live_postcodes", "lsoa_areas",
           "postcode_xy", "ward_areas", "np"]
