"""Council buildings that could host provision: the service layer behind
:mod:`app.directory.building_routes`."""

from __future__ import annotations

import json

from flask import abort
from sqlalchemy import select

from ..audit import commit_change, snapshot
from ..extensions import db
from ..models import Building
from .forms import BuildingForm
from .import_service import keep_import
from .io import ImportResult, export_buildings_csv, export_buildings_geojson, import_buildings_csv
from .places import on_grid


def building_or_404(building_id: int | None) -> Building | None:
    """The building with this id (404 if none); ``None`` for a new building."""
    if building_id is None:
        return None
    building = db.session.get(Building, building_id)
    if building is None:
        abort(404)
    return building


def import_buildings(data: bytes, filename: str, user) -> ImportResult:
    """Import a CSV of council buildings: every row, or none."""
    return keep_import(lambda: import_buildings_csv(db.session, data), user, "Building",
                       f"buildings from {filename}", source=filename)


def buildings_page() -> dict:
    from .maps import buildings_map

    rows = db.session.scalars(select(Building).order_by(Building.name)).all()
    return {"buildings": rows, "map": buildings_map(rows) if rows else None}


BUILDING_EXPORTS = {"geojson": ("application/geo+json", None),
                    "csv": ("text/csv", "buildings.csv")}


def export_buildings(fmt: str) -> tuple[str, str, str | None]:
    """(body, mimetype, download filename or None) of every building; 404 for others."""
    if fmt not in BUILDING_EXPORTS:
        abort(404)
    rows = db.session.scalars(select(Building).order_by(Building.name)).all()
    body = (json.dumps(export_buildings_geojson(rows)) if fmt == "geojson"
            else export_buildings_csv(rows))
    return (body, *BUILDING_EXPORTS[fmt])


def fill_building_form(form: BuildingForm, building: Building) -> None:
    form.name.data, form.uprn.data = building.name, building.uprn
    form.easting.data, form.northing.data = building.x, building.y
    form.kind.data, form.notes.data = building.kind, building.notes


def _building_form_ok(form: BuildingForm, building: Building | None) -> bool:
    ok = True
    if form.easting.data is not None and form.northing.data is not None \
            and not on_grid(form.easting.data, form.northing.data):
        form.easting.errors.append("Easting and northing must be a place in Great Britain "
                                   "(British National Grid metres).")
        ok = False
    uprn = (form.uprn.data or "").strip() or None
    if uprn:
        other = db.session.scalar(select(Building).where(Building.uprn == uprn))
        if other is not None and other is not building:
            form.uprn.errors.append(f"Another building ({other.name}) has this UPRN.")
            ok = False
    return ok


def save_building(form: BuildingForm, building: Building | None, user) -> Building | None:
    """Check the submitted form (errors go on it) and save the building with its
    audit event; ``None`` if nothing was saved."""
    valid = form.validate_on_submit()
    if not (_building_form_ok(form, building) and valid):
        return None
    before = snapshot(building) if building is not None else None
    if building is None:
        building = Building()
        db.session.add(building)
    building.name = form.name.data.strip()
    building.uprn = (form.uprn.data or "").strip() or None
    building.x, building.y = form.easting.data, form.northing.data
    building.kind = (form.kind.data or "").strip() or None
    building.notes = (form.notes.data or "").strip() or None
    return commit_change(db.session, user=user, action="update" if before else "create",
                         obj=building, before=before, after=lambda: snapshot(building))
