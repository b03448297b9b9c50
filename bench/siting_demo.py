"""Time the site chooser on the demo county (k = 3 and more), end to end.

    .venv/bin/python bench/siting_demo.py

Builds the demo county into a throwaway SQLite file, then times (a) the
planning page ``/planning/sites?k=K&threshold=30`` as a commissioner sees it
(loading areas, services and buildings, reach today, the MCLP, the map) and
(b) the exact solver alone.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("APP_ENV", "testing")


def main() -> int:
    from app import create_app
    from app.analysis.comparison import area_reach
    from app.analysis.siting import coverage_matrix, demand_weights, solve_greedy, solve_optimal
    from app.demo import build_demo
    from app.extensions import db
    from app.inputs import areas as area_inputs
    from app.inputs import buildings as building_inputs
    from app.inputs import services as service_inputs
    from app.models import User
    from app.planning.candidates import candidate_minutes

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/demo.sqlite"})
        with app.app_context():
            db.create_all()
            t = time.perf_counter()
            build_demo(db.session, progress=lambda _m: None)
            print(f"demo county built in {time.perf_counter() - t:.1f} s")
            user = db.session.query(User).filter_by(role="commissioner").one()
            client = app.test_client()
            with client.session_transaction() as s:
                s["_user_id"], s["_fresh"], s["login_at"] = user.get_id(), True, time.time()
            areas = area_inputs.lsoa_areas(db.session)
            buildings = building_inputs.building_records(db.session)
            print(f"{len(areas)} LSOAs, {len(buildings)} council buildings")
            for k in (3, 5, 10):
                t = time.perf_counter()
                r = client.get(f"/planning/sites?k={k}&threshold=30")
                page = time.perf_counter() - t
                records = service_inputs.service_records(db.session)
                reached = (area_reach(areas, records, threshold_min=30)
                           ["all_services"] > 0).to_numpy()
                w = demand_weights(areas["young_people"], list(areas["imd_decile"]), reached)
                cover = coverage_matrix(candidate_minutes(areas, buildings), 30)
                opt = solve_optimal(cover, w, k)
                gr = solve_greedy(cover, w, k)
                print(f"k={k:>2}: page {r.status_code} in {page:.2f} s; exact solver "
                      f"{opt.seconds:.2f} s, greedy {gr.seconds * 1000:.1f} ms, greedy "
                      f"{'equal to' if gr.value >= opt.value - 1e-9 else 'below'} the optimum")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
