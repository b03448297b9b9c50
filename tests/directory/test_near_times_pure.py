"""The pure part of "time, not distance" (:mod:`app.analysis.near_times`) on a run
made by hand: which run point stands for a postcode, which session is next, and
that no journey is ``None``, never a number."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import numpy as np
import pandas as pd

from app.analysis.near_times import near_times, next_session
from app.directory.near import describe

INF = np.inf
# Two run points 1 km apart; two services (ids 7 and 9); service 7 meets Tuesday
# 18:00-20:00 and Friday 16:00-17:00, service 9 has no sessions in the run.
RUN = SimpleNamespace(
    point_xy=np.array([[1000.0, 1000.0], [2000.0, 1000.0]]),
    service_ids=np.array([7, 9]),
    sessions=pd.DataFrame([(0, 1, 18 * 3600, 20 * 3600), (0, 4, 16 * 3600, 17 * 3600)],
                          columns=["venue", "day", "start_s", "end_s"]),
    result=SimpleNamespace(
        threshold_min=90.0,
        network_minutes={"walk": np.array([[50.0, INF], [INF, INF]], np.float32),
                         "cycle": np.array([[15.0, 20.0], [INF, INF]], np.float32)},
        pt_there_min=np.array([[31.0, INF], [INF, INF]], np.float32),
        pt_home_min=np.array([[INF, 40.0], [INF, INF]], np.float32)))
PLACES = {7: (4000.0, 5000.0), 9: (1000.0, 1000.0), 11: None}
TUESDAY_NOON = datetime(2026, 12, 1, 12, 0)


def test_the_postcode_is_the_run_point_within_200_m_else_times_are_unknown():
    at = near_times(RUN, (1000.0, 1000.0), PLACES, TUESDAY_NOON)
    assert at.known and at.point == 0 and at.point_gap_m == 0
    assert near_times(RUN, (1000.0, 1199.0), PLACES, TUESDAY_NOON).point == 0
    away = near_times(RUN, (1000.0, 1201.0), PLACES, TUESDAY_NOON)
    assert not away.known and away.services[7].bus_there_min is None
    # Distances are straight lines from the postcode itself: 3 km east, 3.799 km north.
    assert abs(away.services[7].distance_km - np.hypot(3.0, 3.799)) < 1e-9
    assert near_times(None, (1000.0, 1000.0), PLACES, TUESDAY_NOON).services[7].walk_min is None


def test_the_next_session_and_its_times():
    times = near_times(RUN, (1000.0, 1000.0), PLACES, TUESDAY_NOON).services
    club = times[7]
    assert (club.next_session.day, club.next_session.start_s) == (1, 18 * 3600)
    assert club.next_session.starts_in_s == 6 * 3600
    assert club.bus_there_min == 31.0 and club.bus_home_min is None  # inf: no bus home
    assert club.walk_min == 50.0 and club.cycle_min == 15.0
    assert club.bus_rides and club.way_home == "none"
    assert abs(club.distance_km - 5.0) < 1e-9 and abs(club.distance_miles - 3.10686) < 1e-5
    # A service with no sessions in the run: distance and network times only.
    assert times[9].next_session is None and times[9].bus_there_min is None
    assert times[9].cycle_min == 20.0 and times[9].walk_min is None
    assert times[11].distance_km is None and times[11].next_session is None


def test_a_session_that_has_started_is_next_weeks():
    sessions = RUN.sessions[RUN.sessions["day"] == 1]
    later = next_session(sessions, datetime(2026, 12, 1, 18, 0, 1))[1]
    assert later.starts_in_s == 7 * 86_400 - 1
    assert next_session(sessions, datetime(2026, 12, 1, 18, 0))[1].starts_in_s == 0
    # Friday 16:00 after Tuesday's has started: the Friday one is next.
    k, friday = next_session(RUN.sessions, datetime(2026, 12, 1, 19, 0))
    assert k == 1 and friday.day == 4 and friday.starts_in_s == 3 * 86_400 - 3 * 3600


def test_the_words_for_each_case():
    times = near_times(RUN, (1000.0, 1000.0), PLACES, TUESDAY_NOON).services
    line = describe(times[7], TUESDAY_NOON, known=True)
    assert line.text() == "Next: today 18:00 · 31 min by bus · no bus home after ✗ · " \
                          "3.1 miles (5.0 km)"
    friday = datetime(2026, 12, 4, 17, 0)
    times = near_times(RUN, (1000.0, 1000.0), PLACES, friday).services
    line = describe(times[7], friday, known=True)
    assert line.text() == "Next: Tuesday 18:00 · 31 min by bus · no bus home after ✗ · " \
                          "3.1 miles (5.0 km)"
    late = datetime(2026, 12, 1, 19, 0)
    line = describe(near_times(RUN, (1000.0, 1000.0), PLACES, late).services[7], late,
                    known=True)
    # Friday's session: no bus there (inf), so the bike.
    assert line.text() == "Next: Friday 16:00 · No bus at that time — 15 min by bike · " \
                          "3.1 miles (5.0 km)"
    assert line.no_bus
    after = datetime(2026, 12, 1, 18, 30)  # Tuesday's has started; Friday is next
    friday_next = near_times(RUN, (1000.0, 1000.0), {7: PLACES[7]}, after).services[7]
    assert describe(friday_next, after, known=True).next == "Next: Friday 16:00"
    wednesday = datetime(2026, 12, 2, 9, 0)  # the week after's Tuesday is not "tomorrow"
    only_tuesday = SimpleNamespace(**{**vars(RUN), "sessions": RUN.sessions.iloc[:1]})
    t = near_times(only_tuesday, (1000.0, 1000.0), {7: PLACES[7]}, wednesday).services[7]
    assert describe(t, wednesday, known=True).next == "Next: Tuesday 18:00"
    t = near_times(only_tuesday, (1000.0, 1000.0), {7: PLACES[7]}, after).services[7]
    assert describe(t, after, known=True).next == "Next: next Tuesday 18:00"
    no_sessions = near_times(RUN, (1000.0, 1000.0), PLACES, TUESDAY_NOON).services[9]
    assert describe(no_sessions, TUESDAY_NOON, known=True).text() == "0.0 miles (0.0 km) away"


def test_with_no_road_network_a_walk_is_not_called_a_bus():
    # With no roads the run walks in a straight line x 1.3 at 4.8 km/h: 1 km is
    # 1,300 m / (4.8 / 3.6) m/s = 975 s = 16.25 minutes, and "by bus" is that walk.
    walk = 1300 / (4.8 / 3.6) / 60
    bare = SimpleNamespace(**{**vars(RUN), "result": SimpleNamespace(
        threshold_min=90.0, network_minutes={},
        pt_there_min=np.array([[walk, INF], [INF, INF]], np.float32),
        pt_home_min=np.array([[walk, INF], [INF, INF]], np.float32))})
    t = near_times(bare, (1000.0, 1000.0), {7: (1000.0, 2000.0)}, TUESDAY_NOON).services[7]
    assert abs(t.walk_min - 16.25) < 1e-9 and t.cycle_min is None and not t.bus_rides
    assert describe(t, TUESDAY_NOON, known=True).text() == \
        "Next: today 18:00 · 17 min walk · 0.6 miles (1.0 km)"
