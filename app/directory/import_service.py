"""Imports of services from files (CSV, GeoJSON, Open Referral JSON): every row or
none, with its audit event.  Split from :mod:`app.directory.service` (the page
views call :func:`import_services`; the background job, :mod:`.jobs`, reads the
file with :func:`services_loader`; buildings reuse :func:`keep_import`).
"""

from __future__ import annotations

from ..audit import commit_change
from ..extensions import db
from . import openreferral_import
from .io import ImportResult, Problem, import_services_csv, import_services_geojson, read_file
from .outside import outside_km


def services_loader(data: bytes, filename: str):
    name = (filename or "").lower()
    km = outside_km()  # read now: a background job runs the loader in its own context
    if name.endswith(".csv"):
        return lambda: import_services_csv(db.session, data, outside_km=km)
    if name.endswith(".geojson"):
        return lambda: import_services_geojson(db.session, data, outside_km=km)
    if name.endswith(".json"):
        return lambda: openreferral_import.import_openreferral(db.session, data, outside_km=km)
    return lambda: ImportResult([Problem("-", "(file)", "must end in .csv, .geojson or .json "
                                                        "(Open Referral)")])


def import_services(data: bytes, filename: str, user) -> ImportResult:
    """Import CSV, GeoJSON or Open Referral JSON: every row, or none."""
    return keep_import(services_loader(data, filename), user, "Service",
                       f"services from {filename}", source=filename)


def keep_import(load, user, object_type: str, what: str, *, source: str) -> ImportResult:
    """Run an all-or-nothing importer (:func:`app.directory.io.read_file`); commit a
    clean import with its audit event or roll the whole file back."""
    result = read_file(load, source)
    if not result.ok:
        db.session.rollback()
        return result
    refreshed = f" ({result.refreshed} in neighbouring areas refreshed)" \
        if result.refreshed else ""
    commit_change(db.session, user=user, action="import", object_type=object_type,
                  note=f"{result.created} {what}{refreshed}")
    return result
