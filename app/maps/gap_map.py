"""The folium gap map.  Pure: no Flask (the view passes URLs and data in).

Layers: the choropleth of areas (one colour per area from
:func:`app.analysis.classify.classify`), services as circle markers (edge
colour = type, fill = cost band; clustered when there are more than
``CLUSTER_OVER``), council buildings, travel catchments (circles of the
straight-line radius reachable within the threshold; off by default), and a
layer control.  The legend is HTML beside the map, not inside it, so it can
be read without JavaScript and updated by ``gaps.js``.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
from folium.plugins import MarkerCluster

from .page import geojson_text_tooltip, text_store, text_tooltip

CLUSTER_OVER = 150
TYPE_COLOURS = {
    "open_access": "#1b9e77", "drop_in": "#1b9e77", "detached": "#1b9e77",
    "uniformed": "#7570b3", "sport": "#d95f02", "boxing_martial_arts": "#d95f02",
    "arts_music": "#e7298a", "outdoor": "#66a61e", "faith": "#a6761d",
    "online": "#666666", "other": "#666666",
}
COST_COLOURS = {"free": "#1a9850", "under": "#fee08b", "over": "#d73027",
                "unknown": "#ffffff"}
COST_LABELS = {"free": "Free", "under": "Under the monthly limit",
               "over": "Over the monthly limit", "unknown": "Price not known"}


@dataclass
class GapMap:
    map: folium.Map
    names: dict  # JS variable names: map, areas, services, catchments, buildings


def _area_style(feature) -> dict:
    """Areas scored without an input (``incomplete``) get a dashed, heavier edge."""
    props = feature["properties"]
    style = {"fillColor": props["colour"], "color": "#333333", "weight": 0.6,
             "fillOpacity": 0.75}
    if props.get("incomplete"):
        style.update(color="#000000", weight=2.0, dashArray="5 4")
    return style


def cost_band(monthly, max_monthly: float) -> str:
    if monthly is None or monthly != monthly:
        return "unknown"
    if monthly <= 0:
        return "free"
    return "under" if monthly <= max_monthly else "over"


def build_gap_map(areas_geojson: dict, services: list[dict], buildings: list[dict], *,
                  bounds, catchment_m: float, tiles_url: str = "", attribution: str = "",
                  ) -> GapMap:
    """``areas_geojson``: FeatureCollection whose properties carry ``code``,
    ``name``, ``colour``, ``value_text`` and optionally ``incomplete``.
    ``services``: dicts with ``id``,
    ``name``, ``lat``, ``lon``, ``type``, ``type_label``, ``cost_text``,
    ``cost_band``, ``passes`` (meets the current filter).  ``buildings``: dicts
    with ``name``, ``lat``, ``lon``, ``kind``.  ``bounds``: [[s, w], [n, e]].
    """
    m = folium.Map(location=[(bounds[0][0] + bounds[1][0]) / 2,
                             (bounds[0][1] + bounds[1][1]) / 2],
                   zoom_start=9, tiles=None, control_scale=True, prefer_canvas=False,
                   zoom_snap=0.25)
    if tiles_url:
        folium.TileLayer(tiles=tiles_url, attr=attribution or "Map tiles", name="Base map",
                         control=False).add_to(m)
    labels = text_store(m)
    areas = folium.GeoJson(
        areas_geojson, name="Areas",
        style_function=_area_style,
    ).add_to(m)
    geojson_text_tooltip(areas, ["name", "value_text"])
    catch = folium.FeatureGroup(name="Travel catchments", show=False).add_to(m)
    for s in services:
        folium.Circle([s["lat"], s["lon"]], radius=catchment_m, weight=1, color="#2166ac",
                      fill=True, fill_opacity=0.05 if s["passes"] else 0.0,
                      opacity=0.5 if s["passes"] else 0.1,
                      class_name=f"catch svc-{int(s['id'])}").add_to(catch)
    if len(services) > CLUSTER_OVER:
        group = MarkerCluster(name="Services").add_to(m)
    else:
        group = folium.FeatureGroup(name="Services").add_to(m)
    for s in services:
        marker = folium.CircleMarker(
            [s["lat"], s["lon"]], radius=7, weight=3,
            color=TYPE_COLOURS.get(s["type"], "#666666"),
            fill=True, fill_color=COST_COLOURS[s["cost_band"]],
            fill_opacity=0.95 if s["passes"] else 0.15,
            opacity=1.0 if s["passes"] else 0.25,
            class_name=f"svc svc-{int(s['id'])}",
        ).add_to(group)
        text_tooltip(marker, labels, f"{s['name']} ({s['type_label']}, {s['cost_text']})")
    bgroup = folium.FeatureGroup(name="Council buildings", show=bool(buildings)).add_to(m)
    for b in buildings:
        marker = folium.Marker(
            [b["lat"], b["lon"]],
            icon=folium.DivIcon(html="", class_name="gap-building", icon_size=(12, 12),
                                icon_anchor=(6, 6)),
        ).add_to(bgroup)
        text_tooltip(marker, labels,
                     f"{b['name']} (council building{', ' + b['kind'] if b.get('kind') else ''})")
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds(bounds)
    return GapMap(m, {"map": m.get_name(), "areas": areas.get_name(),
                      "services": group.get_name(), "catchments": catch.get_name(),
                      "buildings": bgroup.get_name()})

