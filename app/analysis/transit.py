"""Public-transport journeys on one service day: a Connection Scan router.

Pure Python and numpy; nothing here imports Flask or the database.

Why our own code: the kept Python GTFS libraries (gtfs-kit, partridge) read
and check feeds but do not route, and the routers that do (r5py, OpenTripPlanner)
need a Java runtime and a network download, which this service may not have.
The Connection Scan Algorithm is short enough to keep readable and is tested
against a brute-force search (``tests/analysis/test_transit.py``).

Method
------
Dibbelt, Pajor, Strasser and Wagner, "Intriguingly Simple and Fast Transit
Routing", SEA 2013, LNCS 7933; extended as "Connection Scan Algorithm",
ACM Journal of Experimental Algorithmics 23 (2018), doi:10.1145/3274661.

A *connection* is one vehicle hop between consecutive stops of a trip
(departure stop and time, arrival stop and time, trip).  Connections sorted by
departure time are scanned once: a connection is usable when its trip has
already been boarded or the traveller can be ready at its departure stop by
its departure time; each usable connection improves the arrival time at its
arrival stop and, through footpaths, at stops near it.

* :meth:`Timetable.earliest_arrival` is the one-to-all forward scan: leave a
  place (walking to several stops) at a time, arrive everywhere as early as
  possible -- the journey *home* after a session ends.
* :meth:`Timetable.latest_departure` is the all-to-one reverse scan (the
  paper's section on "latest departure"): for every stop, the latest time one
  can be ready there and still reach a place by a deadline -- the journey
  *there* before a session starts.  One reverse scan serves every home at once.

Journey model (the same in both directions, so the two scans agree):

* access: walk from the origin to a stop, then be ready to board at once;
* a ride on one trip through any number of its stops;
* a change: after alighting at stop ``v`` at time ``t`` one is ready to board
  at ``v`` at ``t + change`` or at a nearby stop ``w`` at ``t + walk + change``
  (the change margin, ``JOURNEY_MIN_CHANGE_MIN``: a bus two minutes late, or a
  road to cross, must not end the journey); staying on the same vehicle needs
  none; footpaths are closed transitively (up to the walk limit) when built;
* egress: walk from the last stop alighted at to the destination.

Times are seconds after midnight of the service day (GTFS allows times past
24:00:00 for trips that run after midnight).  A day's timetable
(:meth:`app.analysis.gtfs.Feed.day_timetable`) also holds the next day's early
trips at their times + 24 h, so the scan home after a 23:30 finish sees the
00:05 bus as 24:05.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

INF = float("inf")
DEFAULT_CHANGE_S = 180  # the JOURNEY_MIN_CHANGE_MIN setting's default, 3 minutes


def closed_footpaths(n_stops: int, frm: ArrayLike, to: ArrayLike, seconds: ArrayLike, *,
                     limit_s: float) -> csr_matrix:
    """Transitive closure of walking links between stops, kept while the shortest walk is at most ``limit_s``.

    The diagonal is left out.
    """
    frm, to = np.asarray(frm, dtype=np.int64), np.asarray(to, dtype=np.int64)
    seconds = np.asarray(seconds, dtype=float)
    if len(frm) == 0:
        return csr_matrix((n_stops, n_stops))
    # The shortest of repeated links (a sparse matrix would add them up).
    order = np.lexsort((seconds, to, frm))
    frm, to, seconds = frm[order], to[order], seconds[order]
    first = np.ones(len(frm), dtype=bool)
    first[1:] = (frm[1:] != frm[:-1]) | (to[1:] != to[:-1])
    frm, to, seconds = frm[first], to[first], seconds[first]
    graph = csr_matrix((seconds + 1e-9, (frm, to)), shape=(n_stops, n_stops))
    touched = np.unique(np.concatenate([frm, to]))
    dist = dijkstra(graph, directed=True, indices=touched, limit=limit_s + 1e-3)
    rows, cols = np.nonzero(np.isfinite(dist))
    keep = touched[rows] != cols
    rows, cols = rows[keep], cols[keep]
    values = np.rint(dist[rows, cols])
    return csr_matrix((values + 0.0, (touched[rows], cols)), shape=(n_stops, n_stops))


@dataclass
class Timetable:
    """One service day's connections and the footpaths between stops.

    Build it with :meth:`from_connections` (or :func:`app.analysis.gtfs.day_timetable`).
    """

    n_stops: int
    dep_stop: list[int]
    arr_stop: list[int]
    dep_time: list[float]
    arr_time: list[float]
    trip: list[int]
    n_trips: int
    footpaths: csr_matrix
    change_s: float = DEFAULT_CHANGE_S
    # Reverse order (by decreasing arrival) for the latest-departure scan.
    _rev: list[int] = field(default_factory=list, repr=False)
    _rev_arr: list[float] = field(default_factory=list, repr=False)
    _into: csr_matrix | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        """Index the footpaths into each stop."""
        # footpaths *into* a stop: the rows of the transpose.
        self._into = self.footpaths.T.tocsr()

    @classmethod
    def from_connections(cls, n_stops: int, dep_stop: ArrayLike, arr_stop: ArrayLike,
                         dep_time: ArrayLike, arr_time: ArrayLike, trip: ArrayLike, *,
                         seq: ArrayLike | None = None, footpath_from: ArrayLike = (),
                         footpath_to: ArrayLike = (), footpath_s: ArrayLike = (),
                         change_s: float = DEFAULT_CHANGE_S,
                         walk_limit_s: float = 15 * 60) -> Timetable:
        """Arrays of equal length, one item per connection.

        ``seq`` orders a trip's connections where times tie (defaults to the given order).
        """
        dep_stop = np.asarray(dep_stop, dtype=np.int64)
        arr_stop = np.asarray(arr_stop, dtype=np.int64)
        dep_time = np.asarray(dep_time, dtype=float)
        arr_time = np.asarray(arr_time, dtype=float)
        trip = np.asarray(trip, dtype=np.int64)
        n = len(dep_stop)
        seq = np.arange(n) if seq is None else np.asarray(seq)
        if n and (arr_time < dep_time).any():
            bad = int(np.flatnonzero(arr_time < dep_time)[0])
            raise ValueError(f"connection {bad} arrives before it departs")
        order = np.lexsort((seq, trip, arr_time, dep_time))
        rev = np.lexsort((-seq, -trip, -dep_time, -arr_time))
        paths = closed_footpaths(n_stops, footpath_from, footpath_to, footpath_s,
                                 limit_s=walk_limit_s)
        # Forward and reverse lists index the same (sorted) connections.
        position = np.empty(n, dtype=np.int64)
        position[order] = np.arange(n)
        return cls(
            n_stops=n_stops,
            dep_stop=dep_stop[order].tolist(), arr_stop=arr_stop[order].tolist(),
            dep_time=dep_time[order].tolist(), arr_time=arr_time[order].tolist(),
            trip=trip[order].tolist(), n_trips=int(trip.max()) + 1 if n else 0,
            footpaths=paths, change_s=float(change_s),
            _rev=position[rev].tolist(), _rev_arr=(-arr_time[rev]).tolist(),
        )

    def __len__(self) -> int:
        """The number of connections."""
        return len(self.dep_stop)

    # -- forward: earliest arrival -------------------------------------------------

    def earliest_arrival(self, access: dict[int, float], depart: float, *,
                         horizon: float = INF) -> np.ndarray:
        """Earliest arrival (seconds) at every stop, leaving at ``depart`` and walking ``access[stop]`` seconds to the stops named.

        A stop's value is the time one steps off a vehicle there (or arrives
        on foot at an access stop); ``inf`` where it cannot be reached by a
        vehicle leaving by ``horizon``.
        """
        ready = [INF] * self.n_stops  # earliest time one can board there
        arrive = [INF] * self.n_stops  # on foot from the origin, or off a vehicle
        alighted = [INF] * self.n_stops  # off a vehicle only
        for stop, walk in access.items():
            t = depart + walk
            if t < ready[stop]:
                ready[stop] = arrive[stop] = t
        boarded = [False] * self.n_trips
        indptr, indices, data = (self.footpaths.indptr, self.footpaths.indices.tolist(),
                                 self.footpaths.data.tolist())
        change = self.change_s
        dep_stop, arr_stop, dep_time, arr_time, trip = (
            self.dep_stop, self.arr_stop, self.dep_time, self.arr_time, self.trip)
        start = bisect_left(dep_time, min([depart, *[depart + w for w in access.values()]]))
        for c in range(start, len(dep_time)):
            td = dep_time[c]
            if td > horizon:
                break
            k = trip[c]
            if not boarded[k]:
                if ready[dep_stop[c]] > td:
                    continue
                boarded[k] = True
            ta = arr_time[c]
            v = arr_stop[c]
            if ta < alighted[v]:
                alighted[v] = ta
                if ta < arrive[v]:
                    arrive[v] = ta
                if ta + change < ready[v]:
                    ready[v] = ta + change
                for p in range(indptr[v], indptr[v + 1]):
                    w = indices[p]
                    t = ta + data[p] + change
                    if t < ready[w]:
                        ready[w] = t
        return np.asarray(arrive)

    # -- reverse: latest departure -------------------------------------------------

    def latest_departure(self, egress: dict[int, float], deadline: float, *,
                         horizon: float = -INF) -> np.ndarray:
        """For every stop, the latest time one can be ready to board there and still reach the destination by ``deadline``, walking ``egress[stop]`` seconds from the last stop.

        ``-inf`` where no journey exists (or none leaving at or after ``horizon``).
        """
        board = [-INF] * self.n_stops  # latest ready-to-board time (or leave on foot)
        alight = [-INF] * self.n_stops  # latest alighting time that still works
        departed = [-INF] * self.n_stops  # latest usable vehicle departure
        for stop, walk in egress.items():
            t = deadline - walk
            alight[stop] = max(alight[stop], t)
            board[stop] = max(board[stop], t)  # walk straight from the stop
        ok = [False] * self.n_trips
        into = self._into
        assert into is not None  # set by __post_init__
        indptr, indices, data = into.indptr, into.indices.tolist(), into.data.tolist()
        change = self.change_s
        dep_stop, arr_stop, dep_time, arr_time, trip = (
            self.dep_stop, self.arr_stop, self.dep_time, self.arr_time, self.trip)
        rev, rev_arr = self._rev, self._rev_arr
        start = bisect_left(rev_arr, -deadline)
        for r in range(start, len(rev)):
            c = rev[r]
            if arr_time[c] < horizon:
                break
            k = trip[c]
            if not ok[k]:
                if arr_time[c] > alight[arr_stop[c]]:
                    continue
                ok[k] = True
            td = dep_time[c]
            u = dep_stop[c]
            if td > departed[u]:
                departed[u] = td
                if td > board[u]:
                    board[u] = td
                if td - change > alight[u]:
                    alight[u] = td - change
                for p in range(indptr[u], indptr[u + 1]):
                    w = indices[p]
                    t = td - data[p] - change
                    if t > alight[w]:
                        alight[w] = t
        return np.asarray(board)


def best_home_arrival(arrive: np.ndarray, egress_stops: np.ndarray,
                      egress_s: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Per place (rows of a CSR walk table: stops and seconds), the earliest arrival: ``min(arrive[stop] + walk)``.

    ``inf`` for places with no stop.
    """
    return _reduce_rows(arrive[egress_stops] + egress_s, indptr, np.minimum, INF)


def best_home_departure(board: np.ndarray, access_stops: np.ndarray,
                        access_s: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Per place, the latest departure from home: ``max(board[stop] - walk)``."""
    return _reduce_rows(board[access_stops] - access_s, indptr, np.maximum, -INF)


def _reduce_rows(values: np.ndarray, indptr: np.ndarray, ufunc: np.ufunc,
                 empty: float) -> np.ndarray:
    n = len(indptr) - 1
    out = np.full(n, empty)
    lengths = np.diff(indptr)
    nonempty = lengths > 0
    if len(values):
        out[nonempty] = ufunc.reduceat(values, indptr[:-1][nonempty])
    return out
