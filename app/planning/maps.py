"""Folium maps for the planning pages.  No Flask: the view passes ``asset_url``
(on ``url_for('vendor.asset')``) and the CSP nonce; :mod:`app.maps.page` makes the
assets local, adds the nonce and shows every label as text.

Areas are drawn in a few categories (colour + legend text); points (sites,
services) as circle markers with plain-text tooltips.  Counts are never put
on the map: the tables beside it carry them, through disclosure control.
"""

from __future__ import annotations

import folium
import geopandas as gpd

from ..geodata.crs import BNG, WGS84
from ..maps.page import geojson_text_tooltip, page_parts, text_store, text_tooltip


def planning_map(areas: gpd.GeoDataFrame | None, *, category: str | None = None,
                 colours: dict[str, str] | None = None, points: list[dict] = (),
                 asset_url, nonce: str, tiles_url: str = "", attribution: str = "",
                 height: str = "420px") -> dict:
    """A map; returns ``{"header", "html", "script"}`` to place in a page.

    ``areas``: EPSG:27700 polygons with ``name`` and a ``category`` column whose
    values are keys of ``colours`` (others are drawn pale grey).
    ``points``: dicts with ``x``, ``y`` (EPSG:27700), ``label``, ``colour``, ``radius``.
    """
    colours = colours or {}
    m = folium.Map(location=[52.06, -2.72], zoom_start=9, tiles=tiles_url or None,
                   attr=attribution or None, width="100%", height=height, control_scale=True)
    labels = text_store(m)
    bounds = None
    if areas is not None and len(areas):
        shown = areas[["name", category, "geometry"]].copy() if category else \
            areas[["name", "geometry"]].copy()
        shown["geometry"] = shown.geometry.simplify(25)
        shown = shown.to_crs(WGS84)
        shown["fill"] = [colours.get(v, "#f3f2f1") for v in
                         (shown[category] if category else [None] * len(shown))]
        shown["label"] = [str(n) + (f" – {v}" if category and v else "")
                          for n, v in zip(shown["name"], shown[category] if category
                                          else [None] * len(shown), strict=True)]
        layer = folium.GeoJson(
            shown[["label", "fill", "geometry"]].to_json(),
            style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#505a5f",
                                      "weight": 0.6, "fillOpacity": 0.7},
        ).add_to(m)
        geojson_text_tooltip(layer, ["label"])
        minx, miny, maxx, maxy = shown.total_bounds
        bounds = [[miny, minx], [maxy, maxx]]
    if points:
        pts = gpd.GeoSeries(gpd.points_from_xy([p["x"] for p in points],
                                               [p["y"] for p in points]), crs=BNG).to_crs(WGS84)
        for p, g in zip(points, pts, strict=True):
            colour = p.get("colour", "#1d70b8")
            marker = folium.CircleMarker(location=[g.y, g.x], radius=p.get("radius", 7),
                                         color="#0b0c0c", weight=1.5, fill=True,
                                         fill_color=colour, fill_opacity=0.9).add_to(m)
            text_tooltip(marker, labels, p.get("label", ""))
        pb = [[pts.y.min(), pts.x.min()], [pts.y.max(), pts.x.max()]]
        bounds = pb if bounds is None else [
            [min(bounds[0][0], pb[0][0]), min(bounds[0][1], pb[0][1])],
            [max(bounds[1][0], pb[1][0]), max(bounds[1][1], pb[1][1])]]
    if bounds:
        m.fit_bounds(bounds, padding=(10, 10))
    return page_parts(m, asset_url, nonce)
