"""Everything a folium map needs to sit safely in one of our pages.  Pure: no Flask.

Every map builder (gap map, service and buildings maps, planning maps) goes
through this module for four things:

1. **Local assets.**  :func:`localise` points folium's JS/CSS at the app's own
   copies (the Flask side passes ``asset_url(package, filename)`` built on
   ``url_for('vendor.asset', ...)``).  Assets we do not serve (Bootstrap,
   awesome-markers, glyphicons) are dropped; an unknown CDN asset raises.
2. **The CSP nonce.**  :func:`page_parts` splits the rendered map into
   ``header`` (asset links and the map's own size rule only: folium's
   page-wide rules would break the surrounding page), ``html`` (the map div
   and its data) and ``script``, every inline ``<script>`` carrying the nonce.
3. **No JavaScript source built from data.**  folium's ``Tooltip`` and
   ``Popup`` put their text inside a JavaScript template literal, where
   ``${...}`` runs code, a backtick ends the literal and ``</script>`` ends
   the script, whatever ``html.escape`` did first; its ``GeoJsonTooltip``
   sets ``innerHTML`` from feature properties.  So names never go through
   them.  A :class:`TextStore` puts every label in one
   ``<script type="application/json">`` data island (JSON with ``<``, ``>``,
   ``&`` and ``'`` escaped, so nothing in it can close the element), and
   :func:`text_tooltip` / :func:`geojson_text_tooltip` bind tooltips whose
   fixed code reads the island (or a GeoJSON property) and sets
   ``textContent``: the text is shown, never parsed as HTML or run.
   This small amount of our own code is kept because folium offers no
   tooltip that treats its text as text.
4. **No data rendered as a template on the server.**  branca renders each
   element's output again as a Jinja template; :mod:`app.maps.literal` (installed
   when :mod:`app.maps` is imported) keeps that output as text, and
   :func:`page_parts`, the one place maps are rendered, checks it first.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import folium
from branca.element import MacroElement
from folium.plugins import MarkerCluster
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps

from . import literal

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
_DROPPED = {
    "bootstrap", "bootstrap_css", "glyphicons_css", "awesome_markers", "awesome_markers_css",
    "awesome_markers_font_css", "awesome_rotate_css",
}
_SCRIPT_TAG = re.compile(r"<script(?![^>]*\bnonce=)", re.IGNORECASE)


# -- 1. local assets ------------------------------------------------------------------------

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


# -- 2. nonce and page parts ----------------------------------------------------------------

def add_nonce(markup: str, nonce: str) -> str:
    """Give every ``<script`` tag in ``markup`` that has none the CSP nonce."""
    return _SCRIPT_TAG.sub(f'<script nonce="{nonce}"', markup)


def _page_safe_header(header: str, map_name: str) -> str:
    parts = re.findall(r"<script[^>]*\bsrc=[^>]*>\s*</script>|<link[^>]*>", header)
    own = re.search(r"<style>\s*#" + re.escape(map_name) + r"\b.*?</style>", header, re.S)
    if own:
        parts.append(own.group(0))
    return "\n".join(parts)


def page_parts(m: folium.Map, asset_url: AssetUrl, nonce: str) -> dict:
    """``{"header", "html", "script"}`` for a page: assets made local, folium's
    page-wide rules left out, every script tag carrying ``nonce``."""
    literal.ensure()  # data in the map is never rendered as a template (issue 30)
    localise(m, asset_url)
    root = m.get_root()
    root.render()
    return {
        "header": add_nonce(_page_safe_header(root.header.render(), m.get_name()), nonce),
        "html": root.html.render(),
        "script": f'<script nonce="{nonce}">{root.script.render()}</script>',
    }


# -- 3. text from data, shown as text -------------------------------------------------------

class TextStore(MacroElement):
    """The labels of one map, in a ``<script type="application/json">`` island.

    Add it to the map before the layers; :meth:`add` returns the index a
    tooltip uses.  The island is written when the map renders, so labels added
    after the store is attached are included.
    """

    _template = Template("""
{% macro html(this, kwargs) %}<script type="application/json" id="{{ this.get_name() }}">{{ this.json() }}</script>{% endmacro %}
{% macro script(this, kwargs) %}
function {{ this.get_name() }}_text(i) {
    var el = document.getElementById("{{ this.get_name() }}");
    if (!el.yvmTexts) { el.yvmTexts = JSON.parse(el.textContent); }
    return String(el.yvmTexts[i]);
}
{% endmacro %}
""")

    def __init__(self):
        super().__init__()
        self._name = "TextStore"
        self.texts: list[str] = []

    def add(self, text) -> int:
        self.texts.append(str(text))
        return len(self.texts) - 1

    def json(self) -> str:
        return htmlsafe_json_dumps(self.texts)


class _TextTooltip(MacroElement):
    _template = Template("""
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.bindTooltip(function () {
    var d = document.createElement("div");
    d.textContent = {{ this.store.get_name() }}_text({{ this.index|int }});
    return d;
}, {{ this.options|tojson }});
{%- if this.name %}
(function (m, t) {
    function named() { var el = m.getElement && m.getElement(); if (el) { el.setAttribute("aria-label", t); } }
    var setIcon = m.setIcon;
    m.setIcon = function (icon) { setIcon.call(this, icon); named(); return this; };
    m.options.alt = t;
    m.on("add", named);
    named();
})({{ this._parent.get_name() }}, {{ this.store.get_name() }}_text({{ this.index|int }}));
{%- endif %}
{% endmacro %}
""")

    def __init__(self, store: TextStore, text, *, name: bool = False, **options):
        super().__init__()
        self._name = "TextTooltip"
        self.store = store
        self.index = store.add(text)
        self.name = name
        self.options = {"sticky": True, **options}


class _GeoJsonTextTooltip(MacroElement):
    _template = Template("""
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.bindTooltip(function (layer) {
    var d = document.createElement("div"), p = layer.feature.properties || {};
    {{ this.fields|tojson }}.forEach(function (f) {
        if (p[f] === null || p[f] === undefined || p[f] === "") { return; }
        var line = document.createElement("div");
        line.textContent = String(p[f]);
        d.appendChild(line);
    });
    return d;
}, {{ this.options|tojson }});
{% endmacro %}
""")

    def __init__(self, fields: list[str], **options):
        super().__init__()
        self._name = "GeoJsonTextTooltip"
        self.fields = list(fields)
        self.options = {"sticky": True, **options}


def text_store(m: folium.Map) -> TextStore:
    """A :class:`TextStore` attached to ``m``."""
    store = TextStore()
    store.add_to(m)
    return store


def text_tooltip(layer, store: TextStore, text, *, name: bool = False, **options):
    """Bind ``text`` to ``layer`` as a plain-text tooltip (through ``store``).

    ``name=True`` (for a :class:`folium.Marker`) also makes ``text`` the marker's
    accessible name: its element's ``aria-label``, set each time it is added.
    """
    _TextTooltip(store, text, name=name, **options).add_to(layer)
    return layer


def named_marker(location, store: TextStore, text, *, class_name: str,
                 size: int = 24) -> folium.Marker:
    """A keyboard-focusable marker drawn by CSS (a :class:`folium.DivIcon` of
    ``class_name``, ``size`` px square: a target a finger can hit), with ``text``
    as its tooltip and its accessible name."""
    half = size // 2
    marker = folium.Marker(location, keyboard=True, icon=folium.DivIcon(
        html="", class_name=class_name, icon_size=(size, size), icon_anchor=(half, half)))
    text_tooltip(marker, store, text, name=True, sticky=False)
    return marker


def geojson_text_tooltip(layer, fields: list[str], **options):
    """Bind a tooltip to a GeoJSON layer showing each feature's ``fields`` as text lines."""
    _GeoJsonTextTooltip(fields, **options).add_to(layer)
    return layer


# Marks closer than this on screen become one numbered cluster button, so no two
# 24 px targets ever overlap (WCAG 2.5.8).
CLUSTER_PX = 50
# A cluster's icon: its count, and what pressing it does, for a screen reader (fixed code;
# the count is a number Leaflet works out, not data from the page).
CLUSTER_ICON = """function (cluster) {
    var n = cluster.getChildCount(), el = document.createElement("div");
    var shown = document.createElement("span"), said = document.createElement("span");
    shown.setAttribute("aria-hidden", "true");
    shown.textContent = String(n);
    said.className = "visually-hidden";
    said.textContent = n + " places close together: press to zoom in";
    el.appendChild(shown);
    el.appendChild(said);
    return L.divIcon({ html: el, className: "yvm-cluster", iconSize: L.point(30, 30) });
}"""


def cluster_group(name: str) -> MarkerCluster:
    """A marker cluster group for :func:`named_marker` markers: close marks become one
    button showing their count and saying, for a screen reader, what pressing it does.
    The map needs a ``max_zoom`` option (``m.options["max_zoom"] = 18``)."""
    return MarkerCluster(name=name, options={
        "maxClusterRadius": CLUSTER_PX, "showCoverageOnHover": False,
        "spiderfyDistanceMultiplier": 1.6,
    }, icon_create_function=CLUSTER_ICON)
