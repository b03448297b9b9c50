"""Travel times to proposed services and candidate sites, by the method today's
services have: when the computed journeys are up to date, journeys from the
stored run's population points on the same road network and timetable
(:mod:`app.analysis.proposal_journeys`); otherwise nothing here, and the page's
straight-line estimates apply to everything alike (the page says why).

Times imported from a routing engine for a mode win over journeys for today's
services; proposals are not in such an import, so for that mode they keep the
straight-line estimate and the page says so.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from .. import loaders
from ..analysis.proposal_journeys import (
    DEFAULT_SESSION_TEXT,
    Proposal,
    WithProposals,
    proposal_journeys,
)
from ..cache import cached
from ..extensions import db


def _status() -> dict:
    from ..geodata.journeys import journey_status

    return journey_status(db.session)


def uses_journeys(mode: str, to_kind: str = "service") -> bool:
    """Whether proposals by ``mode`` are judged on the computed journeys (they are up
    to date and no routing engine's times were imported for ``mode``)."""
    if mode in loaders.imported_travel_modes(db.session, to_kind):
        return False
    if mode in loaders.imported_travel_modes(db.session):
        return False
    return _status()["basis"] == "network"


def _stored(status: dict):
    from ..geodata.journeys import current_journeys

    # the loaders' own cache entry for the run (app.loaders._journey_matrix)
    return cached("journeys", db.session, {"run": status["computed_at"], "id": status.get("run")},
                  lambda: current_journeys(db.session), responses=False)


def _journeys(stored, proposals: list[Proposal], status: dict):
    from ..geodata.transport import load_network, load_timetable

    network, _ = load_network(db.session)
    feed, _ = load_timetable(db.session)
    computed = status.get("computed_at")
    reference = date.fromisoformat(computed[:10]) if computed else None
    return proposal_journeys(stored.point_xy, proposals, network=network, feed=feed,
                             limit_min=float(stored.result.threshold_min),
                             reference_date=reference)


def _found(stored, proposals: list[Proposal], status: dict):
    """The proposals' journeys from the run's points (cached per run and proposals)."""
    key = {"run": status["computed_at"], "id": status.get("run"),
           "proposals": [[p.key, round(float(p.x), 1), round(float(p.y), 1),
                          [list(s) for s in p.sessions_or_default]] for p in proposals]}
    return cached("proposal-journeys", db.session, key,
                  lambda: _journeys(stored, proposals, status), responses=False)


def proposals_in(services: list[dict]) -> list[Proposal]:
    """The active proposed services of a scenario's ``services``."""
    return [Proposal(str(s["id"]), float(s["x"]), float(s["y"]), s.get("sessions") or [])
            for s in services if s.get("proposed") and s.get("x") is not None
            and s.get("status", "active") == "active"]


def person_journeys(mode: str, proposals: list[Proposal] = ()):
    """``(points, journeys)`` for counting reach per young person and per session as
    the gap pages do (the LSOA level's population points; the stored run with
    ``proposals``' own journeys added), or ``(None, None)`` when the computed
    journeys do not apply to ``mode`` (then every figure on the page is from
    imported times or straight-line estimates, and the page says so)."""
    from ..settings import analysis_settings

    if not uses_journeys(mode):
        return None, None
    status = _status()
    stored = _stored(status)
    if stored is None or not stored.holds(mode):
        return None, None
    points = loaders.population_points(db.session, "lsoa", **analysis_settings().band)
    if points is None or not len(points):
        return None, None
    found = _found(stored, list(proposals), status) if proposals else None
    return points, WithProposals(stored, found)


def proposal_matrix(proposals: list[Proposal], mode: str, areas,
                    to_kind: str = "service") -> pd.DataFrame | None:
    """Long table (``from_code``, ``to_id``, ``minutes``) from every area to each
    proposal by ``mode``, by the computed journeys' method; ``None`` when those do not
    apply (the caller then estimates, as for everything else on the page)."""
    if not proposals or not len(areas) or not uses_journeys(mode, to_kind):
        return None
    status = _status()
    stored = _stored(status)
    if stored is None:
        return None
    found = _found(stored, proposals, status)
    return found.area_minutes(mode, stored.point_areas(areas), [str(c) for c in areas.index],
                              stored.youth, float(stored.result.threshold_min))


def with_proposals(matrix: pd.DataFrame | None, services: list[dict], mode: str,
                   areas) -> pd.DataFrame | None:
    """``matrix`` (today's services) with rows for each active proposed service in
    ``services`` (a scenario's), by the journeys' method when it applies."""
    extra = proposal_matrix(proposals_in(services), mode, areas)
    if extra is None:
        return matrix
    return extra if matrix is None else pd.concat([matrix, extra], ignore_index=True)


def proposal_note(places: str, mode: str, to_kind: str = "service") -> str | None:
    """What a page says about how ``places`` (proposed services, candidate sites) are
    judged, or ``None`` when nothing needs saying beyond the travel sentence."""
    if uses_journeys(mode, to_kind):
        how = ("by bus and on foot on the same timetable and road network"
               if mode == "bus" else "on the same road network")
        return (f"{places} are judged the same way as today's services: journeys {how} "
                f"from the same homes, at each one's own session times or, where none are "
                f"given, a weekday evening session ({DEFAULT_SESSION_TEXT}).")
    return None
