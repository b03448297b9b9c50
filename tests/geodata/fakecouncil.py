"""A second council cut out of the real Herefordshire files, in national-file shapes.

"Westshire" (code :data:`CODE`) is Herefordshire's wards west of
:data:`WEST_OF` metres easting and the LSOAs that lie mostly in them, re-labelled
with its own local authority code.  The rest keeps Herefordshire's code, so
every file below holds *two* councils' rows, like the national files a
council downloads:

* ``LSOA_2021_EW_BGC.geojson``: ONS LSOA 2021 boundaries (no LAD field);
* ``WD25_UK_BGC.gpkg``: ONS ward 2025 boundaries with ``LAD25CD`` (BNG);
* ``LSOA11_LSOA21_LAD22_EW_LU.csv``: ONS lookup with ONS's column names;
* ``File_7_IoD2025.csv``: MHCLG's long column names, with the LA code;
* ``RUC21_LSOA21_EW.csv``, ``census2021-ts007a-lsoa.csv`` (Census bulk-table headings):
  no LA column;
* ``NSPL_NOV_2021_UK.csv``: the HR area only (so the directory is partial);
* ``hr.csv``, ``ld.csv``, ...: Code-Point Open as published, one file per postcode area,
  **no header row**.

Only ``../shared`` is read; the files go into a temporary folder.
"""

from __future__ import annotations

import atexit
import csv
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from tests.conftest import HEREFORDSHIRE

CODE = "E07000999"
OTHER = "E06000019"
WEST_OF = 345_000
GPKG = HEREFORDSHIRE / "herefordshire_boundaries_bng.gpkg"


@lru_cache(maxsize=1)
def split() -> tuple[frozenset, frozenset]:
    """(Westshire's ward codes, its LSOA 2021 codes)."""
    wards = gpd.read_file(GPKG, layer="wards2025_bgc")
    lsoas = gpd.read_file(GPKG, layer="lsoa2021_bgc")
    west = wards[wards.geometry.representative_point().x < WEST_OF]
    union = west.geometry.union_all()
    share = lsoas.geometry.intersection(union).area / lsoas.geometry.area
    return frozenset(west["WD25CD"]), frozenset(lsoas.loc[share > 0.5, "LSOA21CD"])


@lru_cache(maxsize=4)
def _written(mix_other: bool, modern_nspl: bool) -> Path:
    """The files for these options, written once per process into a folder of its own
    (removed when the process ends): 0.7 s of CPU a time, and eight tests ask."""
    folder = Path(tempfile.mkdtemp(prefix="yvm-fakecouncil-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    _write(folder, mix_other=mix_other, modern_nspl=modern_nspl)
    return folder


def write(folder, *, mix_other: bool = True, modern_nspl: bool = False):
    """Write Westshire's files into ``folder`` (with Herefordshire's rows when ``mix_other``).

    ``modern_nspl``: the postcode directory with the 2024-on NSPL's column names
    (``lad25cd``, ``east1m``/``north1m``, ``usrtypind``, ``lsoa21cd`` beside ``lsoa11cd``).
    The files are copies of the ones written the first time these options were asked
    for in this process: a test may change or delete its own copies.
    """
    folder = Path(folder)
    for path in sorted(_written(mix_other, modern_nspl).iterdir()):
        shutil.copyfile(path, folder / path.name)
    return folder


def _write(folder, *, mix_other: bool, modern_nspl: bool):
    ward_codes, lsoa_codes = split()

    def la(lsoa21):
        return CODE if lsoa21 in lsoa_codes else OTHER

    def keep(codes):
        return codes.map(lambda c: mix_other or la(c) == CODE)

    lsoas = gpd.read_file(HEREFORDSHIRE / "lsoa2021_bgc_herefordshire.geojson")
    lsoas[keep(lsoas["LSOA21CD"])].to_file(folder / "LSOA_2021_EW_BGC.geojson",
                                           driver="GeoJSON")
    wards = gpd.read_file(GPKG, layer="wards2025_bgc")
    wards["LAD25CD"] = [CODE if c in ward_codes else OTHER for c in wards["WD25CD"]]
    wards = wards[wards["LAD25CD"].eq(CODE) | mix_other]
    wards.to_file(folder / "WD25_UK_BGC.gpkg", driver="GPKG")

    look = pd.read_csv(HEREFORDSHIRE / "lookup_lsoa11_lsoa21_herefordshire.csv")
    ons = pd.DataFrame({"LSOA11CD": look["lsoa11_code"], "LSOA11NM": look["lsoa11_name"],
                        "CHGIND": look["change_code"], "LSOA21CD": look["lsoa21_code"],
                        "LSOA21NM": look["lsoa21_name"],
                        "LAD22CD": look["lsoa21_code"].map(la), "LAD22NM": "x"})
    ons[keep(ons["LSOA21CD"])].to_csv(folder / "LSOA11_LSOA21_LAD22_EW_LU.csv", index=False)
    parent = dict(zip(look["lsoa11_code"], look["lsoa21_code"], strict=False))

    iod = pd.read_csv(HEREFORDSHIRE / "iod2025_herefordshire_lsoa21.csv")
    mhclg = pd.DataFrame({
        "LSOA code (2021)": iod["lsoa21_code"],
        "Local Authority District code (2024)": iod["lsoa21_code"].map(la),
        "Index of Multiple Deprivation (IMD) Score": iod["IMD_score"],
        "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)": iod["IMD_rank"],
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)":
            iod["IMD_decile"],
    })
    mhclg[keep(mhclg["LSOA code (2021)"])].to_csv(folder / "File_7_IoD2025.csv", index=False)

    ruc = pd.read_csv(HEREFORDSHIRE / "ruc2021_herefordshire_lsoa21.csv")
    ruc = ruc.rename(columns={"lsoa21_code": "LSOA21CD", "ruc21_code": "RUC21CD",
                              "classification": "RUC21NM"})
    ruc[keep(ruc["LSOA21CD"])].to_csv(folder / "RUC21_LSOA21_EW.csv", index=False)
    # Census 2021 in the headings of ONS's bulk tables (TS007A style), all LSOAs.
    pop = pd.read_csv(HEREFORDSHIRE / "census2021_pop_age6_herefordshire_lsoa21.csv")
    ts = pd.DataFrame({"date": 2021, "geography": pop["lsoa21_name"],
                       "geography code": pop["lsoa21_code"], "Age: Total": pop["total"],
                       "Age: Aged 15 years and under": pop["age_0_15"],
                       "Age: Aged 16 to 24 years": pop["age_16_24"],
                       "Age: Aged 25 to 34 years": pop["age_25_34"],
                       "Age: Aged 35 to 49 years": pop["age_35_49"],
                       "Age: Aged 50 to 64 years": pop["age_50_64"],
                       "Age: Aged 65 years and over": pop["age_65_plus"]})
    ts[keep(ts["geography code"])].to_csv(folder / "census2021-ts007a-lsoa.csv", index=False)

    nspl = pd.read_csv(HEREFORDSHIRE / "postcodes_herefordshire_nspl_nov2021_HR_LD.csv",
                       dtype=str, keep_default_na=False)
    nspl = nspl[nspl["pcds"].str.startswith("HR")]
    nspl["laua"] = nspl["lsoa11"].map(lambda c: la(parent.get(c, "")))
    nspl = nspl[keep(nspl["lsoa11"].map(lambda c: parent.get(c, "")))]
    if modern_nspl:
        nspl = nspl.assign(lsoa21cd=nspl["lsoa11"].map(parent)).rename(columns={
            "laua": "lad25cd", "oseast1m": "east1m", "osnrth1m": "north1m",
            "usertype": "usrtypind", "lsoa11": "lsoa11cd"})
    nspl.to_csv(folder / ("NSPL_MAY_2025_UK.csv" if modern_nspl else "NSPL_NOV_2021_UK.csv"),
                index=False)
    # Code-Point Open: every area; a point's council by the LSOA it lies in.
    cp = pd.read_csv(HEREFORDSHIRE / "postcodes_herefordshire_codepoint_open_2014.csv",
                     dtype=str, keep_default_na=False)
    pts = gpd.GeoDataFrame(cp, geometry=gpd.points_from_xy(cp["easting"].astype(float),
                                                           cp["northing"].astype(float)),
                           crs=27700)
    where = gpd.sjoin_nearest(pts, gpd.read_file(GPKG, layer="lsoa2021_bgc")[
        ["LSOA21CD", "geometry"]], how="left")
    where = where[~where.index.duplicated()]
    cp["admin_district_code"] = where["LSOA21CD"].map(la)
    cp = cp[cp["admin_district_code"].eq(CODE) | mix_other]
    for area, rows in cp.groupby("postcode_area"):  # one file per postcode area
        with (folder / f"{area.lower()}.csv").open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            for r in rows.itertuples(index=False):
                out.writerow([r.postcode, r.pqi, r.easting, r.northing, "E92000001", "", "",
                              "", r.admin_district_code, r.admin_ward_code])
    return folder
