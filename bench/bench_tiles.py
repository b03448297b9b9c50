"""Time the national map's vector tiles on an England-sized set of LSOA-like
polygons; prints figures, asserts nothing (the builder itself fails on a tile
over 500 KB).

    .venv/bin/python bench/bench_tiles.py [--areas 33755] [--max-zoom 12] [--out bench/out]

The polygons are a Voronoi diagram of 33,755 points over England's British
National Grid extent, most of them clustered round made-up towns (as LSOAs are:
small in cities, large in the country), each edge split and jittered so the
vertex counts follow the real Herefordshire LSOA 2021 boundaries (read from
../shared/geodata/herefordshire, never copied; median about 100 vertices).
"First view" is what a browser fetches to show England in a 1280 x 800 window:
the tiles under the view at the zoom that fits England (as the page's
``fitBounds``), the PMTiles header and directories, and the page's scripts and
styles (gzip-compressed, as served).
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from pmtiles.reader import MmapSource, Reader  # noqa: E402
from pmtiles.tile import deserialize_directory, find_tile, zxy_to_tileid  # noqa: E402

from app.geodata.crs import BNG  # noqa: E402
from app.geodata.tile_view import mercator_bounds, view_tiles  # noqa: E402
from app.geodata.tiles import TileOptions, build_pmtiles  # noqa: E402

HEREFORDSHIRE = ROOT.parent / "shared" / "geodata" / "herefordshire" / \
    "herefordshire_boundaries_bng.gpkg"
EXTENT = (134000.0, 10000.0, 656000.0, 658000.0)  # England, BNG metres
FIRST_VIEW_ASSETS = ("node_modules/maplibre-gl/dist/maplibre-gl-csp.js",
                     "node_modules/maplibre-gl/dist/maplibre-gl-csp-worker.js",
                     "node_modules/maplibre-gl/dist/maplibre-gl.css",
                     "node_modules/pmtiles/dist/pmtiles.js",
                     "app/static/js/national-map.js", "app/static/css/national-map.css",
                     "app/static/css/app.css", "app/static/css/language.css")


def vertex_counts() -> np.ndarray:
    real = gpd.read_file(HEREFORDSHIRE, layer="lsoa2021_bgc")
    return shapely.get_num_coordinates(real.geometry.values)


def synthetic_england(n: int, seed: int = 27) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = EXTENT
    towns = rng.uniform((x0, y0), (x1, y1), size=(60, 2))
    spread = rng.uniform(2000, 15000, size=60)
    n_town = int(n * 0.7)
    which = rng.integers(0, 60, size=n_town)
    town_pts = towns[which] + rng.normal(size=(n_town, 2)) * spread[which, None]
    pts = np.vstack([town_pts, rng.uniform((x0, y0), (x1, y1), size=(n - n_town, 2))])
    pts = np.clip(pts, (x0 + 1, y0 + 1), (x1 - 1, y1 - 1))
    pts = np.unique(np.round(pts), axis=0)
    while len(pts) < n:  # rounding merged a few: top up
        pts = np.unique(np.vstack([pts, np.round(rng.uniform((x0, y0), (x1, y1), (n - len(pts), 2)))]),
                        axis=0)
    pts = pts[:n]
    frame = shapely.box(*EXTENT)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=frame))
    cells = shapely.intersection(cells, frame)
    target = rng.choice(vertex_counts(), size=len(cells))
    step = np.sqrt(shapely.area(cells)) * 4 / np.maximum(target, 8)
    out = []
    for cell, length in zip(cells, step, strict=True):
        ring = np.asarray(shapely.segmentize(cell, length).exterior.coords)
        ring[1:-1] += rng.normal(scale=length * 0.25, size=(len(ring) - 2, 2))
        poly = shapely.make_valid(shapely.Polygon(ring))
        out.append(poly)
    codes = [f"E{i:08d}" for i in range(len(out))]
    gdf = gpd.GeoDataFrame({"code": codes, "name": [f"Area {i} <b>&'\"" for i in range(len(out))],
                            "imd_decile": rng.integers(1, 11, len(out)),
                            "places_per_1000": np.round(rng.gamma(2, 20, len(out)), 1),
                            "gap_score": np.round(rng.uniform(0, 100, len(out)), 1)},
                           geometry=out, crs=BNG)
    return gdf


def leaf_bytes(path: Path, header, tiles) -> int:
    """Bytes of the leaf directories the view's tiles are listed in (pmtiles.js
    reads the root with the header, then each leaf a tile needs, once)."""
    data = path.read_bytes()
    root = deserialize_directory(data[header["root_offset"]:header["root_offset"]
                                      + header["root_length"]])
    needed = set()
    for z, x, y in tiles:
        entry = find_tile(root, zxy_to_tileid(z, x, y))
        if entry is not None and entry.run_length == 0:
            needed.add((entry.offset, entry.length))
    return sum(length for _offset, length in needed)


def first_view(path: Path, report_bounds, options: TileOptions, width: int, height: int):
    z, tiles = view_tiles(mercator_bounds(report_bounds), width, height, options)
    with path.open("rb") as f:
        reader = Reader(MmapSource(f))
        tile_bytes = [len(reader.get(*t) or b"") for t in tiles]
        header = reader.header()
    directory = min(16384, header["tile_data_offset"])  # pmtiles.js reads the first 16 KiB
    leaves = leaf_bytes(path, header, tiles)
    assets = {a: len(gzip.compress((ROOT / a).read_bytes(), 9)) for a in FIRST_VIEW_ASSETS
              if (ROOT / a).exists()}
    return z, tiles, sum(tile_bytes), directory, leaves, assets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--areas", type=int, default=33755)
    parser.add_argument("--max-zoom", type=int, default=12)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = parser.parse_args(argv)
    start = time.perf_counter()
    areas = synthetic_england(args.areas)
    made = time.perf_counter() - start
    verts = shapely.get_num_coordinates(areas.geometry.values)
    print(f"synthetic areas: {len(areas):,} in {made:.1f} s; vertices per polygon "
          f"median {np.median(verts):.0f}, 10th-90th {np.percentile(verts, 10):.0f}-"
          f"{np.percentile(verts, 90):.0f}, total {verts.sum():,}", flush=True)
    options = TileOptions(max_zoom=args.max_zoom)
    path = Path(args.out) / "bench-england.pmtiles"
    start = time.perf_counter()
    def progress(z, report):
        print(f"  zoom {z:2d} done at {time.perf_counter() - start:.0f} s: largest tile "
              f"{report.max_bytes.get(z, 0):,} bytes (raw MVT)", flush=True)

    report = build_pmtiles(areas, path, fill="gap_score",
                           properties=["imd_decile", "places_per_1000"], options=options,
                           progress=progress)
    built = time.perf_counter() - start
    print(f"build: {built:.1f} s, {report.tiles:,} tiles, archive {report.archive_bytes:,} bytes, "
          f"{report.retried} tiles rebuilt with more simplification")
    for z, size in sorted(report.max_bytes.items()):
        print(f"  zoom {z:2d}: largest tile {size:,} bytes (raw MVT)")
    for width, height in ((1280, 800), (360, 640)):
        z, tiles, tile_bytes, directory, leaves, assets = first_view(
            path, report.bounds, options, width, height)
        total = tile_bytes + directory + leaves + sum(assets.values())
        print(f"first view {width}x{height}: zoom {z}, {len(tiles)} tiles {tile_bytes:,} bytes "
              f"(gzip), PMTiles header+root {directory:,}, leaf directories {leaves:,}, "
              f"scripts/styles {sum(assets.values()):,} (gzip); total {total:,} bytes")
    for name, size in assets.items():
        print(f"  {name}: {size:,} bytes gzip")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
