"""Journey computation: how long, how much memory.

    .venv/bin/python bench/journeys.py            # both cases
    .venv/bin/python bench/journeys.py --county   # the synthetic county only
    .venv/bin/python bench/journeys.py --demo     # the demo county only

* **demo**: builds the demo county into a temporary SQLite database and times
  ``run_journeys`` (every postcode x every session, walk/cycle/drive and bus).
* **county**: a synthetic county-sized case -- about 100,000 road nodes
  (a 316 x 316 lane grid at 150 m, 47 km across, with A roads), 8,000
  population points, 200 services with 1-3 weekly sessions each, and a GTFS
  feed of about 50,000 stop times a day -- read through ``Feed.read`` like a real
  feed.  The target is under 60 s.

Peak memory is the process's peak resident set size (``ru_maxrss``).  Also
compares one drive shortest-path tree by scipy and networkx (the choice of
router).  Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import date
from datetime import time as dtime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.analysis.gtfs import Feed  # noqa: E402
from app.analysis.journeys import compute, session_frame  # noqa: E402
from app.analysis.roads import CYCLE, DRIVE_BACK, DRIVE_FWD, WALK, RoadNetwork  # noqa: E402
from app.demo.gtfsfile import write_gtfs  # noqa: E402

X0, Y0 = 350000.0, 230000.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def grid_network(side: int = 316, spacing: float = 150.0, seed: int = 1) -> RoadNetwork:
    rng = np.random.default_rng(seed)
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    xy = np.column_stack([X0 + ii.ravel() * spacing + rng.uniform(-30, 30, side * side),
                          Y0 + jj.ravel() * spacing + rng.uniform(-30, 30, side * side)])
    idx = np.arange(side * side).reshape(side, side)
    u = np.concatenate([idx[:-1, :].ravel(), idx[:, :-1].ravel()])
    v = np.concatenate([idx[1:, :].ravel(), idx[:, 1:].ravel()])
    keep = rng.random(len(u)) < 0.8  # a lane grid with gaps
    # every 20th row and column is an A road (kept whole)
    main = ((ii.ravel()[u] % 20 == 0) & (ii.ravel()[v] % 20 == 0)) | (
        (jj.ravel()[u] % 20 == 0) & (jj.ravel()[v] % 20 == 0))
    keep |= main
    u, v, main = u[keep], v[keep], main[keep]
    length = np.hypot(*(xy[u] - xy[v]).T).astype(np.float32)
    flags = np.full(len(u), WALK | CYCLE | DRIVE_FWD | DRIVE_BACK, dtype=np.uint8)
    kmh = np.where(main, 65.0, 40.0).astype(np.float32)
    return RoadNetwork(xy, u.astype(np.int32), v.astype(np.int32), length, flags, kmh,
                       "synthetic")


def county_feed(rng, extent: float, today: date) -> bytes:
    """~48 routes x ~26 stops x ~40 trips a day each way: about 50,000 stop times."""
    from pyproj import Transformer

    to_ll = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    stops, routes, trips, stop_times = [], [], [], []
    hub = (X0 + extent / 2, Y0 + extent / 2)
    n_stop = 0
    for r in range(48):
        angle = rng.uniform(0, 2 * np.pi)
        length = rng.uniform(0.3, 0.5) * extent
        n = 26
        ids = []
        for k in range(n):
            f = k / (n - 1)
            x = hub[0] + np.cos(angle) * length * f + rng.uniform(-200, 200)
            y = hub[1] + np.sin(angle) * length * f + rng.uniform(-200, 200)
            lon, lat = to_ll.transform(x, y)
            n_stop += 1
            ids.append(f"S{n_stop}")
            stops.append({"stop_id": f"S{n_stop}", "stop_name": f"Stop {n_stop}",
                          "stop_lat": f"{lat:.6f}", "stop_lon": f"{lon:.6f}"})
        routes.append({"route_id": f"R{r}", "route_short_name": str(r), "route_type": "3"})
        headway = 30 if r < 24 else 60
        starts = range(6 * 3600 + r * 60, 23 * 3600, headway * 60)
        seg = length / (n - 1) / (30 / 3.6)
        for direction, calls in (("0", ids), ("1", ids[::-1])):
            for t0 in starts:
                trip = f"R{r}-{direction}-{t0}"
                trips.append({"route_id": f"R{r}", "service_id": "ALL", "trip_id": trip})
                for k, stop in enumerate(calls):
                    t = int(t0 + k * seg)
                    hms = f"{t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}"
                    stop_times.append({"trip_id": trip, "stop_id": stop,
                                       "stop_sequence": str(k + 1), "arrival_time": hms,
                                       "departure_time": hms})
    week = {d: "1" for d in ("monday", "tuesday", "wednesday", "thursday", "friday",
                             "saturday", "sunday")}
    return write_gtfs({
        "agency": [{"agency_name": "Bench", "agency_url": "https://example.org",
                    "agency_timezone": "Europe/London"}],
        "stops": stops, "routes": routes, "trips": trips, "stop_times": stop_times,
        "calendar": [{"service_id": "ALL", **week, "start_date": "20260101",
                      "end_date": "20281231"}],
    }), len(stop_times)


def bench_county() -> None:
    rng = np.random.default_rng(14)
    t = time.perf_counter()
    net = grid_network()
    extent = 315 * 150.0
    feed_bytes, n_st = county_feed(rng, extent, date.today())
    build_s = time.perf_counter() - t
    points = np.column_stack([X0 + rng.uniform(0, extent, 8000), Y0 + rng.uniform(0, extent,
                                                                                  8000)])
    venues = np.column_stack([X0 + rng.uniform(0, extent, 200), Y0 + rng.uniform(0, extent,
                                                                                 200)])
    rows = []
    for v in range(200):
        for _ in range(rng.integers(1, 4)):
            day = int(rng.integers(0, 7))
            start = int(rng.choice([10, 16, 17, 18, 18, 19, 19]))
            rows.append((v, day, dtime(start), dtime(start + 2)))
    sessions = session_frame(rows)
    print(f"synthetic county: {len(net.node_xy):,} road nodes, {len(net.edge_u):,} edges, "
          f"8,000 points, 200 services, {len(sessions)} sessions, {n_st:,} stop times a day "
          f"(made in {build_s:.1f} s)")
    t = time.perf_counter()
    feed = Feed.read(feed_bytes)
    read_s = time.perf_counter() - t
    marks = []
    t = time.perf_counter()
    cpu = time.process_time()
    result = compute(points, venues, sessions, network=net, feed=feed, threshold_min=90,
                     reference_date=date(2026, 12, 1),
                     progress=lambda d, n, note: marks.append((note, time.perf_counter())))
    total = time.perf_counter() - t
    cpu = time.process_time() - cpu
    print(f"  GTFS read (gtfs-kit): {read_s:.1f} s")
    stages = [*marks, ("(end)", t + total)]
    for (note, at), (_, after) in zip(stages, stages[1:], strict=False):
        print(f"    {note:28} {after - at:6.1f} s")  # each stage: from its mark to the next
    print(f"  journeys: {total:.1f} s wall, {cpu:.1f} s CPU ({result.scans} timetable "
          f"scans); peak memory {peak_mb():,.0f} MB; load average "
          f"{os.getloadavg()[0]:.1f}")
    ok = result.pt_reachable(30).any(axis=1).mean()
    print(f"  share of points with a bus route (30 min each way) to some session: {ok:.0%}")

    import networkx as nx
    from scipy.sparse.csgraph import dijkstra

    g = net.graph("drive")
    t = time.perf_counter()
    dijkstra(g, indices=[0])
    scipy_s = time.perf_counter() - t
    coo = g.tocoo()
    G = nx.DiGraph()
    G.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(),
                                  strict=True))
    t = time.perf_counter()
    nx.single_source_dijkstra_path_length(G, 0)
    nx_s = time.perf_counter() - t
    print(f"  one drive shortest-path tree: scipy {scipy_s * 1000:.0f} ms, "
          f"networkx {nx_s * 1000:.0f} ms")


def bench_demo() -> None:
    os.environ.setdefault("APP_ENV", "testing")
    from app import create_app
    from app.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/demo.sqlite"})
        with app.app_context():
            db.create_all()
            from app.demo import build_demo
            from app.geodata.journeys import run_journeys

            build_demo(db.session, progress=lambda *a: None)
            t, cpu = time.perf_counter(), time.process_time()
            run = run_journeys(db.session)
            s = run.summary
            print(f"demo county: {s['points']:,} population points, {s['services']} services, "
                  f"{s['sessions']} sessions: journeys in {time.perf_counter() - t:.1f} s wall, "
                  f"{time.process_time() - cpu:.1f} s CPU ({s['scans']} timetable scans); "
                  f"peak memory {peak_mb():,.0f} MB; load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--county", action="store_true")
    parser.add_argument("--demo", action="store_true")
    args = parser.parse_args()
    both = not (args.county or args.demo)
    print(f"{date.today().isoformat()}  {platform.node()}  {platform.processor() or 'cpu'}  "
          f"{os.cpu_count()} cores  Python {platform.python_version()}")
    if args.county or both:
        bench_county()
    if args.demo or both:
        bench_demo()


if __name__ == "__main__":
    main()
