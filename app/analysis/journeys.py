"""Journeys from where young people live to each session, at its own times.

Pure: numpy, scipy, pandas; no Flask, no database.

For each population point (a postcode carrying young people, or an area's
origin) and each service session (weekday, start, end):

* walk, cycle and drive minutes on the road network (:mod:`.roads`), the
  same at any hour;
* by public transport (:mod:`.transit`): *there* is the latest departure from
  home that arrives by the start (walk to a stop, wait, ride, change, walk),
  *home* the earliest arrival home after the end, on that weekday's
  timetable in a typical week (:mod:`.typicalweek`: no bank holiday or
  timetable exception), buses after midnight included.  Door-to-door minutes are ``start - departure`` and
  ``arrival - end``, so waiting counts.  Walking the whole way counts as a
  public-transport journey too (nobody needs a bus to cross the road).

A session is *reachable by public transport* only when both journeys exist
within the limit; *no way home* when the way there exists but not the way back.
One reverse scan per (venue, weekday, start) and one forward scan per
(venue, weekday, end) serve every home at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix

from .gtfs import Feed
from .roads import NETWORK_MODES, WALK_KMH, RoadNetwork
from .transit import DEFAULT_CHANGE_S, best_home_arrival, best_home_departure
from .typicalweek import dates_sentence

__all__ = ["JourneyResult", "compute", "dates_sentence", "network_minutes", "session_frame",
           "walk_table"]

DAY_S = 24 * 3600
EVENING_FROM_S = 17 * 3600  # sessions starting at or after 17:00 are "evening"
MAX_WALK_TO_STOP_MIN = 15.0


@dataclass
class JourneyResult:
    """Minutes per (point, venue) by network mode, and per (point, session) by public transport.

    ``inf`` = no journey within the limit.
    """

    threshold_min: float
    network_minutes: dict[str, np.ndarray] = field(default_factory=dict)  # points x venues
    pt_there_min: np.ndarray | None = None  # points x sessions
    pt_home_min: np.ndarray | None = None  # points x sessions
    session_dates: dict[int, str] = field(default_factory=dict)  # weekday -> date used
    scans: int = 0

    def pt_tables(self) -> tuple[np.ndarray, np.ndarray]:
        """(there, home) minutes by public transport; ValueError if not computed."""
        if self.pt_there_min is None or self.pt_home_min is None:
            raise ValueError("no public transport times were computed")
        return self.pt_there_min, self.pt_home_min

    def pt_reachable(self, threshold_min: float | None = None) -> np.ndarray:
        """(points x sessions): there and home, each within the threshold."""
        t = self.threshold_min if threshold_min is None else threshold_min
        there, home = self.pt_tables()
        return np.asarray((there <= t) & (home <= t))

    def no_way_home(self, threshold_min: float | None = None) -> np.ndarray:
        """(points x sessions): there within the threshold, but not home."""
        t = self.threshold_min if threshold_min is None else threshold_min
        there, home = self.pt_tables()
        return np.asarray((there <= t) & ~(home <= t))


def walk_table(network: RoadNetwork | None, from_xy: np.ndarray, to_xy: np.ndarray,
               limit_s: float, *, chunk: int = 256) -> csr_matrix:
    """Sparse (from x to) walking seconds within ``limit_s``; on the walk network when there is one, else straight line x 1.3 at 4.8 km/h.

    Stored values are seconds + 1 so a zero walk is not lost.
    """
    from scipy.spatial import cKDTree

    rows, cols, vals = [], [], []
    if network is None:
        speed = WALK_KMH / 3.6
        radius = limit_s * speed / 1.3
        tree = cKDTree(to_xy)
        for i, js in enumerate(tree.query_ball_point(from_xy, radius)):
            for j in js:
                rows.append(i)
                cols.append(j)
                vals.append(np.hypot(*(from_xy[i] - to_xy[j])) * 1.3 / speed + 1)
    else:
        for start in range(0, len(from_xy), chunk):
            block = network.seconds("walk", from_xy[start:start + chunk], to_xy,
                                    limit_s=limit_s)
            r, c = np.nonzero(np.isfinite(block))
            rows.extend((r + start).tolist())
            cols.extend(c.tolist())
            vals.extend((block[r, c] + 1).tolist())
    return csr_matrix((np.asarray(vals, float), (np.asarray(rows, int), np.asarray(cols, int))),
                      shape=(len(from_xy), len(to_xy)))


def network_minutes(network: RoadNetwork | None, points_xy: np.ndarray, venues_xy: np.ndarray,
                    threshold_min: float, modes: Sequence[str] = NETWORK_MODES,
                    progress: Callable[[int, int, str], object] | None = None,
                    ) -> dict[str, np.ndarray]:
    """Minutes from each point to each venue by each mode (``inf`` beyond the limit).

    Shortest paths run from the venues (fewer than points) on the reversed
    graph for one-way streets: the drive or cycle time *from* home *to* the venue.
    ``progress(k, n, mode)`` is called before each of the ``n`` modes.
    """
    out: dict[str, np.ndarray] = {}
    if network is None:
        return out
    rev = None
    for k, mode in enumerate(modes):
        if progress is not None:
            progress(k, len(modes), mode)
        if mode in ("drive", "cycle"):
            # from venue on the transposed graph = to venue on the real one
            rev = rev or network.reversed()
            secs = rev.seconds(mode, venues_xy, points_xy, limit_s=threshold_min * 60)
        else:
            secs = network.seconds(mode, venues_xy, points_xy, limit_s=threshold_min * 60)
        out[mode] = (secs.T / 60.0).astype(np.float32)
    return out


def compute(points_xy: np.ndarray, venues_xy: np.ndarray, sessions: pd.DataFrame, *,
            network: RoadNetwork | None, feed: Feed | None = None, threshold_min: float = 30.0,
            reference_date: date | None = None, min_change_min: float = DEFAULT_CHANGE_S / 60,
            progress: Callable[[float, float, str], object] | None = None) -> JourneyResult:
    """All journeys.  ``sessions``: columns ``venue`` (row of ``venues_xy``), ``day`` (0 = Monday), ``start_s``, ``end_s`` (seconds after midnight).

    ``feed``: a :class:`~app.analysis.gtfs.Feed` or None (no public transport other than walking).
    Each weekday's buses are those of its date in the feed's typical week
    (:func:`app.analysis.typicalweek.typical_week`, searched from the week of
    ``reference_date``, today by default).  A change between vehicles needs
    ``min_change_min`` minutes (plus the walk, between stops).  A session whose
    end is not after its start ends after midnight.
    """
    points_xy = np.asarray(points_xy, float).reshape(-1, 2)
    venues_xy = np.asarray(venues_xy, float).reshape(-1, 2)
    report = progress or (lambda done, total, note: None)
    result = JourneyResult(threshold_min=threshold_min)
    report(0, 4, "road network")
    result.network_minutes = network_minutes(
        network, points_xy, venues_xy, threshold_min,
        progress=lambda k, n, mode: report(k / n, 4, f"road network: {mode}"))
    limit_s = threshold_min * 60
    n, m = len(points_xy), len(sessions)
    walk_direct = result.network_minutes.get("walk")
    if walk_direct is None:
        direct = walk_table(None, points_xy, venues_xy, limit_s).toarray()
        walk_direct = np.where(direct > 0, (direct - 1) / 60.0, np.inf)
    there = np.full((n, m), np.inf)
    home = np.full((n, m), np.inf)
    venue_of = sessions["venue"].to_numpy(int)
    there[:] = walk_direct[:, venue_of]
    home[:] = walk_direct[:, venue_of]
    if feed is not None and len(feed.stops) and m:
        report(1, 4, "walks to bus stops")
        stops_xy = feed.stops[["x", "y"]].to_numpy(float)
        walk_s = min(MAX_WALK_TO_STOP_MIN * 60, limit_s)
        # One pass from the stops (fewer than the homes) serves homes and venues:
        # walking is the same both ways.
        both = walk_table(network, stops_xy, np.vstack([points_xy, venues_xy]), walk_s)
        both = both.T.tocsr()
        access = both[:n].tocsr()
        venue_walk = both[n:].tocsr()
        a_stops, a_secs, a_ptr = access.indices, access.data - 1, access.indptr
        today = reference_date or date.today()
        report(2, 4, "timetables")
        week = feed.typical_week(today)
        dates = {int(day): week.get(int(day)) for day in sessions["day"].unique()}
        feed.keep_days([on + timedelta(days=k) for on in dates.values() if on
                        for k in (-1, 0, 1)])  # one pass over stop_times
        for k, (day, group) in enumerate(sessions.groupby("day", sort=True)):
            on = dates[int(day)]
            if on is None:
                continue
            result.session_dates[int(day)] = on.isoformat()
            tt = feed.day_timetable(on, change_s=min_change_min * 60)
            report(2 + k / 7, 4, f"journeys on {on.isoformat()}")
            cache_there: dict[Any, Any] = {}
            cache_home: dict[Any, Any] = {}
            for j, row in zip(group.index, group.itertuples(index=False), strict=True):
                col = sessions.index.get_loc(j)
                v = int(row.venue)
                row_v = venue_walk.getrow(v)
                walks = dict(zip(row_v.indices.tolist(), (row_v.data - 1).tolist(),
                                 strict=True))
                if not walks:
                    continue
                key = (v, row.start_s)
                if key not in cache_there:
                    board = tt.latest_departure(walks, row.start_s,
                                                horizon=row.start_s - limit_s)
                    leave = best_home_departure(board, a_stops, a_secs, a_ptr)
                    cache_there[key] = (row.start_s - leave) / 60.0
                    result.scans += 1
                end = row.end_s + (DAY_S if row.end_s <= row.start_s else 0)
                key = (v, end)
                if key not in cache_home:
                    arrive = tt.earliest_arrival(walks, end, horizon=end + limit_s)
                    back = best_home_arrival(arrive, a_stops, a_secs, a_ptr)
                    cache_home[key] = (back - end) / 60.0
                    result.scans += 1
                there[:, col] = np.minimum(there[:, col], cache_there[(v, row.start_s)])
                home[:, col] = np.minimum(home[:, col], cache_home[(v, end)])
    report(4, 4, "done")
    result.pt_there_min = there.astype(np.float32)
    result.pt_home_min = home.astype(np.float32)
    return result


def session_frame(records: Iterable[tuple[int, int, time, time]]) -> pd.DataFrame:
    """``[(venue, day, start time, end time), ...]`` -> the ``sessions`` frame."""
    rows = [(v, d, s.hour * 3600 + s.minute * 60, e.hour * 3600 + e.minute * 60)
            for v, d, s, e in records]
    return pd.DataFrame(rows, columns=["venue", "day", "start_s", "end_s"])
