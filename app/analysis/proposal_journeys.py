"""Journeys to proposed venues on the same roads and timetable as today's services.

Pure: numpy and pandas; no Flask, no database.

A proposed service (a scenario's *add*) or a candidate site (best sites) is
judged by the method today's services are: :func:`app.analysis.journeys.compute`
from the stored run's population points to the new venue(s) -- shortest-path
trees on the road network for walking, cycling and driving, and for public
transport the same Connection Scan over the same timetable, at the proposal's
own sessions (there by the start, home after the end) -- then
the minutes per point join the run's own for the same points as the proposal's
columns and sessions (:class:`WithProposals`), so reach is counted per young
person and per session for a proposal exactly as for a service that exists.

A proposal given without session times gets :data:`DEFAULT_SESSIONS`
(Wednesday 18:00-20:00, a weekday evening), and the pages say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Protocol

import numpy as np
import pandas as pd

from .gtfs import Feed
from .journey_figures import JourneySource, PointJourneys, align, with_columns
from .journeys import JourneyResult, compute, session_frame
from .roads import RoadNetwork

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: The session a proposal without session times is taken to run: (weekday, start, end).
DEFAULT_SESSIONS = ((2, "18:00", "20:00"),)
DEFAULT_SESSION_TEXT = "Wednesday 18:00–20:00"


class JourneyRun(JourneySource, Protocol):
    """What :class:`WithProposals` needs of a stored run (its points too).

    :class:`app.geodata.journeys.StoredJourneys` is one.
    """

    point_xy: np.ndarray
    point_lsoa: np.ndarray


def _clock(value: time | str) -> time:
    if isinstance(value, time):
        return value
    hours, minutes = str(value).split(":")[:2]
    return time(int(hours), int(minutes))


@dataclass
class Proposal:
    """A new venue.

    Its id in the services table (``to_id`` in the matrix), where it is, and
    its sessions ``[(weekday 0=Monday, "HH:MM", "HH:MM"), ...]``.
    """

    key: str
    x: float
    y: float
    sessions: list[tuple[int, time | str, time | str]] = field(default_factory=list)

    @property
    def sessions_or_default(self) -> list[tuple[int, time | str, time | str]]:
        """Its sessions, or :data:`DEFAULT_SESSIONS` when none are given."""
        return list(self.sessions) or list(DEFAULT_SESSIONS)


@dataclass
class ProposalJourneys:
    """Journeys from every population point to each proposal."""

    result: JourneyResult
    sessions: pd.DataFrame
    keys: list[str]


def proposal_journeys(point_xy: np.ndarray, proposals: list[Proposal], *,
                      network: RoadNetwork | None, feed: Feed | None,
                      limit_min: float, reference_date: date | None = None) -> ProposalJourneys:
    """Journeys from ``point_xy`` (the stored run's points) to ``proposals``.

    :func:`~app.analysis.journeys.compute` with the run's ``limit_min``,
    network and timetable.
    """
    venues = np.asarray([[p.x, p.y] for p in proposals], float).reshape(-1, 2)
    records = [(k, int(day), _clock(start), _clock(end))
               for k, p in enumerate(proposals) for day, start, end in p.sessions_or_default]
    sessions = session_frame(records)
    result = compute(point_xy, venues, sessions, network=network, feed=feed,
                     threshold_min=limit_min, reference_date=reference_date)
    return ProposalJourneys(result, sessions, [p.key for p in proposals])


@dataclass
class WithProposals:
    """A stored journey run with proposals' journeys added (planning scenarios).

    Anything :func:`app.analysis.gaps.compute_gaps` takes as ``journeys``:
    :meth:`for_points` gives the run's journeys for the analysis's points and
    services, with each proposal's own journeys (from the run's points, at its
    own sessions) in its column; a service the scenario closes is simply not
    among ``service_ids``.  ``found`` may be ``None`` (no proposals).
    """

    run: JourneyRun
    found: ProposalJourneys | None = None

    @property
    def limit_min(self) -> float:
        """The run's limit: no threshold above it."""
        return float(self.run.limit_min)

    def holds(self, mode: str) -> bool:
        """Whether the run has journeys by ``mode``."""
        return bool(self.run.holds(mode))

    def for_points(self, xy: np.ndarray, lsoa: np.ndarray,
                   service_ids: Sequence[int]) -> PointJourneys:
        """The run's and the proposals' journeys for ``xy`` and ``service_ids``."""
        base = self.run.for_points(xy, lsoa, service_ids)
        if self.found is None or not self.found.keys:
            return base
        extra = align(self.found.result, self.found.sessions, self.found.keys,
                      self.run.point_xy, self.run.point_lsoa, xy, lsoa, service_ids)
        return with_columns(base, extra)
