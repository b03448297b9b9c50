"""Map builders without Flask: clustering, local assets, display geometry, SVG."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import Polygon, box

from app.maps.display import display_geometry, feature_collection
from app.maps.gap_map import build_gap_map, cost_band
from app.maps.page import page_parts
from app.maps.service_map import point_map
from app.maps.svg import choropleth_svg


def local(package, filename):
    return f"/vendor/{package}/{filename}"


def areas_fc():
    gdf = gpd.GeoDataFrame({"name": ["A"]}, geometry=[box(400000, 250000, 402000, 252000)],
                           index=pd.Index(["E1"], name="code"), crs="EPSG:27700")
    return feature_collection(display_geometry(gdf), [
        {"code": "E1", "name": "A", "colour": "#bd0026", "value_text": "Gap score: 80"}])


def service(i, passes=True):
    return {"id": i, "name": f"S{i}", "lat": 52.1 + i * 1e-4, "lon": -2.7, "type": "sport",
            "type_label": "Sport", "cost_text": "free", "cost_band": "free", "passes": passes}


def test_services_are_clustered_and_every_asset_is_local():
    many = [service(i) for i in range(200)]
    gm = build_gap_map(areas_fc(), many, [{"name": "Library", "lat": 52.1, "lon": -2.7}],
                       bounds=[[52.0, -2.8], [52.2, -2.6]], catchment_m=5000)
    parts = page_parts(gm.map, local, "n0nce")
    assert "L.markerClusterGroup" in parts["script"]
    assert "/vendor/markercluster/leaflet.markercluster.js" in parts["header"]
    assert "https://" not in parts["header"] and "//cdn" not in parts["header"]
    assert gm.names["services"] in parts["script"] and gm.names["areas"] in parts["script"]
    few = build_gap_map(areas_fc(), [service(1), service(2, passes=False)], [],
                        bounds=[[52.0, -2.8], [52.2, -2.6]], catchment_m=5000)
    script = page_parts(few.map, local, "n0nce")["script"]
    assert '"maxClusterRadius": 50' in script  # close marks cluster: no overlapping targets
    # A service that fails the filter is marked hollow (class svc-out), one that meets it not.
    assert '"className": "yvm-marker svc cost-free svc-2 svc-out"' in script
    assert '"className": "yvm-marker svc cost-free svc-1"' in script
    assert "L.control.layers" in script


def test_a_clustered_map_is_drawn_at_its_final_view_without_animation():
    """The view is set, unanimated, before the marks are clustered: clusters made at the
    starting zoom and split by a later fitBounds animated for 0.3 s with marks lying on
    one another (axe-core's target-size caught it on the gap map)."""
    gap = build_gap_map(areas_fc(), [service(i) for i in range(30)],
                        [{"name": "Library", "lat": 52.1, "lon": -2.7}],
                        bounds=[[52.0, -2.8], [52.2, -2.6]], catchment_m=5000)
    points = point_map([{"lat": 52.1 + i * 1e-3, "lon": -2.7, "label": f"S{i}"}
                        for i in range(30)], asset_url=local, nonce="n0nce")
    for script in (page_parts(gap.map, local, "n0nce")["script"], points["script"]):
        fit, cluster = script.index(".fitBounds("), script.index("L.markerClusterGroup(")
        assert fit < cluster
        assert '"animate": false' in script[fit:cluster]


def test_cost_bands():
    assert cost_band(0, 10) == "free" and cost_band(10, 10) == "under"
    assert cost_band(10.01, 10) == "over" and cost_band(float("nan"), 10) == "unknown"


def test_display_geometry_is_simplified_rounded_wgs84():
    wiggly = Polygon([(400000 + i * 10, 250000 + (i % 2) * 3) for i in range(200)]
                     + [(402000, 252000), (400000, 252000)])
    gdf = gpd.GeoDataFrame(geometry=[wiggly], crs="EPSG:27700")
    out = display_geometry(gdf)
    coords = list(out.iloc[0].exterior.coords)
    assert len(coords) < 20  # 3 m wiggles vanish at a 40 m tolerance
    assert all(round(x, 5) == x and round(y, 5) == y for x, y in coords)
    assert out.crs.to_epsg() == 4326 and -3 < coords[0][0] < -2


def test_svg_map_draws_each_area_with_its_colour():
    geoms = [box(-2.8, 52.0, -2.7, 52.1), box(-2.7, 52.0, -2.6, 52.1)]
    svg = choropleth_svg(geoms, ["#ffffb2", "#bd0026"], ["West", "East & co"], title="Gap")
    assert svg.count("<path") == 2 and 'fill="#bd0026"' in svg
    assert "<title>East &amp; co</title>" in svg
