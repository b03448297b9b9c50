"""Journeys at each session's own times: bus there and back, walk-only
villages, Saturday services, and door-to-door minutes checked by hand."""

from __future__ import annotations

import math
from datetime import date, time

import numpy as np
import pytest

from app.analysis.gtfs import Feed
from app.analysis.journeys import compute, session_frame
from app.demo.gtfsfile import write_gtfs
from tests.analysis.test_gtfs import feed_tables

WALK_M_PER_MIN = 4.8 * 1000 / 60


@pytest.fixture(scope="module")
def feed():
    return Feed.read(write_gtfs(feed_tables()))


def at(feed, stop_id, dx=0.0, dy=0.0):
    row = feed.stops.set_index("stop_id").loc[stop_id]
    return (row["x"] + dx, row["y"] + dy)


def walk_min(metres):
    return metres * 1.3 / WALK_M_PER_MIN


def test_bus_there_but_no_bus_home_after_an_evening_session(feed):
    home = at(feed, "V", 0, 200)      # 200 m from the village green stop
    venue = at(feed, "L", 300, 0)     # 300 m from the leisure centre stop
    sessions = session_frame([(0, 1, time(18, 30), time(20, 0)),    # Tuesday evening
                              (0, 1, time(18, 18), time(18, 40))])  # Tuesday, short
    result = compute([home], [venue], sessions, network=None, feed=feed, threshold_min=90,
                     reference_date=date(2026, 11, 30))
    assert result.session_dates[1] == "2026-12-01"
    # Leave home in time for the 17:45 (walk 200 m), arrive by 18:30: door to door
    expected = (18 * 60 + 30) - (17 * 60 + 45 - walk_min(200))
    assert result.pt_there_min[0, 0] == pytest.approx(expected, abs=0.05)
    assert math.isinf(result.pt_home_min[0, 0])
    assert result.no_way_home()[0, 0] and not result.pt_reachable()[0, 0]
    # 18:18 start: the 18:15 arrival plus a 300 m walk (4.9 min) misses it
    assert math.isinf(result.pt_there_min[0, 1])


def test_walk_only_village_and_a_village_with_nothing(feed):
    venue = at(feed, "L", 0, 0)
    near = at(feed, "L", 0, -900)     # no stop nearer than the venue's own: walk it
    far = at(feed, "L", -20000, 0)    # 20 km out with no stop: nothing
    sessions = session_frame([(0, 3, time(19, 0), time(21, 0))])
    result = compute([near, far], [venue], sessions, network=None, feed=feed,
                     threshold_min=30, reference_date=date(2026, 11, 30))
    assert result.pt_there_min[0, 0] == pytest.approx(walk_min(900), abs=0.01)
    assert result.pt_home_min[0, 0] == pytest.approx(walk_min(900), abs=0.01)
    assert result.pt_reachable()[0, 0]
    assert math.isinf(result.pt_there_min[1, 0]) and not result.pt_reachable()[1, 0]


def test_saturday_only_bus(feed):
    home, venue = at(feed, "V"), at(feed, "L")
    sessions = session_frame([(0, 5, time(10, 45), time(12, 0)),   # Saturday
                              (0, 4, time(10, 45), time(12, 0))])  # Friday
    result = compute([home], [venue], sessions, network=None, feed=feed, threshold_min=60,
                     reference_date=date(2026, 11, 30))
    assert result.session_dates[5] == "2026-12-05"
    assert result.pt_there_min[0, 0] == pytest.approx(45, abs=0.01)  # the 10:00 bus
    assert math.isinf(result.pt_there_min[0, 1])  # no Friday bus at that hour
    assert np.isinf(result.pt_home_min).all()  # the Saturday bus only goes one way


def test_without_a_timetable_only_walking_counts(feed):
    venue = at(feed, "L")
    sessions = session_frame([(0, 1, time(18, 30), time(20, 0))])
    result = compute([at(feed, "L", 400, 0), at(feed, "V")], [venue], sessions, network=None,
                     feed=None, threshold_min=30)
    assert result.pt_reachable().tolist() == [[True], [False]]
