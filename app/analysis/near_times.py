"""Time, not distance: from one home to each service's next session.

Pure: numpy and pandas, no Flask, no database.  Reads a stored journey run
(:class:`app.geodata.journeys.StoredJourneys`, the run the gap pages use) only
through the attributes named in :class:`JourneyRunLike`, so the numbers a young
person sees are the gap pages' numbers for their postcode:

* the home is the run's **population point** for the searched postcode (run
  points are live postcodes): the nearest point within :data:`SAME_POINT_M`;
  failing that (a postcode outside the county, say), the nearest within
  :data:`NEAR_POINT_M`; failing that, times are not known there;
* a service's **next session** is the first of its sessions in the run to start at
  or after ``now`` (a session that has started counts next week);
* **by bus** is the stored door-to-door minutes there for that session (walk to
  the stop, wait, ride, change, walk; walking the whole way counts), and the
  **way home** the stored minutes home after it, within the run's limit;
* **walk** and **cycle** minutes are the stored network minutes to the venue (with
  no road network in the run, the walk is the straight-line estimate the run used
  for walking, and there is no cycle time);
* the straight-line **distance** is from the searched postcode to the venue.

``None`` means no journey (``inf`` in the run, or no road network), never a number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import numpy as np
import pandas as pd

from .roads import WALK_KMH

SAME_POINT_M = 5.0  # a run point this close to the postcode is the postcode itself
NEAR_POINT_M = 200.0  # else the nearest run point stands in for it if this close
KM_PER_MILE = 1.609344
WEEK_S = 7 * 86_400
# A public-transport journey no quicker than walking is a walk; one this short is
# worth saying as a walk, a longer one is "no bus at that time".
EASY_WALK_MIN = 30.0
_SAME_MIN = 0.05  # minutes: float32 rounding between the stored walk and bus legs


class _Result(Protocol):
    threshold_min: float
    network_minutes: dict[str, np.ndarray]
    pt_there_min: np.ndarray | None
    pt_home_min: np.ndarray | None


class JourneyRunLike(Protocol):
    """What is read of a stored run (these attributes stay as the run changes)."""

    result: _Result
    point_xy: np.ndarray
    service_ids: np.ndarray
    sessions: pd.DataFrame


@dataclass(frozen=True)
class NextSession:
    """A weekly session: its day and times, and how soon it starts."""

    day: int  # 0 = Monday
    start_s: int  # seconds after midnight
    end_s: int
    starts_in_s: int  # seconds from now to its start (0 to a week)


@dataclass(frozen=True)
class ServiceTimes:
    """From the home to one service; ``None`` wherever there is no journey."""

    service_id: int
    distance_km: float | None = None
    next_session: NextSession | None = None
    bus_there_min: float | None = None  # door to door, waiting included, as stored
    bus_home_min: float | None = None  # after the session ends, within the run's limit
    walk_min: float | None = None
    cycle_min: float | None = None

    @property
    def distance_miles(self) -> float | None:
        """The straight-line distance in miles."""
        return None if self.distance_km is None else self.distance_km / KM_PER_MILE

    @property
    def bus_rides(self) -> bool:
        """A bus (or train) there is quicker than walking all the way."""
        return self.bus_there_min is not None and (
            self.walk_min is None or self.bus_there_min < self.walk_min - _SAME_MIN)

    @property
    def walkable(self) -> bool:
        """Walking there is an easy way (no bus needed)."""
        return self.walk_min is not None and self.walk_min <= EASY_WALK_MIN

    @property
    def way_home(self) -> str | None:
        """How they get home after the next session.

        ``"bus"``, ``"walk"`` (an easy walk home) or ``"none"``; ``None`` with no
        session or no journey there.
        """
        if self.next_session is None or self.bus_there_min is None:
            return None
        if self.bus_home_min is None:
            return "none"
        if self.walk_min is None or self.bus_home_min < self.walk_min - _SAME_MIN:
            return "bus"
        return "walk" if self.walkable else "none"


@dataclass(frozen=True)
class NearTimes:
    """Times from one home to many services."""

    known: bool  # the home matched a run point: times are known
    point: int | None = None  # its row in the run
    point_gap_m: float | None = None  # how far that point is from the postcode
    limit_min: float | None = None
    services: dict[int, ServiceTimes] = field(default_factory=dict)


def home_point(run: JourneyRunLike, x: float, y: float, *,
               near_m: float = NEAR_POINT_M) -> tuple[int | None, float | None]:
    """The run's point for a postcode at ``x``, ``y``: (its row, metres away).

    The nearest point (the postcode's own, within :data:`SAME_POINT_M`, when it is
    a live postcode of the run), or ``(None, None)`` when none is within ``near_m``.
    """
    xy = np.asarray(run.point_xy, float).reshape(-1, 2)
    if not len(xy):
        return None, None
    gaps = np.hypot(xy[:, 0] - x, xy[:, 1] - y)
    row = int(np.argmin(gaps))
    gap = float(gaps[row])
    if gap <= near_m:
        return row, gap
    return None, None


def next_session(sessions: pd.DataFrame, now: datetime) -> tuple[int, NextSession] | None:
    """The session first to start at or after ``now``: (its row, the session).

    ``now`` is local time, as the sessions are; ``None`` for no sessions.
    """
    if not len(sessions):
        return None
    now_s = now.weekday() * 86_400 + now.hour * 3600 + now.minute * 60 + now.second
    at = sessions["day"].to_numpy(np.int64) * 86_400 + sessions["start_s"].to_numpy(np.int64)
    wait = (at - now_s) % WEEK_S
    k = int(np.argmin(wait))
    row = sessions.iloc[k]
    return k, NextSession(int(row["day"]), int(row["start_s"]), int(row["end_s"]),
                          int(wait[k]))


def _minutes(raw: float, limit: float | None = None) -> float | None:
    value = float(raw)
    if not math.isfinite(value) or (limit is not None and value > limit):
        return None
    return value


def _straight_walk_min(point_xy: np.ndarray, place: tuple[float, float]) -> float:
    """The walk the run counts when it had no road network, in minutes.

    The straight line x 1.3 at 4.8 km/h (:func:`app.analysis.journeys.walk_table`).
    """
    metres = math.hypot(float(point_xy[0]) - place[0], float(point_xy[1]) - place[1])
    return metres * 1.3 / (WALK_KMH / 3.6) / 60.0


def near_times(run: JourneyRunLike | None, home_xy: tuple[float, float],
               places: Mapping[int, tuple[float, float] | None], now: datetime) -> NearTimes:
    """Times from ``home_xy`` (the searched postcode) to each service at ``now``.

    ``places``: service id -> venue x, y, or ``None`` for no fixed place.  With no run, or no run point for the home, only distances are given.
    """
    hx, hy = home_xy

    def distance(place: tuple[float, float] | None) -> float | None:
        return None if place is None else float(math.hypot(place[0] - hx, place[1] - hy)) / 1000

    point, gap = (None, None) if run is None else home_point(run, hx, hy)
    if run is None or point is None:
        return NearTimes(known=False, services={
            sid: ServiceTimes(sid, distance(place)) for sid, place in places.items()})
    result = run.result
    limit = float(result.threshold_min)
    venue_of = {int(sid): v for v, sid in enumerate(np.asarray(run.service_ids).tolist())}
    sessions = run.sessions.reset_index(drop=True)
    out = {}
    for sid, place in places.items():
        v = venue_of.get(int(sid))
        if v is None or place is None:
            out[sid] = ServiceTimes(sid, distance(place))
            continue
        walk, cycle = (result.network_minutes.get(m) for m in ("walk", "cycle"))
        times: dict[str, Any] = {"walk_min": _minutes(walk[point, v], limit) if walk is not None else
                 _minutes(_straight_walk_min(run.point_xy[point], place), limit),
                 "cycle_min": None if cycle is None else _minutes(cycle[point, v], limit)}
        mine = sessions.index[sessions["venue"].to_numpy() == v]
        found = next_session(sessions.loc[mine], now)
        if found is not None and result.pt_there_min is not None:
            col = int(mine[found[0]])
            times["next_session"] = found[1]
            times["bus_there_min"] = _minutes(result.pt_there_min[point, col], limit)
            if result.pt_home_min is not None:
                times["bus_home_min"] = _minutes(result.pt_home_min[point, col], limit)
        elif found is not None:
            times["next_session"] = found[1]
        out[sid] = ServiceTimes(sid, distance(place), **times)
    return NearTimes(known=True, point=point, point_gap_m=gap, limit_min=limit, services=out)
