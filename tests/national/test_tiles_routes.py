"""The national map's tiles: ``flask tiles build``, the archive served with Range
requests, the page, and MapLibre served from node_modules (never a CDN)."""

from __future__ import annotations

import gzip
import json
import re

import mapbox_vector_tile
import pytest
from pmtiles.reader import MemorySource, Reader, all_tiles

from app.config import ROOT
from app.geodata.tiles import AREAS_LAYER

from .county import HOSTILE, lsoa_county


@pytest.fixture
def app_config(tmp_path):
    return {"TILES_DIR": str(tmp_path / "tiles")}


def build(runner):
    result = runner.invoke(args=["tiles", "build"])
    assert result.exit_code == 0, result.output
    return result


def test_build_writes_the_council_lsoas_with_published_figures(app, db, runner, tmp_path):
    codes = lsoa_county(db)
    result = build(runner)
    assert "lsoa.pmtiles" in result.output and "tiles" in result.output
    data = (tmp_path / "tiles" / "lsoa.pmtiles").read_bytes()
    reader = Reader(MemorySource(data))
    assert reader.metadata()["fill"] == "gap_score"
    found = {}
    for (z, _x, _y), tile in all_tiles(reader.get_bytes):
        if z == 12:
            for f in mapbox_vector_tile.decode(gzip.decompress(tile))[AREAS_LAYER]["features"]:
                found[f["properties"]["code"]] = f["properties"]
    assert set(found) == set(codes)
    assert found["E01000000"]["name"] == HOSTILE
    assert "gap_score" in found["E01000000"]
    # no count of people goes into a tile
    assert not {"young_people", "responses", "population"} & set(found["E01000000"])


def test_build_without_lsoas_says_so(app, db, runner):
    result = runner.invoke(args=["tiles", "build"])
    assert result.exit_code != 0 and "No small areas" in result.output


def test_the_archive_is_served_in_ranges_to_readers_only(app, db, runner, client, auth, tmp_path):
    lsoa_county(db)
    build(runner)
    size = (tmp_path / "tiles" / "lsoa.pmtiles").stat().st_size
    assert client.get("/national/tiles/lsoa.pmtiles").status_code in (302, 401, 403)
    auth.login_as("councillor")
    whole = client.get("/national/tiles/lsoa.pmtiles")
    assert whole.status_code == 200 and len(whole.data) == size
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert "max-age=3600" in whole.headers["Cache-Control"]
    assert "private" in whole.headers["Cache-Control"] and whole.headers.get("ETag")
    part = client.get("/national/tiles/lsoa.pmtiles", headers={"Range": "bytes=0-126"})
    assert part.status_code == 206 and len(part.data) == 127 and part.data[:7] == b"PMTiles"
    assert part.headers["Content-Range"] == f"bytes 0-126/{size}"
    assert client.get("/national/tiles/lsoa.pmtiles",
                      headers={"Range": f"bytes={size + 10}-"}).status_code == 416
    again = client.get("/national/tiles/lsoa.pmtiles",
                       headers={"If-None-Match": whole.headers["ETag"]})
    assert again.status_code == 304
    for name in ("other.pmtiles", "..%2Fyouth_voice_map.sqlite", "lsoa.pmtiles.partial"):
        assert client.get(f"/national/tiles/{name}").status_code == 404


def test_the_page_hands_its_settings_to_the_script_as_escaped_json(app, db, runner, client, auth):
    auth.login_as("councillor")
    empty = client.get("/national/map")
    assert empty.status_code == 200 and b"flask tiles build" in empty.data
    lsoa_county(db)
    build(runner)
    page = client.get("/national/map").get_data(as_text=True)
    found = re.search(r'<script type="application/json" id="national-map-config">(.*?)</script>',
                      page, re.S)
    config = json.loads(found.group(1))
    assert config["url"].startswith("/national/tiles/lsoa.pmtiles?v=")
    assert config["worker"] == "/vendor/maplibre-gl/dist/maplibre-gl-csp-worker.js"
    assert "<" not in found.group(1)
    assert 'src="/vendor/maplibre-gl/dist/maplibre-gl-csp.js"' in page
    assert 'href="/gaps?level=lsoa"' in page  # the table fallback
    assert "<noscript>" in page
    assert HOSTILE not in page  # names reach the page only from the tiles, as data


def test_maplibre_and_pmtiles_are_served_from_node_modules(client):
    for name, path in (("maplibre-gl", "dist/maplibre-gl-csp.js"),
                       ("maplibre-gl", "dist/maplibre-gl-csp-worker.js"),
                       ("maplibre-gl", "dist/maplibre-gl.css"), ("pmtiles", "dist/pmtiles.js")):
        on_disk = (ROOT / "node_modules" / name / path).read_bytes()
        plain = client.get(f"/vendor/{name}/{path}", headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200 and plain.data == on_disk
        packed = client.get(f"/vendor/{name}/{path}", headers={"Accept-Encoding": "gzip"})
        assert packed.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.data) == on_disk
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert "max-age=604800" in packed.headers["Cache-Control"]
    for refused in ("maplibre-gl/package.json", "maplibre-gl/dist/maplibre-gl.js.map",
                    "maplibre-gl/../pmtiles/dist/pmtiles.js", "earcut/dist/earcut.min.js",
                    "pmtiles/dist/esm/index.js"):
        assert client.get(f"/vendor/{refused}").status_code == 404
    assert client.get("/vendor/leaflet/leaflet.js").status_code == 200  # XStatic still served
