"""From journeys per (population point, session) to figures per area.

Pure: numpy and pandas.  The inputs are a :class:`~.journeys.JourneyResult`
and the tables it was computed for; outputs are

* :class:`PointJourneys`: the run's minutes for the gap analysis's *own*
  population points and services (:func:`align`), so reach is counted per
  young person and, by bus, per session (see :mod:`.gaps`);
* a long travel-time table (``from_code``, ``to_id``, ``minutes``) per area
  and service for one mode, for the planning pages
  (:func:`app.analysis.travel.pairs_within`'s ``matrix``): an area's minutes
  to a service are those of its *median young person* (the youth-weighted
  median over its population points); by public transport a service's
  minutes are the best of its sessions, each session counting its slower leg
  (there or home);
* young people per area (census-derived counts: population, not
  respondents) who cannot get to any evening session by bus, who get there
  but cannot get home, and who reach an evening session by car but not by
  public transport.

No journey is ``inf`` (published as none), never a number of minutes.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from .journeys import EVENING_FROM_S, JourneyResult

MODE_TO_NETWORK = {"walk": "walk", "cycle": "cycle", "car": "drive"}
JOURNEY_FIGURES = ("yp_no_evening_pt", "yp_no_way_home", "yp_car_not_bus")
EVENING_COLUMNS = ("yp_evening_pt", *JOURNEY_FIGURES)


def point_service_minutes(result: JourneyResult, mode: str, sessions: pd.DataFrame,
                          n_services: int) -> np.ndarray | None:
    """(points x services) minutes by ``mode`` (walk, cycle, car, bus)."""
    if mode == "bus":
        worst_leg = np.maximum(*result.pt_tables())
        out = np.full((worst_leg.shape[0], n_services), np.inf, dtype=np.float32)
        venue = sessions["venue"].to_numpy(int)
        for v in np.unique(venue):
            out[:, v] = worst_leg[:, venue == v].min(axis=1)
        return out
    network_mode = MODE_TO_NETWORK.get(mode)
    return None if network_mode is None else result.network_minutes.get(network_mode)


def weighted_median(values: np.ndarray, weights: np.ndarray, groups: np.ndarray,
                    n_groups: int) -> np.ndarray:
    """Per group and column, the weighted median of ``values`` (rows = points).

    The lower median, so half the weight is at or below it.
    """
    out = np.full((n_groups, values.shape[1]), np.inf, dtype=np.float32)
    order = np.argsort(groups, kind="stable")
    bounds = np.searchsorted(groups[order], np.arange(n_groups + 1))
    for g in range(n_groups):
        rows = order[bounds[g]:bounds[g + 1]]
        if len(rows) == 0:
            continue
        w = weights[rows]
        if w.sum() <= 0:
            w = np.ones(len(rows))
        block = values[rows]
        sort = np.argsort(block, axis=0, kind="stable")
        cum = np.cumsum(w[sort], axis=0)
        k = (cum >= cum[-1] / 2.0).argmax(axis=0)
        cols = np.arange(block.shape[1])
        out[g] = block[sort[k, cols], cols]
    return out


def area_matrix(result: JourneyResult, mode: str, sessions: pd.DataFrame,
                service_ids: Sequence[int] | np.ndarray, point_area: np.ndarray,
                area_codes: Sequence[Hashable], youth: np.ndarray,
                *, limit_min: float) -> pd.DataFrame | None:
    """Long table of area -> service minutes for ``mode``.

    No journey within ``limit_min`` is ``inf``: out of reach at any threshold,
    and published as none, never as a number of minutes.
    """
    per_point = point_service_minutes(result, mode, sessions, len(service_ids))
    if per_point is None:
        return None
    known = point_area >= 0
    med = weighted_median(per_point[known], youth[known], point_area[known], len(area_codes))
    med = np.where(med <= limit_min, med, np.inf)
    i, j = np.meshgrid(np.arange(len(area_codes)), np.arange(len(service_ids)), indexing="ij")
    return pd.DataFrame({"from_code": np.asarray(area_codes, dtype=object)[i.ravel()],
                         "to_id": np.asarray([str(s) for s in service_ids],
                                             dtype=object)[j.ravel()],
                         "minutes": med.ravel().astype(float)})


def point_evening(there: np.ndarray, home: np.ndarray, starts: np.ndarray,
                  car: np.ndarray | None, threshold_min: float) -> dict[str, np.ndarray]:
    """Per point, which evening figure it falls in (boolean arrays).

    ``there``/``home``: (points x sessions) bus minutes; ``starts``: each
    session's start (seconds); ``car``: (points x sessions) drive minutes or
    ``None``.  ``yp_evening_pt`` (there by the start and home after the end of
    some evening session, each within ``threshold_min``), ``yp_no_evening_pt``
    (no bus there by the start of any) and ``yp_no_way_home`` (there for some,
    home from none of those it is reached for) are disjoint and cover every
    point; ``yp_car_not_bus`` (an evening session within the threshold by car,
    none by bus) overlaps the last two.
    """
    evening = np.asarray(starts) >= EVENING_FROM_S
    ok_there = there[:, evening] <= threshold_min
    both = (ok_there & (home[:, evening] <= threshold_min)).any(axis=1)
    got_there = ok_there.any(axis=1)
    by_car = ((car[:, evening] <= threshold_min).any(axis=1) if car is not None
              else np.zeros(len(there), dtype=bool))
    return {"yp_evening_pt": np.asarray(both), "yp_no_evening_pt": np.asarray(~got_there),
            "yp_no_way_home": np.asarray(got_there & ~both),
            "yp_car_not_bus": np.asarray(by_car & ~both)}


def evening_figures(result: JourneyResult, sessions: pd.DataFrame, threshold_min: float,
                    point_area: np.ndarray, area_codes: Sequence[Hashable],
                    youth: np.ndarray) -> pd.DataFrame:
    """Young people per area without an evening journey (:func:`point_evening`).

    ``threshold_min`` above the run's limit counts as the limit (nothing longer
    was computed).  Columns ``youth`` and :data:`JOURNEY_FIGURES`;
    ``youth = yp_evening_pt + yp_no_evening_pt + yp_no_way_home`` for every area.
    """
    t = min(float(threshold_min), float(result.threshold_min))
    drive = result.network_minutes.get("drive")
    venue = sessions["venue"].to_numpy(int)
    flags = point_evening(*result.pt_tables(),
                          sessions["start_s"].to_numpy(), None if drive is None
                          else drive[:, venue], t)
    frame = pd.DataFrame({"area": point_area, "youth": youth,
                          **{k: np.where(v, youth, 0.0) for k, v in flags.items()}})
    frame = frame[frame["area"] >= 0]
    sums = frame.groupby("area")[["youth", *EVENING_COLUMNS]].sum()
    sums = sums.reindex(range(len(area_codes)), fill_value=0.0)
    sums.index = pd.Index(list(area_codes), name="code")
    return sums


def scale_to_area(sums: pd.DataFrame, young_people: pd.Series | None) -> pd.DataFrame:
    """The journey counts as shares of the young people at the points in each area, applied to the area's own census figure (an area's young people may be apportioned from LSOAs differently from its postcodes), rounded."""
    out = sums[list(EVENING_COLUMNS)].copy()
    if young_people is not None:
        total = young_people.reindex(out.index).astype(float)
        share = out.div(sums["youth"].where(sums["youth"] > 0), axis=0)
        out = share.mul(total, axis=0).fillna(0.0)
    parts = ["yp_evening_pt", "yp_no_evening_pt", "yp_no_way_home"]
    out[parts] = whole_parts(out[parts].to_numpy(float))
    out["yp_car_not_bus"] = out["yp_car_not_bus"].round(0)
    return out[list(JOURNEY_FIGURES)]


def whole_parts(parts: np.ndarray) -> np.ndarray:
    """Round each row of ``parts`` to whole numbers adding up to its rounded total.

    Largest remainder: so published parts (reached, cannot get there, cannot
    get home) add up to the published whole (young people), never one more.
    """
    parts = np.nan_to_num(np.asarray(parts, dtype=float), nan=0.0)
    if parts.size == 0:
        return parts
    floor = np.floor(parts)
    short = (np.round(parts.sum(axis=1)) - floor.sum(axis=1)).astype(int)
    order = np.argsort(-(parts - floor), axis=1, kind="stable")
    add = np.zeros_like(floor)
    for k in range(parts.shape[1]):
        add[np.arange(len(parts)), order[:, k]] += (short > k)
    return np.asarray(floor + add)


@dataclass
class PointJourneys:
    """A run's journeys for the gap analysis's own points and services.

    Rows are the analysis's population points, columns its services (the
    order it was given); ``inf`` = no journey within ``limit_min``.
    ``network``: walk, cycle and car minutes (points x services);
    ``there``/``home``: bus minutes per (point, session); ``session_service``:
    each session's service column; ``session_start``: its start (seconds).
    """

    limit_min: float
    n_services: int
    network: dict[str, np.ndarray] = field(default_factory=dict)
    there: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    home: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    session_service: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    session_start: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    moved: int = 0  # points with no run point at their place (took the nearest)

    def session_reached(self, mode: str, threshold_min: float) -> np.ndarray | None:
        """(points x sessions): which sessions each point reaches.

        By bus: there by the start and home after the end, each within the
        threshold; by road: the session's venue within it.
        """
        if mode == "bus":
            return (self.there <= threshold_min) & (self.home <= threshold_min)
        net = self.network.get(mode)
        return None if net is None else net[:, self.session_service] <= threshold_min

    def got_there(self, mode: str, threshold_min: float) -> np.ndarray | None:
        """(points x sessions): there by the start within the threshold (home or not)."""
        if mode == "bus":
            return self.there <= threshold_min
        return self.session_reached(mode, threshold_min)

    def minutes(self, mode: str) -> np.ndarray | None:
        """(points x services): by bus the best session's slower leg; else the network's."""
        if mode != "bus":
            return self.network.get(mode)
        out = np.full((self.there.shape[0], self.n_services), np.inf, dtype=np.float32)
        worst = np.maximum(self.there, self.home)
        for v in np.unique(self.session_service):
            out[:, v] = worst[:, self.session_service == v].min(axis=1)
        return out


class JourneySource(Protocol):
    """Journeys for the gap analysis's points and services.

    A stored run (:class:`app.geodata.journeys.StoredJourneys`) or one with a
    scenario's proposals (:class:`.proposal_journeys.WithProposals`).
    """

    @property
    def limit_min(self) -> float:
        """The longest journey computed."""

    def holds(self, mode: str) -> bool:
        """Whether there are journeys by ``mode``."""

    def for_points(self, xy: np.ndarray, lsoa: np.ndarray,
                   service_ids: Sequence[int]) -> PointJourneys:
        """The journeys for these points and services."""


def match_points(run_xy: np.ndarray, run_lsoa: np.ndarray, xy: np.ndarray,
                 lsoa: np.ndarray) -> tuple[np.ndarray, int]:
    """Each point's row in the run, and how many points were not at a run point.

    The run's point at the same place (within 1 m), else its nearest point in
    the same LSOA, else its nearest point.
    """
    dist, rows = cKDTree(run_xy).query(np.asarray(xy, float).reshape(-1, 2), k=1)
    far = np.flatnonzero(dist > 1.0)
    run_lsoa = np.asarray(run_lsoa).astype(str)
    for p in far:
        same = np.flatnonzero(run_lsoa == str(lsoa[p]))
        if len(same):
            rows[p] = same[np.argmin(((run_xy[same] - xy[p]) ** 2).sum(axis=1))]
    return rows.astype(np.int64), len(far)


def align(result: JourneyResult, sessions: pd.DataFrame, run_ids: Sequence[Hashable] | np.ndarray,
          run_xy: np.ndarray, run_lsoa: np.ndarray, xy: np.ndarray, lsoa: np.ndarray,
          service_ids: Sequence[int]) -> PointJourneys:
    """:class:`PointJourneys` for points ``xy`` and services ``service_ids``.

    ``lsoa``: each point's LSOA code; the run is over ``run_xy`` and ``run_ids``.
    A service the run does not hold (no session times, say) has no journey.
    """
    if len(run_xy) == 0:  # a run with no population points has no journey from anywhere
        result = JourneyResult(
            threshold_min=result.threshold_min,
            network_minutes={k: np.full((1, len(run_ids)), np.inf, np.float32)
                             for k in result.network_minutes},
            pt_there_min=np.full((1, len(sessions)), np.inf, np.float32),
            pt_home_min=np.full((1, len(sessions)), np.inf, np.float32))
        run_xy, run_lsoa = np.zeros((1, 2)), np.asarray([""])
    rows, moved = match_points(np.asarray(run_xy, float).reshape(-1, 2), run_lsoa, xy, lsoa)
    col = pd.Index([str(s) for s in service_ids]).get_indexer([str(s) for s in run_ids])
    held = col >= 0
    network = {}
    for run_mode, mode in (("walk", "walk"), ("cycle", "cycle"), ("drive", "car")):
        net = result.network_minutes.get(run_mode)
        if net is None:
            continue
        out = np.full((len(rows), len(service_ids)), np.inf, dtype=np.float32)
        out[:, col[held]] = net[rows][:, held]
        network[mode] = out
    venue_col = col[sessions["venue"].to_numpy(int)] if len(sessions) else np.zeros(0, int)
    keep = venue_col >= 0
    pt_there, pt_home = result.pt_tables()
    return PointJourneys(limit_min=float(result.threshold_min), n_services=len(service_ids),
                         network=network,
                         there=pt_there[rows][:, keep],
                         home=pt_home[rows][:, keep],
                         session_service=venue_col[keep].astype(np.int64),
                         session_start=sessions["start_s"].to_numpy(np.int64)[keep],
                         moved=moved)


def area_sessions(pj: PointJourneys, mode: str, threshold_min: float, group: np.ndarray,
                  n: int) -> np.ndarray:
    """(areas x sessions): some of the area's points reach the session.

    By bus that is there by its start and home after its end on its own day,
    each within the threshold; by road its venue within the threshold.
    """
    reached = pj.session_reached(mode, threshold_min)
    if reached is None:
        raise ValueError(f"this run has no {mode} times")
    ok = np.flatnonzero(group >= 0)
    out: np.ndarray = np.zeros((n, reached.shape[1]), dtype=np.bool_)
    if len(ok) and reached.shape[1]:
        counts = np.zeros((n, reached.shape[1]), dtype=np.int64)
        np.add.at(counts, group[ok], reached[ok].astype(np.int64))
        out = counts > 0
    return out


def area_partition(pj: PointJourneys, mode: str, threshold_min: float, group: np.ndarray,
                   young: np.ndarray, n: int, service_mask: np.ndarray,
                   reached: np.ndarray) -> dict[str, np.ndarray]:
    """Young people per area who cannot get there and who cannot get home.

    ``reached``: per point, some session of a service passing ``service_mask``
    is within the threshold (there and home).  *Cannot get home*: not reached,
    but there by the start of some such session within the threshold (by bus
    only: on the road network a journey back is the journey there).  *Cannot get
    there*: neither.  So ``reached + cannot_get_there + cannot_get_home`` is the
    area's young people.
    """
    from .reach_points import group_sum

    got = pj.got_there(mode, threshold_min)
    if got is None:
        raise ValueError(f"this run has no {mode} times")
    there = got[:, service_mask[pj.session_service]].any(axis=1) if got.shape[1] else \
        np.zeros(len(young), dtype=bool)
    home_short = there & ~reached if mode == "bus" else np.zeros(len(young), dtype=bool)
    return {"cannot_get_there": group_sum(group, np.where(~reached & ~home_short, young, 0.0),
                                          n),
            "cannot_get_home": group_sum(group, np.where(home_short, young, 0.0), n)}


def area_evening(pj: PointJourneys, threshold_min: float, group: np.ndarray,
                 young: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """:func:`point_evening` summed per area from the analysis's own points."""
    from .reach_points import group_sum

    car = pj.network.get("car")
    flags = point_evening(pj.there, pj.home, pj.session_start,
                          None if car is None else car[:, pj.session_service], threshold_min)
    return {k: group_sum(group, np.where(v, young, 0.0), n) for k, v in flags.items()}


def whole_people(out: pd.DataFrame) -> None:
    """Publish the reach and evening partitions in whole young people.

    Each adds up to the area's young people rounded (largest remainder).
    """
    for cols in (["reached", "cannot_get_there", "cannot_get_home"],
                 ["yp_evening_pt", "yp_no_evening_pt", "yp_no_way_home"]):
        out[cols] = whole_parts(out[cols].to_numpy(dtype=float))
    out["unreached"] = out["cannot_get_there"] + out["cannot_get_home"]
    out["yp_car_not_bus"] = np.round(out["yp_car_not_bus"].astype(float))


def with_columns(base: PointJourneys, extra: PointJourneys) -> PointJourneys:
    """``base`` with ``extra``'s journeys added: the same points and service columns.

    For a planning scenario: ``base`` is the stored run aligned to the scenario's
    services (a proposed service has no journey there), ``extra`` the proposals'
    own journeys aligned the same way (today's services have none there).  Road
    minutes take the shorter of the two (one of them is ``inf``); bus sessions
    are the two lists of sessions one after the other.
    """
    network = {mode: np.minimum(net, extra.network[mode]) if mode in extra.network else net
               for mode, net in base.network.items()}
    return PointJourneys(
        limit_min=min(base.limit_min, extra.limit_min), n_services=base.n_services,
        network=network,
        there=np.concatenate([base.there, extra.there], axis=1),
        home=np.concatenate([base.home, extra.home], axis=1),
        session_service=np.concatenate([base.session_service, extra.session_service]),
        session_start=np.concatenate([base.session_start, extra.session_start]),
        moved=base.moved)
