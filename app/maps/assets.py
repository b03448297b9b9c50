"""Point folium's JS/CSS at the app's own copies instead of CDNs.

Folium lists CDN URLs in each element's ``default_js``/``default_css``.  We
replace them, per instance, with URLs from an ``asset_url(package, filename)``
callable (the Flask side passes one built on ``url_for('vendor.asset', ...)``).
Assets we do not serve (Bootstrap, awesome-markers, glyphicons) are dropped:
our maps use circle markers and plain HTML popups, which need none of them.
"""

from __future__ import annotations

from collections.abc import Callable

import folium

AssetUrl = Callable[[str, str], str]

# folium asset name -> (vendor package, file)
KNOWN_JS = {
    "leaflet": ("leaflet", "leaflet.js"),
    "markerclusterjs": ("markercluster", "leaflet.markercluster.js"),
    "jquery": ("jquery", "jquery.min.js"),
}
KNOWN_CSS = {
    "leaflet_css": ("leaflet", "leaflet.css"),
    "markerclustercss": ("markercluster", "MarkerCluster.css"),
    "markerclusterdefaultcss": ("markercluster", "MarkerCluster.Default.css"),
}


def _walk(element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


def localise(m: folium.Map, asset_url: AssetUrl) -> folium.Map:
    """Rewrite every asset list in ``m`` and its children to local URLs.

    Raises ``ValueError`` for an asset it does not know, so that a new plugin
    cannot silently bring a CDN back.
    """
    for element in _walk(m):
        for attr, known in (("default_js", KNOWN_JS), ("default_css", KNOWN_CSS)):
            assets = getattr(element, attr, None)
            if not assets:
                continue
            local = []
            for name, url in assets:
                if name in known:
                    package, filename = known[name]
                    local.append((name, asset_url(package, filename)))
                elif name in _DROPPED:
                    continue
                elif not url.startswith(("http://", "https://", "//")):
                    local.append((name, url))
                else:
                    raise ValueError(f"folium asset {name!r} ({url}) has no local copy")
            setattr(element, attr, local)
    return m


_DROPPED = {
    "bootstrap", "bootstrap_css", "glyphicons_css", "awesome_markers", "awesome_markers_css",
    "awesome_markers_font_css", "awesome_rotate_css",
}
