"""Reach per young person and per session for the planning pages.

Pure: numpy and pandas.  The gap pages count reach from each population
point's own journeys (:func:`app.analysis.gaps.compute_gaps` with
``journeys``); the planning pages (a scenario's today and after, the funding
cliff, best sites, the subsidy model) count it from the very same inputs:
the same points (:func:`app.inputs.areas.population_points`), the same
:class:`~.journey_figures.PointJourneys` (``journeys.for_points``, with a
scenario's proposals in their own columns: :class:`.proposal_journeys.WithProposals`),
the same rule (:meth:`~.journey_figures.PointJourneys.minutes`: by bus a
session counts only if the young person gets there by its start and home
after its end, each within the threshold, on that session's day) and the same
threshold cap (the run's limit).  Nothing is taken from an area's median point.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .journey_figures import JourneySource, PointJourneys, area_partition
from .reach_points import group_sum
from .services import ServiceRows, active, filter_mask, located, services_frame


@dataclass
class PointReach:
    """Which services each population point reaches (``reach``: points x services).

    ``group``: each point's row in the areas (-1 for none); ``young``: its
    young people; ``services``: the active located services, in column order.
    """

    codes: list[Hashable]  # the areas' index
    group: np.ndarray
    young: np.ndarray
    services: pd.DataFrame
    reach: np.ndarray
    journeys: PointJourneys
    mode: str
    threshold_min: float

    def reached(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Per point: some service (passing ``mask``) within reach."""
        block = self.reach if mask is None else self.reach[:, np.asarray(mask, bool)]
        return np.asarray(block.any(axis=1)) if block.shape[1] else \
            np.zeros(len(self.young), bool)

    def filter(self, key: str) -> np.ndarray:
        """The services passing gap filter ``key`` (``all``, ``free``, ...)."""
        return filter_mask(self.services, key)

    def area_sum(self, flags: np.ndarray) -> np.ndarray:
        """Young people per area at the points where ``flags`` holds."""
        return group_sum(self.group, np.where(flags, self.young, 0.0), len(self.codes))

    def young_people(self) -> np.ndarray:
        """Young people per area (the sum of its points)."""
        return group_sum(self.group, self.young, len(self.codes))

    def partition(self, key: str = "all") -> dict[str, np.ndarray]:
        """Per area ``reached``, ``cannot_get_there`` and ``cannot_get_home``.

        They add up to the area's young people: :func:`.journey_figures.area_partition`,
        as on the gap pages.
        """
        mask = self.filter(key)
        hit = self.reached(mask)
        parts = area_partition(self.journeys, self.mode, self.threshold_min, self.group,
                               self.young, len(self.codes), mask, hit)
        return {"reached": self.area_sum(hit), **parts}


def point_areas(points: pd.DataFrame, areas: pd.DataFrame) -> np.ndarray:
    """Row of ``areas`` holding each point: the gap analysis's own assignment."""
    from .gaps import _point_areas

    return _point_areas(points.reset_index(drop=True), areas)


def point_reach(areas: pd.DataFrame, points: pd.DataFrame, services: ServiceRows,
                journeys: JourneySource, *,
                threshold_min: float, mode: str = "bus",
                today: date | None = None) -> PointReach:
    """:class:`PointReach` of ``services`` (active on ``today``) from ``points``.

    ``journeys``: a stored run (or one with proposals); the threshold is capped
    at its limit, as on the gap pages.
    """
    svc = located(active(services_frame(services), today)).reset_index(drop=True)
    pts = points.reset_index(drop=True)
    pj = journeys.for_points(pts[["x", "y"]].to_numpy(dtype=float),
                             pts["lsoa"].astype(str).to_numpy(), list(svc["id"]))
    minutes = pj.minutes(mode)
    if minutes is None:
        raise ValueError(f"the journey run has no journeys by {mode}")
    threshold = min(float(threshold_min), pj.limit_min)
    return PointReach(codes=list(areas.index), group=point_areas(pts, areas),
                      young=pts["young_people"].to_numpy(dtype=float), services=svc,
                      reach=np.asarray(minutes <= threshold), journeys=pj, mode=mode,
                      threshold_min=threshold)
