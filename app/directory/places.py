"""Where a service happens.  Pure: SQLAlchemy and pyproj, no Flask.

A service is placed in one of three ways: by a postcode found through
:func:`app.geodata.lookup.find_postcode` (its centroid and LSOA are stored),
by a point (stored as easting/northing, LSOA from the area it falls in), or as
"no fixed place" (outreach and online work).
"""

from __future__ import annotations

import math
from functools import lru_cache

from pyproj import Transformer

from ..geodata.lookup import area_containing, find_postcode, normalise_postcode

# Rough bounds of Great Britain on the national grid, to catch swapped or
# mistyped coordinates.
GRID_BOUNDS = (0.0, 0.0, 700_000.0, 1_300_000.0)


@lru_cache(maxsize=1)
def _to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


@lru_cache(maxsize=1)
def _to_grid() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def to_latlon(x: float, y: float) -> tuple[float, float]:
    """Easting/northing -> (latitude, longitude), 6 decimals (about 10 cm)."""
    lon, lat = _to_wgs84().transform(x, y)
    return round(lat, 6), round(lon, 6)


def from_latlon(lat: float, lon: float) -> tuple[float, float]:
    """(latitude, longitude) -> easting/northing rounded to the metre."""
    x, y = _to_grid().transform(lon, lat)
    return float(round(x)), float(round(y))


def on_grid(x: float, y: float) -> bool:
    x0, y0, x1, y1 = GRID_BOUNDS
    return all(map(math.isfinite, (x, y))) and x0 <= x <= x1 and y0 <= y <= y1


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
    "place_postcode", "to_latlon",
]
