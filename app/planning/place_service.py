"""The service layer for giving a place on the planning forms (a proposed service,
a candidate site): the council building choices and examples a form shows, a
submitted place resolved into ``form.place`` or an error beside its field, and a
click on the map as a grid reference.  The rules are in :mod:`.place_input`.
"""

from __future__ import annotations

from flask import current_app

from ..extensions import db
from ..inputs.buildings import building_records
from .place_input import PlaceError, describe_click, example_grid, example_postcode, resolve_place


def council_name() -> str:
    return current_app.config.get("COUNCIL_NAME") or "the council"


def fill_place_fields(postcode, building, easting, northing, *, none_label: str) -> str | None:
    """The building choices and the examples (a postcode and a point in the council's
    own area) of one form's place fields; returns the example postcode."""
    building.choices = [("", none_label)] + [
        (str(b["id"]), b["name"]) for b in sorted(building_records(db.session).values(),
                                                  key=lambda b: b["name"].lower())]
    example = example_postcode(db.session)
    postcode.description = f"For example, {example}." if example else None
    grid = example_grid(db.session)
    if grid:
        easting.description = f"British National Grid, for example {grid[0]}."
        northing.description = f"For example {grid[1]}."
    return example


def accept_any_building(building) -> None:
    """Accept any building id in a submitted form (``resolve_place`` checks it)."""
    building.choices = [("", "")] + [(str(b), "") for b in building_records(db.session)]


def resolve(**given):
    """:func:`.place_input.resolve_place` on the app's database with the council's name."""
    return resolve_place(db.session, council=council_name(), **given)


def place_form(form, postcode, building, easting, northing, *, required: bool = True) -> bool:
    """Resolve the place a submitted form gives into ``form.place`` (``None`` when
    none is given and none is ``required``); on a problem put the message beside its
    field and return False."""
    fields = {"postcode": postcode, "building_id": building, "easting": easting,
              "northing": northing}
    try:
        form.place = resolve(postcode=postcode.data, building_id=building.data,
                             easting=easting.data, northing=northing.data, required=required)
    except PlaceError as exc:
        field = fields[exc.field]
        field.errors = list(field.errors) + [exc.message]
        form.place = None
        return False
    return True


def map_click(lat, lng) -> dict:
    """A click on the planning map as ``{"easting", "northing", "description"}`` or
    ``{"error"}`` (outside the council's area, or not a place)."""
    return describe_click(db.session, lat, lng, council=council_name())
