"""The Connection Scan router: hand-built timetables with known answers, and
agreement with a brute-force search over all connections on random feeds."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from app.analysis.transit import Timetable, best_home_arrival, best_home_departure


def hm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 3600 + int(m) * 60


def build(trips, *, n_stops, footpaths=(), change_s=120):
    """``trips``: list of [(stop, "HH:MM"), ...] -> Timetable."""
    cols = {k: [] for k in ("dep_stop", "arr_stop", "dep_time", "arr_time", "trip", "seq")}
    for k, calls in enumerate(trips):
        for i, ((s1, t1), (s2, t2)) in enumerate(zip(calls, calls[1:], strict=False)):
            for key, value in zip(cols, (s1, s2, hm(t1), hm(t2), k, i), strict=True):
                cols[key].append(value)
    frm = [a for a, b, s in footpaths]
    to = [b for a, b, s in footpaths]
    sec = [s for a, b, s in footpaths]
    return Timetable.from_connections(n_stops, cols["dep_stop"], cols["arr_stop"],
                                      cols["dep_time"], cols["arr_time"], cols["trip"],
                                      seq=cols["seq"], footpath_from=frm, footpath_to=to,
                                      footpath_s=sec, change_s=change_s)


# Stops: 0 village green, 1 market town square, 2 leisure centre, 3 station
VILLAGE_BUSES = [
    [(0, "16:40"), (1, "17:05")],
    [(0, "17:45"), (1, "18:10")],
    [(1, "17:10"), (0, "17:35")],
    [(1, "18:10"), (0, "18:35")],  # the last bus home
]


def test_last_bus_home_at_1810():
    tt = build(VILLAGE_BUSES, n_stops=4)
    # A club in the town square ends at 18:00: the 18:10 gets home at 18:35.
    home = tt.earliest_arrival({1: 0}, hm("18:00"))
    assert home[0] == hm("18:35")
    # Ending at 18:05 and a 6-minute walk to the stop: the bus has gone.
    assert math.isinf(tt.earliest_arrival({1: 360}, hm("18:05"))[0])
    # A 21:00 finish: no way home by bus at all.
    assert math.isinf(tt.earliest_arrival({1: 0}, hm("21:00"))[0])


def test_latest_departure_to_arrive_by_start():
    tt = build(VILLAGE_BUSES, n_stops=4)
    # To be at the square by 18:15 (a 3-minute walk from the stop to the hall):
    board = tt.latest_departure({1: 180}, hm("18:15"))
    assert board[0] == hm("17:45")
    # By 18:00 only the 16:40 will do.
    assert tt.latest_departure({1: 180}, hm("18:00"))[0] == hm("16:40")
    # By 16:50 nothing arrives in time.
    assert tt.latest_departure({1: 0}, hm("16:50"))[0] == -math.inf


def test_change_between_two_routes_respects_change_time():
    trips = [
        [(0, "18:00"), (1, "18:20")],            # village -> town
        [(1, "18:21"), (2, "18:30")],            # town -> leisure centre, 1 min: too tight
        [(1, "18:25"), (2, "18:34")],            # catchable with a 2-minute change
        [(1, "18:50"), (2, "18:59")],
    ]
    tt = build(trips, n_stops=4, change_s=120)
    assert tt.earliest_arrival({0: 0}, hm("17:55"))[2] == hm("18:34")
    assert tt.latest_departure({2: 0}, hm("18:40"))[0] == hm("18:00")
    # With a 6-minute change the 18:25 is missed as well.
    slow = build(trips, n_stops=4, change_s=360)
    assert slow.earliest_arrival({0: 0}, hm("17:55"))[2] == hm("18:59")
    assert slow.latest_departure({2: 0}, hm("18:40"))[0] == -math.inf


def test_change_by_walking_between_stops():
    trips = [[(0, "18:00"), (1, "18:20")], [(3, "18:24"), (2, "18:40")],
             [(3, "18:30"), (2, "18:46")]]
    # 1 -> 3 is a 5-minute walk: the 18:24 from the station is missed.
    tt = build(trips, n_stops=4, footpaths=[(1, 3, 300)])
    assert tt.earliest_arrival({0: 0}, hm("17:50"))[2] == hm("18:46")
    assert tt.latest_departure({2: 0}, hm("18:50"))[0] == hm("18:00")
    # Footpaths are one-way as given: no walk 3 -> 1.
    assert tt.footpaths[3, 1] == 0


def test_staying_on_the_bus_needs_no_change_time():
    tt = build([[(0, "18:00"), (1, "18:10"), (2, "18:10"), (3, "18:30")]], n_stops=4,
               change_s=600)
    assert tt.earliest_arrival({0: 0}, hm("18:00"))[3] == hm("18:30")
    assert tt.latest_departure({3: 0}, hm("18:30"))[0] == hm("18:00")


def test_per_place_reductions():
    arrive = np.array([100.0, 200.0, np.inf])
    # place 0 walks to stops 0 (50 s) and 1 (10 s); place 1 has no stop; place 2 stop 2
    indptr = np.array([0, 2, 2, 3])
    stops, walk = np.array([0, 1, 2]), np.array([50.0, 10.0, 5.0])
    assert best_home_arrival(arrive, stops, walk, indptr).tolist() == [150.0, np.inf, np.inf]
    board = np.array([1000.0, 1100.0, -np.inf])
    assert best_home_departure(board, stops, walk, indptr).tolist() == [1090.0, -np.inf, -np.inf]


# -- brute force ---------------------------------------------------------------------

def floyd(n, footpaths, limit):
    d = [[math.inf] * n for _ in range(n)]
    for a, b, s in footpaths:
        d[a][b] = min(d[a][b], s)
    for k in range(n):
        for i in range(n):
            for j in range(n):
                if d[i][k] + d[k][j] < d[i][j]:
                    d[i][j] = d[i][k] + d[k][j]
    return {(i, j): d[i][j] for i in range(n) for j in range(n)
            if i != j and d[i][j] <= limit}


def brute_arrival(conns, n, walks, change, access, depart, rng):
    """Least fixpoint over all connections in random order, rescanned until
    nothing changes: which connections a traveller can use, and when they can
    be at each stop.  No sorting, no trip flags: a connection continues the
    previous connection of its trip."""
    ready, arrive, alighted = [math.inf] * n, [math.inf] * n, [math.inf] * n
    for s, w in access.items():
        ready[s] = min(ready[s], depart + w)
        arrive[s] = min(arrive[s], depart + w)
    prev = {}
    for idx, c in enumerate(conns):
        prev[(c["trip"], c["seq"])] = idx
    usable = set()
    order = list(range(len(conns)))
    changed = True
    while changed:
        changed = False
        rng.shuffle(order)
        for idx in order:
            if idx in usable:
                continue
            c = conns[idx]
            before = prev.get((c["trip"], c["seq"] - 1))
            if not ((before is not None and before in usable) or ready[c["u"]] <= c["td"]):
                continue
            usable.add(idx)
            changed = True
            v, ta = c["v"], c["ta"]
            alighted[v] = min(alighted[v], ta)
            arrive[v] = min(arrive[v], ta)
            ready[v] = min(ready[v], ta + change)
            for (a, b), s in walks.items():
                if a == v:
                    ready[b] = min(ready[b], ta + s + change)
    return arrive


def random_feed(rng):
    n = rng.randint(3, 8)
    conns, trips = [], []
    for k in range(rng.randint(1, 10)):
        length = rng.randint(2, min(5, n))
        stops = rng.sample(range(n), length)
        t = rng.randrange(0, 120) * 60
        calls = []
        for s in stops:
            calls.append((s, t))
            t += rng.choice([0, 60, 180, 300, 600])
        trips.append(calls)
        for i, ((a, ta), (b, tb)) in enumerate(zip(calls, calls[1:], strict=False)):
            conns.append({"u": a, "v": b, "td": ta, "ta": tb, "trip": k, "seq": i})
    footpaths = [(rng.randrange(n), rng.randrange(n), rng.choice([60, 120, 300, 600]))
                 for _ in range(rng.randint(0, 6))]
    footpaths = [(a, b, s) for a, b, s in footpaths if a != b]
    return n, conns, footpaths


@pytest.mark.parametrize("seed", range(150))
def test_agrees_with_brute_force_on_random_feeds(seed):
    rng = random.Random(seed)
    n, conns, footpaths = random_feed(rng)
    change = rng.choice([0, 60, 120])
    limit = 900
    tt = Timetable.from_connections(
        n, [c["u"] for c in conns], [c["v"] for c in conns], [c["td"] for c in conns],
        [c["ta"] for c in conns], [c["trip"] for c in conns], seq=[c["seq"] for c in conns],
        footpath_from=[a for a, _, _ in footpaths], footpath_to=[b for _, b, _ in footpaths],
        footpath_s=[s for _, _, s in footpaths], change_s=change, walk_limit_s=limit)
    walks = floyd(n, footpaths, limit)
    closed = {(int(a), int(b)): float(tt.footpaths[a, b])
              for a, b in zip(*tt.footpaths.nonzero(), strict=True)}
    assert closed == pytest.approx(walks)

    # earliest arrival from random access stops at random times
    for _ in range(3):
        access = {s: rng.choice([0, 60, 240]) for s in rng.sample(range(n), rng.randint(1, 2))}
        depart = rng.randrange(0, 150) * 60
        expected = brute_arrival(conns, n, walks, change, access, depart, rng)
        assert tt.earliest_arrival(access, depart).tolist() == expected

    # latest departure: the latest time ready at each stop from which the
    # brute-force forward search still arrives by the deadline
    egress = {s: rng.choice([0, 60, 240]) for s in rng.sample(range(n), rng.randint(1, 2))}
    deadline = rng.randrange(30, 200) * 60
    board = tt.latest_departure(egress, deadline)
    for s in range(n):
        candidates = {c["td"] for c in conns if c["u"] == s}
        if s in egress:
            candidates.add(deadline - egress[s])
        best = -math.inf
        for t in sorted(candidates, reverse=True):
            arrive = brute_arrival(conns, n, walks, change, {s: 0}, t, rng)
            if min(arrive[v] + w for v, w in egress.items()) <= deadline:
                best = t
                break
        assert board[s] == best, (seed, s)
