"""GTFS within a memory bound (issue 30): wall time and peak memory of importing a
zip bomb and a large valid timetable.

    .venv/bin/python bench/bench_transit_memory.py               # every case
    .venv/bin/python bench/bench_transit_memory.py --stop-times 300000 --skip-old

Each case runs in its own subprocess, so its peak resident set (``ru_maxrss``)
is its own: once Python, pandas and the app are loaded the peak is reset to the
resident set then ("at start", via ``/proc/self/clear_refs``), the case's peak
is the kernel's ``VmHWM`` (what ``ru_maxrss`` reports, but resettable), and its
own memory is that peak minus the start.  ``ru_maxrss`` is printed too.  Cases:

* ``bomb``: a zip of about 200 KB whose ``stop_times.txt`` expands to 200 MB
  (the attack in issue 30), imported with ``import_timetable`` and the default
  settings: refused by the zip checks before any member is read.
* ``bomb-lying``: the same zip, its headers declaring ``stop_times.txt`` as
  1,000 bytes (passes the checks as declared): stopped by the byte cap.
* ``bomb-no-limits``: the same zip with ``GTFS_MAX_UNCOMPRESSED_MB`` and
  ``GTFS_MAX_COMPRESSION_RATIO`` raised so it passes: the streaming checker
  reads rows until 25 problems are listed.
* ``large``: a valid timetable of ``--stop-times`` stop times with the columns
  the Bus Open Data Service's GTFS has, imported (checked and stored in SQLite).
* ``large-read``: reading it back as the journeys job does (``Feed.read``, then
  the stop times of a Monday and a Saturday; building their timetables for the
  router is ``bench/journeys.py``'s to measure).
* ``large-gtfs-kit``: ``gtfs_kit.read_feed`` of the same file (the reader the
  journeys job used before), for comparison.
* ``bomb-old``: the checker as it was before (commit e592bc7, read from git),
  on the bomb: what issue 30 measured.  Skipped with ``--skip-old``.
* ``osm``: ``read_osm`` of a grid of ``--osm-side`` squared road nodes (a
  ``.osm.pbf`` written with pyosmium): the memory a kept node costs, against
  which ``OSM_MAX_NODES`` is set.

Prints figures; asserts nothing.  docs/BENCHMARKS.md keeps dated results.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OLD_COMMIT = "e592bc7"
STOPS_PER_TRIP = 30


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def status_mb(field: str) -> float:
    """``VmRSS`` (resident now) or ``VmHWM`` (its peak) from /proc/self/status, in MB."""
    with open("/proc/self/status") as status:
        line = next(x for x in status if x.startswith(field + ":"))
    return int(line.split()[1]) / 1024.0


def reset_peak() -> bool:
    """Start the peak resident set (``VmHWM``) again from the resident set now, so the
    case's peak is not hidden under its setup's (Linux 4.0+: ``clear_refs`` 5).
    ``ru_maxrss`` is not reset when the app's threads have run, hence ``VmHWM``."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def large_feed(path: Path, stop_times: int, *, stops: int = 4000, seed: int = 1) -> None:
    """A valid feed shaped like a Bus Open Data Service region cut: ATCO stop codes,
    long vehicle-journey trip ids and every optional stop_times column."""
    rng = random.Random(seed)
    trips = stop_times // STOPS_PER_TRIP
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("agency.txt", "agency_id,agency_name,agency_url,agency_timezone,agency_lang\n"
                   "OP1,Wyvern Buses,https://example.org,Europe/London,EN\n")
        z.writestr("stops.txt", "stop_id,stop_code,stop_name,stop_lat,stop_lon,wheelchair_"
                   "boarding,location_type,parent_station,platform_code\n" + "".join(
                       f"3200HER{i:05d},her{i:05d},Hereford Road stop {i},"
                       f"{51.9 + rng.random() * 0.4:.6f},{-3.1 + rng.random() * 0.7:.6f},"
                       "0,0,,\n" for i in range(stops)))
        z.writestr("routes.txt", "route_id,agency_id,route_short_name,route_long_name,"
                   "route_type\n" + "".join(f"R{i},OP1,{i},,3\n" for i in range(200)))
        z.writestr("calendar.txt", "service_id,monday,tuesday,wednesday,thursday,friday,"
                   "saturday,sunday,start_date,end_date\n"
                   "WK,1,1,1,1,1,0,0,20261201,20270731\nSA,0,0,0,0,0,1,0,20261201,20270731\n"
                   "SU,0,0,0,0,0,0,1,20261201,20270731\n")
        z.writestr("calendar_dates.txt", "service_id,date,exception_type\nWK,20261225,2\n"
                   "SU,20261225,1\n")
        service = ["WK"] * 6 + ["SA"] * 3 + ["SU"]
        z.writestr("trips.txt", "route_id,service_id,trip_id,trip_headsign,block_id,shape_id,"
                   "wheelchair_accessible,vehicle_journey_code\n" + "".join(
                       f"R{t % 200},{service[t % 10]},VJ{t:08d}a1b2c3d4e5f6,Hereford,B{t},"
                       f"RPSH{t % 200},1,VJ{t}\n" for t in range(trips)))
        with z.open("stop_times.txt", "w", force_zip64=True) as out:
            out.write(b"trip_id,arrival_time,departure_time,stop_id,stop_sequence,stop_"
                      b"headsign,pickup_type,drop_off_type,shape_dist_traveled,timepoint\n")
            for t in range(trips):
                first = rng.randrange(stops)
                at = 5 * 3600 + rng.randrange(18 * 3600)
                rows = []
                for k in range(STOPS_PER_TRIP):
                    at += rng.choice((60, 90, 120)) if k else 0
                    hms = f"{at // 3600:02d}:{at // 60 % 60:02d}:{at % 60:02d}"
                    rows.append(f"VJ{t:08d}a1b2c3d4e5f6,{hms},{hms},"
                                f"3200HER{(first + k * 7) % stops:05d},{k},,0,0,"
                                f"{k * 812.5:.1f},{int(k % 5 == 0)}\n")
                out.write("".join(rows).encode())


# ---- the cases (run in a child process) -----------------------------------------------

def _import(path: Path, tmp: Path, **settings):
    """A set-up app and a function importing ``path`` into its SQLite database."""
    os.environ.setdefault("APP_ENV", "testing")
    from app import create_app
    from app.analysis.filelimits import TransportLimits
    from app.extensions import db
    from app.geodata.errors import GeodataError
    from app.geodata.transport import import_timetable

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite", **settings})
    context = app.app_context()
    context.push()
    db.create_all()

    def run() -> str:
        try:
            report = import_timetable(db.session, path, TransportLimits.from_config(app.config))
            db.session.commit()
            return f"imported: {report.rows:,} stop times; " + "; ".join(report.notes)
        except GeodataError as exc:
            db.session.rollback()
            return "refused: " + " ".join(str(exc).split())[:300]
    return run


def _large_read(path: Path):
    from datetime import date

    from app.analysis.gtfs import Feed

    data = path.read_bytes()

    def run() -> str:
        feed = Feed.read(data, name=path.name)
        feed.keep_days([date(2026, 12, 7), date(2026, 12, 12)])  # a Monday and a Saturday
        return (f"{len(feed.calls['trip']):,} calls kept for a Monday and a Saturday "
                f"({sum(v.nbytes for v in feed.calls.values()) / 1e6:.0f} MB)")
    return run


def _gtfs_kit(path: Path):
    import gtfs_kit

    def run() -> str:
        kit = gtfs_kit.read_feed(path, dist_units="km")
        return f"{len(kit.stop_times):,} stop times read whole"
    return run


def _old_checker(path: Path, tmp: Path):
    source = subprocess.run(["git", "show", f"{OLD_COMMIT}:app/analysis/gtfs.py"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout
    module = tmp / "old_gtfs.py"
    module.write_text(source.replace("from .transit import", "from app.analysis.transit import"))
    sys.path.insert(0, str(tmp))
    import old_gtfs  # noqa: PLC0415 - the checker as it was, written out above

    data = path.read_bytes()

    def run() -> str:
        try:
            old_gtfs.validate_feed(data, name=path.name)
            return "accepted"
        except old_gtfs.TimetableError as exc:
            return "refused: " + " ".join(str(exc).split())[:200]
    return run


def _osm(path: Path):
    from app.analysis.roads import read_osm

    def run() -> str:
        network = read_osm(path)
        return f"{len(network.node_xy):,} nodes, {len(network.edge_u):,} edges kept"
    return run


def grid_osm(path: Path, side: int) -> None:
    """A road grid: ``side`` x ``side`` nodes 100 m apart, one way per row and column."""
    from app.demo.osmfile import write_osm

    nodes = {1 + i * side + j: (-3.0 + j * 0.00146, 52.0 + i * 0.0009)
             for i in range(side) for j in range(side)}
    ways = [(1 + i, [1 + i * side + j for j in range(side)], {"highway": "residential"})
            for i in range(side)]
    ways += [(1 + side + j, [1 + i * side + j for i in range(side)],
              {"highway": "unclassified"}) for j in range(side)]
    write_osm(path, nodes, ways)


def child(case: str, tmp: Path) -> None:
    import pandas  # noqa: F401 - loaded before "base" in every case alike

    bomb, liar, large = tmp / "bomb.zip", tmp / "bomb-lying.zip", tmp / "large.zip"
    setups = {
        "bomb": lambda: _import(bomb, tmp),
        "bomb-lying": lambda: _import(liar, tmp),
        "bomb-no-limits": lambda: _import(bomb, tmp, GTFS_MAX_UNCOMPRESSED_MB=1000,
                                          GTFS_MAX_COMPRESSION_RATIO=100_000),
        "large": lambda: _import(large, tmp),
        "large-read": lambda: _large_read(large),
        "large-gtfs-kit": lambda: _gtfs_kit(large),
        "bomb-old": lambda: _old_checker(bomb, tmp),
        "osm": lambda: _osm(tmp / "grid.osm.pbf"),
    }
    run = setups[case]()
    reset = reset_peak()
    now = status_mb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    outcome = run()
    print(json.dumps({"case": case, "wall_s": round(time.perf_counter() - started, 2),
                      "cpu_s": round(time.process_time() - cpu, 2),
                      "peak_mb": round(status_mb("VmHWM") if reset else peak_mb()),
                      "ru_maxrss_mb": round(peak_mb()), "start_mb": round(now),
                      "peak_reset": reset,
                      "outcome": outcome}))


# ---- the parent: build the files, run each case ---------------------------------------

def build(tmp: Path, stop_times: int, osm_side: int) -> dict:
    from tests.trust.transit_files import bomb, declare_size

    data = bomb(200)
    (tmp / "bomb.zip").write_bytes(data)
    (tmp / "bomb-lying.zip").write_bytes(declare_size(data, "stop_times.txt", 1000))
    large_feed(tmp / "large.zip", stop_times)
    if osm_side:
        grid_osm(tmp / "grid.osm.pbf", osm_side)
    with zipfile.ZipFile(tmp / "large.zip") as z:
        expanded = sum(i.file_size for i in z.infolist())
    osm = tmp / "grid.osm.pbf"
    return {"bomb": len(data), "large": (tmp / "large.zip").stat().st_size,
            "large_expanded": expanded, "osm": osm.stat().st_size if osm.exists() else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case")
    parser.add_argument("--dir")
    parser.add_argument("--stop-times", type=int, default=1_200_000)
    parser.add_argument("--skip-old", action="store_true")
    parser.add_argument("--osm-side", type=int, default=700, help="0 skips the OSM case")
    parser.add_argument("--only", nargs="*", help="run only these cases")
    args = parser.parse_args()
    if args.case:
        child(args.case, Path(args.dir))
        return
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        sizes = build(tmp, args.stop_times, args.osm_side)
        print(f"bomb.zip {sizes['bomb']:,} bytes -> 200 MB of stop_times; large.zip "
              f"{sizes['large'] / 1e6:.1f} MB -> {sizes['large_expanded'] / 1e6:.1f} MB "
              f"({args.stop_times:,} stop times); grid.osm.pbf {sizes['osm'] / 1e3:.0f} KB; "
              f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        cases = ["bomb", "bomb-lying", "bomb-no-limits", "large", "large-read",
                 "large-gtfs-kit"] + ([] if args.skip_old else ["bomb-old"]) + (
                     ["osm"] if args.osm_side else [])
        cases = [c for c in cases if not args.only or c in args.only]
        for case in cases:
            done = subprocess.run([sys.executable, __file__, "--case", case, "--dir", name],
                                  capture_output=True, text=True, cwd=ROOT)
            if done.returncode:
                print(f"{case}: failed\n{done.stderr[-2000:]}")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{case:15} {r['wall_s']:7.2f} s wall {r['cpu_s']:7.2f} s CPU  peak RSS "
                  f"{r['peak_mb']:6,} MB = {r['start_mb']:,} at start + "
                  f"{r['peak_mb'] - r['start_mb']:,}"
                  f"{'' if r['peak_reset'] else ' (peak not reset: an upper bound)'} "
                  f"(ru_maxrss {r['ru_maxrss_mb']:,})  "
                  f"{r['outcome']}")


if __name__ == "__main__":
    main()
