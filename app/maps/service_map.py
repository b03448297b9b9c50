"""A small folium map of one service (and optionally nearby council buildings).

Pure: no Flask.  The caller passes ``asset_url`` (built on ``url_for('vendor.asset')``)
and the CSP nonce; :func:`app.maps.page.page_parts` makes the assets local, adds the
nonce and returns the three parts to place in a page.  Labels are plain text
(:func:`app.maps.page.text_tooltip`), never JavaScript source.
"""

from __future__ import annotations

import folium

from .context import add_context, has_features
from .page import cluster_group, named_marker, page_parts, text_store


def point_map(points: list[dict], *, asset_url, nonce: str, tiles_url: str = "",
              attribution: str = "", zoom: int = 14, height: str = "260px",
              context: dict | None = None, padding: int = 20) -> dict:
    """A map of ``points`` (dicts with lat, lon, label, kind='service'|'building').

    With no tile URL configured the map has no basemap (nothing leaves the app);
    ``context`` (:func:`app.maps.context.context_features`: parish or ward outlines
    with their names, roads, council buildings) is then drawn as a light base layer,
    so the point is not alone on a grey square.  ``static/js/maps.js`` writes the
    names on the map.  ``padding`` (pixels) keeps the outermost marks clear of the map's
    edges and its zoom buttons.  Returns ``page_parts`` plus ``names`` (the JavaScript names of
    the map and of its context layer, for the page's ``data-`` attributes).
    """
    first = points[0]
    show_context = has_features(context) and not tiles_url
    if show_context:
        zoom = min(zoom, 12)  # wide enough to see the neighbouring places
    m = folium.Map(location=[first["lat"], first["lon"]], zoom_start=zoom,
                   tiles=tiles_url or None, attr=attribution or None,
                   width="100%", height=height, control_scale=True)
    labels = text_store(m)
    names = {"map": m.get_name()}
    if show_context:
        names["context"] = add_context(m, context, name="Places and roads", z_index=350,
                                       control=False).get_name()
    group = m
    if len(points) > 1:  # close marks cluster, so no two targets overlap
        m.options["max_zoom"] = 18
        # The final view before the cluster group: clusters made at zoom_start would
        # split, animating with marks overlapping, once fit_bounds changed the zoom.
        lats = [p["lat"] for p in points]
        lons = [p["lon"] for p in points]
        fit = folium.map.FitBounds([[min(lats), min(lons)], [max(lats), max(lons)]],
                                   padding=(padding, padding))
        fit.options["animate"] = False  # drawn at its view, not zoomed to it
        m.add_child(fit)
        group = cluster_group("Places").add_to(m)
    for p in points:
        service = p.get("kind", "service") == "service"
        kind = ("map-here" if len(points) == 1 else "svc") if service else "gap-building"
        named_marker([p["lat"], p["lon"]], labels, p.get("label", ""),
                     class_name=f"yvm-marker {kind}").add_to(group)
    return {**page_parts(m, asset_url, nonce), "names": names}
