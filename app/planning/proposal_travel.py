"""The planning pages' journeys, per young person as on the gap pages: the
population points and the stored run (:func:`person_journeys`), with proposed
services and candidate sites given their own journeys from the run's points on
the same road network and timetable (:mod:`app.analysis.proposal_journeys`)
and added as their own columns.  When the computed journeys do not apply,
nothing here: the page's imported times or straight-line estimates apply to
everything alike (the page says why).

Times imported from a routing engine for a mode win over journeys for today's
services; proposals are not in such an import, so for that mode they keep the
straight-line estimate and the page says so.
"""

from __future__ import annotations

from datetime import date

from ..analysis.proposal_journeys import (
    DEFAULT_SESSION_TEXT,
    Proposal,
    WithProposals,
    proposal_journeys,
)
from ..cache import cached
from ..extensions import db
from ..inputs import areas as area_inputs
from ..inputs import travel as travel_inputs


def _status() -> dict:
    from ..geodata.journeys import journey_status

    return journey_status(db.session)


def uses_journeys(mode: str, to_kind: str = "service") -> bool:
    """Whether proposals by ``mode`` are judged on the computed journeys (they are up
    to date and no routing engine's times were imported for ``mode``)."""
    if mode in travel_inputs.imported_travel_modes(db.session, to_kind):
        return False
    if mode in travel_inputs.imported_travel_modes(db.session):
        return False
    return _status()["basis"] == "network"


def journey_run_key() -> list:
    """Names the journey run the planning pages read (for a cache key)."""
    status = _status()
    return [status.get("computed_at"), status.get("run"), status.get("basis")]


def _stored(status: dict):
    from ..geodata.journeys import current_journeys

    # cached per run, as app.inputs.travel._journey_matrix caches it (its own key)
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
    points = area_inputs.population_points(db.session, "lsoa", **analysis_settings().band)
    if points is None or not len(points):
        return None, None
    found = _found(stored, list(proposals), status) if proposals else None
    return points, WithProposals(stored, found)


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
