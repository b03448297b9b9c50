"""The context base layer (app/maps/context.py) without Flask: roads from an imported
network, area outlines and names, places, all in WGS84, cut to a window."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
from shapely.geometry import box

from app.analysis.roads import CYCLE, DRIVE_BACK, DRIVE_FWD, WALK, RoadNetwork
from app.maps.context import MAJOR_KMH, add_context, context_features, road_lines
from app.maps.gap_map import build_gap_map
from app.maps.page import page_parts

HOSTILE = '</script><img src=x onerror="window.__owned=1">`${x}` & Co'
BOTH = WALK | CYCLE | DRIVE_FWD | DRIVE_BACK


def network() -> RoadNetwork:
    """An A road (nodes 0-1-2, 65 km/h) running east, a lane (40 km/h) north from its
    middle (1-3), and a footpath (3-4) on from the lane, all in EPSG:27700."""
    xy = np.array([[350000, 240000], [351000, 240000], [352000, 240000],
                   [351000, 241000], [351000, 242000]], dtype=float)
    u, v = np.array([0, 1, 1, 3], dtype=np.int32), np.array([1, 2, 3, 4], dtype=np.int32)
    flags = np.array([BOTH, BOTH, BOTH, WALK], dtype=np.uint8)
    kmh = np.array([65, 65, 40, 0], dtype=np.float32)
    length = np.hypot(*(xy[u] - xy[v]).T).astype(np.float32)
    return RoadNetwork(xy, u, v, length, flags, kmh)


def test_road_lines_merge_drivable_edges_and_mark_main_roads():
    lines = road_lines(network())
    assert lines.crs.to_epsg() == 27700
    major = lines[lines["major"]]
    minor = lines[~lines["major"]]
    # The A road's two edges become one line of 2 km; the lane is minor; no footpath.
    assert len(major) == 1 and abs(major.geometry.iloc[0].length - 2000) < 1e-6
    assert len(minor) == 1 and abs(minor.geometry.iloc[0].length - 1000) < 1e-6
    assert lines.geometry.total_bounds[3] <= 241000  # the footpath north of 241000 is left out
    main = road_lines(network(), min_kmh=MAJOR_KMH)
    assert list(main["major"]) == [True]
    assert road_lines(None).empty


def test_context_features_cut_to_a_window_in_wgs84_with_names_as_text():
    areas = gpd.GeoDataFrame({"name": ["Near", HOSTILE, "Far away"]}, geometry=[
        box(349000, 239000, 351000, 241000), box(351000, 239000, 353000, 241000),
        box(380000, 260000, 382000, 262000)], crs="EPSG:27700")
    places = [{"name": "Old library", "x": 350500, "y": 240200, "kind": "library"},
              {"name": "Far hall", "x": 381000, "y": 261000}]
    fc = context_features(areas=areas, roads=road_lines(network()), places=places,
                          window=(349500, 239500, 351500, 240500),
                          label_window=(350000, 239800, 351000, 240200))
    kinds = [f["properties"]["kind"] for f in fc["features"]]
    assert kinds.count("area") == 2 and kinds.count("road") == 2 and kinds.count("place") == 1
    names = {f["properties"].get("name") for f in fc["features"]}
    assert {"Near", HOSTILE, "Old library"} <= names and "Far away" not in names
    roads = {f["properties"]["major"]: f["geometry"]["coordinates"] for f in fc["features"]
             if f["properties"]["kind"] == "road"}
    # In degrees, cut at the window: the A road ends at its east edge, the lane at its north.
    def bng(coords):
        xy = np.asarray(coords)
        return gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=4326).to_crs(27700)

    a_road, lane = bng(roads[True]), bng(roads[False])
    assert abs(a_road.x.max() - 351500) < 2 and abs(a_road.x.min() - 350000) < 2
    assert abs(lane.y.max() - 240500) < 2
    near = next(f for f in fc["features"] if f["properties"].get("name") == "Near")
    lat, lon = near["properties"]["label"]
    # The name is written where the area meets the label window, not at its middle.
    assert 52.0 < lat < 52.2 and -3.0 < lon < -2.0
    centre = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs=4326).to_crs(27700).iloc[0]
    assert 350000 <= centre.x <= 351000 and 239800 <= centre.y <= 240200


def test_context_layer_is_quiet_and_in_its_own_pane():
    fc = context_features(areas=gpd.GeoDataFrame(
        {"name": [HOSTILE]}, geometry=[box(350000, 240000, 351000, 241000)], crs=27700),
        roads=road_lines(network()), places=[{"name": "Hall", "x": 350500, "y": 240500}])
    m = folium.Map(tiles=None)
    layer = add_context(m, fc, name="Roads")
    script = page_parts(m, lambda p, f: f"/vendor/{p}/{f}", "n0nce")["script"]
    assert 'createPane(' in script and '"context"' in script
    assert layer.get_name() in script and '"interactive": false' in script
    # Names reach the page only as JSON inside the script: no tag can close it.
    assert "</script><img" not in script and "\\u003c/script\\u003e" in script


def test_gap_map_draws_the_roads_unless_tiles_are_configured():
    from tests.gaps.test_maps import areas_fc, local, service

    roads = context_features(roads=road_lines(network(), min_kmh=MAJOR_KMH))
    kwargs = dict(bounds=[[52.0, -2.8], [52.2, -2.6]], catchment_m=5000, context=roads)
    gm = build_gap_map(areas_fc(), [service(1)], [], **kwargs)
    script = page_parts(gm.map, local, "n0nce")["script"]
    assert gm.names["context"] in script and '"Roads"' in script
    tiled = build_gap_map(areas_fc(), [service(1)], [], tiles_url="https://t.example/{z}/{x}/{y}",
                          **kwargs)
    assert "context" not in tiled.names
