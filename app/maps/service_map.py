"""A small folium map of one service (and optionally nearby council buildings).

Pure: no Flask.  The caller passes ``asset_url`` (built on ``url_for('vendor.asset')``)
so every asset is served by the app (:func:`app.maps.assets.localise`), and a CSP
nonce so the inline map script may run.  Returns the three parts to place in a
page: ``header`` (CSS/JS links), ``html`` (the map div) and ``script``.
"""

from __future__ import annotations

import html as html_lib
import re

import folium

from .assets import localise

_SCRIPT_TAG = re.compile(r"<script(?![^>]*\bnonce=)", re.IGNORECASE)


def add_nonce(markup: str, nonce: str) -> str:
    return _SCRIPT_TAG.sub(f'<script nonce="{nonce}"', markup)


def _page_safe_header(header: str, map_name: str) -> str:
    """Keep only the asset links and the map's own size rule: folium's full-page
    rules (``html, body {height: 100%}``, a viewport that blocks zooming) would
    break the surrounding page."""
    parts = re.findall(r"<script[^>]*\bsrc=[^>]*>\s*</script>|<link[^>]*>", header)
    own = re.search(r"<style>\s*#" + re.escape(map_name) + r"\b.*?</style>", header, re.S)
    if own:
        parts.append(own.group(0))
    return "\n".join(parts)


def point_map(points: list[dict], *, asset_url, nonce: str, tiles_url: str = "",
              attribution: str = "", zoom: int = 14, height: str = "260px",
              context: dict | None = None) -> dict:
    """A map of ``points`` (dicts with lat, lon, label, kind='service'|'building').

    With no tile URL configured the map has no basemap (nothing leaves the app);
    ``context`` (a GeoJSON FeatureCollection in EPSG:4326 whose features carry a
    ``name``) then draws the surrounding parish or ward outlines, so the point
    is not alone on a grey square.
    """
    first = points[0]
    if context and context.get("features") and not tiles_url:
        zoom = min(zoom, 12)  # wide enough to see the neighbouring places
    m = folium.Map(location=[first["lat"], first["lon"]], zoom_start=zoom,
                   tiles=tiles_url or None, attr=attribution or None,
                   width="100%", height=height, control_scale=True)
    if context and context.get("features"):
        folium.GeoJson(
            context,
            name="Areas",
            style_function=lambda f: {
                "color": "#505a5f", "weight": 1.5, "fillColor": "#dbe7f0", "fillOpacity": 0.45,
            },
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
        ).add_to(m)
    for p in points:
        colour = "#1d70b8" if p.get("kind", "service") == "service" else "#b35c00"
        folium.CircleMarker(
            location=[p["lat"], p["lon"]], radius=9 if p.get("kind", "service") == "service" else 6,
            color=colour, fill=True, fill_color=colour, fill_opacity=0.8, weight=2,
            tooltip=html_lib.escape(p.get("label", "")),
        ).add_to(m)
    if len(points) > 1:
        lats = [p["lat"] for p in points]
        lons = [p["lon"] for p in points]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    localise(m, asset_url)
    root = m.get_root()
    root.render()
    return {
        "header": add_nonce(_page_safe_header(root.header.render(), m.get_name()), nonce),
        "html": root.html.render(),
        "script": f'<script nonce="{nonce}">{root.script.render()}</script>',
    }
