"""Folium maps for the planning pages.  No Flask: the view passes ``asset_url``
(on ``url_for('vendor.asset')``) and the CSP nonce.

Areas are drawn in a few categories (colour + legend text); points (sites,
services) as circle markers with plain-text tooltips.  Counts are never put
on the map: the tables beside it carry them, through disclosure control.
"""

from __future__ import annotations

import html as html_lib
import re

import folium
import geopandas as gpd

from ..maps.assets import localise

_SCRIPT_TAG = re.compile(r"<script(?![^>]*\bnonce=)", re.IGNORECASE)


def _nonce(markup: str, nonce: str) -> str:
    return _SCRIPT_TAG.sub(f'<script nonce="{nonce}"', markup)


def _header(header: str, map_name: str) -> str:
    """Asset links and the map's own size rule only (folium's page-wide rules would
    break the surrounding page)."""
    parts = re.findall(r"<script[^>]*\bsrc=[^>]*>\s*</script>|<link[^>]*>", header)
    own = re.search(r"<style>\s*#" + re.escape(map_name) + r"\b.*?</style>", header, re.S)
    if own:
        parts.append(own.group(0))
    return "\n".join(parts)


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
    bounds = None
    if areas is not None and len(areas):
        shown = areas[["name", category, "geometry"]].copy() if category else \
            areas[["name", "geometry"]].copy()
        shown["geometry"] = shown.geometry.simplify(25)
        shown = shown.to_crs(4326)
        shown["fill"] = [colours.get(v, "#f3f2f1") for v in
                         (shown[category] if category else [None] * len(shown))]
        shown["label"] = [html_lib.escape(str(n)) + (f" – {html_lib.escape(str(v))}"
                                                     if category and v else "")
                          for n, v in zip(shown["name"], shown[category] if category
                                          else [None] * len(shown), strict=True)]
        folium.GeoJson(
            shown[["label", "fill", "geometry"]].to_json(),
            style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#505a5f",
                                      "weight": 0.6, "fillOpacity": 0.7},
            tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        ).add_to(m)
        minx, miny, maxx, maxy = shown.total_bounds
        bounds = [[miny, minx], [maxy, maxx]]
    if points:
        pts = gpd.GeoSeries(gpd.points_from_xy([p["x"] for p in points],
                                               [p["y"] for p in points]), crs=27700).to_crs(4326)
        for p, g in zip(points, pts, strict=True):
            colour = p.get("colour", "#1d70b8")
            folium.CircleMarker(location=[g.y, g.x], radius=p.get("radius", 7), color="#0b0c0c",
                                weight=1.5, fill=True, fill_color=colour, fill_opacity=0.9,
                                tooltip=html_lib.escape(p.get("label", ""))).add_to(m)
        pb = [[pts.y.min(), pts.x.min()], [pts.y.max(), pts.x.max()]]
        bounds = pb if bounds is None else [
            [min(bounds[0][0], pb[0][0]), min(bounds[0][1], pb[0][1])],
            [max(bounds[1][0], pb[1][0]), max(bounds[1][1], pb[1][1])]]
    if bounds:
        m.fit_bounds(bounds, padding=(10, 10))
    localise(m, asset_url)
    root = m.get_root()
    root.render()
    return {
        "header": _nonce(_header(root.header.render(), m.get_name()), nonce),
        "html": root.html.render(),
        "script": f'<script nonce="{nonce}">{root.script.render()}</script>',
    }
