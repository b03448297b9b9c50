"""Where a new place is, given the way a person gives it: a postcode (looked up in
the imported postcode table, no network), a council building, or a grid reference
(typed, or filled in by a click on the planning map).

Exactly one way is given.  Whatever the way, the point must lie in the council's
own area (:mod:`app.geodata.council_area`).  Pure-ish: a SQLAlchemy session, no
Flask; the planning service layer passes the session and the council's name.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

from pyproj import Transformer
from sqlalchemy import and_, select

from ..geodata.council_area import council_area, in_council_area, on_grid
from ..geodata.crs import BNG, WGS84
from ..geodata.lookup import area_containing, normalise_postcode
from ..models import Building, Postcode
from ..number_input import MAX_ID

NONE_GIVEN = "Enter a postcode, pick a council building or give a grid reference"
MANY_GIVEN = ("Give just one of these: a postcode, a council building or a grid reference "
              "(a place chosen on the map fills in the grid reference)")
NAME_LEVELS = ("parish", "ward", "lsoa")


class PlaceError(ValueError):
    """A place that cannot be used; ``field`` is the form field the message belongs beside
    (``postcode``, ``building_id``, ``easting`` or ``northing``)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class Place(NamedTuple):
    """A resolved place: where it is (EPSG:27700 metres) and how to say it."""

    easting: float
    northing: float
    description: str
    building_id: int | None = None
    postcode: str | None = None


def _given(value) -> bool:
    return value is not None and str(value).strip() != ""


def area_name(session, x: float, y: float) -> str | None:
    """The name of the parish (else ward, else small area) the point lies in."""
    for level in NAME_LEVELS:
        area = area_containing(session, x, y, level)
        if area is not None:
            return area.name
    return None


def _near(session, x: float, y: float) -> str:
    name = area_name(session, x, y)
    return f"near {name}" if name else f"easting {x:,.0f}, northing {y:,.0f}"


def _number(value, field: str, label: str) -> float:
    text = str(value).strip().replace(",", "").replace(" ", "")
    try:
        number = float(text)
    except ValueError:
        raise PlaceError(field, f"The {label} must be a number of metres") from None
    if not math.isfinite(number):
        raise PlaceError(field, f"The {label} must be a number of metres")
    return number


def _outside(council: str) -> str:
    return f"That place is outside {council}'s area"


def _by_postcode(session, raw, council: str) -> Place:
    postcode = normalise_postcode(str(raw)[:40])
    if postcode is None:
        example = example_postcode(session)
        raise PlaceError("postcode", "Enter a postcode in the right shape"
                         + (f", like {example}" if example else ""))
    row = session.scalar(select(Postcode).where(Postcode.postcode == postcode))
    if row is None:
        raise PlaceError("postcode", f"We don't know the postcode {postcode}")
    if row.terminated is not None:
        raise PlaceError("postcode", f"The postcode {postcode} is no longer in use")
    x, y = float(row.x), float(row.y)
    if not in_council_area(session, x, y):
        raise PlaceError("postcode", _outside(council))
    return Place(x, y, f"{postcode}, {_near(session, x, y)}", postcode=postcode)


def _by_building(session, raw, council: str) -> Place:
    try:
        number = int(str(raw).strip())
    except (TypeError, ValueError, OverflowError):
        number = None
    # An id past a PostgreSQL integer is no building (and must not reach the query).
    building = (session.get(Building, number)
                if number is not None and 0 < number <= MAX_ID else None)
    if building is None:
        raise PlaceError("building_id", "Pick a council building from the list")
    x, y = float(building.x), float(building.y)
    if not in_council_area(session, x, y):
        raise PlaceError("building_id", _outside(council))
    return Place(x, y, building.name, building_id=building.id)


def _by_grid(session, easting, northing, council: str) -> Place:
    if not _given(easting):
        raise PlaceError("easting", "Enter the easting as well as the northing")
    if not _given(northing):
        raise PlaceError("northing", "Enter the northing as well as the easting")
    x = _number(easting, "easting", "easting")
    y = _number(northing, "northing", "northing")
    if not on_grid(x, y) or not in_council_area(session, x, y):
        raise PlaceError("easting", _outside(council))
    name = area_name(session, x, y)
    return Place(x, y, f"a point near {name}" if name else f"the point {x:,.0f}, {y:,.0f}")


def resolve_place(session, *, postcode=None, building_id=None, easting=None, northing=None,
                  council: str = "the council", required: bool = True) -> Place | None:
    """The place given one way of the three, checked against the council's area.

    ``postcode`` is any text ("hr4 9aa" is read as "HR4 9AA"); ``building_id`` a
    council building's id; ``easting``/``northing`` metres on the British National
    Grid (numbers or text).  With nothing given, ``None`` when not ``required``.
    Raises :class:`PlaceError` naming the field and the reason.
    """
    ways = [name for name, given in (("postcode", _given(postcode)),
                                     ("building_id", _given(building_id)),
                                     ("easting", _given(easting) or _given(northing)))
            if given]
    if not ways:
        if not required:
            return None
        raise PlaceError("postcode", NONE_GIVEN)
    if len(ways) > 1:
        raise PlaceError(ways[0], MANY_GIVEN)
    if ways[0] == "postcode":
        return _by_postcode(session, postcode, council)
    if ways[0] == "building_id":
        return _by_building(session, building_id, council)
    return _by_grid(session, easting, northing, council)


@lru_cache(maxsize=1)
def _to_grid() -> Transformer:
    return Transformer.from_crs(WGS84, BNG, always_xy=True)


def describe_click(session, lat, lng, *, council: str = "the council") -> dict:
    """A click on the map (latitude, longitude) as the grid reference to fill in.

    Returns ``{"easting", "northing", "description"}`` for a point in the council's
    area, else ``{"error": ...}``.
    """
    try:
        lat, lng = float(lat), float(lng)
    except (TypeError, ValueError):
        return {"error": "That is not a place on the map"}
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90
            and -180 <= lng <= 180):
        return {"error": "That is not a place on the map"}
    x, y = _to_grid().transform(lng, lat)
    if not (math.isfinite(x) and math.isfinite(y)):
        return {"error": "That is not a place on the map"}
    x, y = float(round(x)), float(round(y))
    if not on_grid(x, y) or not in_council_area(session, x, y):
        return {"error": _outside(council)}
    return {"easting": x, "northing": y, "description": _near(session, x, y)}


def example_postcode(session) -> str | None:
    """A live postcode in the middle of the council's area, to show as an example."""
    area = council_area(session)
    if area is None:
        return None
    centre = area.representative_point()
    cx, cy = centre.x, centre.y
    live = Postcode.terminated.is_(None)
    for box in (3_000, 15_000, None):
        query = select(Postcode.postcode, Postcode.x, Postcode.y).where(live)
        if box is not None:
            query = query.where(and_(Postcode.x.between(cx - box, cx + box),
                                     Postcode.y.between(cy - box, cy + box)))
        found = session.execute(query.order_by(
            (Postcode.x - cx) * (Postcode.x - cx) + (Postcode.y - cy) * (Postcode.y - cy))
            .limit(1)).first()
        if found:
            return found.postcode if in_council_area(session, found.x, found.y) else None
    return None


def example_grid(session) -> tuple[int, int] | None:
    """A point in the council's area (rounded to 100 m), to show as an example."""
    area = council_area(session)
    if area is None:
        return None
    centre = area.representative_point()
    return int(round(centre.x, -2)), int(round(centre.y, -2))
