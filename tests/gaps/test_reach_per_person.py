"""Reach per young person and per session from a journey run (issue 23).

The roads and buses are :mod:`tests.planning.journey_county`'s: one A road along
northing 240,000 (a node every kilometre from easting 299,000 to 341,000; walking
4.8 km/h, 80 m a minute), and bus X1 westbound Monday to Friday (Colwall 17:35,
Brook 17:46, Ashby Youth Club 17:58) and eastbound on Tuesdays only (Ashby Youth
Club 20:02, Colwall 20:25, not calling at Brook).  No bus on Saturdays.

Three LSOAs (5 km squares) and two wards (West holds Ashby, East holds Brook and
Colwall), each young person at one of five postcodes:

=========  ==================  =====  ==================================================
postcode   where               young  by hand, bus, 30 minutes
=========  ==================  =====  ==================================================
A1         301,200 (Ashby)     50     walks to the club in 200 m / 80 = 2.5 min; to the
                                      Saturday club 2.5 + 1,000 / 80 = 15 min: every
                                      session (Tue, Thu, Sat) reached
A2         299,000 (Ashby)     50     walks to the club 2,000 / 80 = 25 min (Tue, Thu);
                                      the Saturday club 37.5 min: not reached
B1         320,000 (Brook)     30     at the Brook stop: there by the 17:46 (14 min), never
                                      a bus home: *cannot get home*
B2         320,000, 242,000    30     2 km off the road: 25 min to a stop, more than the
           (Brook)                    15 allowed, and 19 km from the club: *cannot get there*
C1         340,000 (Colwall)   80     the 17:35 there (25 min) and the Tuesday 20:02 home
                                      (25 min): Tuesday's session only; Thursday no bus
                                      home, Saturday no bus at all
=========  ==================  =====  ==================================================

At 20 minutes A2 (25) and C1 (25) cannot get there; B1 (14) still cannot get home.
The run's limit is 45 minutes: a threshold of 61 is capped at 45, and then no
one else is reached (no journey is none, never 46 minutes).
"""

from __future__ import annotations

import numpy as np
import pytest

from app.analysis.gaps import compute_gaps
from app.geodata.journeys import current_journeys, run_journeys
from app.inputs import areas as area_inputs
from app.inputs import services as service_inputs
from tests.county import County
from tests.planning.journey_county import add_transport

LIMIT = 45
LSOAS = [("E01000001", "Ashby", 300_000), ("E01000002", "Brook", 320_000),
         ("E01000003", "Colwall", 340_000)]
YOUNG = {"E01000001": 100, "E01000002": 60, "E01000003": 80}
POSTCODES = [("AA1 1AA", 301_200, 240_000, "E01000001"), ("AA1 1AB", 299_000, 240_000,
                                                          "E01000001"),
             ("BB1 1AA", 320_000, 240_000, "E01000002"), ("BB1 1AB", 320_000, 242_000,
                                                          "E01000002"),
             ("CC1 1AA", 340_000, 240_000, "E01000003")]
WEST, EAST = "E05000001", "E05000002"


@pytest.fixture
def county_builder():
    return "reach per person", _build


@pytest.fixture
def county(built_county):
    """The county with its journeys run: built once per worker, a copy for each test."""
    return built_county.accounts  # what _build returned: the ids


def _build(session, tmp_path):
    c = County(session, source="hand-built reach county")
    for code, name, x in LSOAS:
        c.lsoa(code, name, centre=(x, 240_000), size=5_000,
               indicators={"population_total": YOUNG[code] * 8,
                           "population_age_13_19": YOUNG[code], "rural": 1})
    c.ward(WEST, "West", edition="2024", bounds=(295_000, 235_000, 310_000, 250_000))
    c.ward(EAST, "East", edition="2024", bounds=(315_000, 235_000, 345_000, 250_000))
    for pc, x, y, lsoa in POSTCODES:
        c.postcode(pc, x, y, lsoa=lsoa)
    c.service("Ashby Youth Club", 301_000, 240_000, key="club", service_type="open_access",
              cost_model="free", capacity=30, status="active",
              sessions=[(1, "18:00", "20:00"), (3, "18:00", "20:00")])
    c.service("Ashby Saturday Club", 302_000, 240_000, key="saturday",
              service_type="open_access", cost_model="free", capacity=30, status="active",
              sessions=[(5, "10:00", "12:00")])
    ids = c.commit()
    add_transport(session, tmp_path)
    run_journeys(session, limit_min=LIMIT)
    session.commit()
    return ids


def frame(db, level, threshold=30, mode="bus"):
    """The pre-publication frame: compute_gaps on the run, unrounded."""
    return compute_gaps(area_inputs.areas(db.session, level), service_inputs.services(db.session),
                        points=area_inputs.population_points(db.session, level),
                        threshold_min=threshold, mode=mode,
                        journeys=current_journeys(db.session))


def partition(g):
    return {code: (round(r.reached, 6), round(r.cannot_get_there, 6),
                   round(r.cannot_get_home, 6))
            for code, r in g[["reached", "cannot_get_there", "cannot_get_home"]].iterrows()}


def test_reach_is_counted_per_young_person_and_per_session(db, county):
    lsoa = frame(db, "lsoa")
    # (reached, cannot get there, cannot get home), by hand from the table above
    assert partition(lsoa) == {"E01000001": (100, 0, 0), "E01000002": (0, 30, 30),
                               "E01000003": (80, 0, 0)}
    ward = frame(db, "ward")
    assert partition(ward) == {WEST: (100, 0, 0), EAST: (80, 30, 30)}
    assert ward.loc[EAST, "reach_share"] == pytest.approx(80 / 140)
    # The same figure at both levels agrees: East is the union of Brook and Colwall.
    for col in ("reached", "cannot_get_there", "cannot_get_home", "young_people",
                "unreached"):
        assert ward.loc[EAST, col] == pytest.approx(lsoa.loc[["E01000002", "E01000003"],
                                                             col].sum())
        assert ward.loc[WEST, col] == pytest.approx(lsoa.loc["E01000001", col])
    # Minutes of the median young person: Colwall's own 25 (the slower leg of
    # Tuesday's session); Brook's have no journey: none, never a number.
    assert lsoa.loc["E01000003", "free_nearest_min"] == pytest.approx(25, abs=0.1)
    assert np.isinf(lsoa.loc["E01000002", "nearest_median"])
    assert np.isinf(lsoa.loc["E01000002", "free_nearest_min"])

    at20 = frame(db, "lsoa", threshold=20)
    assert partition(at20) == {"E01000001": (50, 50, 0), "E01000002": (0, 30, 30),
                               "E01000003": (0, 80, 0)}


def test_a_session_counts_only_on_its_own_day(db, county):
    lsoa = frame(db, "lsoa")
    # Colwall: Tuesday's session only (Thursday: no bus home; Saturday: no bus at all).
    assert lsoa.loc["E01000003", "free_sessions"] == 1
    assert lsoa.loc["E01000003", "free_services"] == 1
    assert lsoa.loc["E01000003", "reach_ids"] == [county["club"]]
    # Ashby walks: A1 reaches all three sessions, the Saturday one on foot.
    assert lsoa.loc["E01000001", "free_sessions"] == 3
    assert sorted(lsoa.loc["E01000001", "reach_ids"]) == sorted([county["club"],
                                                                county["saturday"]])
    assert lsoa.loc["E01000002", "free_sessions"] == 0
    # Evening (17:00 or later) by bus: Colwall reaches, Brook's B1 has no way
    # home and B2 no bus there; Ashby walks.  Disjoint, adding up.
    assert lsoa.loc["E01000002", "yp_no_way_home"] == pytest.approx(30)
    assert lsoa.loc["E01000002", "yp_no_evening_pt"] == pytest.approx(30)
    assert lsoa.loc["E01000003", "yp_no_evening_pt"] == 0
    total = lsoa[["yp_evening_pt", "yp_no_evening_pt", "yp_no_way_home"]].sum(axis=1)
    assert np.allclose(total, lsoa["young_people"])


@pytest.mark.parametrize("mode", ["bus", "walk", "cycle", "car"])
def test_reached_and_cannot_add_up_to_the_young_people(db, county, mode):
    for level in ("lsoa", "ward"):
        g = frame(db, level, mode=mode)
        total = g["reached"] + g["cannot_get_there"] + g["cannot_get_home"]
        assert np.allclose(total, g["young_people"])
        assert np.allclose(g["unreached"], g["cannot_get_there"] + g["cannot_get_home"])
        if mode != "bus":  # on the road network the way home is the way there
            assert (g["cannot_get_home"] == 0).all()
    # By car everyone is within 30 minutes: Colwall 39 km at 60 mph (24.2 min), B2
    # 2 km to the road at 20 km/h (6 min) plus 19 km (11.8 min).
    assert partition(frame(db, "lsoa", mode="car"))["E01000002"] == (60, 0, 0)


def test_a_threshold_above_the_runs_limit_is_capped(client, auth, db, county):
    auth.login_as("councillor")
    api = client.get("/api/v1/gaps?level=lsoa&threshold=61").get_json()
    assert api["parameters"]["threshold_minutes"] == LIMIT
    assert "Threshold capped at 45 minutes, the longest journey computed" in \
        api["travel"]["sentence"]
    rows = {a["code"]: a for a in api["areas"]}
    # Brook has no journey within the limit: not reached, and its minutes are none.
    assert rows["E01000002"]["reach_share"] == 0
    assert rows["E01000002"]["nearest_median"] is None
    assert rows["E01000002"]["free_nearest_min"] is None
    assert rows["E01000003"]["reached"] == 80  # Colwall's 25-minute Tuesday
    page = client.get("/gaps?level=lsoa&threshold=61").get_data(as_text=True)
    assert "Threshold capped at 45 minutes, the longest journey computed" in page
    assert "46" not in [cell.strip() for cell in page.split("<td")]
    # Within the limit nothing is capped.
    ok = client.get("/api/v1/gaps?level=lsoa&threshold=40").get_json()
    assert ok["parameters"]["threshold_minutes"] == 40
    assert "capped" not in ok["travel"]["sentence"]


def test_the_published_ward_table_adds_up(client, auth, db, county):
    auth.login_as("councillor")
    for threshold in (20, 30, 45):
        api = client.get(f"/api/v1/gaps?level=ward&threshold={threshold}").get_json()
        for a in api["areas"]:
            young = round(a["young_people"])
            assert a["reached"] + a["cannot_get_there"] + a["cannot_get_home"] == young
            assert a["cannot_get_there"] + a["cannot_get_home"] == a["unreached"]
            assert a["yp_no_evening_pt"] + a["yp_no_way_home"] <= young
    rows = {a["code"]: a for a in client.get("/api/v1/gaps?level=ward").get_json()["areas"]}
    assert (rows[EAST]["reached"], rows[EAST]["cannot_get_there"],
            rows[EAST]["cannot_get_home"]) == (80, 30, 30)
