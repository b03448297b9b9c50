"""A small folium map of one service (and optionally nearby council buildings).

Pure: no Flask.  The caller passes ``asset_url`` (built on ``url_for('vendor.asset')``)
and the CSP nonce; :func:`app.maps.page.page_parts` makes the assets local, adds the
nonce and returns the three parts to place in a page.  Labels are plain text
(:func:`app.maps.page.text_tooltip`), never JavaScript source.
"""

from __future__ import annotations

import folium

from .page import geojson_text_tooltip, page_parts, text_store, text_tooltip


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
    labels = text_store(m)
    if context and context.get("features"):
        outline = folium.GeoJson(
            context,
            name="Areas",
            style_function=lambda f: {
                "color": "#505a5f", "weight": 1.5, "fillColor": "#dbe7f0", "fillOpacity": 0.45,
            },
        ).add_to(m)
        geojson_text_tooltip(outline, ["name"])
    for p in points:
        colour = "#1d70b8" if p.get("kind", "service") == "service" else "#b35c00"
        marker = folium.CircleMarker(
            location=[p["lat"], p["lon"]], radius=9 if p.get("kind", "service") == "service" else 6,
            color=colour, fill=True, fill_color=colour, fill_opacity=0.8, weight=2,
        ).add_to(m)
        text_tooltip(marker, labels, p.get("label", ""))
    if len(points) > 1:
        lats = [p["lat"] for p in points]
        lons = [p["lon"] for p in points]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    return page_parts(m, asset_url, nonce)
