"""With no basemap configured, a service's map shows the places around it: the parish
or ward outlines with their names, the imported roads and the council buildings."""

from __future__ import annotations

import json
import re

from app.geodata.transport import import_network
from tests.county import County

from .helpers import make_geography, make_service


def _context(html: str) -> list[dict]:
    """The features of the service map's context layer (named in data-context)."""
    name = re.search(r'data-context="(geo_json_\w+)"', html).group(1)
    data = re.search(re.escape(name) + r"_add\((\{.*?\})\);", html, re.S).group(1)
    return json.loads(data)["features"]


def lonlat(x: float, y: float) -> tuple[float, float]:
    from app.geodata.crs import BNG, WGS84, transformer

    return transformer(BNG, WGS84).transform(x, y)


def _roads(tmp_path):
    from app.demo.osmfile import write_osm

    nodes = {1: lonlat(353000, 241000), 2: lonlat(357000, 241000), 3: lonlat(355000, 243000),
             4: lonlat(355000, 260000)}
    ways = [(10, [1, 2], {"highway": "primary"}),
            (11, [2, 3], {"highway": "residential"}),
            (12, [3, 4], {"highway": "footway"})]
    return write_osm(tmp_path / "roads.osm.pbf", nodes, ways)


def test_service_map_without_tiles_draws_places_roads_and_buildings(client, db, tmp_path):
    make_geography(db.session)
    County(db.session).building("Farfield Library", 355500.0, 241500.0, kind="library")
    import_network(db.session, _roads(tmp_path))
    db.session.commit()
    service = make_service(db.session, x=355000.0, y=241000.0, postcode="ZZ3 3CC")
    html = client.get(f"/directory/{service.id}").get_data(as_text=True)
    features = _context(html)
    areas = [f["properties"] for f in features if f["properties"]["kind"] == "area"]
    roads = [f["properties"] for f in features if f["properties"]["kind"] == "road"]
    places = [f["properties"] for f in features if f["properties"]["kind"] == "place"]
    assert "Farfield" in {a["name"] for a in areas}  # the parish, with a place for its name
    assert all(len(a["label"]) == 2 for a in areas)
    assert sorted(r["major"] for r in roads) == [False, True]  # no footpath
    assert places == [{"kind": "place", "name": "Farfield Library", "place": "library"}]
    # The names are written on the map by static/js/maps.js, with a one-line key.
    assert "js/maps.js" in html and "css/maps.css" in html
    assert "The blue dot is where it is." in html
    # The service itself: a named 24 px marker.
    assert '"className": "yvm-marker map-here"' in html and '"iconSize": [24, 24]' in html


def test_service_map_with_tiles_draws_no_outlines(app, client, db):
    app.config["MAP_TILES_URL"] = "https://tile.example.org/{z}/{x}/{y}.png"
    app.config["MAP_TILES_ATTRIBUTION"] = "© Example tiles"
    make_geography(db.session)
    service = make_service(db.session, x=355000.0, y=241000.0, postcode="ZZ3 3CC")
    html = client.get(f"/directory/{service.id}").get_data(as_text=True)
    assert "geo_json" not in html and "data-context" not in html
    assert "tile.example.org" in html
