"""Population-point reach: Herefordshire (real postcodes) and an England-sized case.

    .venv/bin/python bench/reach_points.py [--skip-england] [--repeat 3]

Herefordshire: the 117 LSOA 2021 with young people 13-19 (Census 2021 bands
0-15 and 16-24 split evenly by single year), spread over the live
small-user postcodes of NSPL November 2021 (HR and LD files), assigned to
the 53 wards by point-in-polygon; 26 free services at real postcodes.

England-sized (synthetic, seeded): 1.5 million postcodes (80% in 1,500
towns of Gaussian spread, 20% scattered), 20,000 services drawn near
postcodes, 33,755 "LSOAs" (the nearest of as many seeds) and 7,000 "wards"
(7 km grid cells: about 6,200 occupied), in a 450 km x 600 km box of British National Grid.

Timed steps (best of ``--repeat``, wall clock):

* ``points``: LSOA young people spread over postcodes;
* ``assign``: points to areas (point-in-polygon; Herefordshire only; the app
  caches it per level and data version);
* ``reach``: nearest service for every point (one filter) plus each area's
  reach share, unreached count, median and 90th-percentile minutes; this is
  the figure issue 13 targets (< 0.5 s Herefordshire, < 10 s England);
* ``reach, 6 filters``: nearest for all six service filters;
* ``compute_gaps``: the whole gap analysis from points (Herefordshire).

Peak memory: ``tracemalloc`` peak during the reach step (numpy buffers; the
KD-tree's own C++ memory is not traced) and the process's peak resident set
(``resource.getrusage``) at the end.
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.analysis import compute_gaps  # noqa: E402
from app.analysis.population import assign_points, population_points  # noqa: E402
from app.analysis.reach_points import area_reach, point_travel  # noqa: E402
from app.analysis.services import FILTERS, filter_mask, services_frame  # noqa: E402

THRESHOLD, MODE = 30, "bus"
HEREFORD_SERVICES = [
    "HR1 2DE", "HR4 9AA", "HR2 7AA", "HR1 1AA", "HR4 0AA", "HR2 6AA", "HR1 3AA", "HR4 9HU",
    "HR6 8AA", "HR6 8NZ", "HR8 1AA", "HR8 2AA", "HR9 5AA", "HR9 7AA", "HR5 3AA", "HR7 4DP",
    "HR2 0AA", "HR3 6AA", "HR6 9AA", "HR9 6AA", "HR1 4AA", "HR8 1EE", "HR4 8AA", "HR2 8AA",
    "HR9 5BB", "HR7 4AA",
]


CPU: dict[str, float] = {}


def best(fn, repeat, name=None):
    """Best wall-clock time of ``repeat`` runs; that run's CPU seconds go in CPU[name]
    (on a shared machine CPU time shows the work, wall time the wait as well)."""
    times = []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        times.append((time.perf_counter() - t, time.process_time() - c))
    wall, cpu = min(times)
    if name:
        CPU[name] = cpu
    return wall, out


def traced_peak(fn) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def reach_step(pxy, young, group, n, sxy, masks):
    minutes, _, _ = point_travel(pxy, sxy, masks, threshold_min=THRESHOLD, mode=MODE,
                                 with_pairs=False)
    key = next(iter(masks))
    return area_reach(group, young, minutes[key], THRESHOLD, n)


def herefordshire(repeat):
    from tests.analysis import realdata

    if not realdata.available():
        print("Herefordshire: shared data not present, skipped")
        return
    pc = pd.read_csv(realdata.HEREFORDSHIRE / "postcodes_herefordshire_nspl_nov2021_HR_LD.csv",
                     dtype={"doterm": str})
    live = pc[pc["doterm"].isna() & (pc["usertype"] == 0)]
    look = pd.read_csv(realdata.HEREFORDSHIRE / "lookup_lsoa11_lsoa21_herefordshire.csv")
    to21 = look.groupby("lsoa11_code")["lsoa21_code"].first()
    postcodes = pd.DataFrame({"x": live["oseast1m"].astype(float),
                              "y": live["osnrth1m"].astype(float),
                              "lsoa_code": live["lsoa11"].map(to21)})
    lsoas, wards = realdata.lsoa_areas(), realdata.ward_areas()
    xy = [realdata.postcode_xy(p) for p in HEREFORD_SERVICES if p in realdata._postcodes().index]
    svc = services_frame([{"id": i, "x": x, "y": y, "cost_model": "free"}
                          for i, (x, y) in enumerate(xy, 1)])
    t_pts, points = best(lambda: population_points(lsoas, postcodes), repeat)
    t_assign, group = best(lambda: assign_points(points, wards), repeat)
    pxy = points[["x", "y"]].to_numpy()
    young = points["young_people"].to_numpy()
    sxy = svc[["x", "y"]].to_numpy()
    one = {"free": filter_mask(svc, "free")}
    six = {k: filter_mask(svc, k) for k in FILTERS}
    t_reach, res = best(lambda: reach_step(pxy, young, group, len(wards), sxy, one), repeat,
                        "hereford")
    t_six, _ = best(lambda: reach_step(pxy, young, group, len(wards), sxy, six), repeat)
    pts = points.assign(area=wards.index.to_numpy()[group])
    t_gaps, _ = best(lambda: compute_gaps(wards, svc, points=pts, threshold_min=THRESHOLD,
                                          mode=MODE), repeat)
    mem = traced_peak(lambda: reach_step(pxy, young, group, len(wards), sxy, one))
    print(f"Herefordshire: {len(live):,} live small-user postcodes, {len(points):,} points "
          f"({(points['kind'] == 'centroid').sum()} LSOA centroids), {len(wards)} wards, "
          f"{len(svc)} services; county reach share {res['reached'].sum() / young.sum():.1%}")
    print(f"  points {t_pts:.3f} s | assign {t_assign:.3f} s | reach {t_reach:.3f} s | "
          f"reach, 6 filters {t_six:.3f} s | compute_gaps {t_gaps:.3f} s | "
          f"reach traced peak {mem:.1f} MiB | reach CPU {CPU['hereford']:.3f} s")


def england(repeat, n_pc=1_500_000, n_svc=20_000, n_lsoa=33_755, seed=13):
    rng = np.random.default_rng(seed)
    towns = np.column_stack([rng.uniform(100_000, 550_000, 1500),
                             rng.uniform(50_000, 650_000, 1500)])
    size = rng.pareto(1.2, 1500) + 1
    which = rng.choice(1500, int(n_pc * 0.8), p=size / size.sum())
    urban = towns[which] + rng.normal(0, 1, (len(which), 2)) * (1500 * np.sqrt(size[which]))[:, None]
    rural = np.column_stack([rng.uniform(100_000, 550_000, n_pc - len(which)),
                             rng.uniform(50_000, 650_000, n_pc - len(which))])
    pxy = np.vstack([urban, rural])
    seeds = pxy[rng.choice(n_pc, n_lsoa, replace=False)]
    from scipy.spatial import cKDTree

    lsoa = cKDTree(seeds).query(pxy, k=1)[1]
    lsoas = pd.DataFrame({"young_people": rng.integers(50, 250, n_lsoa).astype(float),
                          "origin_x": seeds[:, 0], "origin_y": seeds[:, 1]},
                         index=pd.Index([f"L{i}" for i in range(n_lsoa)]))
    postcodes = pd.DataFrame({"x": pxy[:, 0], "y": pxy[:, 1],
                              "lsoa_code": lsoas.index.to_numpy()[lsoa]})
    t_pts, points = best(lambda: population_points(lsoas, postcodes), repeat)
    cell = 7000.0  # about 7,000 occupied "wards"
    gx = ((points["x"] - 100_000) // cell).astype(int)
    gy = ((points["y"] - 50_000) // cell).astype(int)
    codes, group = np.unique(gx.to_numpy() * 1000 + gy.to_numpy(), return_inverse=True)
    n = len(codes)
    sxy = pxy[rng.choice(n_pc, n_svc, replace=False)] + rng.normal(0, 200, (n_svc, 2))
    svc = services_frame({"id": np.arange(n_svc), "x": sxy[:, 0], "y": sxy[:, 1],
                          "cost_model": np.where(rng.random(n_svc) < 0.4, "free", "monthly"),
                          "cost_amount": 15.0})
    ptxy = points[["x", "y"]].to_numpy()
    young = points["young_people"].to_numpy()
    one = {"free": filter_mask(svc, "free")}
    six = {k: filter_mask(svc, k) for k in FILTERS}
    t_reach, res = best(lambda: reach_step(ptxy, young, group, n, sxy, one), repeat,
                        "england")
    t_six, _ = best(lambda: reach_step(ptxy, young, group, n, sxy, six), repeat)
    mem = traced_peak(lambda: reach_step(ptxy, young, group, n, sxy, one))
    print(f"England-sized: {len(points):,} points, {n_lsoa:,} LSOAs, {n:,} areas, "
          f"{n_svc:,} services ({one['free'].sum():,} free); reach share "
          f"{res['reached'].sum() / young.sum():.1%}")
    print(f"  points {t_pts:.2f} s | reach {t_reach:.2f} s | reach, 6 filters {t_six:.2f} s"
          f" | reach traced peak {mem:.0f} MiB | reach CPU {CPU['england']:.2f} s")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-england", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
          f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"load average {' '.join(f'{x:.1f}' for x in __import__('os').getloadavg())}")
    herefordshire(args.repeat)
    if not args.skip_england:
        england(args.repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak resident memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
