"""Time proposals judged by the journeys' method on the demo county.

    .venv/bin/python bench/proposal_journeys.py

Builds the demo county (roads, buses and journeys) into a throwaway SQLite
file, then times as a commissioner sees them: a scenario page with one, then
five proposed services (first view: journeys from every population point to the
new venues; second view: from the cache), the ready-made funding-cliff
scenario, the funding-cliff page, and best sites (k = 3) over every council
building.  Prints wall seconds; the figures go in docs/PLANNING.md.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("APP_ENV", "testing")


def timed(client, url: str, method: str = "get") -> tuple[float, object]:
    t = time.perf_counter()
    r = getattr(client, method)(url)
    return time.perf_counter() - t, r


def main() -> int:
    from app import create_app
    from app.demo import build_demo
    from app.extensions import db
    from app.inputs import areas as area_inputs
    from app.inputs import buildings as building_inputs
    from app.models import Scenario, User

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False,
                          "WTF_CSRF_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/demo.sqlite"})
        with app.app_context():
            db.create_all()
            t = time.perf_counter()
            build_demo(db.session, progress=lambda _m: None)
            db.session.commit()
            print(f"demo county built (with journeys) in {time.perf_counter() - t:.1f} s")
            user = db.session.query(User).filter_by(role="commissioner").one()
            client = app.test_client()
            with client.session_transaction() as s:
                s["_user_id"], s["_fresh"], s["login_at"] = user.get_id(), True, time.time()
            areas = area_inputs.lsoa_areas(db.session)
            buildings = building_inputs.building_records(db.session)
            from app.geodata.journeys import current_journeys

            run = current_journeys(db.session)
            print(f"{len(areas)} LSOAs, {len(buildings)} council buildings, "
                  f"{len(run.point_xy)} population points, {len(run.service_ids)} services "
                  f"in the journey run")
            from app.analysis.proposal_journeys import Proposal, proposal_journeys
            from app.geodata.transport import load_network, load_timetable

            t = time.perf_counter()
            network, _ = load_network(db.session)
            feed, _ = load_timetable(db.session)
            loaded = time.perf_counter() - t
            t = time.perf_counter()
            found = proposal_journeys(run.point_xy, [
                Proposal(str(k), b["x"], b["y"]) for k, b in buildings.items()],
                network=network, feed=feed, limit_min=float(run.result.threshold_min))
            print(f"journeys to all {len(buildings)} buildings (no cache): "
                  f"{time.perf_counter() - t:.2f} s, {found.result.scans} timetable scans; "
                  f"reading the network and timetable {loaded:.2f} s")
            picks = list(buildings)[:5]
            for n in (1, 5):
                scenario = Scenario(name=f"{n} proposals", changes=[
                    {"kind": "add", "name": f"Proposal {k}", "building_id": b,
                     "service_type": "open_access"} for k, b in enumerate(picks[:n])])
                db.session.add(scenario)
                db.session.commit()
                first, r1 = timed(client, f"/planning/scenarios/{scenario.id}")
                again, r2 = timed(client, f"/planning/scenarios/{scenario.id}")
                assert r1.status_code == r2.status_code == 200
                assert b"judged the same way" in r1.data
                print(f"scenario, {n} proposed: first view {first:.2f} s, again {again:.2f} s")
            made, r = timed(client, "/planning/scenarios/funding-cliff", "post")
            view, r = timed(client, r.headers["Location"])
            print(f"funding-cliff scenario: made {made:.2f} s, page {view:.2f} s")
            cliff, r = timed(client, "/planning/funding-cliff")
            print(f"funding-cliff page: {cliff:.2f} s ({r.status_code})")
            sites, r = timed(client, "/planning/sites?k=3&threshold=30")
            again, r = timed(client, "/planning/sites?k=3&threshold=30")
            print(f"best sites k=3 over {len(buildings)} buildings: first {sites:.2f} s, "
                  f"again {again:.2f} s ({r.status_code})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
