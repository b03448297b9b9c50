"""The site chooser on real Herefordshire geography.

    .venv/bin/python bench/siting_herefordshire.py

Demand: the 2021 LSOAs of Herefordshire (ONS boundaries), young people aged
13-19 from Census 2021 age bands (0-15 and 16-24 split into single years
evenly), weighted by the IoD2025 IMD decile.  Candidates: the 113 open
establishments in DfE Get Information about Schools (a stand-in for council
buildings; schools often host youth provision after hours).  No existing
provision is assumed (every young person counts).  Travel: bus minutes
estimated from straight-line distance as in the app.

Reads the files from ../shared/geodata/herefordshire (never copied into the repo).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "geodata" / "herefordshire"

from app.analysis.siting import (  # noqa: E402
    coverage_matrix,
    demand_weights,
    solve_greedy,
    solve_optimal,
)
from app.analysis.travel import travel_minutes  # noqa: E402


def load():
    lsoas = gpd.read_file(DATA / "lsoa2021_bgc_herefordshire.geojson").to_crs(27700)
    code = next(c for c in lsoas.columns if c.lower().startswith("lsoa21cd"))
    lsoas = lsoas.set_index(code)
    pop = pd.read_csv(DATA / "census2021_pop_age6_herefordshire_lsoa21.csv").set_index(
        "lsoa21_code")
    young = pop["age_0_15"] * 3 / 16 + pop["age_16_24"] * 4 / 9   # ages 13-15 and 16-19
    iod = pd.read_csv(DATA / "iod2025_herefordshire_lsoa21.csv").set_index("lsoa21_code")
    schools = pd.read_csv(DATA / "schools_gias_2025_herefordshire.csv")
    schools = schools.dropna(subset=["easting", "northing"])
    pts = lsoas.geometry.representative_point()
    origins = pd.DataFrame({"x": pts.x, "y": pts.y}, index=lsoas.index)
    dest = pd.DataFrame({"x": schools["easting"].astype(float),
                         "y": schools["northing"].astype(float)})
    minutes = travel_minutes(origins, dest, mode="bus").to_numpy()
    return (minutes, young.reindex(lsoas.index).fillna(0).to_numpy(),
            list(iod["IMD_decile"].reindex(lsoas.index)), schools["establishment_name"].tolist())


def main() -> int:
    t0 = time.perf_counter()
    minutes, young, deciles, names = load()
    print(f"Herefordshire: {len(young)} LSOAs, {young.sum():,.0f} young people aged 13-19, "
          f"{len(names)} candidate sites; loaded in {time.perf_counter() - t0:.1f} s")
    for threshold in (15, 30):
        cover = coverage_matrix(minutes, threshold)
        w = demand_weights(young, deciles, np.zeros(len(young), dtype=bool))
        for k in (3, 5, 10):
            opt = solve_optimal(cover, w, k)
            gr = solve_greedy(cover, w, k)
            gap = max(0.0, (opt.value - gr.value) / opt.value) if opt.value else 0.0
            print(f"threshold {threshold:>2} min, k={k:>2}: optimum {opt.value:>8,.0f} in "
                  f"{opt.seconds:.2f} s; greedy {gr.value:>8,.0f} in {gr.seconds * 1000:.1f} ms "
                  f"({gap:.2%} below); sites: {', '.join(names[j] for j in opt.chosen[:3])}"
                  f"{' ...' if len(opt.chosen) > 3 else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
