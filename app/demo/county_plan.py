"""The demo county's plan: its outline, places, small areas, wards, parishes and figures.

:func:`generate` makes everything from a seed (numpy's generator, so the same
seed gives the same county); :mod:`app.demo.geography` writes the plan as
official-format files and imports them.  Made up, and placed in the North Sea
so it cannot be mistaken for a real county.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
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
        # the commonest kind; a tie goes to the first member's (never to set order,
        # which changes with the hash seed and made every demo build a different county)
        main = max(member_kinds, key=member_kinds.count)
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
