"""The council's own area: the union of its imported boundaries.  Pure: no Flask.

New places (a proposed service, a candidate site, a service or building in the
directory) are checked against it, so a mistyped or swapped easting/northing is
caught whatever part of the national grid the council lies in.  The made-up
demo county lies off East Anglia (eastings 700-760 km), outside the usual
bounds of Great Britain's land; its own boundaries say where it is.

The area is the union of the finest level imported (LSOAs, else wards, else
parishes, else custom areas), cached per database and rebuilt whenever those
areas change.
"""

from __future__ import annotations

import math
from typing import Any, SupportsFloat

import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Area
from ..models.tenancy import resolve_council_id

#: Levels tried in order: the first with any areas is the council's area.
LEVELS = ("lsoa", "ward", "parish", "custom")
#: Generalised boundaries leave slivers and coastal points just outside: a point
#: this close (metres) to the area counts as in it.
TOLERANCE_M = 250.0
#: Bounds used when no boundaries are imported: the national grid over Great
#: Britain, eastings widened to 800 km so points off the east coast (the demo
#: county) are accepted; a swapped or mistyped pair still falls outside.
GRID_BOUNDS = (0.0, 0.0, 800_000.0, 1_300_000.0)
# A coordinate as given: a number, or the text of a form field or a file's cell.
Coordinate = SupportsFloat | str | None

# (database URL, council id) -> ((level, signature), prepared union: a shapely geometry)
_CACHE: dict[tuple[str, int], tuple[tuple[str, tuple[Any, ...]], Any]] = {}


def _signature(session: Session, level: str) -> tuple[Any, ...]:
    """What changes whenever the level's areas do: count, total area, extremes, last id."""
    return tuple(session.execute(select(
        func.count(Area.id), func.sum(Area.area_m2), func.min(Area.centroid_x),
        func.max(Area.centroid_y), func.max(Area.id)).where(Area.level == level)).one())


def council_area(session: Session) -> Any:
    """The union of the finest imported level's boundaries (EPSG:27700), or ``None``.

    Parameters
    ----------
    session
        A SQLAlchemy session on the app's database.

    Returns
    -------
    shapely.Geometry or None
        A prepared (multi)polygon; ``None`` when no areas are imported.
    """
    # Per database and per council (app/tenancy): two councils' areas are two unions.
    key = (str(session.get_bind().engine.url), resolve_council_id(session.connection()))
    for level in LEVELS:
        signature = _signature(session, level)
        if not signature[0]:
            continue
        cached = _CACHE.get(key)
        if cached is not None and cached[0] == (level, signature):
            return cached[1]
        wkbs = session.scalars(select(Area.geom_wkb).where(Area.level == level)).all()
        union = shapely.union_all(shapely.from_wkb(wkbs))
        shapely.prepare(union)
        _CACHE[key] = ((level, signature), union)
        return union
    return None


def _grid_point(x: Coordinate, y: Coordinate) -> tuple[float, float] | None:
    """(easting, northing) when ``x``, ``y`` are finite numbers in :data:`GRID_BOUNDS`."""
    if x is None or y is None:
        return None
    try:
        east, north = float(x), float(y)
    except (TypeError, ValueError):
        return None
    x0, y0, x1, y1 = GRID_BOUNDS
    inside = (math.isfinite(east) and math.isfinite(north) and x0 <= east <= x1
              and y0 <= north <= y1)
    return (east, north) if inside else None


def on_grid(x: Coordinate, y: Coordinate) -> bool:
    """Whether ``x``, ``y`` are finite numbers within :data:`GRID_BOUNDS`."""
    return _grid_point(x, y) is not None


def distance_outside(session: Session, x: float, y: float) -> float | None:
    """Metres from the point to the council's area (0 inside it).

    Returns
    -------
    float or None
        ``None`` when no areas are imported (nothing to measure against).
    """
    area = council_area(session)
    if area is None:
        return None
    if shapely.contains_xy(area, x, y):
        return 0.0
    return float(shapely.distance(area, shapely.Point(x, y)))


def in_council_area(session: Session, x: Coordinate, y: Coordinate, *,
                    tolerance: float = TOLERANCE_M) -> bool:
    """Whether a point lies in the council's area (within ``tolerance`` metres).

    With no areas imported, whether it lies within :data:`GRID_BOUNDS`.
    """
    point = _grid_point(x, y)
    if point is None:
        return False
    away = distance_outside(session, *point)
    return True if away is None else away <= tolerance
