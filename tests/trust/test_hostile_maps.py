"""Names reach the maps as data, never as JavaScript source (issue 12, finding 1).

folium's tooltips put their text inside a JavaScript template literal, so a
service called ``${...}`` ran script on the gap map.  Every map builder now
puts labels in a JSON data island read by fixed code; these tests render each
map with hostile names and check that no name appears anywhere in the script
and that the island gives the names back exactly.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
from shapely.geometry import Polygon

from app.maps.gap_map import build_gap_map
from app.maps.page import page_parts
from app.maps.service_map import point_map
from app.planning.maps import planning_map
from tests.trust.hostile import LONG, PAYLOADS

NAMES = [*PAYLOADS, LONG]


def local(pkg, f):
    return f"/vendor/{pkg}/{f}"


def island_texts(html: str) -> list[str]:
    found = re.findall(r'<script type="application/json" id="[\w]+">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def assert_names_are_data(parts: dict, names: list[str]) -> None:
    script = parts["script"]
    body = script.split(">", 1)[1].rsplit("</script>", 1)[0]
    strings = re.findall(r'"(?:[^"\\\n]|\\.)*"', body)
    code = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', body)
    # Outside double-quoted JSON string literals: no template literal (folium's
    # tooltips were one), nothing that could end the script element, no tooltip
    # text set as HTML, and no trace of any payload.
    assert "`" not in code and "${" not in code and "<" not in code
    assert "innerHTML" not in code and "__pwned" not in code and "onerror" not in code
    # Inside them, "<" is escaped, so no string can close the <script> element.
    assert not any("<" in s for s in strings)
    for piece in ("<img", "</script><script>"):
        assert piece not in script and piece not in parts["header"]
    # Labels come back from the data island exactly as they were given.
    texts = island_texts(parts["html"])
    for name in names:
        assert any(name in t for t in texts), name[:40]
    island = re.search(r'type="application/json" id="\w+">(.*?)</script>', parts["html"], re.S)
    assert "<" not in island.group(1) and ">" not in island.group(1)


def test_gap_map_names_are_data():
    gdf = gpd.GeoDataFrame({"code": ["E1"]}, geometry=[Polygon([(0, 0), (0, 1), (1, 1)])],
                           crs="EPSG:4326")
    fc = json.loads(gdf.to_json())
    fc["features"][0]["properties"] = {"code": NAMES[0], "name": NAMES[2], "colour": "#fff",
                                       "value_text": NAMES[1]}
    services = [{"id": i, "name": n, "lat": 52.1, "lon": -2.7, "type": "sport",
                 "type_label": "Sport", "cost_text": "free", "cost_band": "free",
                 "passes": True} for i, n in enumerate(NAMES)]
    buildings = [{"name": n, "kind": n, "lat": 52.1, "lon": -2.7} for n in NAMES]
    gm = build_gap_map(fc, services, buildings, bounds=[[52.0, -2.8], [52.2, -2.6]],
                       catchment_m=1000)
    parts = page_parts(gm.map, local, "n0nce")
    assert_names_are_data(parts, NAMES)


def test_service_and_buildings_map_names_are_data():
    points = [{"lat": 52.1, "lon": -2.7, "label": n,
               "kind": "service" if i % 2 else "building"} for i, n in enumerate(NAMES)]
    context = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": NAMES[0]},
         "geometry": {"type": "Point", "coordinates": [-2.7, 52.1]}}]}
    parts = point_map(points, asset_url=local, nonce="n0nce", context=context)
    assert_names_are_data(parts, NAMES)


def test_planning_map_names_are_data():
    areas = gpd.GeoDataFrame({"name": NAMES[:3], "cat": NAMES[3:6]},
                             geometry=[Polygon([(350000 + i * 10, 250000), (350000, 250010),
                                                (350010, 250010)]) for i in range(1, 4)],
                             crs="EPSG:27700")
    points = [{"x": 350000, "y": 250000, "label": n} for n in NAMES]
    parts = planning_map(areas, category="cat", points=points, asset_url=local, nonce="n0nce")
    assert_names_are_data(parts, NAMES)
