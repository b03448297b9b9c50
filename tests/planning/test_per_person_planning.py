"""The planning pages count reach per young person and per session, exactly as the
gap pages do (issue 23): a scenario's today equals the gap API's reached, a
proposal equals the same service added for real, and the funding cliff and the
subsidy model count young people, not areas.  The county and its hand-worked
journeys are in :mod:`.person_county`.
"""

from __future__ import annotations

import re

import pytest

from app.geodata.journeys import run_journeys
from tests.county import County

from .person_county import ASHBY, BROOK, COLWALL, EAST, WARD_OF, WEST, build

TUESDAY = [[1, "18:00", "20:00"]]


@pytest.fixture
def county_builder():
    return "per-person planning", build


@pytest.fixture
def county(built_county):
    """The county with its journeys run: built once per worker, a copy for each test."""
    return built_county.accounts  # what build returned: the ids


def scenario_context(client, db, changes):
    from app.models import Scenario
    from app.planning import service
    from app.planning.forms import TravelForm

    scenario = Scenario(name="Test", changes=changes)
    db.session.add(scenario)
    db.session.commit()
    with client.application.test_request_context("/planning/scenarios/1"):
        return service.scenario_page(db.session.get(Scenario, scenario.id),
                                     travel_form=TravelForm(None))


def gap_api(client, level: str) -> dict[str, dict]:
    api = client.get(f"/api/v1/gaps?level={level}&filter=all&threshold=30&mode=bus")
    return {a["code"]: a for a in api.get_json()["areas"]}


def by_ward(per_lsoa: dict[str, float]) -> dict[str, float]:
    out = {WEST: 0.0, EAST: 0.0}
    for code, value in per_lsoa.items():
        out[WARD_OF[code]] += value
    return out


def test_a_scenarios_today_is_the_gap_tables_reached(client, auth, db, county):
    auth.login_as("commissioner")
    context = scenario_context(client, db, [])
    frame = context["comparison"].areas
    today = {code: float(frame.at[code, "young_reached_before"]) for code in frame.index}
    # By hand (person_county): A2 walks 25 minutes to the club, B1 has no bus home,
    # B2 no way there, C1 takes Tuesday's buses.
    assert today == {ASHBY: 100, BROOK: 0, COLWALL: 80}
    lsoa = gap_api(client, "lsoa")
    assert today == {code: lsoa[code]["reached"] for code in today}
    ward = gap_api(client, "ward")
    assert by_ward(today) == {code: ward[code]["reached"] for code in (WEST, EAST)}
    page = client.get("/planning/scenarios/{}".format(context["scenario"].id))
    assert "Reach is counted per young person, the same way as on the gap pages" in \
        page.get_data(as_text=True)


def test_a_proposal_reaches_what_the_same_service_added_for_real_reaches(client, auth, db,
                                                                         county):
    auth.login_as("commissioner")
    changes = [{"kind": "close", "service_id": county["club"]},
               {"kind": "add", "name": "Brook club", "building_id": county["hall"],
                "service_type": "open_access", "sessions": TUESDAY}]
    comparison = scenario_context(client, db, changes)["comparison"]
    frame = comparison.areas
    after = {code: (float(frame.at[code, "young_reached_after"]),
                    float(frame.at[code, "cannot_get_there_after"]),
                    float(frame.at[code, "cannot_get_home_after"])) for code in frame.index}
    # By hand: A1 still walks to the Saturday club, A2 (37.5 minutes) cannot;
    # B1 and B2 walk to the hall (0 and 25 minutes); C1 takes the 17:35 there
    # (25 minutes before 18:00) but no bus calls at Brook going east: no way home.
    assert after == {ASHBY: (50, 50, 0), BROOK: (60, 0, 0), COLWALL: (0, 0, 80)}
    for code, (reached, there, home) in after.items():   # the identity
        assert reached + there + home == frame.at[code, "young_people"]
    assert comparison.newly_reached == 60                  # Brook's B1 and B2
    assert comparison.no_longer_reached == 130             # A2 and C1
    assert comparison.loss.young_people == 130 and comparison.loss.areas == 2

    # The independent path: make the same change for real, recompute the journeys
    # and read the gap API.
    from app.models import Service

    db.session.get(Service, county["club"]).status = "closed"
    County(db.session).service("Brook club", 320_000, 240_000, service_type="open_access",
                               status="active", sessions=[(1, "18:00", "20:00")])
    db.session.commit()
    run_journeys(db.session, limit_min=45)
    db.session.commit()
    lsoa = gap_api(client, "lsoa")
    assert {code: lsoa[code]["reached"] for code in after} == \
        {code: v[0] for code, v in after.items()}
    assert {code: lsoa[code]["cannot_get_home"] for code in after} == \
        {code: v[2] for code, v in after.items()}
    ward = gap_api(client, "ward")
    assert by_ward({c: v[0] for c, v in after.items()}) == \
        {code: ward[code]["reached"] for code in (WEST, EAST)}


def test_the_funding_cliff_counts_the_young_people_who_lose_provision(client, auth, db,
                                                                      county):
    auth.login_as("commissioner")
    # The club's grant ends (180 days).  A1 still walks to the Saturday club (open
    # access too); A2 (50) and C1 (80) have no other open-access provision within
    # reach; Brook had none.  So 130 young people in 2 areas: not all of Ashby's 100.
    page = re.sub(r"\s+", " ", client.get("/planning/funding-cliff").get_data(as_text=True))
    assert re.search(r'id="loss-young-people">130<', page)
    assert re.search(r'id="loss-areas">2<', page)
    from app.planning import service
    from app.planning.forms import TravelForm

    with client.application.test_request_context("/planning/funding-cliff"):
        loss = service.funding_cliff_page(TravelForm(None))["loss"]
    rows = {(r.code, r.service_type): r.young_people for r in loss.rows.itertuples()}
    assert rows == {(ASHBY, "open_access"): 50, (COLWALL, "open_access"): 80}


def test_best_sites_and_subsidy_count_young_people(client, auth, db, county):
    auth.login_as("commissioner")
    # The hall at the Brook stop (the default Wednesday evening session): B1 and B2
    # walk there and back; nobody else is unreached today.
    page = re.sub(r"\s+", " ", client.get(
        "/planning/sites?k=1&threshold=30").get_data(as_text=True))
    assert re.search(r'id="sites-newly">60<', page)
    assert "Counted per young person, the same way as the gap pages" in page

    # Subsidy: the Saturday club at £2 a session.  Only A1 (50) reaches it (A2's walk
    # is 37.5 minutes), so at 50% take-up 25 users (Ashby as a whole would be 100
    # eligible and 30 users, its capacity): 25 x £2 x 52 / 12 x 12 = £2,600 a year.
    from app.models import Service

    club = db.session.get(Service, county["saturday"])
    club.cost_model, club.cost_amount = "per_session", 2
    db.session.commit()
    page = re.sub(r"\s+", " ", client.get(
        "/planning/subsidy?mode=free&deciles=3&take_up=50&threshold=30").get_data(
        as_text=True))
    assert re.search(r'id="subsidy-total">£2,600<', page)
