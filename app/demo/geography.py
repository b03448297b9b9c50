"""Demo county: a generated, deterministic geography, imported like real data.

'Wyvernshire' is made up.  It lies in the North Sea off East Anglia
(British National Grid easting 700-760 km, northing 290-350 km), so it cannot
be mistaken for a real county on a map.  It has a small city (Marlbridge, with
a deprived estate, Brackenhill, on its south-east edge), three market towns,
about 55 villages and hamlets (affluent commuter villages near the city, poor
isolated hamlets on the far coast), about 130 LSOA-like small areas, about 27
wards (unions of LSOAs, as real wards mostly are) and 60 parishes (which, like
real ones, do not follow LSOA boundaries).

Nothing is inserted directly: :func:`write_files` writes the files in the
official formats (LSOA boundaries as RFC 7946 GeoJSON in longitude/latitude,
wards in a GeoPackage, parishes in a Shapefile, IoD2025 with MHCLG's column
names, RUC 2021 with ONS's, population by single year of age, an ONS
postcode-directory style postcode file) with a manifest into a temporary
folder, and :func:`build` imports it with :func:`app.geodata.bundle.import_bundle`,
the code path used for real Herefordshire data.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import geopandas as gpd
import shapely
from pyproj import Transformer

from ..geodata.crs import BNG, WGS84
from .county_plan import (
    CENTRE,
    CITY,
    COUNTY,
    ESTATE,
    IDACI_KNOTS,
    IMD_KNOTS,
    RUC_NAMES,
    TOWNS,
    UNIT_LETTERS,
    _ages,
    _lsoa_profile,
    _normal_rank,
    _rank,
    generate,
)


def write_files(folder: Path, seed: int) -> dict:
    """Write the demo county's files and manifest into ``folder``; return the plan."""
    plan = generate(seed)
    rng = plan["rng"]
    folder = Path(folder)
    lsoa_geoms, kinds = plan["lsoa_geoms"], plan["kinds"]

    # LSOA codes and names, ONS style: numbered by a 'MSOA' (the ward), letter within it.
    lsoa_codes, lsoa_names = [None] * len(lsoa_geoms), [None] * len(lsoa_geoms)
    serial = 0
    for w_number, ward in enumerate(plan["wards"], start=1):
        for letter, i in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", sorted(ward["lsoas"]), strict=False):
            serial += 1
            lsoa_codes[i] = f"E0109{serial:04d}"
            lsoa_names[i] = f"{COUNTY} {w_number:03d}{letter}"
    lsoas = gpd.GeoDataFrame({"LSOA21CD": lsoa_codes, "LSOA21NM": lsoa_names},
                             geometry=lsoa_geoms, crs=BNG)
    # As ONS publishes them: RFC 7946 GeoJSON, longitude/latitude.
    lsoas.to_crs(WGS84).to_file(folder / "lsoa2021_demo.geojson", driver="GeoJSON",
                               COORDINATE_PRECISION=7)
    wards = gpd.GeoDataFrame(
        {"WD25CD": [w["code"] for w in plan["wards"]],
         "WD25NM": [w["name"] for w in plan["wards"]]},
        geometry=[w["geometry"] for w in plan["wards"]], crs=BNG)
    wards.to_file(folder / "wards_demo.gpkg", layer="wards2025", driver="GPKG")
    parish_codes = [f"E0490{n:04d}" for n in range(1, len(plan["parish_geoms"]) + 1)]
    parishes = gpd.GeoDataFrame({"PAR24CD": parish_codes, "PAR24NM": plan["parish_names"]},
                                geometry=plan["parish_geoms"], crs=BNG)
    parishes.to_file(folder / "parishes_demo.shp")

    profiles = [_lsoa_profile(rng, g, k) for g, k in zip(lsoa_geoms, kinds, strict=True)]

    # English Indices of Deprivation 2025, File 7 style (MHCLG's column names).
    iod_cols = [
        "LSOA code (2021)", "LSOA name (2021)",
        "Index of Multiple Deprivation (IMD) Score",
        "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
        "Income Score (rate)", "Education, Skills and Training Score",
        "Income Deprivation Affecting Children Index (IDACI) Score (rate)",
        "Income Deprivation Affecting Children Index (IDACI) Rank (where 1 is most deprived)",
        "Income Deprivation Affecting Children Index (IDACI) Decile (where 1 is most deprived "
        "10% of LSOAs)",
        "Children and Young People Sub-domain Score",
        "Children and Young People Sub-domain Rank (where 1 is most deprived)",
        "Children and Young People Sub-domain Decile (where 1 is most deprived 10% of LSOAs)",
        "Geographical Barriers Sub-domain Score",
        "Geographical Barriers Sub-domain Rank (where 1 is most deprived)",
        "Geographical Barriers Sub-domain Decile (where 1 is most deprived 10% of LSOAs)",
    ]
    with open(folder / "iod2025_demo_file7.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(iod_cols)
        for code, name, p in zip(lsoa_codes, lsoa_names, profiles, strict=True):
            out.writerow([code, name, f"{p['imd']:.3f}", *_rank(p["imd"], IMD_KNOTS),
                          f"{p['income']:.3f}", f"{p['education']:.3f}",
                          f"{p['idaci']:.3f}", *_rank(p["idaci"], IDACI_KNOTS),
                          f"{p['cyp']:.3f}", *_normal_rank(p["cyp"]),
                          f"{p['barriers']:.3f}", *_normal_rank(p["barriers"])])

    # Rural-Urban Classification 2021, ONS column names.
    with open(folder / "ruc2021_demo_lsoa21.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["LSOA21CD", "LSOA21NM", "RUC21CD", "RUC21NM", "Urban_rural_flag"])
        for code, name, p in zip(lsoa_codes, lsoa_names, profiles, strict=True):
            out.writerow([code, name, p["ruc"], RUC_NAMES[p["ruc"]],
                          "Urban" if p["ruc"].startswith("U") else "Rural"])

    # Population by single year of age (mid-year estimate style).
    with open(folder / "population_demo_single_year.csv", "w", newline="",
              encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["lsoa21_code", "lsoa21_name", "total"]
                     + [f"age_{a}" for a in range(90)] + ["age_90_plus"])
        for code, name, p in zip(lsoa_codes, lsoa_names, profiles, strict=True):
            ages = _ages(rng, p["total"], p["youth"])
            out.writerow([code, name, sum(ages), *ages])

    # Postcodes, ONS postcode directory style, in the fictional 'ZZ' area.
    to_wgs = Transformer.from_crs(BNG, WGS84, always_xy=True)
    districts = {CITY["name"]: (1, 4)} | {t["name"]: (5 + k, 5 + k) for k, t in enumerate(TOWNS)}
    used_units: set[str] = set()
    postcode_rows = []
    for code, geom, kind, p in zip(lsoa_codes, lsoa_geoms, kinds, profiles, strict=True):
        c = geom.representative_point()
        if kind == "city":
            low, _high = districts[CITY["name"]]
            district = low + (c.x > CITY["x"]) + 2 * (c.y > CITY["y"])
        elif kind.startswith("town:"):
            district = districts[kind[5:]][0]
        else:
            district = 8 + (c.x > CENTRE[0]) + 2 * (c.y > CENTRE[1])
        minx, miny, maxx, maxy = geom.bounds
        wanted = max(12, p["total"] // 45)
        placed = 0
        while placed < wanted:
            xs = rng.uniform(minx, maxx, 64)
            ys = rng.uniform(miny, maxy, 64)
            for x, y in zip(xs[shapely.contains_xy(geom, xs, ys)],
                            ys[shapely.contains_xy(geom, xs, ys)], strict=True):
                if placed >= wanted:
                    break
                for _attempt in range(50):
                    pc = (f"ZZ{district} {int(rng.integers(1, 10))}"
                          f"{rng.choice(list(UNIT_LETTERS))}{rng.choice(list(UNIT_LETTERS))}")
                    if pc not in used_units:
                        break
                used_units.add(pc)
                lon, lat = to_wgs.transform(x, y)
                terminated = "201912" if rng.uniform() < 0.03 else ""
                postcode_rows.append([pc, "199801", terminated, 0, f"{x:.0f}", f"{y:.0f}", 1,
                                      f"{lat:.6f}", f"{lon:.6f}", code])
                placed += 1
    postcode_rows.sort()
    with open(folder / "postcodes_demo_onspd.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["pcds", "dointr", "doterm", "usertype", "oseast1m", "osnrth1m",
                      "osgrdind", "lat", "long", "lsoa21"])
        out.writerows(postcode_rows)

    (folder / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    plan.update(lsoa_codes=lsoa_codes, profiles=profiles, parish_codes=parish_codes,
                postcodes=len(postcode_rows))
    return plan


MANIFEST = """# Generated demo county (Wyvernshire): same layout and import path as real data.
name: Wyvernshire demo county (fictional)
steps:
  - {kind: areas, file: lsoa2021_demo.geojson, level: lsoa, code_field: LSOA21CD,
     name_field: LSOA21NM, edition: "2021"}
  - {kind: areas, file: wards_demo.gpkg, layer: wards2025, level: ward, code_field: WD25CD,
     name_field: WD25NM, edition: "2025"}
  - {kind: areas, file: parishes_demo.shp, level: parish, code_field: PAR24CD,
     name_field: PAR24NM, parent_level: ward, edition: "2024"}
  - {kind: deprivation, file: iod2025_demo_file7.csv, year: 2025,
     source: "Demo: made-up figures in the form of the English Indices of Deprivation 2025"}
  - {kind: rurality, file: ruc2021_demo_lsoa21.csv, year: 2021,
     source: "Demo: made-up Rural-Urban Classification 2021"}
  - {kind: population, file: population_demo_single_year.csv, year: 2021,
     source: "Demo: made-up population by single year of age"}
  - {kind: postcodes, file: postcodes_demo_onspd.csv,
     source: "Demo: made-up postcodes (fictional ZZ area)"}
"""


def build(session, ctx) -> None:
    """Write the demo county's files, import them as real data, record what follows need."""
    from ..geodata.bundle import import_bundle

    with tempfile.TemporaryDirectory(prefix="yvm-demo-geo-") as tmp:
        plan = write_files(Path(tmp), ctx.seed)
        reports = import_bundle(session, Path(tmp))
    session.flush()
    towns = [{"name": CITY["name"], "kind": "city", "x": CITY["x"], "y": CITY["y"]}] + [
        {"name": t["name"], "kind": "town", "x": t["x"], "y": t["y"]} for t in TOWNS]
    villages = [{"name": n, "kind": "village", "x": x, "y": y}
                for n, (x, y) in zip(plan["parish_names"][1 + len(TOWNS):],
                                     plan["parish_seeds"][1 + len(TOWNS):], strict=True)]
    ctx.info["geography"] = {
        "county": COUNTY,
        "crs": BNG,
        "bounds": tuple(round(v) for v in plan["outline"].bounds),
        "outline_wkt": plan["outline"].wkt,
        "city": CITY["name"],
        "estate": dict(ESTATE),
        "town_centres": towns,
        "villages": villages,
        "ward_codes": [w["code"] for w in plan["wards"]],
        "parish_codes": plan["parish_codes"],
        "lsoa_codes": plan["lsoa_codes"],
        "postcodes": plan["postcodes"],
        "reports": [str(r) for r in reports],
    }
    ctx.info["town_centres"] = towns
