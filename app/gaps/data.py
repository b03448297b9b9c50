"""What the gap pages add to the shared inputs.

Areas, services, council buildings and travel times come from the shared
inputs, :mod:`app.inputs` (cached per data version).  Survey responses are
not read here: the voice figures come from the published snapshot
(:func:`app.publication.voice`).
"""

from __future__ import annotations

import geopandas as gpd


def travel_status(session) -> dict:
    """Network journeys or straight line (see :mod:`app.geodata.journeys`)."""
    from ..geodata.journeys import journey_status

    return journey_status(session)


def load_journeys(session, status: dict | None = None):
    """The last complete journey run (cached by its id: a run's figures never
    change), or None before the first or without a road network.

    ``status``: the :func:`travel_status` the page has already read, so the journeys
    are those of the run the page names (a run finishing between two reads cannot
    give the page one run's name and another's times), read once, not twice.
    """
    from ..cache import cached
    from ..geodata.journeys import current_journeys

    status = travel_status(session) if status is None else status
    if status.get("run") is None:
        return None
    return cached("journeys", session, {"id": status["run"]},
                  lambda: current_journeys(session), responses=False)


def figure_sources(areas: gpd.GeoDataFrame) -> dict:
    """{figure: {source, year, note}} from ``area_figures``' attrs (may be empty)."""
    return dict(areas.attrs.get("sources") or {})
