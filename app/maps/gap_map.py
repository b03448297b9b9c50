"""The folium gap map.  Pure: no Flask (the view passes URLs and data in).

Layers: the choropleth of areas (one colour per area from
:func:`app.analysis.classify.classify`), the roads when a network is imported
(:mod:`app.maps.context`, when no tile server is configured), services as round
markers (one colour rule: cost band; hollow and smaller when a service does not
meet the chosen filter), council buildings as squares (services and buildings
closer than :data:`app.maps.page.CLUSTER_PX` pixels become one numbered cluster, so no two targets
overlap), travel catchments (circles of the straight-line radius reachable
within the threshold; off by default), and a collapsed layer control.  Every
marker is a 24 px target with its name (and type and cost) as its tooltip and
accessible name; a white ring keeps it visible on any area colour
(``static/css/maps.css``).  The key is HTML below the map, not inside it,
so it can be read without JavaScript and updated by ``gaps.js``.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium

from .context import add_context, has_features
from .page import cluster_group, geojson_text_tooltip, named_marker, text_store

# One colour rule for services: what a month costs (blue, yellow, black: told apart with
# any colour vision, and none of them a colour of the area scale).  gaps.css draws them.
COST_COLOURS = {"free": "#1d70b8", "under": "#ffdd00", "over": "#0b0c0c",
                "unknown": "#b1b4b6"}
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


def service_marker_class(service: dict) -> str:
    """CSS classes of a service's marker: its cost band, its id and, when it does not
    meet the current filter, ``svc-out`` (drawn hollow and smaller)."""
    out = "" if service["passes"] else " svc-out"
    return f"yvm-marker svc cost-{service['cost_band']} svc-{int(service['id'])}{out}"


def build_gap_map(areas_geojson: dict, services: list[dict], buildings: list[dict], *,
                  bounds, catchment_m: float, tiles_url: str = "", attribution: str = "",
                  context: dict | None = None) -> GapMap:
    """``areas_geojson``: FeatureCollection whose properties carry ``code``,
    ``name``, ``colour``, ``value_text`` and optionally ``incomplete``.
    ``services``: dicts with ``id``,
    ``name``, ``lat``, ``lon``, ``type``, ``type_label``, ``cost_text``,
    ``cost_band``, ``passes`` (meets the current filter).  ``buildings``: dicts
    with ``name``, ``lat``, ``lon``, ``kind``.  ``bounds``: [[s, w], [n, e]].
    ``context``: :func:`app.maps.context.context_features` (roads), drawn when
    there is no tile server.
    """
    m = folium.Map(location=[(bounds[0][0] + bounds[1][0]) / 2,
                             (bounds[0][1] + bounds[1][1]) / 2],
                   zoom_start=9, tiles=None, control_scale=True, prefer_canvas=False,
                   zoom_snap=0.25)
    m.options["max_zoom"] = 18  # clusters need the map's top zoom, with tiles or none
    # The final view first, before any layer: the clusters are then made at the zoom the
    # map shows (made at zoom_start and split after fitBounds, they animated for 0.3 s
    # with marks overlapping, and names were placed mid-zoom).
    fit = folium.map.FitBounds(bounds)
    fit.options["animate"] = False
    m.add_child(fit)
    if tiles_url:
        folium.TileLayer(tiles=tiles_url, attr=attribution or "Map tiles", name="Base map",
                         control=False).add_to(m)
    labels = text_store(m)
    areas = folium.GeoJson(
        areas_geojson, name="Areas",
        style_function=_area_style,
    ).add_to(m)
    geojson_text_tooltip(areas, ["name", "value_text"])
    roads = None
    if has_features(context) and not tiles_url:
        roads = add_context(m, context, name="Roads")
    catch = folium.FeatureGroup(name="Travel catchments", show=False).add_to(m)
    for s in services:
        folium.Circle([s["lat"], s["lon"]], radius=catchment_m, weight=1, color="#2166ac",
                      fill=True, fill_opacity=0.05 if s["passes"] else 0.0,
                      opacity=0.5 if s["passes"] else 0.1,
                      class_name=f"catch svc-{int(s['id'])}").add_to(catch)
    # Services and buildings in one cluster group, so no two targets overlap at any zoom
    # (WCAG 2.5.8): marks closer than CLUSTER_PX become one numbered button.
    group = cluster_group("Services and council buildings").add_to(m)
    for s in services:
        named_marker([s["lat"], s["lon"]], labels,
                     f"{s['name']} ({s['type_label']}, {s['cost_text']})",
                     class_name=service_marker_class(s)).add_to(group)
    for b in buildings:
        kind = f", {b['kind']}" if b.get("kind") else ""
        named_marker([b["lat"], b["lon"]], labels, f"{b['name']} (council building{kind})",
                     class_name="yvm-marker gap-building").add_to(group)
    folium.LayerControl(collapsed=True).add_to(m)
    names = {"map": m.get_name(), "areas": areas.get_name(),
             "services": group.get_name(), "catchments": catch.get_name()}
    if roads is not None:
        names["context"] = roads.get_name()
    return GapMap(m, names)
