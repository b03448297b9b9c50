"""Journeys kept current: how long after one directory change the pages show
journeys computed for the new data (issue 23).

    .venv/bin/python bench/bench_recompute.py            # both cases
    .venv/bin/python bench/bench_recompute.py --demo     # the demo county only
    .venv/bin/python bench/bench_recompute.py --county   # the synthetic county only

Each case builds its county in a temporary SQLite database, computes journeys
once in the foreground, then makes **one directory change** (a venue moved
200 m: only that service's journeys are computed again) and then one change to
the population (an LSOA's young people: the whole run is computed again), each
in its own app context, as a request or command would.  At the end of
that context the app queues the update (``app.jobs.journeys``) on the embedded
thread pool; the clock runs from the commit until the stored run is current
again (``journey_status(...)["stale"]`` false), so it includes queueing, the
job's start and its commit.  ``JOURNEYS_SETTLE_SECONDS`` (3 s by default: the
job waits for the data to stop changing) is set to 0 here and is on top of
these figures.

* **demo**: the demo county (``app.demo.build_demo``).
* **county**: the synthetic county of ``bench/journeys.py`` put in a database:
  its ~100,000-node road network and ~50,000-stop-times-a-day GTFS feed stored
  as imports, 81 LSOAs of 5.3 km with 8,100 postcodes (the population points)
  and 200 services with 1-3 weekly sessions each.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("APP_ENV", "testing")


def _app(tmp: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
                       "JOURNEYS_KEEP_CURRENT": True, "JOURNEYS_SETTLE_SECONDS": 0.0,
                       "JOBS_WAIT_SECONDS": 0})


def _move_venue(service_id: int):
    def change(session):
        from app.models import Service

        session.get(Service, service_id).x += 200
    return change


def _more_young_people(session) -> None:
    from sqlalchemy import select

    from app.models import AreaIndicator

    row = session.scalars(select(AreaIndicator).where(
        AreaIndicator.name.in_(("population_age_15_15", "population_age_13_19")))
        .order_by(AreaIndicator.id)).first()
    row.value = (row.value or 0) + 10


def _change_and_wait(app, change, label: str) -> None:
    """Make one change; time until the stored journeys are current again."""
    from sqlalchemy import select

    from app.extensions import db
    from app.geodata.journeys import journey_status
    from app.models import AuditEvent, JourneyRun

    with app.app_context():
        before = db.session.scalar(select(JourneyRun.id))
    with app.app_context():  # one change, as a request or command makes it
        change(db.session)
        db.session.commit()
        cpu, t = time.process_time(), time.perf_counter()
    # the context has ended: the update is queued on the embedded pool
    while True:
        with app.app_context():
            status = journey_status(db.session)
            if not status["stale"]:
                break
        time.sleep(0.05)
    wall = time.perf_counter() - t
    cpu = time.process_time() - cpu
    with app.app_context():
        run = db.session.scalars(select(JourneyRun)).one()
        events = db.session.scalar(select(AuditEvent.id).where(
            AuditEvent.action == "compute journeys").order_by(AuditEvent.id.desc()).limit(1))
        how = (f"{run.summary['updated_services']} service recomputed"
               if "updated_services" in run.summary else "whole run recomputed")
        print(f"  {label} -> journeys current again in {wall:.1f} s wall, "
              f"{cpu:.1f} s CPU (whole process); the job's own computation "
              f"{run.seconds:.1f} s ({how}); run {before} -> {run.id}; audit event {events}; "
              f"load average {os.getloadavg()[0]:.1f}")


def bench_demo() -> None:
    from app.demo import build_demo
    from app.extensions import db
    from app.geodata.journeys import run_journeys
    from app.models import Service

    with tempfile.TemporaryDirectory() as tmp:
        app = _app(tmp)
        with app.app_context():
            db.create_all()
            build_demo(db.session, progress=lambda *a: None)
            db.session.commit()
            t = time.perf_counter()
            run = run_journeys(db.session, reference_date=date.today())
            db.session.commit()
            first = time.perf_counter() - t
            s = run.summary
            venue = db.session.query(Service.id).filter(Service.status == "active",
                                                        Service.x.is_not(None)).first()[0]
            db.session.info.clear()
        print(f"demo county: {s['points']:,} points, {s['services']} services, "
              f"{s['sessions']} sessions; first computation {first:.1f} s (foreground)")
        _change_and_wait(app, _move_venue(venue), "demo, one venue moved")
        _change_and_wait(app, _more_young_people, "demo, one LSOA's young people changed")
        app.extensions["yvm_jobs"].stop()


def _synthetic_county(session, rng) -> None:
    from app.models import TransportData
    from bench.journeys import X0, Y0, county_feed, grid_network
    from tests.county import County

    net = grid_network()
    extent = 315 * 150.0
    feed, stop_times = county_feed(rng, extent, date.today())
    roads = net.to_bytes()
    for kind, payload, name in (("roads", roads, "synthetic.osm.pbf"),
                                ("timetable", feed, "synthetic-gtfs.zip")):
        session.add(TransportData(kind=kind, file_name=name, source_date="2026-12-01",
                                  sha256=hashlib.sha256(payload).hexdigest(), summary={},
                                  payload=payload))
    county = County(session, source="synthetic county")
    side = extent / 9
    for i in range(9):
        for j in range(9):
            code = f"E0109{i}{j:03d}"
            young = int(rng.integers(60, 400))
            county.lsoa(code, f"LSOA {i}-{j}", corner=(X0 + i * side, Y0 + j * side),
                        size=side, indicators={"population_total": young * 8,
                                               "population_age_13_19": young})
            xs = X0 + i * side + rng.uniform(0, side, 100)
            ys = Y0 + j * side + rng.uniform(0, side, 100)
            for k, (x, y) in enumerate(zip(xs, ys, strict=True)):
                county.postcode(f"SY{i}{j} {k:03d}", float(x), float(y), lsoa=code)
    for v in range(200):
        sessions = []
        for _ in range(int(rng.integers(1, 4))):
            start = int(rng.choice([10, 16, 17, 18, 18, 19, 19]))
            sessions.append((int(rng.integers(0, 7)), f"{start:02d}:00", f"{start + 2:02d}:00"))
        county.service(f"Service {v}", float(X0 + rng.uniform(0, extent)),
                       float(Y0 + rng.uniform(0, extent)), sessions=sessions, key=f"s{v}")
    county.commit()
    print(f"synthetic county: {len(net.node_xy):,} road nodes, {len(net.edge_u):,} edges, "
          f"{stop_times:,} stop times a day, 8,100 postcodes in 81 LSOAs, 200 services")


def bench_county() -> None:
    from app.extensions import db
    from app.geodata.journeys import run_journeys
    from app.models import Service

    with tempfile.TemporaryDirectory() as tmp:
        app = _app(tmp)
        with app.app_context():
            db.create_all()
            t = time.perf_counter()
            _synthetic_county(db.session, np.random.default_rng(14))
            built = time.perf_counter() - t
            t = time.perf_counter()
            run = run_journeys(db.session, reference_date=date.today())
            db.session.commit()
            first = time.perf_counter() - t
            s = run.summary
            venue = db.session.query(Service.id).order_by(Service.id).first()[0]
            db.session.info.clear()
        print(f"  built in {built:.1f} s; {s['points']:,} points, {s['sessions']} sessions; "
              f"first computation {first:.1f} s (foreground)")
        _change_and_wait(app, _move_venue(venue), "synthetic county, one venue moved")
        _change_and_wait(app, _more_young_people,
                         "synthetic county, one LSOA's young people changed")
        app.extensions["yvm_jobs"].stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--county", action="store_true")
    args = parser.parse_args()
    both = not (args.demo or args.county)
    print(f"{date.today()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    if args.demo or both:
        bench_demo()
    if args.county or both:
        bench_county()


if __name__ == "__main__":
    main()
