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

import shapely
from sqlalchemy import func, select

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

# database URL -> (signature, level, prepared union)
_CACHE: dict = {}


def _signature(session, level: str):
    return tuple(session.execute(select(
        func.count(Area.id), func.sum(Area.area_m2), func.min(Area.centroid_x),
        func.max(Area.centroid_y), func.max(Area.id)).where(Area.level == level)).one())


def council_area(session):
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
    key = (str(session.get_bind().url), resolve_council_id(session.connection()))
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


def on_grid(x, y) -> bool:
    """Whether ``x``, ``y`` are finite numbers within :data:`GRID_BOUNDS`."""
    try:
        x, y = float(x), float(y)
    except (TypeError, ValueError):
        return False
    x0, y0, x1, y1 = GRID_BOUNDS
    return math.isfinite(x) and math.isfinite(y) and x0 <= x <= x1 and y0 <= y <= y1


def distance_outside(session, x: float, y: float) -> float | None:
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


def in_council_area(session, x, y, *, tolerance: float = TOLERANCE_M) -> bool:
    """Whether a point lies in the council's area (within ``tolerance`` metres).

    With no areas imported, whether it lies within :data:`GRID_BOUNDS`.
    """
    if not on_grid(x, y):
        return False
    away = distance_outside(session, float(x), float(y))
    return True if away is None else away <= tolerance
