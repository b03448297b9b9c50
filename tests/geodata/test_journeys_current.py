"""Journeys kept current (issue 23): a change that touches nothing journeys read
("still right") changes no figure and leaves journeys current; a real change
queues one background job, pages keep the last complete run's figures and say
it is being updated (with its date) until the job has run; two runs in the same
minute show the second; without a road network, straight-line estimates, said.

The county is :mod:`tests.planning.county` with the roads and buses of
:mod:`tests.planning.journey_county`, whose docstring works out journeys by hand.
Evening figures by hand (threshold 30 minutes), before any change: Dunmore (40)
has no bus there to any evening session, Brook (50) has a bus there but none
home (the two figures do not overlap), and both reach one by car: 40, 50, 90.

With Ashby Youth Club and Ashby Scouts paused, Colwall Boxing (Wednesday
17:00-18:00, 1 km north of Colwall) is the only evening session:

* Ashby (100): 27.9 minutes by car (40 km of A road at 96.56 km/h, then 1 km at
  20 km/h); no bus runs east before Wednesday 17:00 (the only eastbound bus is
  Tuesday's 20:02), so no bus route: no evening bus, car not bus.
* Brook (50): 20 km of A road + 1 km = 12.4 + 3.0 = 15.4 minutes by car; no bus
  east either: no evening bus, car not bus; no bus there, so not "no way home".
* Colwall (80): 1 km on foot, 12.5 minutes each way (walking counts as public
  transport): reached.
* Dunmore (40): 18 minutes to the road at 20 km/h, then 40 km and 1 km: 45.9
  minutes by car, over 30: no evening bus, not car-not-bus.

So 190 with no evening bus, 0 with no way home, 150 by car not bus.
"""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from sqlalchemy import func, select

from app.dataversion import JOURNEYS_CHANGED
from app.geodata.journeys import run_journeys, when_text
from app.models import BackgroundJob, JourneyRun, Organisation, Service, ServiceSession
from tests.planning.county import build_county
from tests.planning.journey_county import add_transport

BEFORE = {"yp-no-evening-pt": 40, "yp-no-way-home": 50, "yp-car-not-bus": 90}
AFTER_PAUSING_ASHBY = {"yp-no-evening-pt": 190, "yp-no-way-home": 0, "yp-car-not-bus": 150}
REFRESH = "app.jobs.journeys:refresh_journeys_job"


class HeldJobs:
    """A job backend that hands nothing to a worker until the test runs the jobs
    (so what a page shows meanwhile is certain, not a race with a thread)."""

    kind = "held"
    holds_queued = False

    def __init__(self):
        self.owner, self.lease, self.max_attempts, self.result_ttl = "test", 600.0, 1, 86400.0
        self.dispatched: list[str] = []

    def dispatch(self, jid: str, council: str | None = None) -> None:
        self.dispatched.append(jid)

    def start_heartbeat(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def run_all(self) -> list[str]:
        from app.jobs.runner import perform

        outcomes = []
        while self.dispatched:
            outcomes.append(perform(self.dispatched.pop(0), self))
        return outcomes


@pytest.fixture
def app_config():
    return {"JOURNEYS_KEEP_CURRENT": True, "JOURNEYS_SETTLE_SECONDS": 0,
            "JOBS_WAIT_SECONDS": 0}


@pytest.fixture
def held(app):
    app.extensions["yvm_jobs"].stop()
    app.extensions["yvm_jobs"] = jobs = HeldJobs()
    return jobs


def build(session, tmp_path, *, transport: bool = True) -> dict:
    ids = build_county(session)
    ours = Organisation(name="Ashby Youth Trust")
    session.add(ours)
    session.flush()
    for key in ("club", "scouts"):
        session.get(Service, ids[key]).organisation_id = ours.id
    session.commit()
    ids["org"] = ours.id
    if transport:
        add_transport(session, tmp_path)
        run_journeys(session, reference_date=date.today())
        session.commit()
    session.info.pop(JOURNEYS_CHANGED, None)  # the set-up itself queues nothing
    return ids


@pytest.fixture
def county_builder():
    return "journeys kept current", build


@pytest.fixture
def county(built_county):
    """The county with its roads, buses and a complete journey run, built once per worker
    (3-5 s of CPU) and copied for each test: every test changes it (a pause, a move, a
    job run), so none shares a copy with another."""
    return built_county.accounts  # what build returned: the ids


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def evening(page: str) -> dict:
    return {k: int(re.search(rf'id="{k}">([\d,]+)<', page).group(1).replace(",", ""))
            for k in BEFORE}


def refresh_jobs(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(BackgroundJob)
                             .where(BackgroundJob.task == REFRESH))


def published(client) -> dict:
    """Every published gap figure of every area (and the travel sentence)."""
    body = client.get("/api/v1/gaps?level=lsoa").get_json()
    return {"areas": body["areas"], "travel": body["travel"]}


def as_partner(auth, db, ids):
    return auth.login_as("partner", organisation=db.session.get(Organisation, ids["org"]))


def test_still_right_changes_no_figure_and_journeys_stay_current(client, auth, db, county,
                                                                    held):
    ids = county
    auth.login_as("councillor")
    before, table = published(client), text(client.get("/gaps?level=lsoa"))
    assert before["travel"]["basis"] == "network"
    assert "journeys on the road network" in table and "being updated" not in table
    as_partner(auth, db, ids)
    for key in ("club", "scouts"):
        assert client.post(f"/partner/listings/{ids[key]}/confirm").status_code == 302
    db.session.expire_all()
    assert db.session.get(Service, ids["club"]).last_checked == date.today()
    assert held.dispatched == [] and refresh_jobs(db) == 0  # nothing to recompute
    auth.login_as("councillor")
    assert published(client) == before
    after = text(client.get("/gaps?level=lsoa"))
    assert "being updated" not in after and "straight-line" not in after
    auth.login_as("commissioner")
    travel = text(client.get("/planning/travel"))
    assert "Up to date" in travel and evening(travel) == BEFORE


def test_a_real_change_queues_one_job_and_pages_keep_the_last_run_until_it_ran(
        app, client, auth, db, county, held):
    ids = county
    computed = db.session.scalar(select(JourneyRun.computed_at))
    as_partner(auth, db, ids)
    # Three changes in quick succession, from two requests and a command.
    assert client.post(f"/partner/listings/{ids['club']}/status",
                       data={"status": "paused"}).status_code == 302
    assert len(held.dispatched) == 1 and refresh_jobs(db) == 1
    assert client.post(f"/partner/listings/{ids['scouts']}/status",
                       data={"status": "paused"}).status_code == 302
    with app.app_context():  # as a command would: its own session, queued at its end
        session = db.session
        session.scalars(select(ServiceSession).where(
            ServiceSession.service_id == ids["scouts"])).one().start = time(19, 30)
        session.commit()
    assert len(held.dispatched) == 1 and refresh_jobs(db) == 1  # one job for all three

    # Meanwhile: the last complete run's figures, its date, "being updated".
    auth.login_as("commissioner")
    travel = text(client.get("/planning/travel"))
    # The travel page adds up the gap table's columns: a service paused since the run
    # drops out at once (it needs no new journey), so the pauses show already.
    assert "Being updated" in travel and evening(travel) == AFTER_PAUSING_ASHBY
    auth.login_as("councillor")
    table = text(client.get("/gaps?level=lsoa"))
    assert f"computed {when_text(computed)}, being updated" in table
    assert "straight-line estimates" not in table
    api = published(client)
    assert api["travel"]["basis"] == "network" and "being updated" in api["travel"]["sentence"]
    assert api["travel"]["stale"] is True
    # The gap figures read the last run's journeys for the services as they are now:
    # Ashby Youth Club, paused, no longer strands Brook (50 before), with no new journey.
    assert {a["name"]: a["yp_no_way_home"] for a in api["areas"]}["Brook"] == 0

    assert held.run_all() == ["finished"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(JourneyRun)) == 1
    auth.login_as("commissioner")
    travel = text(client.get("/planning/travel"))
    assert "Up to date" in travel and evening(travel) == AFTER_PAUSING_ASHBY
    auth.login_as("councillor")
    table = text(client.get("/gaps?level=lsoa"))
    assert "being updated" not in table and "journeys on the road network" in table
    assert published(client)["travel"]["stale"] is False
    assert {a["name"]: a["yp_no_way_home"] for a in published(client)["areas"]}["Brook"] == 0
    assert held.dispatched == []  # the job's own run queued nothing more


def test_a_change_undone_before_the_job_runs_needs_no_computation(app, client, auth, db,
                                                                    county, held):
    ids = county
    first = db.session.scalar(select(JourneyRun.id))
    as_partner(auth, db, ids)
    with app.app_context():
        db.session.get(Service, ids["boxing"]).x += 500
        db.session.commit()
    with app.app_context():
        db.session.get(Service, ids["boxing"]).x -= 500
        db.session.commit()
    assert len(held.dispatched) == 1
    assert held.run_all() == ["finished"]
    db.session.expire_all()
    assert db.session.scalar(select(JourneyRun.id)) == first  # stamped current, not redone
    auth.login_as("commissioner")
    assert "Up to date" in text(client.get("/planning/travel"))


def test_two_runs_in_the_same_minute_show_the_second(client, auth, db, county, held):
    """Moving Ashby Youth Club 100 km away needs new journeys (the last run still has
    it where it was), so only the second run, made in the same minute as the first,
    shows it gone; pausing it (which needs no journey) must then change nothing."""
    ids = county
    first = db.session.scalars(select(JourneyRun)).one()
    minute = first.computed_at
    db.session.get(Service, ids["club"]).x += 100_000
    db.session.commit()
    auth.login_as("commissioner")
    assert evening(text(client.get("/planning/travel"))) == BEFORE  # cached, stale
    second = run_journeys(db.session, reference_date=date.today())
    second.computed_at = minute  # the same minute as the first
    db.session.commit()
    travel = text(client.get("/planning/travel"))
    moved = evening(travel)
    assert "Up to date" in travel and moved != BEFORE
    db.session.get(Service, ids["club"]).status = "paused"
    db.session.commit()
    assert evening(text(client.get("/planning/travel"))) == moved


def test_without_a_road_network_every_page_says_straight_line(client, auth, db, tmp_path,
                                                              held):
    ids = build(db.session, tmp_path, transport=False)
    auth.login_as("councillor")
    sentence = "Travel times: straight-line estimates (no road network imported)."
    for page in ("/gaps?level=lsoa", "/map?level=lsoa", "/evidence?level=lsoa"):
        assert sentence in text(client.get(page)), page
    assert published(client)["travel"]["basis"] == "straight-line"
    as_partner(auth, db, ids)
    assert client.post(f"/partner/listings/{ids['club']}/status",
                       data={"status": "paused"}).status_code == 302
    assert held.dispatched == [] and refresh_jobs(db) == 0  # no journeys to keep current


def test_a_change_while_the_job_runs_queues_one_follow_up(app, client, auth, db, county,
                                                          held):
    from app.jobs import ledger

    ids = county
    as_partner(auth, db, ids)
    client.post(f"/partner/listings/{ids['club']}/status", data={"status": "paused"})
    first = held.dispatched[0]
    # A worker elsewhere starts it and reads the data before the next change...
    attempt = ledger.claim(first, "a worker elsewhere", 600.0)
    client.post(f"/partner/listings/{ids['scouts']}/status", data={"status": "paused"})
    with app.app_context():
        db.session.get(Service, ids["boxing"]).y += 0  # not a change: nothing flushed
        db.session.commit()
    assert len(held.dispatched) == 2 and refresh_jobs(db) == 2  # one follow-up, queued
    with app.app_context():
        session = db.session
        session.scalars(select(ServiceSession).where(
            ServiceSession.service_id == ids["scouts"])).one().end = time(21, 30)
        session.commit()
    assert len(held.dispatched) == 2 and refresh_jobs(db) == 2  # the same follow-up
    # ...and finishes having seen only the first change (it stores nothing here).
    assert ledger.finish(db.session, first, "a worker elsewhere", attempt, {"run": None})
    db.session.commit()
    assert held.run_all() == ["skipped", "finished"]
    auth.login_as("commissioner")
    travel = text(client.get("/planning/travel"))
    assert "Up to date" in travel and evening(travel) == AFTER_PAUSING_ASHBY


def test_one_service_changed_is_recomputed_alone_with_the_journeys_a_full_run_gives(
        app, db, county, held):
    import numpy as np

    from app.geodata.journeys import load_run

    ids = county
    with app.app_context():  # Colwall Boxing moves 300 m further north, starts at 17:30
        boxing = db.session.get(Service, ids["boxing"])
        boxing.y += 300
        boxing.sessions[0].start = time(17, 30)
        db.session.commit()
    assert held.run_all() == ["finished"]
    db.session.expire_all()
    run = db.session.scalars(select(JourneyRun)).one()
    assert run.summary["updated_services"] == 1  # only Colwall Boxing was computed
    partial = load_run(run)
    col = list(partial.service_ids).index(ids["boxing"])
    colwall = list(partial.point_lsoa).index("E01000003")
    ashby = list(partial.point_lsoa).index("E01000001")
    # By hand: 1.3 km on foot off the A road at 4.8 km/h; 40 km of A road then 1.3 km at 20.
    walk, drive = partial.result.network_minutes["walk"], partial.result.network_minutes["drive"]
    assert abs(walk[colwall, col] - 1.3 / 4.8 * 60) < 0.05
    assert abs(drive[ashby, col] - (40 / (60 * 1.609344) + 1.3 / 20) * 60) < 0.1
    full = load_run(run_journeys(db.session, reference_date=date.today()))
    assert list(full.service_ids) == list(partial.service_ids)
    assert full.sessions.equals(partial.sessions)
    for mode, minutes in full.result.network_minutes.items():
        np.testing.assert_allclose(partial.result.network_minutes[mode], minutes, rtol=1e-6)
    np.testing.assert_allclose(partial.result.pt_there_min, full.result.pt_there_min)
    np.testing.assert_allclose(partial.result.pt_home_min, full.result.pt_home_min)
    assert partial.result.session_dates == full.result.session_dates
