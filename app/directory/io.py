"""CSV and GeoJSON files of the directory, and council buildings.  No Flask.

Every import is all-or-nothing: all rows are checked first, every problem is
reported as (row, column, message), and nothing is written unless no row has a
problem.  Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from .. import csvsafe, ingest
from ..models import Building, Service
from .places import OUTSIDE_KM, from_latlon, on_grid, place_problem, to_latlon
from .records import COLUMNS, apply_values, clean_text, service_row, validate_record

log = logging.getLogger(__name__)


@dataclass
class Problem:
    row: int | str
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    refreshed: int = 0  # services in a neighbouring area replaced by a row of the file
    source: str = ""  # the file's name, shown with its problems

    @property
    def ok(self) -> bool:
        return not self.problems


def read_file(load, source: str) -> ImportResult:
    """Run one importer (``load()``) on the file ``source``: its result, or one problem.

    A file it cannot read at all (a ``ValueError``) is that problem.  So is a file
    that trips an error in the importer itself (they check shapes and bounds first,
    and a property test holds them to it): logged with its traceback for a fix, and
    reported rather than raised, so a background import finishes with it instead
    of failing and being retried on the same bytes.  Database errors are raised."""
    try:
        result = load()
    except ValueError as exc:
        result = ImportResult([Problem("-", "(file)", str(exc))])
    except (LookupError, TypeError, AttributeError, ArithmeticError, RecursionError) as exc:
        log.exception("import of %s failed in the importer", source)
        result = ImportResult([Problem("-", "(file)", f"could not be read ({type(exc).__name__} "
                                                      "in the importer); please report it")])
    result.source = source
    return result


def import_services_rows(session, rows: list[tuple[int | str, dict]], *,
                         today: date | None = None,
                         outside_km: float = OUTSIDE_KM) -> ImportResult:
    """Check every row, then add all services or none.  The caller commits.

    A row at a place outside the council's area is marked ``outside_council`` (or
    refused beyond ``outside_km`` km).  Such services are never edited by hand: a row
    with the name and place of one already listed replaces it (its sessions, times,
    status...), so a neighbour's listing is refreshed, or closed, by importing it
    again; any other repeat of a listed service is a problem."""
    result = ImportResult()
    cleaned = []
    existing = {_same_key(s.name, s.postcode, s.x, s.y): s
                for s in session.scalars(select(Service))}
    seen: dict[tuple, int | str] = {}
    replace: dict[int, Service] = {}
    for number, raw in rows:
        clean, errors = validate_record(session, raw, today=today, outside_km=outside_km)
        result.problems.extend(Problem(number, c, m) for c, m in errors)
        cleaned.append(clean)
        if errors or not clean.get("name"):
            continue
        key = _same_key(clean["name"], clean.get("postcode"), clean.get("x"), clean.get("y"))
        listed = existing.get(key)
        refresh = listed is not None and listed.outside_council and clean["outside_council"]
        if listed is not None and not refresh:
            result.problems.append(Problem(number, "name", f"is already in the directory at the "
                                                           f"same place (service {listed.id})"))
        elif key in seen:
            result.problems.append(Problem(number, "name", f"repeats row {seen[key]} (same name "
                                                           "and place)"))
        elif refresh:
            replace[len(cleaned) - 1] = listed
        seen.setdefault(key, number)
    if result.problems:
        return result
    cache: dict = {}
    for n, clean in enumerate(cleaned):
        service = replace.get(n)
        if service is None:
            session.add(apply_values(session, Service(), clean, cache))
        else:
            apply_values(session, service, clean, cache)
    session.flush()
    result.refreshed = len(replace)
    result.created = len(cleaned) - len(replace)
    return result


def _same_key(name, postcode, x, y) -> tuple:
    """Two listings are the same service when the name and the place match."""
    return (" ".join(str(name).lower().split()), postcode or "",
            None if x is None else round(x), None if y is None else round(y))


def import_services_csv(session, data: bytes | str, *, today: date | None = None,
                        outside_km: float = OUTSIDE_KM) -> ImportResult:
    rows, result = read_service_rows(data)
    if result.problems:
        return result
    return import_services_rows(session, rows, today=today, outside_km=outside_km)


def read_service_rows(data: bytes | str) -> tuple[list[tuple[int, dict]], ImportResult]:
    """The numbered rows of a services CSV, after the header and shape checks (any
    problems are in the result); read through :mod:`app.ingest`'s limits."""
    result = ImportResult()
    try:
        header, body = ingest.csv_rows(data, "file")
    except ingest.IngestError as exc:
        result.problems.append(Problem(exc.row or "-", exc.column or "(file)", exc.message))
        return [], result
    if not header:
        result.problems.append(Problem(1, "(header)", "the file is empty"))
        return [], result
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in ("name", "service_type", "cost_model") if c not in header]
    for h in unknown:
        result.problems.append(Problem(1, h, "is not a known column (see docs/DIRECTORY.md for the "
                                             "list)"))
    for c in missing:
        result.problems.append(Problem(1, c, "column is missing"))
    if result.problems:
        return [], result
    rows = []
    for index, raw in body:
        if all(clean_text(v) is None for v in raw.values()):
            continue  # blank line
        rows.append((index, raw))
    if not rows and not result.problems:
        result.problems.append(Problem(2, "(row)", "the file has no services"))
    return rows, result


def export_services_csv(services) -> str:
    out = io.StringIO()
    writer = csvsafe.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for service in services:
        writer.writerow(service_row(service))
    return out.getvalue()


def export_services_geojson(services, *, monthly_cost=None) -> dict:
    """Placed services as points (WGS84); the documented columns as properties."""
    features = []
    for service in services:
        props = {"id": service.id, **service_row(service)}
        if monthly_cost is not None:
            props["monthly_cost"] = monthly_cost(service)
        geometry = None
        if service.x is not None and service.y is not None:
            lat, lon = to_latlon(service.x, service.y)
            geometry = {"type": "Point", "coordinates": [lon, lat]}
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def load_json(data: bytes | str, result: ImportResult, *, geojson: bool = False):
    """The parsed JSON document (its feature list when ``geojson``), or ``None`` with the
    refusal from :mod:`app.ingest` (depth, numbers, coordinates) added to ``result``."""
    try:
        doc = ingest.load_json(data, "file")
        return ingest.geojson_features(doc, "file") if geojson else doc
    except ingest.IngestError as exc:
        result.problems.append(Problem(exc.row or "-", exc.column or "(file)", exc.message))
        return None


def import_services_geojson(session, data: bytes | str, *, today: date | None = None,
                            outside_km: float = OUTSIDE_KM) -> ImportResult:
    """Features with the CSV columns as properties.  Exact ``easting``/``northing``
    properties win; otherwise a Point geometry is converted (and a problem with the
    place it gives is named by the column ``geometry``)."""
    result = ImportResult()
    features = load_json(data, result, geojson=True)
    if features is None:
        return result
    rows = []
    from_geometry = set()
    for index, feature in enumerate(features, start=1):
        label = f"feature {index}"
        props = dict((feature or {}).get("properties") or {})
        props.pop("id", None)
        props.pop("monthly_cost", None)
        for k, v in props.items():
            if k not in COLUMNS:
                result.problems.append(Problem(label, k, "is not a known property"))
            elif isinstance(v, (dict, list)):
                result.problems.append(Problem(label, k, "must be text or a number, not "
                                                         + ("an object" if isinstance(v, dict)
                                                            else "a list")))
        geom = (feature or {}).get("geometry")
        if geom and not clean_text(props.get("easting")):
            if geom.get("type") != "Point" or len(geom.get("coordinates") or []) < 2:
                result.problems.append(Problem(label, "geometry", "must be a Point"))
            else:
                lon, lat = geom["coordinates"][:2]
                props["easting"], props["northing"] = from_latlon(lat, lon)
                from_geometry.add(label)
        rows.append((label, props))
    if result.problems:
        return result
    result = import_services_rows(session, rows, today=today, outside_km=outside_km)
    for problem in result.problems:
        if problem.row in from_geometry and problem.column in ("easting", "northing"):
            problem.column = "geometry"
    return result


# ---- council buildings --------------------------------------------------------------

BUILDING_COLUMNS = ("name", "uprn", "easting", "northing", "kind", "notes")


def import_buildings_csv(session, data: bytes | str) -> ImportResult:
    """Add or update (by UPRN) council buildings; all-or-nothing.

    Columns: name, uprn (optional, up to 12 digits), easting and northing (or
    latitude and longitude), kind, notes.
    """
    result = ImportResult()
    try:
        header, body = ingest.csv_rows(data, "file")
    except ingest.IngestError as exc:
        result.problems.append(Problem(exc.row or "-", exc.column or "(file)", exc.message))
        return result
    allowed = set(BUILDING_COLUMNS) | {"latitude", "longitude"}
    for h in header:
        if h not in allowed:
            result.problems.append(Problem(1, h, "is not a known column"))
    if "name" not in header:
        result.problems.append(Problem(1, "name", "column is missing"))
    if not ({"easting", "northing"} <= set(header) or {"latitude", "longitude"} <= set(header)):
        result.problems.append(Problem(1, "easting", "give easting and northing (or latitude "
                                                     "and longitude) columns"))
    if result.problems:
        return result
    pending = []
    seen_uprn: dict[str, int] = {}
    for index, raw in body:
        if all(clean_text(v) is None for v in raw.values() if isinstance(v, str)):
            continue
        values, problems = validate_building(raw, session)
        result.problems.extend(Problem(index, c, m) for c, m in problems)
        uprn = values.get("uprn")
        if uprn:
            if uprn in seen_uprn:
                result.problems.append(Problem(index, "uprn", f"repeats row {seen_uprn[uprn]}"))
            seen_uprn[uprn] = index
        pending.append(values)
    if result.problems:
        return result
    for values in pending:
        building = None
        if values.get("uprn"):
            building = session.scalar(select(Building).where(Building.uprn == values["uprn"]))
        if building is None:
            building = Building()
            session.add(building)
        for key, value in values.items():
            setattr(building, key, value)
    session.flush()
    result.created = len(pending)
    return result


def validate_building(raw: dict, session=None) -> tuple[dict, list[tuple[str, str]]]:
    """A building row's clean values and its problems; with ``session`` its point is
    checked against the council's area as well as the national grid."""
    problems = []
    values = {
        "name": clean_text(raw.get("name")),
        "uprn": clean_text(raw.get("uprn")),
        "kind": clean_text(raw.get("kind")),
        "notes": clean_text(raw.get("notes")),
    }
    if not values["name"]:
        problems.append(("name", "is required"))
    for column in ("name", "kind"):
        limit = ingest.column_length(Building, column)
        if values[column] and len(values[column]) > limit:
            problems.append((column, f"is too long (at most {limit} characters)"))
    uprn_len = ingest.column_length(Building, "uprn")
    if values["uprn"] and not (values["uprn"].isascii() and values["uprn"].isdigit()
                               and len(values["uprn"]) <= uprn_len):
        problems.append(("uprn", f"must be up to {uprn_len} digits (a Unique Property "
                                 "Reference Number)"))
    x = y = None
    if clean_text(raw.get("easting")) or clean_text(raw.get("northing")):
        cols = (("easting", 0, 800_000), ("northing", 0, 1_300_000))
    elif clean_text(raw.get("latitude")) or clean_text(raw.get("longitude")):
        cols = (("latitude", -90, 90), ("longitude", -180, 180))
    else:
        cols = ()
        problems.append(("easting", "is required (or latitude and longitude)"))
    got = []
    for col, lo, hi in cols:
        try:
            got.append(ingest.number(raw.get(col), "file", None, col, lo, hi))
        except ingest.IngestError as exc:
            problems.append((col, exc.message))
    if len(got) == 2 and None in got:
        problems.append((cols[got.index(None)][0], "is required"))
    elif len(got) == 2:
        x, y = got if cols[0][0] == "easting" else from_latlon(*got)
    if x is not None and not on_grid(x, y):
        problems.append(("easting", "is not a place in Great Britain (British National Grid)"))
    elif x is not None and session is not None and (problem := place_problem(session, x, y)):
        problems.append(("easting", problem))
    values["x"], values["y"] = x, y
    return values, problems


def export_buildings_geojson(buildings) -> dict:
    features = []
    for b in buildings:
        lat, lon = to_latlon(b.x, b.y)
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"id": b.id, "name": b.name, "uprn": b.uprn, "kind": b.kind,
                           "notes": b.notes, "easting": b.x, "northing": b.y},
        })
    return {"type": "FeatureCollection", "features": features}


def export_buildings_csv(buildings) -> str:
    out = io.StringIO()
    writer = csvsafe.DictWriter(out, fieldnames=BUILDING_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for b in buildings:
        writer.writerow({"name": b.name, "uprn": b.uprn or "", "easting": f"{b.x:.0f}",
                         "northing": f"{b.y:.0f}", "kind": b.kind or "", "notes": b.notes or ""})
    return out.getvalue()
