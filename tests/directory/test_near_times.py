"""Time, not distance: near a postcode, each result says when its next session is,
how long the bus (or walk, or bike) takes to get there, and whether there is a bus
home after it — the same numbers as the stored journey run the gap pages use, and
the numbers worked out by hand in :mod:`.near_county`."""

from __future__ import annotations

import html as htmllib
import re

import numpy as np
import pytest

from app.geodata.journeys import current_journeys, journey_status, travel_sentence

from . import near_county as nc


@pytest.fixture
def clock(monkeypatch):
    """Fix "now" for the directory (the next session depends on it)."""
    import app.directory.near

    def set_to(moment):
        monkeypatch.setattr(app.directory.near, "local_now", lambda: moment)

    set_to(nc.MONDAY_NOON)
    return set_to


def text(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", htmllib.unescape(body)).replace(" · ", " · ")


def item(response, name: str) -> str:
    """The words of one result in the list (its heading to the next)."""
    page = response.get_data(as_text=True)
    start = page.index(f">{name}</a>")
    end = page.find('<li class="service-item">', start)
    chunk = page[start:end if end > 0 else None]
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", chunk))).strip()


def bus_minutes(words: str) -> int:
    return int(re.search(r"(\d+) min by bus", words).group(1))


def stored_bus_there(db, postcode: str, service_id: int, day: int) -> float:
    """The stored run's minutes there by bus for the postcode's run point and the
    service's session on ``day`` (read straight from its arrays)."""
    run = current_journeys(db.session)
    x, y, _ = nc.POSTCODES[postcode]
    point = int(np.flatnonzero((run.point_xy[:, 0] == x) & (run.point_xy[:, 1] == y))[0])
    venue = int(np.flatnonzero(run.service_ids == service_id)[0])
    col = int(np.flatnonzero((run.sessions["venue"] == venue)
                             & (run.sessions["day"] == day))[0])
    return float(run.result.pt_there_min[point, col])


def test_bus_minutes_agree_with_the_hand_worked_answer_and_the_stored_run(
        client, db, tmp_path, clock):
    ids = nc.build(db.session, tmp_path)
    page = client.get("/directory?near=cw1+1aa")
    assert page.status_code == 200
    club = item(page, "Ashby Youth Club")
    # Monday noon: the next session is Tuesday's, 25 minutes by the 17:35 (by hand),
    # and the 20:02 brings them home.
    assert "Next: tomorrow 18:00 · 25 min by bus · bus home after ✓ : yes" in club
    assert "24.2 miles (39.0 km)" in club
    assert bus_minutes(club) == 25 == round(stored_bus_there(db, "CW1 1AA", ids["club"], 1))
    # Brook: 14 minutes by hand, and the stored run says the same; never a bus home.
    club = item(client.get("/directory?near=BR1%201AA"), "Ashby Youth Club")
    assert bus_minutes(club) == 14 == round(stored_bus_there(db, "BR1 1AA", ids["club"], 1))
    assert "no bus home after ✗ : no" in club
    # The result's link keeps the search; the service page reached from it says the
    # same for that postcode, and its way back keeps the postcode and the words.
    page = client.get("/directory?near=CW1+1AA&q=club&free=1").get_data(as_text=True)
    link = re.search(rf'href="(/directory/{ids["club"]}\?[^"]+)"', page)[1].replace("&amp;", "&")
    assert {"near=CW1+1AA", "q=club", "free=1"} <= set(link.split("?")[1].split("&"))
    response = client.get(link)
    back = re.search(r'href="([^"]+)">Back to your search', response.get_data(as_text=True))[1]
    assert {"near=CW1+1AA", "q=club", "free=1"} <= set(back.replace("&amp;", "&")
                                                      .split("?")[1].split("&"))
    service = text(response)
    assert "Getting there from CW1 1AA Next: tomorrow 18:00 · 25 min by bus · bus home after ✓" in service
    assert "Back to your search" in service


def test_no_bus_home_after_thursdays_session(client, db, tmp_path, clock):
    nc.build(db.session, tmp_path)
    clock(nc.WEDNESDAY_NOON)
    club = item(client.get("/directory?near=CW1+1AA"), "Ashby Youth Club")
    assert "Next: tomorrow 18:00 · 25 min by bus · no bus home after ✗ : no" in club


def test_no_bus_at_that_time_says_so_and_gives_the_bike(client, db, tmp_path, clock):
    ids = nc.build(db.session, tmp_path)
    clock(nc.SATURDAY_MORNING)
    page = client.get("/directory?near=BR1+1AA")
    club = item(page, "Ashby Youth Club")
    # 19 km at 16 km/h = 71.25 minutes, said as 72.
    assert "Next: today 10:00 · No bus at that time — 72 min by bike · 11.8 miles (19.0 km)" \
        in club
    assert "min by bus" not in club and "bus home" not in club
    assert np.isinf(stored_bus_there(db, "BR1 1AA", ids["club"], 5))
    # From Colwall even the bike is beyond the 90-minute limit.
    club = item(client.get("/directory?near=CW1+1AA"), "Ashby Youth Club")
    assert "No bus at that time — too far to walk or cycle" in club


def test_a_short_walk_is_a_walk_and_no_sessions_is_distance_only(client, db, tmp_path, clock):
    nc.build(db.session, tmp_path)
    page = client.get("/directory?near=AS1+1AA")
    assert "Next: tomorrow 18:00 · 13 min walk · 0.6 miles (1.0 km)" in item(
        page, "Ashby Youth Club")
    wall = item(page, "Ashby Climbing Wall")
    assert "0.3 miles (0.5 km) away" in wall and "Next" not in wall
    assert "No fixed place" in item(page, "Online Chat")
    assert ("Times are door to door from AS1 1AA to the next session, waiting for the bus "
            "included; “bus home after” means a bus gets you back within 90 minutes of the "
            "end.") in text(page)


def test_a_postcode_near_a_run_point_takes_its_times_one_far_away_does_not(
        client, db, tmp_path, clock):
    nc.build(db.session, tmp_path)
    near = item(client.get("/directory?near=CW1+1AB"), "Ashby Youth Club")
    assert "25 min by bus · bus home after ✓" in near
    far = client.get("/directory?near=ZZ9+9ZZ")
    club = item(far, "Ashby Youth Club")
    assert "min by" not in club and "Next" not in club and "miles" in club
    assert "We do not have bus times from ZZ9 9ZZ" in text(far)


def test_without_a_current_run_distance_only_and_one_sentence_why(client, db, tmp_path,
                                                                  clock):
    ids = nc.build(db.session, tmp_path, journeys=False)
    page = client.get("/directory?near=CW1+1AA")
    club = item(page, "Ashby Youth Club")
    assert "24.2 miles (39.0 km) away" in club
    assert "Next" not in club and "min by" not in club
    # Plain words for a young person, not the staff sentence naming commands and pages.
    assert "times are not ready yet, so these are distances in a straight line" in text(page)
    staff = travel_sentence(journey_status(db.session), "bus")
    assert staff.startswith("Travel times: straight-line estimates") and staff not in text(page)
    service = text(client.get(f"/directory/{ids['club']}?near=CW1+1AA"))
    assert "Getting there from CW1 1AA 24.2 miles (39.0 km) away" in service and "min by bus" not in service


def test_a_town_name_gives_distances_and_asks_for_a_postcode(client, db, tmp_path, clock):
    nc.build(db.session, tmp_path)
    page = client.get("/directory?near=Colwall")
    assert "min by bus" not in item(page, "Ashby Youth Club")
    assert "Type your postcode to see how long it takes" in text(page)
