"""Where a service happens.  Pure: SQLAlchemy and pyproj, no Flask.

A service is placed in one of three ways: by a postcode found through
:func:`app.geodata.lookup.find_postcode` (its centroid and LSOA are stored),
by a point (stored as easting/northing, LSOA from the area it falls in), or as
"no fixed place" (outreach and online work).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyproj import Transformer

from ..geodata import council_area as _council_area
from ..geodata.crs import BNG, WGS84, transformer
from ..geodata.lookup import area_containing, find_postcode, normalise_postcode

# Rough bounds of Great Britain on the national grid, to catch swapped or
# mistyped coordinates: eastings to 800 km, so the demo county (off East Anglia,
# 700-760 km) fits (app.geodata.council_area).
GRID_BOUNDS = _council_area.GRID_BOUNDS
# With boundaries imported, a service or building must lie within this many metres
# of the council's area: services just over the border are in a directory, a
# point in another county (or a swapped easting and northing) is a mistake.
NEAR_M = 50_000.0


def _to_wgs84() -> Transformer:
    return transformer(BNG, WGS84)


def _to_grid() -> Transformer:
    return transformer(WGS84, BNG)


def to_latlon(x: float, y: float) -> tuple[float, float]:
    """Easting/northing -> (latitude, longitude), 6 decimals (about 10 cm)."""
    lon, lat = _to_wgs84().transform(x, y)
    return round(lat, 6), round(lon, 6)


def from_latlon(lat: float, lon: float) -> tuple[float, float]:
    """(latitude, longitude) -> easting/northing rounded to the metre."""
    x, y = _to_grid().transform(lon, lat)
    return float(round(x)), float(round(y))


def on_grid(x: float, y: float) -> bool:
    return _council_area.on_grid(x, y)


def place_problem(session, x: float, y: float) -> str | None:
    """Why an imported point cannot be right, or ``None``: off the national grid, or
    (when boundaries are imported) more than :data:`NEAR_M` from the council's area."""
    if not on_grid(x, y):
        return ("easting and northing are not a place in Great Britain "
                "(British National Grid metres)")
    away = _council_area.distance_outside(session, float(x), float(y))
    if away is not None and away > NEAR_M:
        return (f"easting and northing are {away / 1000:,.0f} km from the council's area "
                f"(more than {NEAR_M / 1000:.0f} km): check they are not swapped or mistyped")
    return None


#: The default of ``OUTSIDE_SERVICE_MAX_KM``: a service at most this far outside the
#: council's area is listed as "in a neighbouring area"; farther away it is refused.
OUTSIDE_KM = 15.0


def service_place(session, x: float, y: float, *,
                  outside_km: float = OUTSIDE_KM) -> tuple[str | None, bool]:
    """(why the point cannot be a service's place or ``None``, whether it is outside
    the council's area).

    Outside means more than :data:`app.geodata.council_area.TOLERANCE_M` from the
    union of the imported boundaries; such a point is accepted up to ``outside_km``
    km away (``OUTSIDE_SERVICE_MAX_KM``) and refused beyond.  With no boundaries
    imported nothing is outside (the national grid is the only check)."""
    if not on_grid(x, y):
        return ("easting and northing are not a place in Great Britain "
                "(British National Grid metres)"), False
    away = _council_area.distance_outside(session, float(x), float(y))
    if away is None or away <= _council_area.TOLERANCE_M:
        return None, False
    if away > outside_km * 1000.0:
        return (f"easting and northing are {away / 1000:,.1f} km from the council's area "
                f"(a service in a neighbouring area is listed only within {outside_km:g} km "
                "of it, OUTSIDE_SERVICE_MAX_KM): check they are not swapped or mistyped"), True
    return None, True


def place_postcode(session, raw: str | None):
    """(normalised postcode, x, y, lsoa_code) for a live postcode, else ``None``."""
    row = find_postcode(session, raw)
    if row is None:
        return None
    return row.postcode, float(row.x), float(row.y), row.lsoa_code


def lsoa_for_point(session, x: float, y: float) -> str | None:
    area = area_containing(session, x, y, "lsoa")
    return area.code if area is not None else None


def distance_km(ax: float, ay: float, bx: float, by: float) -> float:
    """Straight-line distance on the national grid, in kilometres."""
    return math.hypot(ax - bx, ay - by) / 1000.0


__all__ = [
    "distance_km", "from_latlon", "lsoa_for_point", "normalise_postcode", "on_grid",
    "place_postcode", "place_problem", "service_place", "to_latlon",
]
