"""How long publishing a snapshot takes (``publish`` in app/publication/snapshot.py),
on the demo county and on the small county the publication tests attack.

Builds each county once in a throwaway SQLite database (the demo: ``build_demo``,
1,500 answers; the small county: ``tests/publication/county.py``, 47 answers, four
parishes, two wards), then publishes ``--runs`` snapshots one after another with the
default settings, as a council does after each wave or threshold change (the first
of them already has a snapshot before it, so the release model is at work).  Prints
the milliseconds of each publish (wall and this process's CPU) and their median,
and a digest of every stored figure of the last snapshot, to show a change left the
published figures alone.

    .venv/bin/python bench/bench_publish.py
    .venv/bin/python bench/bench_publish.py --runs 10 --profile demo   # cProfile, top 40
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("APP_ENV", "testing")

import load_harness as h  # noqa: E402

from tests.publication.test_publish_digest import digest  # noqa: E402  (the one digest)


def _build(name: str, session, config) -> None:
    if name == "demo":
        from app.demo import build_demo

        build_demo(session, progress=lambda *_a, **_k: None, config=config)
    else:
        from tests.publication.county import build

        build(SimpleNamespace(session=session), 7)


def run(name: str, runs: int, profile: bool) -> None:
    from app import create_app
    from app.extensions import db
    from app.publication import CellKeyMethod, Schedule, publish

    url, drop = h.make_database("sqlite", f"publish_{name}")
    try:
        h.create_schema(url)
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            _build(name, db.session, app.config)
            # Publish from a fresh session, as `flask publish run` and the tests' copies of
            # a county do: the build's objects would otherwise stay alive and make every
            # garbage collection during the publish longer.
            db.session.commit()
            db.session.remove()
            gc.collect()
            method = CellKeyMethod.from_config(app.config)
            schedule = Schedule.from_config(app.config)
            publish(db.session, method, schedule, trigger="bench")  # warm: p-table, imports
            walls, cpus = [], []
            prof = cProfile.Profile(time.process_time) if profile else None
            for _ in range(runs):
                db.session.expire_all()
                wall, cpu = time.perf_counter(), time.process_time()
                if prof:
                    prof.enable()
                snap = publish(db.session, method, schedule, trigger="bench")
                if prof:
                    prof.disable()
                walls.append(1000 * (time.perf_counter() - wall))
                cpus.append(1000 * (time.process_time() - cpu))
            print(f"{name:<6} runs {runs}: wall ms median {statistics.median(walls):8.1f} "
                  f"(min {min(walls):.1f}), CPU ms median {statistics.median(cpus):8.1f}; "
                  f"figures digest {digest(db.session, snap.id)}")
            if prof:
                pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
                pstats.Stats(prof).sort_stats("tottime").print_stats(25)
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--county", choices=("demo", "small", "both"), default="both")
    parser.add_argument("--profile", choices=("demo", "small"), default=None)
    args = parser.parse_args()
    for name in ("demo", "small"):
        if args.county in (name, "both"):
            run(name, args.runs, args.profile == name)


if __name__ == "__main__":
    main()
