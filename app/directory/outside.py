"""Services in a neighbouring area: listed for reach, never kept as the council's own.

A service imported at a place outside the council's area, within
``OUTSIDE_SERVICE_MAX_KM`` of it, is marked ``outside_council``
(:func:`app.directory.places.service_place`).  Young people near the border use
it, so it counts for reach and shows on the maps and in the public search, labelled
:data:`LABEL`; but the council does not run, fund or check it, so staff never
edit it by hand: it is refreshed or closed by importing it again
(:func:`app.directory.io.import_services_rows`), or closed with the Close button.
See docs/GEOGRAPHY.md, "Across the boundary".
"""

from __future__ import annotations

from flask import current_app

from .places import service_place

#: How the public pages and the maps name a service outside the council's area.
LABEL = "In a neighbouring area"


def outside_km() -> float:
    """``OUTSIDE_SERVICE_MAX_KM``: how far outside the council's area a service may be."""
    return float(current_app.config["OUTSIDE_SERVICE_MAX_KM"])


def read_only_reason(service) -> str | None:
    """Why staff may not edit ``service`` by hand, or ``None`` when they may."""
    if not service.outside_council:
        return None
    return (f"{service.name} is in a neighbouring area, outside the council's area. It "
            "counts for reach but is not the council's own provision, so it is not edited "
            "here: import it again (Import services) with the name and place it has now "
            "to refresh its details, or with status closed to take it off the map.")


def form_place_problem(session, x: float, y: float) -> str | None:
    """The staff form's message for a place outside the council's area, or ``None``.

    The form only keeps the council's own services: a place in a neighbouring area
    is added by import (so it is marked, and refreshed the same way), and one too
    far away is refused as a mistake."""
    limit = outside_km()
    problem, outside = service_place(session, x, y, outside_km=limit)
    if not outside:
        return None
    if problem:
        return (f"That place is more than {limit:g} km outside the council's area. Check "
                "it is right.")
    return ("That place is outside the council's area. A service in a neighbouring area "
            "is added by importing a file (Import services), not with this form.")
