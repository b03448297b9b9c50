"""Vector tiles of areas: Mapbox Vector Tiles in one PMTiles v3 archive.  No Flask.

:func:`build_pmtiles` takes a GeoDataFrame of areas (``code``, ``name``, a few
numeric columns, geometry in British National Grid, :data:`app.geodata.crs.BNG`),
reprojects it to Web Mercator and writes every tile from ``min_zoom`` to
``max_zoom`` (4-12 by default, enough for England's 33,755 LSOAs):

* **Overview zooms** (below ``detail_zoom``): one feature per colour class, its
  areas dissolved (layer ``overview``, property ``class``), simplified twice as
  much, without specks under ``speck_px`` pixels square: 33,755 areas, most
  under a pixel here, would make a tile of England megabytes.
* **Detail zooms**: one feature per area (layer ``areas``) with ``code``,
  ``name``, ``class`` and the numeric properties (rounded, typed; a missing value
  is left out, MVT has no null).

Geometry is simplified per zoom, clipped to the tile plus a buffer and snapped
to the tile's units.  Names are data: they travel as MVT string values, never as markup (the map writes them
with ``textContent``).  Every tile must be at most ``max_tile_bytes`` (500 KB)
before compression: a tile over it is rebuilt with twice the tolerance, up to
``retries`` times, and then the build fails with :class:`TileTooLarge` naming
the tile.  Tiles are stored gzip-compressed.
"""

from __future__ import annotations

import gzip
import math
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mapbox_vector_tile
import numpy as np
import pandas as pd
import shapely
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer
from pyproj import Transformer

from .crs import BNG, BNG_EPSG, WGS84

WEB_MERCATOR = "EPSG:3857"
ORIGIN = 20037508.342789244  # half the Web Mercator world's width, metres
AREAS_LAYER = "areas"
OVERVIEW_LAYER = "overview"
NAME_MAX = 200
NO_DATA = -1


class TileTooLarge(ValueError):
    """A tile stayed over the size limit after the most simplification allowed."""

    def __init__(self, z: int, x: int, y: int, size: int, limit: int) -> None:
        super().__init__(f"tile {z}/{x}/{y} is {size:,} bytes, over the limit of {limit:,} "
                         "even after the most simplification allowed: raise retries or "
                         "lower max_zoom's detail (fewer properties, fewer areas per tile)")
        self.tile = (z, x, y)
        self.size = size


@dataclass(frozen=True)
class TileOptions:
    """How tiles are made: zooms, extent, buffer, simplification and the size limit."""

    min_zoom: int = 4
    max_zoom: int = 12
    detail_zoom: int = 8  # from this zoom on, one feature per area
    extent: int = 4096  # tile units per tile side
    buffer: int = 64  # tile units of geometry kept beyond each edge
    tolerance: float = 4.0  # simplification, tile units (512 px tiles: 8 units = 1 px)
    max_tile_bytes: int = 500_000
    retries: int = 4  # doublings of the tolerance before a tile too large fails
    speck_px: float = 4.0  # overview zooms leave out parts smaller than this, squared


@dataclass
class TileReport:
    """What a build wrote: the archive, its size and each zoom's largest tile."""

    path: Path
    tiles: int = 0
    archive_bytes: int = 0
    max_bytes: dict[int, int] = field(default_factory=dict)  # zoom -> largest tile (raw)
    retried: int = 0  # tiles rebuilt with more simplification
    bounds: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # lon/lat


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(minx, miny, maxx, maxy) of tile z/x/y in Web Mercator metres (XYZ, y down)."""
    size = 2 * ORIGIN / 2 ** z
    return (-ORIGIN + x * size, ORIGIN - (y + 1) * size, -ORIGIN + (x + 1) * size, ORIGIN - y * size)


def tile_range(bounds: Sequence[float], z: int) -> tuple[range, range]:
    """The tile columns and rows at zoom ``z`` that cover Web Mercator ``bounds``."""
    size = 2 * ORIGIN / 2 ** z
    last = 2 ** z - 1
    x0 = max(0, int((bounds[0] + ORIGIN) // size))
    x1 = min(last, int((bounds[2] + ORIGIN) // size))
    y0 = max(0, int((ORIGIN - bounds[3]) // size))
    y1 = min(last, int((ORIGIN - bounds[1]) // size))
    return range(x0, x1 + 1), range(y0, y1 + 1)


# ---- properties ---------------------------------------------------------------

def clean_text(value: object) -> str:
    """A name or code as an MVT string: text, valid UTF-8 (lone surrogates replaced),.

    at most :data:`NAME_MAX` characters.  Nothing is escaped here: it is data, and
    the page escapes for its own context.
    """
    text = "" if value is None else str(value)
    return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text[:NAME_MAX])


def clean_number(value: object) -> int | float | None:
    """A numeric property as MVT carries it: int when whole, else rounded to 2.

    decimals; ``None`` (left out) when missing or not a finite number.
    """
    try:
        number = float(value)  # type: ignore[arg-type]  # any value: float refuses, below
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    return int(number) if number.is_integer() else round(number, 2)


def default_breaks(values: pd.Series, classes: int = 5) -> list[float]:
    """Quantile class breaks (the upper bounds of all classes but the last)."""
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    if numbers.empty:
        return []
    qs = np.quantile(numbers.to_numpy(dtype=float), [i / classes for i in range(1, classes)])
    return sorted({round(float(q), 2) for q in qs})


def class_of(value: int | float | None, breaks: Sequence[float]) -> int:
    """The colour class of ``value``: 0.. len(breaks), or :data:`NO_DATA`."""
    return NO_DATA if value is None else bisect_right(list(breaks), value)


@dataclass
class _Areas:
    geoms: np.ndarray  # shapely geometries, Web Mercator
    props: list[dict[str, Any]]
    classes: np.ndarray  # int class of each area
    tree: shapely.STRtree = field(init=False)

    def __post_init__(self) -> None:
        self.tree = shapely.STRtree(self.geoms)


def prepare(areas: Any, properties: Sequence[str], fill: str,
            breaks: Sequence[float]) -> _Areas:
    """The areas in Web Mercator with their MVT properties and colour class."""
    if areas.crs is None or areas.crs.to_epsg() != BNG_EPSG:
        raise ValueError(f"areas must be in {BNG}; got {areas.crs}")
    frame = areas.reset_index() if "code" not in areas.columns else areas
    missing = [c for c in ("code", "name", fill, *properties) if c not in frame.columns]
    if missing:
        raise ValueError(f"areas lack the columns {', '.join(missing)}")
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    merc = frame.geometry.to_crs(WEB_MERCATOR)
    geoms = shapely.make_valid(np.asarray(merc.values, dtype=object))
    props: list[dict[str, Any]] = []
    classes = []
    for row in frame[["code", "name", *dict.fromkeys([fill, *properties])]].itertuples(
            index=False):
        record = row._asdict()
        out: dict[str, Any] = {"code": clean_text(record["code"]),
                               "name": clean_text(record["name"])}
        for key in dict.fromkeys([fill, *properties]):
            number = clean_number(record[key])
            if number is not None:
                out[key] = number
        out["class"] = class_of(clean_number(record[fill]), breaks)
        classes.append(out["class"])
        props.append(out)
    return _Areas(geoms, props, np.asarray(classes, dtype=int))


# ---- tiles --------------------------------------------------------------------

def _units(z: int, options: TileOptions) -> float:
    """Metres per tile unit at zoom ``z``."""
    return 2 * ORIGIN / 2.0 ** z / options.extent


def _encode(layer: str, geoms: Sequence[Any], props: Sequence[dict[str, Any]],
            z: int, x: int, y: int, options: TileOptions) -> bytes:
    bounds = tile_bounds(z, x, y)
    pad = options.buffer * _units(z, options)
    clipped = shapely.clip_by_rect(np.asarray(geoms, dtype=object), bounds[0] - pad,
                                   bounds[1] - pad, bounds[2] + pad, bounds[3] + pad)
    scale = np.array([options.extent / (bounds[2] - bounds[0]),
                      options.extent / (bounds[3] - bounds[1])])
    origin = np.array([bounds[0], bounds[1]])
    # Tile units, y up (the encoder flips y), snapped to whole units with GEOS's
    # snap-rounding (valid output) and oriented as MVT wants (exteriors clockwise
    # here, so after the flip too): the encoder's own per-polygon checks, in
    # Python, took most of a build's time.
    units = shapely.transform(clipped, lambda xy: (xy - origin) * scale)
    try:
        units = shapely.set_precision(units, 1.0)
    except shapely.errors.GEOSException:  # an invalid input (a simplified dissolve): repair
        units = shapely.set_precision(shapely.make_valid(units), 1.0)
    kept = [(g, p) for g, p in zip(map(polygonal, units), props, strict=True) if g is not None]
    if not kept:
        return b""
    oriented = shapely.orient_polygons(np.asarray([g for g, _p in kept], dtype=object),
                                       exterior_cw=True)
    features = [{"geometry": g, "properties": p}
                for g, (_g, p) in zip(oriented, kept, strict=True)]
    return bytes(mapbox_vector_tile.encode(
        [{"name": layer, "features": features}],
        default_options={"extents": options.extent, "check_winding_order": False}))


def polygonal(shape: Any) -> Any:
    """The polygons of ``shape`` (clipping and repair can leave lines and points.

    beside them), or ``None`` when none are left.
    """
    if shape is None or shape.is_empty:
        return None
    if shape.geom_type in ("Polygon", "MultiPolygon"):
        return shape if shape.area > 0 else None
    parts = [p for p in shapely.get_parts(shape) if p.geom_type in ("Polygon", "MultiPolygon")]
    polys = [q for p in parts for q in shapely.get_parts(p) if q.area > 0]
    return shapely.MultiPolygon(polys) if polys else None


def _sized(make: Any, z: int, x: int, y: int, options: TileOptions,
           report: TileReport) -> bytes:
    """``make(tolerance)`` with more simplification while the tile is too large."""
    tolerance = options.tolerance
    for attempt in range(options.retries + 1):
        data: bytes = make(tolerance * _units(z, options))
        if len(data) <= options.max_tile_bytes:
            report.retried += attempt > 0
            return data
        tolerance *= 2
    raise TileTooLarge(z, x, y, len(data), options.max_tile_bytes)


def _zoom_tiles(z: int, areas: _Areas, overview: dict[int, Any],
                options: TileOptions, report: TileReport
                ) -> Iterator[tuple[int, int, int, bytes]]:
    """Every non-empty tile of zoom ``z``.

    One feature per area from ``detail_zoom`` on, else one per colour class.
    """
    if z >= options.detail_zoom:
        layer, full, props, tree = AREAS_LAYER, areas.geoms, areas.props, areas.tree
    else:
        classes = sorted(overview)
        full = _without_specks([overview[c] for c in classes],
                               (options.speck_px * options.extent / 512 * _units(z, options)) ** 2)
        layer, props, tree = OVERVIEW_LAYER, [{"class": c} for c in classes], shapely.STRtree(full)
    first = options.tolerance * _units(z, options) * (1 if layer == AREAS_LAYER else 2)
    simple = shapely.simplify(full, first, preserve_topology=True)
    pad = options.buffer * _units(z, options)
    xs, ys = tile_range(shapely.total_bounds(areas.geoms), z)
    for x in xs:
        for y in ys:
            tb = tile_bounds(z, x, y)
            hits = np.sort(tree.query(shapely.box(tb[0] - pad, tb[1] - pad, tb[2] + pad,
                                                  tb[3] + pad), predicate="intersects"))
            if not len(hits):
                continue

            def make(tol: float, hits: Any = hits, x: int = x, y: int = y) -> bytes:
                geoms = simple[hits] if tol <= first else shapely.simplify(
                    full[hits], tol, preserve_topology=True)
                return _encode(layer, list(geoms), [props[i] for i in hits], z, x, y, options)

            data = _sized(make, z, x, y, options, report)
            if data:
                yield z, x, y, data


def _without_specks(geoms: Sequence[Any], min_area: float) -> Any:
    """Each geometry's polygons of at least ``min_area`` (an empty polygon if none)."""
    out = []
    for geom in geoms:
        parts = shapely.get_parts(shapely.get_parts(geom))
        parts = parts[(shapely.get_type_id(parts) == 3) & (shapely.area(parts) >= min_area)]
        out.append(shapely.multipolygons(parts) if len(parts) else shapely.Polygon())
    return np.asarray(out, dtype=object)


def dissolve_classes(areas: _Areas, tolerance: float) -> dict[int, Any]:
    """Each colour class's areas as one (multi)polygon, simplified by ``tolerance``.

    metres first and snapped to a grid of that size (neighbours' shared edges,
    simplified apart, meet again).
    """
    out: dict[int, Any] = {}
    simple = shapely.make_valid(shapely.simplify(areas.geoms, tolerance, preserve_topology=True))
    for c in sorted(set(areas.classes.tolist())):
        parts = simple[areas.classes == c]
        try:
            out[int(c)] = shapely.union_all(parts, grid_size=tolerance / 4)
        except shapely.errors.GEOSException:  # snapping broke a ring: union unsnapped
            out[int(c)] = shapely.union_all(shapely.make_valid(parts))
    return out


def build_pmtiles(areas: Any, path: Path | str, *, fill: str,
                  properties: Sequence[str] = (), breaks: Sequence[float] | None = None,
                  options: TileOptions = TileOptions(),
                  metadata: dict[str, Any] | None = None,
                  progress: Callable[[int, TileReport], None] | None = None) -> TileReport:
    """Write ``areas`` as a PMTiles v3 archive of vector tiles at ``path``, coloured.

    by ``fill`` (classes cut at ``breaks``, quantiles when not given), with
    ``properties`` in each area's feature.  Written to a temporary file and moved
    into place, so a server never reads half an archive.
    """
    path = Path(path)
    breaks = list(default_breaks(areas[fill]) if breaks is None else breaks)
    prepared = prepare(areas, properties, fill, breaks)
    if not len(prepared.geoms):
        raise ValueError("no areas with a geometry to make tiles of")
    overview = dissolve_classes(prepared, options.tolerance * _units(
        options.detail_zoom - 1, options)) if options.min_zoom < options.detail_zoom else {}
    report = TileReport(path)
    tiles: list[tuple[int, bytes]] = []
    for z in range(options.min_zoom, options.max_zoom + 1):
        for z_, x, y, data in _zoom_tiles(z, prepared, overview, options, report):
            report.max_bytes[z_] = max(report.max_bytes.get(z_, 0), len(data))
            tiles.append((zxy_to_tileid(z_, x, y), gzip.compress(data, 9, mtime=0)))
        if progress is not None:  # each zoom as it is done (the bench prints it)
            progress(z, report)
    tiles.sort(key=lambda t: t[0])
    west, south, east, north = shapely.total_bounds(prepared.geoms)
    to_lonlat = Transformer.from_crs(WEB_MERCATOR, WGS84, always_xy=True)
    lon0, lat0 = to_lonlat.transform(west, south)
    lon1, lat1 = to_lonlat.transform(east, north)
    report.bounds = (float(lon0), float(lat0), float(lon1), float(lat1))
    header = {"tile_type": TileType.MVT, "tile_compression": Compression.GZIP,
              "min_zoom": options.min_zoom, "max_zoom": options.max_zoom,
              "min_lon_e7": int(lon0 * 1e7), "min_lat_e7": int(lat0 * 1e7),
              "max_lon_e7": int(lon1 * 1e7), "max_lat_e7": int(lat1 * 1e7),
              "center_zoom": options.min_zoom,
              "center_lon_e7": int((lon0 + lon1) / 2 * 1e7),
              "center_lat_e7": int((lat0 + lat1) / 2 * 1e7)}
    fields = {"code": "String", "name": "String", "class": "Number",
              **{p: "Number" for p in dict.fromkeys([fill, *properties])}}
    meta = {**(metadata or {}), "fill": fill, "breaks": breaks, "format": "pbf",
            "vector_layers": [
                {"id": OVERVIEW_LAYER, "fields": {"class": "Number"},
                 "minzoom": options.min_zoom, "maxzoom": options.detail_zoom - 1},
                {"id": AREAS_LAYER, "fields": fields, "minzoom": options.detail_zoom,
                 "maxzoom": options.max_zoom}]}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as f:
        writer = Writer(f)
        for tileid, data in tiles:
            writer.write_tile(tileid, data)
        writer.finalize(header, meta)
    partial.replace(path)
    report.tiles = len(tiles)
    report.archive_bytes = path.stat().st_size
    return report


__all__ = ["AREAS_LAYER", "OVERVIEW_LAYER", "TileOptions", "TileReport", "TileTooLarge",
           "build_pmtiles", "class_of", "clean_number", "clean_text", "default_breaks",
           "tile_bounds", "tile_range"]
