"""Time the geodata imports and figures; prints figures, asserts nothing.

    APP_ENV=testing .venv/bin/python bench/geodata_bench.py [--database-url URL]

Uses a throwaway SQLite file (or the URL given, whose tables it drops and
recreates: never point it at a database you care about).  Reads the real
Herefordshire folder from ../shared/geodata/herefordshire (never copied).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import app.dataversion  # noqa: E402,F401 - the flush listener, as in the app
from app.demo import DemoContext, geography  # noqa: E402
from app.geodata.bundle import import_bundle  # noqa: E402
from app.geodata.figures import area_figures  # noqa: E402
from app.geodata.lookup import area_for_postcode  # noqa: E402
from app.models import Base, Postcode  # noqa: E402

HEREFORDSHIRE = ROOT.parent / "shared" / "geodata" / "herefordshire"


def timed(label, function, repeat=1):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    print(f"{label:55} median {statistics.median(times) * 1000:9.1f} ms  (n={repeat})")
    return result


def fresh(url):
    engine = create_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    return Session(engine)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        print(f"database: {url.split('@')[-1]}")
        session = fresh(url)

        def real():
            import_bundle(session, HEREFORDSHIRE)
            session.commit()

        timed("real Herefordshire bundle import (incl. ward figures)", real, repeat=3)
        timed("area_figures(ward), Herefordshire 117 LSOAs -> 53 wards",
              lambda: area_figures(session, "ward"), repeat=5)
        timed("area_figures(lsoa), Herefordshire",
              lambda: area_figures(session, "lsoa"), repeat=5)
        postcodes = session.scalars(select(Postcode.postcode).where(
            Postcode.terminated.is_(None)).limit(50)).all()
        timed("area_for_postcode x50 (ward)",
              lambda: [area_for_postcode(session, p, "ward") for p in postcodes], repeat=3)
        session.close()

        session = fresh(url)

        def demo():
            geography.build(session, DemoContext())
            session.commit()

        timed("demo county geography build (files + import_bundle)", demo)
        timed("area_figures(parish), demo 131 LSOAs -> 60 parishes",
              lambda: area_figures(session, "parish"), repeat=5)
        session.close()


if __name__ == "__main__":
    main()
