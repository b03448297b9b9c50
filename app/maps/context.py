"""A light base layer drawn from data the app already has.  Pure: no Flask.

With no tile server configured (``MAP_TILES_URL`` empty, the default) a map
would show its figures on a grey square.  This module draws the context a
person needs to find their way instead, from what the app holds:

* **areas**: parish or ward outlines, each with its name and a point inside
  it where the name is written (``static/js/maps.js`` shows the names as
  text, decluttered);
* **roads**: the imported OpenStreetMap network (``flask geodata
  import-network``), roads a car may use only (no footpaths), merged into
  lines and simplified; ``major`` marks those with a speed of
  :data:`MAJOR_KMH` or more (tertiary roads and up, or a tagged limit of 30 mph
  or more), drawn wider; at most two features (major and minor roads, each one
  line or multi-line), chosen and simplified by the map's scale
  (:func:`generalise`);
* **places**: named points (council buildings), with their names.

:func:`context_features` returns one GeoJSON FeatureCollection in EPSG:4326
(property ``kind``: ``area``, ``road`` or ``place``) and :func:`add_context`
draws it as one non-interactive layer in its own pane, under the markers and
above the areas of a choropleth.  Names are GeoJSON properties, shown with
``textContent`` by fixed code: never JavaScript built from data.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import shapely

from ..geodata.crs import BNG
from .display import WGS84, display_geometry

MAJOR_KMH = 45.0
MAIN_KMH = 50.0  # the county-wide map: A and B roads (and 40 mph or faster), no streets
# Generalisation by scale (:func:`generalise`): the half-width of a map's window up to which
# it draws every street, then up to which it draws the roads between villages.
STREETS_HALF_M = 5_000.0
MAJOR_HALF_M = 12_000.0
CONTEXT_PANE = "context"
ROAD_STYLE = {
    True: {"color": "#3d4347", "weight": 2.0, "opacity": 0.6},
    False: {"color": "#6f777b", "weight": 1.0, "opacity": 0.5},
}
AREA_STYLE = {"color": "#505a5f", "weight": 1.5, "dashArray": "5 4", "fillColor": "#e8eef3",
              "fillOpacity": 0.6}
# A place's dot is built from its style (folium), so the style carries its pane too.
PLACE_STYLE = {"color": "#ffffff", "weight": 1.5, "fill": True, "fillColor": "#505a5f",
               "fillOpacity": 1.0, "radius": 5, "pane": CONTEXT_PANE, "interactive": False}


def road_lines(network, *, min_kmh: float = 0.0) -> gpd.GeoDataFrame:
    """The drivable roads of a :class:`app.analysis.roads.RoadNetwork` as merged lines.

    Columns ``major`` (bool) and ``geometry`` (EPSG:27700).  Footpaths, tracks
    and other ways a car may not use are left out; so are roads slower than
    ``min_kmh``.
    """
    from ..analysis.roads import DRIVE_BACK, DRIVE_FWD

    if network is None or not len(network.edge_u):
        return gpd.GeoDataFrame({"major": []}, geometry=[], crs=BNG)
    drive = (network.flags & (DRIVE_FWD | DRIVE_BACK)) > 0
    kmh = np.asarray(network.drive_kmh, dtype=float)
    rows, geoms = [], []
    for major in (True, False):
        use = drive & (kmh >= min_kmh) & ((kmh >= MAJOR_KMH) == major)
        if not use.any():
            continue
        coords = np.stack([network.node_xy[network.edge_u[use]],
                           network.node_xy[network.edge_v[use]]], axis=1)
        merged = shapely.line_merge(shapely.multilinestrings(shapely.linestrings(coords)))
        parts = shapely.get_parts(merged)
        geoms.extend(parts)
        rows.extend([major] * len(parts))
    return gpd.GeoDataFrame({"major": rows}, geometry=geoms, crs=BNG)


def generalise(half_width_m: float) -> tuple[float, float]:
    """``(min_kmh, tolerance_m)`` for a map whose window reaches ``half_width_m`` from its
    middle: which roads to draw (:func:`road_lines`' ``min_kmh``) and how much to simplify
    them, as a cartographer generalises by scale.

    The window is about what the map shows (a results map fits its view to the results
    and the window is 1.2 times their box; a service map opens at zoom 12 on a 4 km
    window), and the narrowest map is a 360 px phone's, about 330 px across.  So a
    window ``2 * half_width_m`` wide is drawn at about ``half_width_m / 165`` metres a
    pixel on a phone, about half that on a laptop:

    * up to :data:`STREETS_HALF_M` (5 km: 30 m a pixel or finer, web map zoom 12 and
      up, where OpenStreetMap's own maps start to draw residential streets) every road
      a car may use: a town's streets, 50-100 m apart, are still 2-3 px apart;
    * up to :data:`MAJOR_HALF_M` (12 km: about 75 m a pixel, zoom 10-11) the roads
      of :data:`MAJOR_KMH` and faster (tertiary and up: the roads between villages);
      streets there would be a grey smudge, not a way to find one's way;
    * wider (the whole county: the first page of the directory, 30 km) only the main
      roads, A and B roads (:data:`MAIN_KMH`), as on the county gap map.

    The tolerance is a third of a pixel on a phone and well under one on a laptop:
    ``half_width_m / 500``, no finer than 10 m (below that nothing shows) and no
    coarser than 60 m.
    """
    if half_width_m <= STREETS_HALF_M:
        min_kmh = 0.0
    elif half_width_m <= MAJOR_HALF_M:
        min_kmh = MAJOR_KMH
    else:
        min_kmh = MAIN_KMH
    return min_kmh, min(60.0, max(10.0, half_width_m / 500.0))


def _window_box(window):
    return None if window is None else shapely.box(*window)


def context_features(*, areas: gpd.GeoDataFrame | None = None,
                     roads: gpd.GeoDataFrame | None = None, places=(),
                     window: tuple[float, float, float, float] | None = None,
                     label_window: tuple[float, float, float, float] | None = None,
                     tolerance_m: float = 20.0) -> dict:
    """One FeatureCollection (EPSG:4326) of the context inside ``window``.

    ``areas``: EPSG:27700 polygons with a ``name`` column (areas touching the
    window are kept whole).  ``roads``: :func:`road_lines` (clipped to the
    window).  ``places``: dicts with ``name``, ``x``, ``y`` (EPSG:27700) and
    optionally ``kind``.  ``window``: (minx, miny, maxx, maxy) in EPSG:27700,
    or None for everything.  ``label_window``: where names should be written if
    the area reaches it (the part of the map surely on screen), so the area a
    point lies in is named next to it rather than at its far end.
    """
    box = _window_box(window)
    features: list[dict] = []
    if areas is not None and len(areas):
        shown = areas[["name", "geometry"]]
        if box is not None:
            shown = shown[shown.intersects(box)]
        if len(shown):
            inside = _label_points(shown.geometry, label_window)
            geoms = display_geometry(shown, tolerance_m)
            for name, geom, pt in zip(shown["name"], geoms.values, inside.values, strict=True):
                features.append(_feature(geom, kind="area", name=str(name),
                                         label=[round(pt.y, 5), round(pt.x, 5)]))
    if roads is not None and len(roads):
        shown = roads
        if box is not None:
            # The spatial index is built once per (cached) set of lines.
            shown = shown.iloc[np.sort(shown.sindex.query(box, predicate="intersects"))]
            shown = shown.set_geometry(shapely.clip_by_rect(shown.geometry.values, *window))
            shown = shown[~shown.geometry.is_empty]
        if len(shown):
            geoms = display_geometry(shown, tolerance_m).values
            majors = shown["major"].to_numpy(dtype=bool)
            for major in (True, False):
                # One feature per kind of road: a feature's own wrapping would weigh more
                # than a short street's few points.
                parts = shapely.get_parts(geoms[majors == major])
                parts = parts[(shapely.get_type_id(parts) == 1) & ~shapely.is_empty(parts)]
                if len(parts):
                    geom = parts[0] if len(parts) == 1 else shapely.multilinestrings(parts)
                    features.append(_feature(geom, kind="road", major=major))
    for p in places:
        pt = shapely.Point(p["x"], p["y"])
        if box is not None and not box.contains(pt):
            continue
        geom = gpd.GeoSeries([pt], crs=BNG).to_crs(WGS84).values[0]
        geom = shapely.set_precision(geom, 1e-5)
        features.append(_feature(geom, kind="place", name=str(p["name"]),
                                 place=str(p.get("kind") or "")))
    return {"type": "FeatureCollection", "features": features}


def _label_points(geoms: gpd.GeoSeries, label_window) -> gpd.GeoSeries:
    """A point inside each shape (in the part of it inside ``label_window`` if any), WGS84."""
    if label_window is not None:
        near = geoms.intersection(shapely.box(*label_window))
        geoms = near.where(~near.is_empty & (near.area > 0), geoms)
    return geoms.representative_point().to_crs(WGS84)


def _feature(geom, **properties) -> dict:
    return {"type": "Feature", "properties": properties,
            "geometry": shapely.geometry.mapping(geom)}


def _style(feature) -> dict:
    props = feature.get("properties") or {}
    kind = props.get("kind", "area")  # any other outline is drawn as an area
    if kind == "road":
        return dict(ROAD_STYLE[bool(props.get("major"))], fill=False)
    if kind == "place":
        return dict(PLACE_STYLE)
    return dict(AREA_STYLE)


def has_features(fc: dict | None) -> bool:
    return bool(fc and fc.get("features"))


def add_context(m: folium.Map, fc: dict, *, name: str = "Roads and places",
                z_index: int = 450, control: bool = True) -> folium.GeoJson:
    """Draw ``fc`` (from :func:`context_features`) on ``m`` as one quiet, non-interactive
    layer in its own pane (``z_index`` 450: above a choropleth, under the markers).
    Returns the layer; its features' names are shown by ``static/js/maps.js``."""
    folium.map.CustomPane(CONTEXT_PANE, z_index=z_index, pointer_events=False).add_to(m)
    return folium.GeoJson(
        fc, name=name, control=control, style_function=_style, interactive=False,
        pane=CONTEXT_PANE,
        marker=folium.CircleMarker(radius=5),
    ).add_to(m)
