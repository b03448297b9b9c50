"""Funding that has already ended is *lapsed – needs a check*: not active provision,
not "at risk", a group of its own on the funding cliff and in the directory's
management list.  The funding-cliff page and the scenario that ends every grant
count the young people losing their only provision of a kind the same way.

The county (:mod:`tests.planning.county`, no roads imported, so straight-line
estimates: distance x 1.3 at 18 km/h by bus, 30 minutes = 6,923 m) gets two
changes: Colwall Boxing's funding ends in 400 days, and a Dunmore Drop-in
(open access, at Dunmore's centre) whose funding ended 30 days ago.  By hand:

* Ashby Youth Club (open access, funding ends in 180 days) is 1.0 km from
  Ashby's centre and 6.0 km from Dunmore's: their only open-access provision,
  unless the lapsed drop-in counted (it would keep Dunmore's).
* Colwall Boxing (ends in 400 days) is Colwall's only provision of any kind.
* Ashby Scouts (uniformed, 4 years) stays, so Ashby and Dunmore are still reached.

So ending every grant in the next 24 months loses Ashby (100), Dunmore (40)
and Colwall (80) their only provision of a kind: 220 young people in 3 areas;
80 (Colwall) are no longer reached at all.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

import pytest

from app.analysis.scenario import funding_cliff
from app.analysis.services import active, funding_at_risk, lapsed
from app.models import Service
from tests.county import County

from .county import build_county

REACH_M = 30 * 18_000 / 60 / 1.3     # 6,923 m: 30 minutes at 18 km/h, distance x 1.3


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_lapsed_funding_is_neither_active_nor_at_risk():
    today = date(2026, 12, 6)
    services = [
        {"id": 1, "name": "Ended yesterday", "funding_end": today - timedelta(days=1)},
        {"id": 2, "name": "Ended 250 days ago", "funding_end": today - timedelta(days=250)},
        {"id": 3, "name": "Ends today", "funding_end": today},
        {"id": 4, "name": "Ends in a month", "funding_end": today + timedelta(days=30)},
        {"id": 5, "name": "No end date"},
        {"id": 6, "name": "Closed, ended", "status": "closed",
         "funding_end": today - timedelta(days=9)},
    ]
    from app.analysis.services import services_frame

    assert sorted(active(services_frame(services), today)["id"]) == [3, 4, 5]
    risk = funding_at_risk(services, today=today, months=(12,))
    assert list(risk["id"]) == [3, 4] and (risk["days_left"] >= 0).all()
    assert list(funding_cliff(services, today=today)["id"]) == [3, 4]
    gone = lapsed(services, today=today)
    assert list(gone["id"]) == [2, 1] and list(gone["days_since"]) == [250, 1]


@pytest.fixture
def county(db):
    ids = build_county(db.session)
    db.session.get(Service, ids["boxing"]).funding_end = date.today() + timedelta(days=400)
    more = County(db.session)
    more.service("Dunmore Drop-in", 300_500, 246_000, key="dropin",
                 service_type="open_access", status="active", funding_source="Old grant",
                 funding_end=date.today() - timedelta(days=30))
    ids.update(more.commit())
    return ids


def test_the_hand_calculation_holds():
    def d(ax, ay, bx, by):
        return math.hypot(ax - bx, ay - by)

    assert d(300_000, 240_000, 301_000, 240_000) <= REACH_M      # Ashby - club
    assert d(300_500, 246_000, 301_000, 240_000) <= REACH_M      # Dunmore - club
    assert d(300_500, 246_000, 300_200, 240_100) <= REACH_M      # Dunmore - scouts
    assert d(320_000, 240_000, 301_000, 240_000) > REACH_M       # Brook - club
    assert d(340_000, 240_000, 340_000, 241_000) <= REACH_M      # Colwall - boxing
    assert d(340_000, 240_000, 320_500, 240_000) > REACH_M       # Colwall - nothing else


def test_the_cliff_and_the_scenario_ending_every_grant_show_the_same_loss(client, auth, db,
                                                                         county):
    auth.login_as("commissioner")
    cliff = text(client.get("/planning/funding-cliff"))
    assert re.search(r'id="loss-young-people">220<', cliff)
    assert re.search(r'id="loss-areas">3<', cliff)
    table = cliff.split('id="cliff-table"')[1].split("</table>")[0]
    assert "Ashby Youth Club" in table and "Colwall Boxing" in table
    assert "Dunmore Drop-in" not in table
    gone = cliff.split('id="lapsed-table"')[1].split("</table>")[0]
    assert "Dunmore Drop-in" in gone and "Lapsed – needs a check" in gone
    assert ">30<" in gone   # days ago

    r = client.post("/planning/scenarios/funding-cliff")
    scenario = text(client.get(r.headers["Location"]))
    assert re.search(r'id="loss-young-people">220<', scenario)
    assert re.search(r'id="loss-areas">3<', scenario)
    assert re.search(r'id="no-longer-reached">80<', scenario)
    # The same table of areas on both pages: Ashby and Dunmore lose open access,
    # Colwall boxing.
    lost = cliff.split('id="lost-table"')[1].split("</table>")[0]
    assert scenario.split('id="lost-table"')[1].split("</table>")[0] == lost
    assert lost.count('role="rowheader"') == 3
    for place, kind in (("Ashby", "Open-access"), ("Dunmore", "Open-access"),
                        ("Colwall", "Boxing")):
        assert re.search(rf"{place}.*?</th><td[^>]*>{kind}", lost), (place, kind)
    from app.models import Scenario

    made = db.session.get(Scenario, int(r.headers["Location"].rstrip("/").split("/")[-1]))
    assert sorted(c["service_id"] for c in made.changes) == sorted([county["club"],
                                                                   county["boxing"]])


def test_the_directory_management_list_shows_lapsed_funding(client, auth, db, county):
    auth.login_as("commissioner")
    page = text(client.get("/directory/manage"))
    ending = page.split('id="funding"')[1].split('id="lapsed"')[0]
    assert "Ashby Youth Club" in ending and "Dunmore Drop-in" not in ending
    gone = page.split('id="lapsed"')[1].split('id="all"')[0]
    assert "Dunmore Drop-in" in gone and "Lapsed – needs a check" in gone
    row = page.split('id="all"')[1].split("Dunmore Drop-in")[1].split("</tr>")[0]
    assert "Lapsed – needs a check" in row
