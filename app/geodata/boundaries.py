"""Import area boundaries (GeoJSON, GeoPackage, Shapefile; any declared CRS).

Checks every feature before anything is written: the file declares a CRS,
the code and name fields exist, codes are present, unique and plain identifiers
(letters, digits, ``_ . -``, at most the column's 32 characters: they go into URLs,
file names and joins), names are text no longer than their column with no control
characters, geometries are polygons.  Invalid polygons are repaired with ``make_valid`` and the repair is
reported.  Re-importing a level replaces it, in the caller's transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..models import AREA_LEVELS, Area, DerivedFigure
from .crs import BNG, BNG_EPSG
from .errors import FilePath, GeodataError, ImportReport

POLYGONAL = ("Polygon", "MultiPolygon")
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def read_layer(path: FilePath, *, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a GeoJSON, GeoPackage or Shapefile layer; :class:`GeodataError` if it cannot be."""
    path = Path(path)
    if not path.exists():
        raise GeodataError(path, "file not found")
    try:
        layers = pyogrio.list_layers(path)
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise GeodataError(path, f"cannot be read as GeoJSON, GeoPackage or Shapefile ({exc})") \
            from None
    names = [str(row[0]) for row in layers]
    if layer is None and len(names) > 1:
        raise GeodataError(path, f"has {len(names)} layers ({', '.join(names)}): name one "
                           "with --layer")
    if layer is not None and layer not in names:
        raise GeodataError(path, f"has no layer '{layer}'; its layers are {', '.join(names)}")
    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:
        raise GeodataError(path, f"cannot be read ({exc})") from None
    return frame


def _length(column: str) -> int:
    """The most characters ``Area.<column>`` (a String column) holds."""
    length = getattr(Area.__table__.columns[column].type, "length", None)
    assert isinstance(length, int), column
    return length


def load_areas(path: FilePath, *, code_field: str, name_field: str, layer: str | None = None,
               frame: gpd.GeoDataFrame | None = None) -> tuple[gpd.GeoDataFrame, list[str]]:
    """A checked GeoDataFrame (code, name, geometry in EPSG:27700) and notes on repairs.

    ``frame``: the layer already read (and filtered to one council).
    """
    path = Path(path)
    frame = read_layer(path, layer=layer) if frame is None else frame
    if frame.empty:
        raise GeodataError(path, "the file has no features")
    for field in (code_field, name_field):
        if field not in frame.columns:
            fields = [c for c in frame.columns if c != frame.geometry.name]
            raise GeodataError(path, f"there is no field '{field}'; the fields are "
                               f"{', '.join(fields)}", column=field)
    if frame.crs is None:
        raise GeodataError(path, "the file does not say which coordinate reference system "
                           f"(CRS) it uses; set it (for example with ogr2ogr -a_srs {BNG}) "
                           "and import again")
    if frame.crs.is_geographic:
        minx, miny, maxx, maxy = frame.total_bounds
        if min(minx, miny) < -180 or maxx > 180 or maxy > 90:
            raise GeodataError(path, "the file says (or, for GeoJSON, implies) longitude and "
                               f"latitude ({frame.crs.to_string()}) but its coordinates look "
                               "like metres (for example British National Grid): declare the "
                               "real CRS in the file")
    notes: list[str] = []
    seen: dict[str, int] = {}
    geoms = []
    for position, (code, name, geom) in enumerate(
            zip(frame[code_field], frame[name_field], frame.geometry, strict=True), start=1):
        code = "" if code is None else str(code).strip()
        if not code or code.lower() == "nan":
            raise GeodataError(path, "the code is blank", feature=position, column=code_field)
        code_len = _length("code")
        if len(code) > code_len or not CODE.fullmatch(code):
            raise GeodataError(path, f"code {code[:40]!r} is not an area code: use letters, "
                               f"digits, '_', '.' or '-', at most {code_len} characters",
                               feature=position, column=code_field)
        if code in seen:
            raise GeodataError(path, f"code '{code}' appears twice (first in feature "
                               f"{seen[code]})", feature=position, column=code_field)
        seen[code] = position
        if name is None or not str(name).strip() or str(name).lower() == "nan":
            raise GeodataError(path, f"the name of '{code}' is blank", feature=position,
                               column=name_field)
        name_len = _length("name")
        if len(str(name).strip()) > name_len:
            raise GeodataError(path, f"the name of '{code}' is {len(str(name).strip()):,} "
                               f"characters long; at most {name_len}", feature=position,
                               column=name_field)
        if CONTROL.search(str(name)):
            raise GeodataError(path, f"the name of '{code}' contains a control character",
                               feature=position, column=name_field)
        if geom is None or geom.is_empty:
            raise GeodataError(path, f"'{code}' has no geometry", feature=position)
        if geom.geom_type not in POLYGONAL:
            raise GeodataError(path, f"'{code}' is a {geom.geom_type}, not a polygon: area "
                               "boundaries must be polygons", feature=position)
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            repaired = shapely.make_valid(geom)
            polygons = [g for g in getattr(repaired, "geoms", [repaired])
                        if g.geom_type in POLYGONAL]
            if not polygons:
                raise GeodataError(path, f"'{code}' has an invalid geometry ({reason}) that "
                                   "cannot be repaired into a polygon", feature=position)
            geom = shapely.union_all(polygons)
            notes.append(f"feature {position} ('{code}'): invalid geometry ({reason}) repaired "
                         "with make_valid")
        geoms.append(geom)
    result = gpd.GeoDataFrame(
        {"code": [str(c).strip() for c in frame[code_field]],
         "name": [str(n).strip() for n in frame[name_field]]},
        geometry=geoms, crs=frame.crs,
    )
    if result.crs.to_epsg(min_confidence=25) != BNG_EPSG:
        notes.append(f"reprojected from {result.crs.to_string()} to {BNG}")
        result = result.to_crs(BNG)
    bad = ~result.geometry.is_valid
    if bad.any():  # reprojection can make a ring touch itself; repair again
        result.loc[bad, "geometry"] = result.geometry[bad].make_valid()
    return result, notes


def import_areas(session: Session, path: FilePath, *, level: str, code_field: str,
                 name_field: str, layer: str | None = None, parent_level: str | None = None,
                 edition: str | None = None,
                 frame: gpd.GeoDataFrame | None = None) -> ImportReport:
    """Replace every area of ``level`` with the file's features (or ``frame``'s)."""
    path = Path(path)
    if level not in AREA_LEVELS:
        raise GeodataError(path, f"'{level}' is not a level; use one of {', '.join(AREA_LEVELS)}")
    if parent_level is not None and (parent_level not in AREA_LEVELS or parent_level == level):
        raise GeodataError(path, f"'{parent_level}' cannot be the parent level of {level}")
    frame, notes = load_areas(path, code_field=code_field, name_field=name_field, layer=layer,
                              frame=frame)
    parents: Sequence[Area] = []
    if parent_level:
        parents = session.scalars(select(Area).where(Area.level == parent_level)).all()
        if not parents:
            raise GeodataError(path, f"no {parent_level} areas are imported yet: import them "
                               f"before the {level} areas that lie in them")
    # Replace the level: children elsewhere lose their link to the old areas.
    old_ids = select(Area.id).where(Area.level == level)
    session.execute(update(Area).where(Area.parent_id.in_(old_ids)).values(parent_id=None))
    session.execute(delete(Area).where(Area.level == level))
    session.execute(delete(DerivedFigure).where(DerivedFigure.level == level))
    parent_tree = shapely.STRtree([p.geometry for p in parents]) if parents else None
    unplaced = 0
    for code, name, geom in zip(frame["code"], frame["name"], frame.geometry, strict=True):
        area = Area(code=code, name=name, level=level, edition=edition)
        area.geometry = geom
        if parent_tree is not None:
            best: Area | None = None
            best_overlap = 0.0
            for i in parent_tree.query(geom):
                overlap = parents[i].geometry.intersection(geom).area
                if overlap > best_overlap:
                    best, best_overlap = parents[i], overlap
            if best is not None:
                area.parent_id, area.parent_code = best.id, best.code
            else:
                unplaced += 1
        session.add(area)
    session.flush()
    if unplaced:
        notes.append(f"{unplaced} areas overlap no {parent_level} area and have no parent")
    report = ImportReport(path, f"{level} boundaries", rows=len(frame), notes=notes)
    return report
