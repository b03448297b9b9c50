"""Time the site chooser (MCLP) at council scale and beyond.

    .venv/bin/python bench/siting_bench.py [--areas 1000] [--candidates 200] [--seed 1]

Builds a synthetic county (demand areas and candidate sites scattered over
60 km x 60 km, clustered round a few towns like a rural county, a third of
areas already reached by existing provision, random IMD deciles), turns
straight-line distances into bus minutes with the same rule as the app, and
for several k prints: the exact optimum (spopt MCLP + CBC) and its time, the
greedy answer and its time, and greedy's distance from the optimum.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.analysis.siting import (  # noqa: E402
    coverage_matrix,
    demand_weights,
    solve_greedy,
    solve_optimal,
)

BUS_M_PER_MIN = 18_000 / 60 / 1.3  # 18 km/h door to door, roads 1.3 x the straight line


def synthetic(n_areas: int, n_cand: int, seed: int):
    rng = np.random.default_rng(seed)
    towns = rng.uniform(5_000, 55_000, size=(8, 2))
    # Two thirds of areas near towns, a third scattered (rural).
    n_town = n_areas * 2 // 3
    near = towns[rng.integers(0, len(towns), n_town)] + rng.normal(0, 2_500, (n_town, 2))
    rural = rng.uniform(0, 60_000, size=(n_areas - n_town, 2))
    areas = np.vstack([near, rural])
    cand = np.vstack([
        towns[rng.integers(0, len(towns), n_cand // 2)] + rng.normal(0, 4_000, (n_cand // 2, 2)),
        rng.uniform(0, 60_000, size=(n_cand - n_cand // 2, 2)),
    ])
    minutes = np.sqrt(((areas[:, None] - cand[None]) ** 2).sum(axis=2)) / BUS_M_PER_MIN
    young = rng.integers(50, 400, n_areas)
    deciles = rng.integers(1, 11, n_areas)
    reached = rng.random(n_areas) < 1 / 3
    return minutes, young, deciles, reached


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--areas", type=int, default=1000)
    p.add_argument("--candidates", type=int, default=200)
    p.add_argument("--threshold", type=float, default=20.0, help="minutes")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--k", type=int, nargs="+", default=[3, 5, 10, 20])
    args = p.parse_args(argv)

    minutes, young, deciles, reached = synthetic(args.areas, args.candidates, args.seed)
    t0 = time.perf_counter()
    cover = coverage_matrix(minutes, args.threshold)
    w = demand_weights(young, deciles, reached)
    prep = time.perf_counter() - t0
    print(f"{args.areas} demand areas x {args.candidates} candidates, threshold "
          f"{args.threshold:g} min, {cover.mean():.1%} of pairs within reach, "
          f"{reached.mean():.0%} of areas already reached; setup {prep * 1000:.0f} ms")
    print(f"{'k':>3} {'optimal value':>14} {'optimal s':>10} {'greedy value':>13} "
          f"{'greedy ms':>10} {'greedy gap':>11} {'bound gap':>10}")
    for k in args.k:
        opt = solve_optimal(cover, w, k)
        gr = solve_greedy(cover, w, k)
        gap = max(0.0, (opt.value - gr.value) / opt.value) if opt.value else 0.0
        bound_gap = (gr.upper_bound - gr.value) / gr.upper_bound if gr.upper_bound else 0.0
        flag = "" if opt.proven_optimal else " (not proven)"
        print(f"{k:>3} {opt.value:>14,.0f} {opt.seconds:>10.2f} {gr.value:>13,.0f} "
              f"{gr.seconds * 1000:>10.1f} {gap:>10.2%} {bound_gap:>10.2%}{flag}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
