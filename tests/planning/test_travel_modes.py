"""Planning pages take the way of travelling (walk, cycle, bus, car) as the gap
views do, and say what the times rest on.  With no road network imported they
are straight-line estimates: distance x 1.3 at the mode's speed, so the
expected answers below are worked out from the county's coordinates
(:mod:`tests.planning.county`)."""

from __future__ import annotations

import math
import re

import pytest

from .county import build_county

THRESHOLD = 30


def minutes(dx: float, dy: float, kmh: float) -> float:
    return math.hypot(dx, dy) * 1.3 / (kmh * 1000 / 60)


@pytest.fixture
def county(db):
    return build_county(db.session)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_a_scenario_compares_by_the_way_of_travelling_asked_for(client, auth, db, county):
    # Dunmore's centre (300,500, 246,000) to Ashby Scouts (300,200, 240,100) and to
    # Ashby Youth Club (301,000, 240,000): within 30 minutes by bus, not on foot;
    # Ashby's centre (300,000, 240,000) is within a walk of both.
    for dx, dy in ((300, 5_900), (500, 6_000)):
        assert minutes(dx, dy, 18) <= THRESHOLD < minutes(dx, dy, 4.8)
    assert minutes(1_000, 0, 4.8) <= THRESHOLD and minutes(200, 100, 4.8) <= THRESHOLD
    auth.login_as("commissioner")
    r = client.post("/planning/scenarios", data={"name": "Ashby closes"})
    sid = int(r.headers["Location"].rstrip("/").split("/")[-1])
    for service in ("club", "scouts"):
        client.post(f"/planning/scenarios/{sid}/change-service",
                    data={"chg-service_id": str(county[service]), "chg-kind": "close"})
    # By bus (the default): Ashby's 100 and Dunmore's 40 lose both services.
    bus = text(client.get(f"/planning/scenarios/{sid}"))
    assert re.search(r'id="no-longer-reached">140<', bus)
    assert "Getting there by bus. Travel times: straight-line estimates (no road network " \
           "imported). Straight-line estimates are the distance × 1.3 at 18 km/h by bus." in bus
    assert re.search(r'<input checked[^>]*id="travel-0"[^>]*value="bus"', bus)
    # On foot Dunmore never reached them: only Ashby's 100 lose provision.
    walk = text(client.get(f"/planning/scenarios/{sid}?travel=walk"))
    assert re.search(r'id="no-longer-reached">100<', walk)
    assert "within 30 minutes on foot" in walk
    assert "at 4.8 km/h on foot" in walk and 'data-basis="straight-line"' in walk
    assert re.search(r'<input checked[^>]*id="travel-1"[^>]*value="walk"', walk)
    bad = client.get(f"/planning/scenarios/{sid}?travel=teleport")
    assert bad.status_code == 400 and "Not a valid choice" in text(bad)


def test_the_funding_cliff_best_sites_and_subsidy_take_the_mode(client, auth, db, county):
    auth.login_as("commissioner")
    # Ashby Youth Club's grant ends: by bus Ashby and Dunmore lose their only open-access
    # club; on foot only Ashby had it.
    lost = text(client.get("/planning/funding-cliff")).split('id="lost-table"')[1]
    assert "Ashby" in lost.split("</table>")[0] and "Dunmore" in lost.split("</table>")[0]
    lost = text(client.get("/planning/funding-cliff?travel=walk")).split('id="lost-table"')[1]
    assert "Ashby" in lost.split("</table>")[0] and "Dunmore" not in lost.split("</table>")[0]

    # Brook Library (320,500, 240,000) reaches Brook's centre by any mode but on foot:
    # 500 m x 1.3 at 4.8 km/h is 8.1 minutes, so on foot it still reaches Brook's 50.
    assert minutes(500, 0, 4.8) <= THRESHOLD
    walk = text(client.get("/planning/sites?k=1&threshold=30&travel=walk"))
    assert re.search(r'id="sites-newly">50<', walk) and "at 4.8 km/h on foot" in walk
    # On foot Dunmore (40) is a gap too, and no building is near it.
    assert "Dunmore" not in walk.split('id="chosen-sites"')[1].split("</ol>")[0]

    # Colwall Boxing by bike: Colwall's centre is 1 km away (4.9 minutes at 16 km/h);
    # Ashby is 40 km away.  Colwall's 80 young people are decile 2.
    assert minutes(0, 1_000, 16) <= THRESHOLD < minutes(40_000, 1_000, 16)
    r = client.get("/planning/subsidy?mode=free&deciles=1&deciles=2&take_up=25&threshold=30"
                   f"&travel=cycle&services={county['boxing']}")
    page = text(r)
    assert r.status_code == 200
    assert "<dt>Young people eligible and in reach</dt><dd>80</dd>" in page
    assert "Getting there by bike." in page and "at 16 km/h by bike" in page
    bad = client.get(f"/planning/subsidy?mode=free&travel=hover&services={county['boxing']}")
    assert bad.status_code == 400 and "Not a valid choice" in text(bad)


def test_changing_a_scenario_keeps_the_way_of_travelling(client, auth, db, county):
    """A planner looking at the scenario on foot who closes a service comes back to the
    comparison on foot, not by bus (the forms and redirects carry ?travel=)."""
    auth.login_as("commissioner")
    r = client.post("/planning/scenarios", data={"name": "On foot"})
    sid = int(r.headers["Location"].rstrip("/").split("/")[-1])
    page = text(client.get(f"/planning/scenarios/{sid}?travel=walk"))
    action = re.search(r'action="([^"]*/change-service[^"]*)"', page).group(1)
    assert action.endswith("?travel=walk")
    done = client.post(action.replace("&amp;", "&"), data={
        "chg-service_id": str(county["club"]), "chg-kind": "close"})
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/planning/scenarios/{sid}?travel=walk#comparison")
    back = text(client.get(done.headers["Location"].split("#")[0]))
    assert "within 30 minutes on foot" in back
