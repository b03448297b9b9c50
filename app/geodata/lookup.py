"""Postcode and point-in-area look-ups.  Pure SQLAlchemy and shapely: no Flask.

Used to place services by postcode and to turn a young person's postcode into
an area code at once, without keeping the postcode.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

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


def find_postcode(session: Session, raw: str | None, *,
                  include_terminated: bool = False) -> Postcode | None:
    """The :class:`Postcode` row for ``raw``, or ``None``."""
    postcode = normalise_postcode(raw)
    if postcode is None:
        return None
    row = session.scalar(select(Postcode).where(Postcode.postcode == postcode))
    if row is None or (row.terminated is not None and not include_terminated):
        return None
    return row


# (database URL, level) -> (signature, area ids, STRtree, geometries).  The
# signature (every area's id, code, representative point and area, which the
# geometry setter keeps up to date) changes whenever the level's areas do, so a
# stale index is never used.  Geometries and trees are shapely's (untyped) objects.
_INDEX: dict[tuple[str, str], tuple[int, list[int], Any, Any]] = {}


def _level_index(session: Session, level: str) -> tuple[list[int], Any, Any]:
    signature = hash(tuple(session.execute(select(
        Area.id, Area.code, Area.centroid_x, Area.centroid_y, Area.area_m2,
    ).where(Area.level == level).order_by(Area.id)).all()))
    key = (str(session.get_bind().engine.url), level)
    cached = _INDEX.get(key)
    if cached is not None and cached[0] == signature:
        return cached[1], cached[2], cached[3]
    rows = session.execute(select(Area.id, Area.geom_wkb).where(Area.level == level)
                           .order_by(Area.id)).all()
    ids = [r.id for r in rows]
    geoms = shapely.from_wkb([r.geom_wkb for r in rows]) if rows else []
    tree = shapely.STRtree(geoms)
    _INDEX[key] = (signature, ids, tree, geoms)
    return ids, tree, geoms


def area_containing(session: Session, x: float, y: float, level: str) -> Area | None:
    """The area of ``level`` containing the EPSG:27700 point, or ``None``.

    :func:`areas_containing` for one point.
    """
    return areas_containing(session, [(x, y)], level)[0]


def areas_containing(session: Session, points: Sequence[tuple[float, float]],
                     level: str) -> list[Area | None]:
    """The area of ``level`` containing each EPSG:27700 point, in the order given.

    ``None`` where none does.
    Uses a spatial index of the level's areas, rebuilt whenever they change; the index
    is checked once and the areas found are loaded in one query, however many points
    there are (a page listing every service asks for all of them at once).
    Generalised (BGC) boundaries leave slivers: a point in none of them goes to
    the nearest area within 250 m.
    """
    if not points:
        return []
    ids, tree, _geoms = _level_index(session, level)
    if not ids:
        return [None] * len(points)
    found: list[int | None] = []
    for x, y in points:
        point = shapely.Point(x, y)
        hits = tree.query(point, predicate="within")
        if len(hits) == 0:
            hits = tree.query_nearest(point, max_distance=250)
        found.append(ids[int(min(hits))] if len(hits) else None)
    # Areas the session already holds are used as they are (as ``session.get`` would);
    # the others come in one query.
    hit = {i for i in found if i is not None}
    areas: dict[int, Area] = {
        i: held for i in hit
        if (held := session.identity_map.get(identity_key(Area, i))) is not None}
    wanted = sorted(hit - areas.keys())
    if wanted:
        areas.update((a.id, a) for a in session.scalars(select(Area).where(Area.id.in_(wanted))))
    return [areas.get(i) if i is not None else None for i in found]


def area_for_postcode(session: Session, raw: str | None, level: str) -> Area | None:
    """The area of ``level`` a postcode lies in, or ``None``.  Nothing is stored."""
    row = find_postcode(session, raw)
    if row is None:
        return None
    return area_containing(session, row.x, row.y, level)
