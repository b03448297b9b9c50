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
import math
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, Point, Polygon

COUNTY = "Wyvernshire"
CENTRE = (730000.0, 320000.0)
RADIUS = 25000.0
CITY = {"name": "Marlbridge", "x": 728000.0, "y": 318000.0, "radius": 4200.0, "lsoas": 40}
ESTATE = {"name": "Brackenhill", "x": 731000.0, "y": 315600.0, "radius": 1300.0, "lsoas": 6}
TOWNS = [
    {"name": "Kestrelford", "x": 712500.0, "y": 333000.0, "radius": 1800.0, "lsoas": 9,
     "poorer": False},
    {"name": "Wenlow", "x": 744500.0, "y": 333500.0, "radius": 1600.0, "lsoas": 8,
     "poorer": False},
    {"name": "Hollinsby", "x": 738000.0, "y": 300500.0, "radius": 1700.0, "lsoas": 8,
     "poorer": True},
]
RURAL_LSOAS = 66
RURAL_PARISHES = 56
WARD_SEEDS = {"city": 9, "town": 2, "rural": 13}
N_LSOA_ENGLAND = 33755

# National distribution of IMD scores and IDACI rates (IoD2019, England):
# values at every 5th percentile, used to turn a made-up score into a
# plausible national rank and decile.
IMD_KNOTS = [0.54, 4.32, 5.91, 7.32, 8.62, 9.91, 11.3, 12.74, 14.24, 15.87, 17.65, 19.54,
             21.55, 23.81, 26.57, 29.58, 33.25, 37.84, 43.86, 53.72, 92.73]
IDACI_KNOTS = [0.016, 0.043, 0.054, 0.063, 0.073, 0.083, 0.093, 0.106, 0.118, 0.132, 0.147,
               0.164, 0.182, 0.202, 0.224, 0.248, 0.274, 0.305, 0.344, 0.405, 1.0]
QUANTILES = np.linspace(0, 1, 21)

PREFIXES = ["Ash", "Brook", "Cold", "Drey", "Elm", "Fern", "Gold", "Hazel", "Iver", "Kings",
            "Lang", "Mill", "Nether", "Oak", "Pen", "Red", "Stan", "Thorn", "Up", "Wold",
            "Bram", "Crow", "Dun", "Fox", "Grey", "Hart", "Lud", "Moss", "Rook", "Sal"]
SUFFIXES = ["by", "ford", "ham", "ley", "ton", "well", "combe", "stead", "thorpe", "wick",
            "hurst", "marsh"]
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

RUC_NAMES = {
    "UN1": "Urban: Nearer to a major town or city",
    "UF1": "Urban: Further from a major town or city",
    "RLN1": "Larger rural: Nearer to a major town or city",
    "RLF1": "Larger rural: Further from a major town or city",
    "RSN1": "Smaller rural: Nearer to a major town or city",
    "RSF1": "Smaller rural: Further from a major town or city",
}


def _outline(rng) -> Polygon:
    phase = rng.uniform(0, 2 * math.pi)
    points = []
    for k in range(180):
        t = 2 * math.pi * k / 180
        r = RADIUS * (1 + 0.13 * math.sin(3 * t + phase) + 0.07 * math.sin(5 * t + 1.3)
                      + 0.03 * math.sin(11 * t))
        points.append((CENTRE[0] + r * math.cos(t), CENTRE[1] + 0.9 * r * math.sin(t)))
    return Polygon(points)


def _scatter(rng, n, centre, radius, outline, *, min_gap=0.0, avoid=()):
    """``n`` points in a disc (or the outline when ``centre`` is None), spread out."""
    points: list[tuple[float, float]] = []
    minx, miny, maxx, maxy = outline.bounds
    tries = 0
    while len(points) < n:
        tries += 1
        if centre is None:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        else:
            a, d = rng.uniform(0, 2 * math.pi), radius * math.sqrt(rng.uniform(0, 1))
            x, y = centre[0] + d * math.cos(a), centre[1] + d * math.sin(a)
        if not outline.contains(Point(x, y)):
            continue
        gap = min_gap if tries < 20000 else min_gap / 2
        if any(math.hypot(x - px, y - py) < gap for px, py in points):
            continue
        if any(math.hypot(x - cx, y - cy) < r for cx, cy, r in avoid):
            continue
        points.append((x, y))
    return points


def _voronoi(points, outline) -> list:
    """One cell per point, in the points' order, clipped to the outline."""
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=outline.buffer(5000))
    by_point = {}
    for cell in cells.geoms:
        for i, (x, y) in enumerate(points):
            if i not in by_point and cell.contains(Point(x, y)):
                by_point[i] = cell
                break
    result = []
    for i in range(len(points)):
        geom = by_point[i].intersection(outline)
        if geom.geom_type != "Polygon":  # keep the largest piece
            geom = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        result.append(shapely.set_precision(geom, 0.01))
    return result


def _names(rng, n, taken) -> list[str]:
    names = []
    while len(names) < n:
        name = str(rng.choice(PREFIXES)) + str(rng.choice(SUFFIXES))
        if rng.uniform() < 0.12:
            name += str(rng.choice([" Magna", " Parva", " St Mary", " on the Marsh"]))
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def _rank(score, knots) -> tuple[int, int]:
    """(national rank, decile), 1 = most deprived."""
    share_below = float(np.interp(score, knots, QUANTILES))
    rank = int(round(1 + (1 - share_below) * (N_LSOA_ENGLAND - 1)))
    return rank, min(10, 1 + (rank - 1) * 10 // N_LSOA_ENGLAND)


def _normal_rank(z) -> tuple[int, int]:
    share_below = 0.5 * (1 + math.erf(z / math.sqrt(2)))
    rank = int(round(1 + (1 - share_below) * (N_LSOA_ENGLAND - 1)))
    return rank, min(10, 1 + (rank - 1) * 10 // N_LSOA_ENGLAND)


def generate(seed: int) -> dict:
    """The county as plain data: outline, settlements, LSOAs, wards, parishes."""
    rng = np.random.default_rng(seed)
    outline = _outline(rng)
    taken = {CITY["name"], ESTATE["name"]} | {t["name"] for t in TOWNS}

    # Small areas: dense in the city and towns, sparse in the countryside.
    seeds, kinds = [], []
    # The estate first, so that it has its own small areas (and its own ward).
    pts = _scatter(rng, ESTATE["lsoas"], (ESTATE["x"], ESTATE["y"]), ESTATE["radius"] - 200,
                   outline, min_gap=450)
    pts += _scatter(rng, CITY["lsoas"] - ESTATE["lsoas"], (CITY["x"], CITY["y"]),
                    CITY["radius"], outline, min_gap=550, avoid=[(ESTATE["x"], ESTATE["y"],
                                                                  ESTATE["radius"])])
    seeds += pts
    kinds += ["city"] * len(pts)
    for town in TOWNS:
        pts = _scatter(rng, town["lsoas"], (town["x"], town["y"]), town["radius"], outline,
                       min_gap=500)
        seeds += pts
        kinds += [f"town:{town['name']}"] * len(pts)
    avoid = [(CITY["x"], CITY["y"], CITY["radius"] + 1200)] + [
        (t["x"], t["y"], t["radius"] + 1000) for t in TOWNS]
    pts = _scatter(rng, RURAL_LSOAS, None, 0, outline, min_gap=3300, avoid=avoid)
    seeds += pts
    kinds += ["rural"] * len(pts)
    lsoa_geoms = _voronoi(seeds, outline)

    # Parishes: the city and each town is one parish; villages get the rest.
    villages = _scatter(rng, RURAL_PARISHES, None, 0, outline, min_gap=4200, avoid=avoid)
    village_names = _names(rng, len(villages), taken)
    parish_seeds = [(CITY["x"], CITY["y"])] + [(t["x"], t["y"]) for t in TOWNS] + villages
    parish_names = [CITY["name"]] + [t["name"] for t in TOWNS] + village_names
    parish_geoms = _voronoi(parish_seeds, outline)

    # Wards: seeds grouped like real wards; each LSOA joins the ward its centre lies in.
    ward_seeds = [(ESTATE["x"], ESTATE["y"])] + _scatter(
        rng, WARD_SEEDS["city"] - 1, (CITY["x"], CITY["y"]), CITY["radius"], outline,
        min_gap=1800, avoid=[(ESTATE["x"], ESTATE["y"], ESTATE["radius"] + 600)])
    for town in TOWNS:
        ward_seeds += _scatter(rng, WARD_SEEDS["town"], (town["x"], town["y"]),
                               town["radius"], outline, min_gap=1200)
    ward_seeds += _scatter(rng, WARD_SEEDS["rural"], None, 0, outline, min_gap=9000,
                           avoid=avoid)
    ward_cells = _voronoi(ward_seeds, outline)
    members: dict[int, list[int]] = {}
    for i, geom in enumerate(lsoa_geoms):
        point = geom.representative_point()
        j = next((j for j, cell in enumerate(ward_cells) if cell.contains(point)), None)
        if j is None:
            j = min(range(len(ward_cells)), key=lambda k: ward_cells[k].distance(point))
        members.setdefault(j, []).append(i)
    wards = []
    village_points = list(zip(parish_names[1 + len(TOWNS):], villages, strict=True))
    for number, j in enumerate(sorted(members), start=1):
        geom = shapely.set_precision(shapely.union_all([lsoa_geoms[i] for i in members[j]]),
                                     0.01)
        centre = geom.representative_point()
        member_kinds = [kinds[i] for i in members[j]]
        main = max(set(member_kinds), key=member_kinds.count)
        if main == "city":
            dx, dy = centre.x - CITY["x"], centre.y - CITY["y"]
            in_estate = [i for i in members[j] if math.hypot(
                seeds[i][0] - ESTATE["x"], seeds[i][1] - ESTATE["y"]) < ESTATE["radius"]]
            if 2 * len(in_estate) >= len(members[j]):
                name = ESTATE["name"]
            elif math.hypot(dx, dy) < 1300:
                name = f"{CITY['name']} Central"
            else:
                points = ["East", "North East", "North", "North West", "West", "South West",
                          "South", "South East"]
                name = f"{CITY['name']} {points[round(math.atan2(dy, dx) / (math.pi / 4)) % 8]}"
        elif main.startswith("town:"):
            name = main[5:]
        else:
            name = min(village_points, key=lambda v: math.hypot(v[1][0] - centre.x,
                                                                 v[1][1] - centre.y))[0]
            name = f"{name} Rural" if rng.uniform() < 0.3 else name
        wards.append({"code": f"E0590{number:04d}", "geometry": geom, "lsoas": members[j],
                      "name": name})
    # Names used twice get a numeral, as 'Kestrelford 1', 'Kestrelford 2'.
    counts: dict[str, int] = {}
    for ward in wards:
        counts[ward["name"]] = counts.get(ward["name"], 0) + 1
    seen: dict[str, int] = {}
    for ward in wards:
        base = ward["name"]
        if counts[base] > 1:
            seen[base] = seen.get(base, 0) + 1
            ward["name"] = f"{base} {seen[base]}"
    return {"rng": rng, "outline": outline, "lsoa_geoms": lsoa_geoms, "kinds": kinds,
            "parish_geoms": parish_geoms, "parish_names": parish_names,
            "parish_seeds": parish_seeds, "wards": wards}


def _lsoa_profile(rng, geom, kind) -> dict:
    """Deprivation, rurality and population for one small area, by where it is."""
    c = geom.representative_point()
    d_city = math.hypot(c.x - CITY["x"], c.y - CITY["y"])
    d_estate = math.hypot(c.x - ESTATE["x"], c.y - ESTATE["y"])
    d_centre = math.hypot(c.x - CENTRE[0], c.y - CENTRE[1])
    noise = rng.normal(0, 1)
    youth = 1.0  # relative share of young people
    if kind == "city":
        if d_estate < ESTATE["radius"]:
            imd, youth, ruc = 52 + 8 * noise, 1.45, "UN1"
        elif d_city < 1200:
            imd, youth, ruc = 30 + 5 * noise, 0.8, "UN1"
        else:
            imd, youth, ruc = 19 + 7 * noise, 1.05, "UN1"
    elif kind.startswith("town:"):
        town = next(t for t in TOWNS if kind.endswith(t["name"]))
        imd = (27 if town["poorer"] else 16) + 6 * noise
        youth, ruc = (1.15 if town["poorer"] else 1.0), "UF1"
    elif d_city < 12000:  # commuter villages
        imd, youth = 7 + 2.5 * abs(noise), 0.95
        ruc = "RLN1" if rng.uniform() < 0.3 else "RSN1"
    elif d_centre > 0.75 * RADIUS:  # isolated coastal hamlets
        imd, youth = 24 + 5 * noise, 0.7
        ruc = "RSF1"
    else:
        imd, youth = 14 + 4 * noise, 0.85
        ruc = "RLF1" if rng.uniform() < 0.25 else "RSF1"
    imd = float(np.clip(imd, 2.0, 80.0))
    idaci = float(np.clip(0.0055 * imd + rng.normal(0, 0.025), 0.02, 0.6))
    # Remote hamlets: barriers high but income deprivation moderate.
    barriers_z = (1.6 if ruc.startswith("RS") else 0.6 if ruc.startswith("RL") else -0.8) \
        + rng.normal(0, 0.4)
    cyp_z = (imd - 19) / 11 + rng.normal(0, 0.3)
    total = int(rng.integers(1350, 1850)) if kind != "rural" else int(rng.integers(1200, 1700))
    return {"imd": imd, "idaci": idaci, "cyp": cyp_z, "barriers": barriers_z, "ruc": ruc,
            "youth": youth, "total": total, "income": float(np.clip(imd / 160 + rng.normal(
                0, 0.015), 0.01, 0.6)), "education": float(np.clip(imd * 0.9 + rng.normal(
                    0, 5), 1, 90))}


def _ages(rng, total, youth) -> list[int]:
    """Single years of age 0..89 and 90+, summing to ``total``."""
    weights = []
    for age in range(91):
        w = 1.0 if age < 65 else max(0.15, 1.0 - (age - 65) / 30)
        if 11 <= age <= 24:
            w *= youth
        if 19 <= age <= 29:
            w *= 0.8 if youth < 1 else 1.0
        if age == 90:
            w = 2.0
        weights.append(w * rng.uniform(0.85, 1.15))
    weights = np.array(weights) / sum(weights)
    counts = np.floor(weights * total).astype(int)
    counts[np.argsort(-(weights * total - counts))[: total - counts.sum()]] += 1
    return [int(c) for c in counts]


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
                             geometry=lsoa_geoms, crs="EPSG:27700")
    # As ONS publishes them: RFC 7946 GeoJSON, longitude/latitude.
    lsoas.to_crs(4326).to_file(folder / "lsoa2021_demo.geojson", driver="GeoJSON",
                               COORDINATE_PRECISION=7)
    wards = gpd.GeoDataFrame(
        {"WD25CD": [w["code"] for w in plan["wards"]],
         "WD25NM": [w["name"] for w in plan["wards"]]},
        geometry=[w["geometry"] for w in plan["wards"]], crs="EPSG:27700")
    wards.to_file(folder / "wards_demo.gpkg", layer="wards2025", driver="GPKG")
    parish_codes = [f"E0490{n:04d}" for n in range(1, len(plan["parish_geoms"]) + 1)]
    parishes = gpd.GeoDataFrame({"PAR24CD": parish_codes, "PAR24NM": plan["parish_names"]},
                                geometry=plan["parish_geoms"], crs="EPSG:27700")
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
    to_wgs = Transformer.from_crs(27700, 4326, always_xy=True)
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
        "crs": "EPSG:27700",
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
