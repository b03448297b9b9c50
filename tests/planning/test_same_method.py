"""A proposed service is judged by the method today's services are: journeys on
the road network and bus timetable from the same homes, there and home within
the threshold, not a straight line at 18 km/h.

The county is :mod:`tests.planning.county` with the roads and buses of
:mod:`tests.planning.journey_county` (one A road along northing 240,000; bus X1
westbound on weekdays, Colwall 17:35, Brook 17:46, Ashby Youth Club (301,000)
17:58; eastbound on Tuesdays only, the club 20:02, Colwall 20:25, not calling at
Brook).  It has no postcodes, so each area's young people live at its centre.
Worked out by hand (30 minutes, by bus, which includes walking the whole way):

* A hall at 326,000 (on the A road, 6 km east of Brook's centre, no bus stop):
  by straight line Brook is 6 km x 1.3 at 18 km/h = 26 minutes away, "reached";
  by journeys the walk is 75 minutes and no bus passes, so Brook is not reached.
* A site of one's own at 322,700 (inside Brook, on the A road, no stop): a
  2.7 km walk, 33.8 minutes; by straight line 11.7 minutes.
* Brook Library (320,500): Brook's centre is a 500 m walk (6.3 minutes at
  4.8 km/h on the road), so Brook (50 young people) is reached.
* A club at the youth club's spot (301,000) on Tuesdays 18:00-20:00: Ashby walks
  1 km (12.5 minutes); Colwall takes the 17:35 there (25 minutes, arriving 17:58)
  and the 20:02 home (25 minutes after the end, arriving 20:25), so is reached;
  Brook has a bus there but none home; Dunmore is 6 km from any road.  By
  straight line it would be Ashby and Dunmore (6.0 km, 26 minutes), not Colwall.
"""

from __future__ import annotations

import math
import re

import pytest
from sqlalchemy import select

from app.geodata.journeys import current_journeys, run_journeys
from app.models import Service

from .county import build_county
from .journey_county import add_transport

THRESHOLD = 30
ASHBY, BROOK, COLWALL, DUNMORE = "E01000001", "E01000002", "E01000003", "E01000004"


def straight_minutes(dx: float, dy: float, kmh: float = 18) -> float:
    return math.hypot(dx, dy) * 1.3 / (kmh * 1000 / 60)


def build(session, files_dir) -> dict:
    """The county with its roads, buses and journeys; the ids of its buildings and services."""
    ids = build_county(session)
    add_transport(session, files_dir)
    run_journeys(session)
    session.commit()
    return ids


@pytest.fixture
def county_builder():
    return "same method planning", build


@pytest.fixture
def county(built_county):
    """Built once per worker, a copy for each test (each makes scenarios and signs in)."""
    return built_county.accounts  # what build returned: the ids


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def new_scenario(client, name: str) -> int:
    r = client.post("/planning/scenarios", data={"name": name})
    return int(r.headers["Location"].rstrip("/").split("/")[-1])


def set_changes(db, sid: int, changes: list[dict]) -> None:
    from app.models import Scenario

    db.session.get(Scenario, sid).changes = changes
    db.session.commit()


def comparison(client, sid: int, travel: str = "bus"):
    """The scenario's comparison, as the page's service layer makes it."""
    from app.planning import service
    from app.planning.forms import TravelForm

    with client.application.test_request_context(f"/planning/scenarios/{sid}?travel={travel}"):
        from flask import request

        from app.models import Scenario

        context = service.scenario_page(service.db.session.get(Scenario, sid),
                                        travel_form=TravelForm(request.args))
    return context


def reached_after(context) -> set[str]:
    areas = context["comparison"].areas
    return {str(c) for c in areas.index[areas["reached_after"].to_numpy(bool)]}


def test_a_village_with_no_evening_bus_is_not_reached_by_a_hall_on_a_road_with_no_bus(
        client, auth, db, county):
    assert straight_minutes(6_000, 0) <= THRESHOLD   # the old answer: "reached"
    auth.login_as("commissioner")
    sid = new_scenario(client, "A hall by the A road")
    # Nothing else runs, so "reached after" is what the proposal reaches.
    closes = [{"kind": "close", "service_id": county[k]} for k in ("club", "boxing", "scouts")]
    set_changes(db, sid, closes + [{"kind": "add", "name": "Roadside hall", "x": 326_000,
                                    "y": 240_000, "service_type": "open_access"}])
    assert BROOK not in reached_after(comparison(client, sid))
    page = text(client.get(f"/planning/scenarios/{sid}"))
    assert 'data-basis="network"' in page
    assert "Proposed services are judged the same way as today" in page
    assert "a weekday evening session (Wednesday 18:00–20:00)" in page

    # Brook Library, a walk away, does reach Brook's 50.
    set_changes(db, sid, closes + [{"kind": "add", "name": "Library club",
                                    "building_id": county["library"],
                                    "service_type": "open_access"}])
    assert BROOK in reached_after(comparison(client, sid))
    # Brook has no bus home from anything today, so its 50 are newly reached.
    assert re.search(r'id="newly-reached">50<', text(client.get(f"/planning/scenarios/{sid}")))


def test_best_sites_judge_a_candidate_by_the_journeys_too(client, auth, db, county):
    auth.login_as("commissioner")
    query = "/planning/sites?k=1&threshold=30&no_buildings=y&site_name=Roadside+hall"
    # 322,700 (inside Brook, on the A road, no stop): a 2.7 km walk, 33.8 minutes at
    # 4.8 km/h; by straight line 2.7 km x 1.3 at 18 km/h = 11.7 minutes, "reached".
    assert straight_minutes(2_700, 0) <= THRESHOLD < 2.7 / 4.8 * 60
    roadside = text(client.get(query + "&site_x=322700&site_y=240000"))
    assert "No building would reach anyone not already reached" in roadside
    assert "Candidate sites are judged the same way as today" in roadside
    library = text(client.get(query + "&site_x=320500&site_y=240000"))
    assert re.search(r'id="sites-newly">50<', library)


def test_a_proposal_reaches_what_the_same_service_added_for_real_reaches(client, auth, db,
                                                                         county):
    tuesday = [[1, "18:00", "20:00"]]
    auth.login_as("commissioner")
    sid = new_scenario(client, "A Tuesday club")
    closes = [{"kind": "close", "service_id": county[k]} for k in ("club", "boxing", "scouts")]
    set_changes(db, sid, closes + [{"kind": "add", "name": "Tuesday club", "x": 301_000,
                                    "y": 240_000, "sessions": tuesday}])
    proposed = reached_after(comparison(client, sid))
    assert proposed == {ASHBY, COLWALL}    # the hand answer (module docstring)
    assert straight_minutes(500, 6_000) <= THRESHOLD   # straight line: Dunmore instead

    # The independent path: close the three services and add the club for real,
    # recompute the journeys, and read the stored run's minutes.
    from tests.county import County

    for service in db.session.scalars(select(Service)):
        service.status = "closed"
    County(db.session).service("Tuesday club", 301_000, 240_000, key="real",
                               service_type="open_access", status="active",
                               sessions=[(1, "18:00", "20:00")])
    db.session.commit()
    run_journeys(db.session)
    db.session.commit()
    journeys = current_journeys(db.session)
    from app.planning import service as planning

    with client.application.test_request_context("/"):
        areas = planning.areas()
        minutes = journeys.matrix("bus", areas)
    real = set(minutes.loc[minutes["minutes"] <= THRESHOLD, "from_code"].astype(str))
    assert real == proposed
