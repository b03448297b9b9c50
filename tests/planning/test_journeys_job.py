"""Computing journeys is a background job a commissioner starts from the travel
data page: on the in-process pool and on RQ workers (Redis at 127.0.0.1:6379),
it finishes, its figures are on the page, the same work is one job and one
stored run, and the planning pages then use the journeys and say so.  The
command line still computes them in the foreground.  Expected figures are
worked out by hand in :mod:`tests.planning.journey_county`."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app import jobs
from app.models import AuditEvent, JourneyRun, Service
from tests.conftest import make_user
from tests.polling import poll

from .county import build_county
from .journey_county import add_transport


@pytest.fixture
def app_config():
    return {"JOBS_WAIT_SECONDS": 0}


@pytest.fixture
def county(db, app, tmp_path):
    ids = build_county(db.session)
    add_transport(db.session, tmp_path)
    yield ids
    app.extensions["yvm_jobs"].stop()


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def stored_runs(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(JourneyRun))


def computations(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "compute journeys"))


def start(client) -> str:
    r = client.post("/planning/travel/journeys", data={"limit": "90"})
    assert r.status_code == 303 and r.headers["Location"].startswith("/jobs/"), r.status_code
    return r.headers["Location"]


def follow(client, job_url: str) -> dict:
    return poll(lambda: (s := client.get(job_url + ".json").get_json())["done"] and s,
                what="the journeys job")


def close_boxing(client, boxing_id: int) -> int:
    r = client.post("/planning/scenarios", data={"name": "Close boxing"})
    sid = int(r.headers["Location"].rstrip("/").split("/")[-1])
    r = client.post(f"/planning/scenarios/{sid}/change-service",
                    data={"chg-service_id": str(boxing_id), "chg-kind": "close"})
    assert r.status_code == 302
    return sid


def evening(page: str) -> dict:
    return {k: int(re.search(rf'id="{k}">([\d,]+)<', page).group(1).replace(",", ""))
            for k in ("yp-no-evening-pt", "yp-no-way-home", "yp-car-not-bus")}


def test_a_commissioner_computes_journeys_in_the_background_once(app, client, auth, db,
                                                                 county):
    assert app.extensions["yvm_jobs"].kind == "inprocess"
    auth.login_as("commissioner")
    page = text(client.get("/planning/travel"))
    assert "county-latest.osm.pbf" in page and "2026-11-20" in page
    assert "county-bus-gtfs.zip" in page and "Not computed yet" in page
    # Straight line first: closing Colwall Boxing leaves Colwall's 80 with nothing by bus.
    sid = close_boxing(client, county["boxing"])
    before = text(client.get(f"/planning/scenarios/{sid}"))
    assert re.search(r'id="no-longer-reached">80<', before)
    assert 'data-basis="straight-line"' in before and "no road network" not in before

    job_url = start(client)
    assert start(client) == job_url  # a second click follows the same job
    assert "Computing journeys" in text(client.get(job_url))
    state = follow(client, job_url)
    assert state["state"] == "finished" and state["ready_url"] == "/planning/travel"
    assert stored_runs(db) == 1 and computations(db) == 1

    page = text(client.get("/planning/travel"))
    assert "Up to date" in page and 'id="journeys-job"' not in page
    assert "4 places where young people live, 4 sessions of 3 services" in page
    # Brook (50) has a bus there and none home; Dunmore (40) no bus there (the two
    # figures are disjoint); Brook and Dunmore reach an evening session by car within
    # 30 minutes but by no bus route there and back.
    assert evening(page) == {"yp-no-evening-pt": 40, "yp-no-way-home": 50,
                             "yp-car-not-bus": 90}
    # Asked again for the same data: the kept result, no second computation.
    assert start(client) == job_url
    assert stored_runs(db) == 1 and computations(db) == 1

    # The scenario now uses the journeys: Colwall keeps Ashby Youth Club by bus on
    # Tuesdays (the 17:35 there, the 20:02 home: 25 minutes each way).
    after = text(client.get(f"/planning/scenarios/{sid}"))
    assert re.search(r'id="no-longer-reached">0<', after)
    assert 'data-basis="network"' in after
    assert "journeys on the road network (OpenStreetMap, 2026-11-20), by bus at each " \
           "session&#39;s own day and times (timetable county-bus-gtfs.zip)" in after

    # A new name changes nothing journeys read: still up to date.
    db.session.get(Service, county["scouts"]).name = "Ashby Scout Group"
    db.session.commit()
    assert "Up to date" in text(client.get("/planning/travel"))
    # A venue moved: pages keep the last run and say it is being updated; computing
    # again is a new job, one run kept.
    db.session.get(Service, county["scouts"]).x += 50
    db.session.commit()
    page = text(client.get("/planning/travel"))
    assert "Being updated" in page
    assert "being updated" in text(client.get(f"/planning/scenarios/{sid}"))
    again = start(client)
    assert again != job_url and follow(client, again)["state"] == "finished"
    assert stored_runs(db) == 1 and computations(db) == 2
    assert "Up to date" in text(client.get("/planning/travel"))


def test_only_planners_start_or_follow_it(client, auth, db, county):
    auth.login_as("councillor")
    assert client.get("/planning/travel").status_code == 403
    assert client.post("/planning/travel/journeys", data={"limit": "90"}).status_code == 403
    auth.login_as("commissioner")
    job_url = start(client)
    follow(client, job_url)
    bad = client.post("/planning/travel/journeys", data={"limit": "5"})
    assert bad.status_code == 400 and "Between 30 and 180 minutes" in text(bad)
    auth.login_as("councillor")
    assert client.get(job_url).status_code == 404


def test_the_command_line_computes_them_in_the_foreground(client, auth, db, runner, county):
    auth.login_as("commissioner")
    # Straight line by car: Brook is 19 km from Ashby Youth Club (37 minutes), so Brook
    # Library newly reaches Brook's 50; only Colwall (80) is near Colwall Boxing.
    sites = text(client.get("/planning/sites?k=1&threshold=30&travel=car"))
    assert re.search(r'id="sites-newly">50<', sites) and "40 km/h by car" in sites
    subsidy = "/planning/subsidy?mode=free&deciles=1&deciles=2&take_up=25&threshold=30" \
              f"&travel=car&services={county['boxing']}"
    assert "<dt>Young people eligible and in reach</dt><dd>80</dd>" in text(client.get(subsidy))

    result = runner.invoke(args=["geodata", "compute-journeys"])
    assert result.exit_code == 0, result.output
    assert "Journeys for 4 population points and 4 sessions of 3 services" in result.output
    assert stored_runs(db) == 1

    # On the A road: Brook is 11.8 minutes from the club by car, so nobody is left for a
    # new site to reach; Ashby (100, decile 1) is 27.9 minutes from Colwall Boxing.
    sites = text(client.get("/planning/sites?k=1&threshold=30&travel=car"))
    assert "No building would reach anyone not already reached" in sites
    assert 'data-basis="network"' in sites
    assert "Candidate sites are judged the same way as today" in sites
    assert "services: journeys on the same road network from the same homes" in sites
    subsidy = text(client.get(subsidy))
    assert "<dt>Young people eligible and in reach</dt><dd>180</dd>" in subsidy
    assert "Getting there by car. Travel times: journeys on the road network" in subsidy


# ---- RQ workers on Redis ---------------------------------------------------------------

def test_an_rq_worker_computes_them_once(db, rq_app, tmp_path):
    from app.planning.journeys import compute_journeys_job, start_journeys, travel_page

    rq, start_worker = rq_app
    backend = rq.extensions["yvm_jobs"]
    assert backend.kind == "rq"
    build_county(db.session)
    add_transport(db.session, tmp_path)
    commissioner = make_user(db, "commissioner", email="c@example.org")
    first = start_journeys(commissioner, 90)
    assert start_journeys(commissioner, 90).id == first.id
    assert backend.queue.count == 1  # handed to RQ once
    worker = start_worker()
    info = poll(lambda: ((s := jobs.status(first.id)).done and s) or worker.poll() is not None,
                what="the worker to compute journeys")
    assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
    assert info.state == "finished", info
    assert jobs.latest(compute_journeys_job).id == first.id
    assert jobs.result(first.id)["points"] == 4
    assert stored_runs(db) == 1 and computations(db) == 1
    db.session.expire_all()
    page = travel_page()
    assert page["status"]["basis"] == "network" and page["run"]["current"]
    assert {k: round(v) for k, v in page["evening"].items() if k.startswith("yp_")} == {
        "yp_no_evening_pt": 40, "yp_no_way_home": 50, "yp_car_not_bus": 90}
    # Asked again for the same data: the kept result; RQ is not handed it again.
    assert start_journeys(commissioner, 90).state == "finished"
    assert backend.queue.count == 0 and stored_runs(db) == 1 and computations(db) == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "compute journeys"))
    assert event.actor == "c@example.org" and event.after["points"] == 4
