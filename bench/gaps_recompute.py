"""Time the full gap recompute and print time and peak memory.

    .venv/bin/python bench/gaps_recompute.py            # both cases
    .venv/bin/python bench/gaps_recompute.py --only herefordshire
    .venv/bin/python bench/gaps_recompute.py --only england

* Herefordshire: the real 117 LSOAs and 53 wards from ../shared/geodata/herefordshire
  (read in place), 150 services placed at real live postcodes (random, seeded),
  5,000 generated survey responses; then the whole app path (real bundle
  imported into a throwaway SQLite database, the map's data built as a
  request does, cold and with warm caches).
* England-sized, generated: 33,755 small areas, 10,000 parishes, 20,000 services
  and 200,000 responses (about 300,000 answer rows), clustered around 400 towns
  like the real population.

"Recompute" = :func:`app.analysis.compute_gaps` (travel pairs, reach for all six
filters, 2SFCA, funding risk, voice, gap score, rank) + disclosure control +
choropleth classes, for bus at 30 minutes.  The time is of one run without
tracing; peak memory is the tracemalloc peak of a second, traced run
(numpy allocations included), plus the process's max RSS so far.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import box

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.analysis import classify, compute_gaps, publish_frame  # noqa: E402

TODAY = date(2026, 11, 25)
TYPES = ["open_access", "drop_in", "uniformed", "sport", "boxing_martial_arts", "arts_music",
         "outdoor", "faith", "detached", "other"]
BARRIERS = ["too_expensive", "no_bus", "nothing_near", "not_interested", "no_time"]


def fake_services(rng, xy: np.ndarray) -> pd.DataFrame:
    n = len(xy)
    free = rng.random(n) < 0.45
    return pd.DataFrame({
        "id": np.arange(1, n + 1), "name": [f"Service {i}" for i in range(1, n + 1)],
        "service_type": rng.choice(TYPES, n),
        "uniformed": rng.random(n) < 0.1,
        "x": xy[:, 0], "y": xy[:, 1],
        "monthly_cost": np.where(free, 0.0, rng.choice([5, 10, 20, 35, 60], n)).astype(float),
        "sessions_per_week": rng.integers(1, 4, n),
        "evening_weekend": rng.integers(0, 3, n),
        "capacity": rng.integers(10, 60, n),
        "funding_end": [TODAY + timedelta(days=int(d)) if d < 900 else None
                        for d in rng.integers(-30, 1500, n)],
    })


def fake_responses(rng, codes, n: int) -> pd.DataFrame:
    area = rng.choice(np.asarray(codes), n)
    first = rng.choice(BARRIERS, n)
    extra = rng.random(n) < 0.5
    second = rng.choice(BARRIERS, n)
    ids = np.arange(n)
    return pd.DataFrame({
        "response_id": np.concatenate([ids, ids[extra]]),
        "area_code": np.concatenate([area, area[extra]]),
        "question_id": "barriers",
        "value": np.concatenate([first, second[extra]]),
    })


def recompute(areas, services, responses):
    gaps = compute_gaps(areas, services, responses=responses, threshold_min=30, mode="bus",
                        today=TODAY)
    published = publish_frame(gaps)
    classify(published["gap_score"].tolist())
    return gaps


def run(label: str, areas, services, responses) -> None:
    # Timed without tracemalloc (it slows Python code); then once more to
    # measure the peak of memory allocated during the recompute.
    t0 = time.perf_counter()
    gaps = recompute(areas, services, responses)
    elapsed = time.perf_counter() - t0
    tracemalloc.start()
    recompute(areas, services, responses)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    no_free = int((gaps["free_sessions"] == 0).sum())
    print(f"{label:<38} {len(areas):>7,} areas {len(services):>7,} services "
          f"{responses['response_id'].nunique() if len(responses) else 0:>8,} responses  "
          f"{elapsed:7.2f} s  peak {peak / 2**20:7.1f} MiB (process max RSS {rss:,.0f} MiB)  "
          f"[{no_free:,} areas with no free provision in reach]")


def herefordshire(rng) -> None:
    from tests.analysis import realdata

    if not realdata.available():
        print("Herefordshire: ../shared/geodata/herefordshire not found; skipped")
        return
    pcs = realdata.live_postcodes()
    picks = pcs.iloc[rng.choice(len(pcs), 150, replace=False)]
    services = fake_services(rng, picks[["x", "y"]].to_numpy())
    lsoa = realdata.lsoa_areas()
    wards = realdata.ward_areas()
    run("Herefordshire LSOAs (real)", lsoa, services, fake_responses(rng, lsoa.index, 5_000))
    run("Herefordshire wards (real)", wards, services, fake_responses(rng, wards.index, 5_000))


def herefordshire_app(rng) -> None:
    """The whole Flask-side path: real bundle in a throwaway SQLite database,
    services at real postcodes, then the gap map's data as a request builds it."""
    import os
    import tempfile

    from werkzeug.datastructures import MultiDict

    from tests.analysis import realdata

    if not realdata.available():
        return
    os.environ.setdefault("APP_ENV", "testing")
    from app import create_app
    from app.extensions import db
    from app.gaps.service import build_map, load_view
    from app.geodata.bundle import import_bundle
    from app.models import Service

    tmp = tempfile.mkdtemp()
    app = create_app({"TESTING": True, "MAP_TILES_URL": "", "SERVER_NAME": None,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite"})
    with app.app_context():
        db.create_all()
        t0 = time.perf_counter()
        import_bundle(db.session, realdata.HEREFORDSHIRE)
        pcs = realdata.live_postcodes()
        picks = pcs.iloc[rng.choice(len(pcs), 150, replace=False)]
        for n, (pc, row) in enumerate(picks.iterrows(), start=1):
            db.session.add(Service(name=f"Service {n}", service_type=TYPES[n % len(TYPES)],
                                   cost_model="free" if n % 2 else "monthly",
                                   cost_amount=None if n % 2 else 5 * (n % 7),
                                   x=row["x"], y=row["y"], postcode=pc, capacity=20))
        db.session.commit()
        print(f"(importing the real Herefordshire bundle took {time.perf_counter() - t0:.1f} s)")
        for level in ("lsoa", "ward"):
            with app.test_request_context(f"/map?level={level}"):
                t0 = time.perf_counter()
                view, _ = load_view(db.session, MultiDict({"level": level}))
                build_map(view)
                cold = time.perf_counter() - t0
                t0 = time.perf_counter()
                view, _ = load_view(db.session, MultiDict({"level": level, "threshold": "20",
                                                           "filter": "open_access"}))
                warm = time.perf_counter() - t0
            print(f"Herefordshire app, /map data, {level:<5} {len(view.gaps):>4} areas: "
                  f"cold {cold:.2f} s (area figures + analysis + folium), "
                  f"new filters with warm caches {warm:.2f} s")


def clustered_points(rng, n: int, towns: np.ndarray, spread: float) -> np.ndarray:
    """60% around towns (Gaussian, ``spread`` metres), 40% anywhere in the box."""
    k = int(n * 0.6)
    centre = towns[rng.integers(0, len(towns), k)]
    near = centre + rng.normal(0, spread, (k, 2))
    far = np.column_stack([rng.uniform(140_000, 655_000, n - k),
                           rng.uniform(10_000, 657_000, n - k)])
    return np.vstack([near, far])


def england(rng) -> None:
    towns = np.column_stack([rng.uniform(150_000, 640_000, 400),
                             rng.uniform(20_000, 640_000, 400)])
    t0 = time.perf_counter()
    small_xy = clustered_points(rng, 33_755, towns, 4_000)
    small = gpd.GeoDataFrame(
        {"name": [f"Small area {i}" for i in range(len(small_xy))],
         "young_people": rng.integers(60, 400, len(small_xy)).astype(float),
         "imd_score": rng.gamma(2.0, 10.0, len(small_xy)),
         "idaci": rng.beta(2, 8, len(small_xy)),
         "share_most_deprived_20": (rng.random(len(small_xy)) < 0.2).astype(float),
         "rural_share": (rng.random(len(small_xy)) < 0.2).astype(float)},
        geometry=box(small_xy[:, 0] - 400, small_xy[:, 1] - 400,
                     small_xy[:, 0] + 400, small_xy[:, 1] + 400),
        index=pd.Index([f"E01{i:06d}" for i in range(len(small_xy))], name="code"),
        crs="EPSG:27700")
    par_xy = clustered_points(rng, 10_000, towns, 8_000)
    parishes = gpd.GeoDataFrame(
        {"name": [f"Parish {i}" for i in range(len(par_xy))],
         "young_people": rng.integers(20, 3000, len(par_xy)).astype(float),
         "imd_score": rng.gamma(2.0, 10.0, len(par_xy)),
         "idaci": rng.beta(2, 8, len(par_xy)),
         "rural_share": rng.random(len(par_xy))},
        geometry=box(par_xy[:, 0] - 1500, par_xy[:, 1] - 1500,
                     par_xy[:, 0] + 1500, par_xy[:, 1] + 1500),
        index=pd.Index([f"E04{i:06d}" for i in range(len(par_xy))], name="code"),
        crs="EPSG:27700")
    services = fake_services(rng, clustered_points(rng, 20_000, towns, 4_000))
    responses = fake_responses(rng, small.index, 200_000)
    par_responses = fake_responses(rng, parishes.index, 200_000)
    print(f"(generating the England-sized case took {time.perf_counter() - t0:.1f} s)")
    run("England-sized small areas (generated)", small, services, responses)
    run("England-sized parishes (generated)", parishes, services, par_responses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["herefordshire", "england"])
    args = parser.parse_args()
    rng = np.random.default_rng(20261125)
    if args.only in (None, "herefordshire"):
        herefordshire(rng)
        herefordshire_app(rng)
    if args.only in (None, "england"):
        england(rng)


if __name__ == "__main__":
    main()
