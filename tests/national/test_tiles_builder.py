"""The tile builder (app/geodata/tiles.py): no app, no database."""

from __future__ import annotations

import gzip

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import pytest
import shapely
from pmtiles.reader import MmapSource, Reader
from pmtiles.tile import Compression, TileType, tileid_to_zxy

from app.geodata.crs import BNG
from app.geodata.tile_view import mercator_bounds, view_tiles
from app.geodata.tiles import (
    AREAS_LAYER,
    OVERVIEW_LAYER,
    TileOptions,
    TileTooLarge,
    build_pmtiles,
    class_of,
    clean_number,
    clean_text,
    tile_range,
)

HOSTILE = "</script><script>alert('x')</script> & \"Brook\" {{7*7}} \u202e\ud800"


def grid(n: int = 6, size: float = 1000.0, x0: float = 350_000, y0: float = 250_000,
         name=lambda i: f"Area {i}") -> gpd.GeoDataFrame:
    boxes, codes, names, scores = [], [], [], []
    for i in range(n):
        for j in range(n):
            k = i * n + j
            boxes.append(shapely.box(x0 + i * size, y0 + j * size,
                                     x0 + (i + 1) * size, y0 + (j + 1) * size))
            codes.append(f"E0100{k:04d}")
            names.append(name(k))
            scores.append(float(k))
    return gpd.GeoDataFrame({"code": codes, "name": names, "gap_score": scores,
                             "imd_score": [np.nan] + scores[1:]}, geometry=boxes, crs=BNG)


def read_all(path):
    with open(path, "rb") as f:
        reader = Reader(MmapSource(f))
        header, meta = reader.header(), reader.metadata()
        from pmtiles.reader import all_tiles
        tiles = {zxy: gzip.decompress(data) for zxy, data in all_tiles(reader.get_bytes)}
    return header, meta, tiles


def test_round_trip_gives_every_code_with_its_figures(tmp_path):
    areas = grid(size=3000)
    report = build_pmtiles(areas, tmp_path / "a.pmtiles", fill="gap_score",
                           properties=["imd_score"], breaks=[10, 20])
    header, meta, tiles = read_all(report.path)
    assert header["tile_type"] == TileType.MVT
    assert header["tile_compression"] == Compression.GZIP
    assert header["max_zoom"] == 12
    assert header["min_zoom"] == 4
    assert meta["breaks"] == [10, 20] and meta["fill"] == "gap_score"
    z12 = [decoded for (z, _x, _y), data in tiles.items() if z == 12
           for decoded in [mapbox_vector_tile.decode(data)]]
    features = [f for t in z12 for f in t[AREAS_LAYER]["features"]]
    codes = {f["properties"]["code"] for f in features}
    assert codes == set(areas["code"])
    first = next(f for f in features if f["properties"]["code"] == "E01000000")
    assert "imd_score" not in first["properties"]  # NaN is left out, not 0
    later = next(f for f in features if f["properties"]["code"] == "E01000015")
    assert later["properties"]["gap_score"] == 15 and later["properties"]["class"] == 1
    assert later["properties"]["name"] == "Area 15"
    # overview zooms carry one feature per class, no names or codes
    z6 = [mapbox_vector_tile.decode(d) for (z, _x, _y), d in tiles.items() if z == 6]
    classes = {f["properties"]["class"] for t in z6 for f in t[OVERVIEW_LAYER]["features"]}
    assert classes == {0, 1, 2}
    assert all(set(f["properties"]) == {"class"} for t in z6 for f in t[OVERVIEW_LAYER]["features"])


def test_every_tile_is_under_the_limit_and_has_data(tmp_path):
    report = build_pmtiles(grid(12, 400), tmp_path / "a.pmtiles", fill="gap_score")
    _h, _m, tiles = read_all(report.path)
    assert tiles and all(0 < len(d) < 500_000 for d in tiles.values())
    assert max(report.max_bytes.values()) < 500_000
    assert report.tiles == len(tiles)


def test_a_hostile_name_survives_as_data(tmp_path):
    areas = grid(2, name=lambda i: HOSTILE if i == 0 else f"Area {i}")
    report = build_pmtiles(areas, tmp_path / "a.pmtiles", fill="gap_score")
    _h, _m, tiles = read_all(report.path)
    names = {f["properties"]["name"] for (z, _x, _y), d in tiles.items() if z == 12
             for f in mapbox_vector_tile.decode(d)[AREAS_LAYER]["features"]}
    assert clean_text(HOSTILE) in names  # the same text, nothing escaped or dropped
    assert clean_text(HOSTILE).startswith("</script><script>alert('x')</script>")
    assert "\ufffd" in clean_text(HOSTILE)  # a lone surrogate cannot be UTF-8: replaced


def test_a_tile_too_large_is_simplified_then_refused(tmp_path):
    wiggly = grid(3)
    wiggly["geometry"] = [shapely.Polygon(
        [(g.bounds[0] + 1000 * t / 3000, g.bounds[1] + 40 * ((k % 2) * 2 - 1) + 500)
         for k, t in enumerate(range(3000))] + [(g.bounds[2], g.bounds[3]), (g.bounds[0], g.bounds[3])])
        for g in wiggly.geometry]
    detailed = build_pmtiles(wiggly, tmp_path / "a.pmtiles", fill="gap_score",
                             options=TileOptions(min_zoom=12, max_zoom=12, detail_zoom=12))
    limit = max(detailed.max_bytes.values()) // 2
    roomy = TileOptions(min_zoom=12, max_zoom=12, detail_zoom=12, max_tile_bytes=limit)
    report = build_pmtiles(wiggly, tmp_path / "a.pmtiles", fill="gap_score", options=roomy)
    assert report.retried > 0 and max(report.max_bytes.values()) <= limit
    tight = TileOptions(min_zoom=12, max_zoom=12, detail_zoom=12, max_tile_bytes=300, retries=1)
    with pytest.raises(TileTooLarge, match=r"tile 12/\d+/\d+ is .* over the limit of 300"):
        build_pmtiles(wiggly, tmp_path / "b.pmtiles", fill="gap_score", options=tight)
    assert not (tmp_path / "b.pmtiles").exists()


def test_areas_must_be_in_british_national_grid(tmp_path):
    with pytest.raises(ValueError, match="EPSG:27700"):
        build_pmtiles(grid(2).to_crs(3857), tmp_path / "a.pmtiles", fill="gap_score")


def test_properties_are_typed():
    assert clean_number("3.14159") == 3.14 and clean_number(4.0) == 4
    assert isinstance(clean_number(np.int64(7)), int)
    assert clean_number(None) is None and clean_number(float("nan")) is None
    assert clean_number("x") is None and clean_number(float("inf")) is None
    assert class_of(None, [1, 2]) == -1 and class_of(1, [1, 2]) == 1 and class_of(0.5, [1, 2]) == 0
    assert len(clean_text("x" * 500)) == 200


def test_view_tiles_cover_the_view():
    bounds = mercator_bounds((-5.7, 49.9, 1.8, 55.8))  # England
    z, tiles = view_tiles(bounds, 1280, 800)
    assert z == 5 and 2 <= len(tiles) <= 12
    xs, ys = tile_range(bounds, z)
    assert {t[1] for t in tiles} >= set(xs) and {t[2] for t in tiles} >= set(ys)
    assert tileid_to_zxy(0) == (0, 0, 0)
