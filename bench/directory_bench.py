"""Directory timings: search near a postcode, the HSDS API, exports and a CSV import.

Builds a throwaway SQLite (or --db URL) database with a made-up grid of postcodes
and N services (copies of a varied template), then prints median timings.

    .venv/bin/python bench/directory_bench.py                 # 80 and 2,000 services
    .venv/bin/python bench/directory_bench.py --sizes 500 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("APP_ENV", "testing")
SCHEMA = ROOT.parent / "shared" / "openreferral" / "schema"


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def build(db, n: int) -> None:
    import random

    from app.directory.io import import_services_csv
    from app.models import Postcode

    rng = random.Random(1)
    for i in range(400):
        db.session.add(Postcode(postcode=f"BN{i // 20 + 1} {i % 10}A{chr(65 + i % 20)}",
                                x=300000 + (i % 20) * 2500, y=200000 + (i // 20) * 2500,
                                lsoa_code=f"E0100{i // 4:04d}"))
    db.session.commit()
    pcs = [p.postcode for p in db.session.query(Postcode)]
    header = "name,service_type,cost_model,cost_amount,postcode,sessions,age_min,age_max\n"
    kinds = [("drop_in", "free", ""), ("sport", "per_session", "3"),
             ("uniformed", "termly", "45"), ("arts_music", "monthly", "12")]
    rows = []
    for i in range(n):
        t, m, a = kinds[i % 4]
        rows.append(f"Service {i},{t},{m},{a},{rng.choice(pcs)},Mon 18:00-20:00; "
                    f"Thu 19:00-21:00 term-time,11,18")
    return header + "\n".join(rows) + "\n", import_services_csv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[80, 2000])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    from app import create_app
    from app.directory import openreferral
    from app.extensions import db
    from app.models import Service

    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False,
                              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite"})
            with app.app_context():
                db.create_all()
                text, importer = build(db, n)
                t0 = time.perf_counter()
                result = importer(db.session, text)
                db.session.commit()
                import_ms = (time.perf_counter() - t0) * 1000
                assert result.ok, result.problems[:3]
                client = app.test_client()
                print(f"== {n} services ==")
                print(f"CSV import (check every row, then write): {import_ms:,.0f} ms")
                for label, url in (
                    ("/directory (first page)", "/directory"),
                    ("/directory near a postcode", "/directory?near=BN5+5AF"),
                    ("/directory near + free + not uniformed", "/directory?near=BN5+5AF&free=1"
                                                               "&not_uniformed=1"),
                    ("/directory/<id>", f"/directory/{db.session.query(Service.id).first()[0]}"),
                    ("/api/v1/services (25 a page)", "/api/v1/services"),
                    ("/api/v1/services?per_page=100", "/api/v1/services?per_page=100"),
                    ("/directory/export.json (whole directory)", "/directory/export.json"),
                    ("/directory/export.csv", "/directory/export.csv"),
                ):
                    def get(url=url, client=client):
                        assert client.get(url).status_code == 200
                    print(f"{label}: median {median_ms(get, args.repeat):,.1f} ms")
                if SCHEMA.is_dir():
                    import json

                    doc = json.loads(client.get("/directory/export.json").get_data())
                    t0 = time.perf_counter()
                    errors = openreferral.validation_errors(doc, SCHEMA)
                    print(f"HSDS 3 schema validation of the export: "
                          f"{(time.perf_counter() - t0) * 1000:,.0f} ms, {len(errors)} errors")
                db.session.remove()
                db.engine.dispose()


if __name__ == "__main__":
    main()
