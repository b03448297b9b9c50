"""Postcode and point-in-area look-ups.  Pure SQLAlchemy and shapely: no Flask.

Used to place services by postcode and to turn a young person's postcode into
an area code at once, without keeping the postcode.
"""

from __future__ import annotations

import re

import shapely
from sqlalchemy import select

from ..models import Area, Postcode

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")


def normalise_postcode(raw: str | None) -> str | None:
    """'hr11aa' -> 'HR1 1AA'; ``None`` when it is not shaped like a UK postcode."""
    if not raw:
        return None
    cleaned = re.sub(r"\s+", "", str(raw)).upper()
    match = _POSTCODE.match(cleaned)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


def find_postcode(session, raw: str | None, *, include_terminated: bool = False):
    """The :class:`Postcode` row for ``raw``, or ``None``."""
    postcode = normalise_postcode(raw)
    if postcode is None:
        return None
    row = session.get(Postcode, postcode)
    if row is None or (row.terminated is not None and not include_terminated):
        return None
    return row


def area_containing(session, x: float, y: float, level: str):
    """The area of ``level`` containing the EPSG:27700 point, or ``None``.

    Checks bounding boxes in Python before the exact test; fine for the few
    hundred areas of one council.
    """
    point = shapely.Point(x, y)
    areas = session.scalars(select(Area).where(Area.level == level)).all()
    best = None
    best_distance = None
    for area in areas:
        geom = area.geometry
        if geom.contains(point):
            return area
        # Generalised (BGC) boundaries leave slivers: fall back to the nearest
        # area within 250 m.
        distance = geom.distance(point)
        if distance <= 250 and (best_distance is None or distance < best_distance):
            best, best_distance = area, distance
    return best


def area_for_postcode(session, raw: str | None, level: str):
    """The area of ``level`` a postcode lies in, or ``None``.  Nothing is stored."""
    row = find_postcode(session, raw)
    if row is None:
        return None
    return area_containing(session, row.x, row.y, level)
