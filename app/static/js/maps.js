/* Every Leaflet map of ours (gap map, service page): tooltips kept inside the map, and
   names drawn on the map from GeoJSON properties, as text.  Load after the map's
   own script.  Nothing here is built from data: names are set with textContent. */
(function () {
  "use strict";
  if (!window.L) { return; }
  var PAD = 4;

  /* A tooltip that would cross the edge of its map is moved back inside it
     (Leaflet only chooses left or right of the point). */
  var place = L.Tooltip.prototype._setPosition;
  L.Tooltip.prototype._setPosition = function (pos) {
    place.call(this, pos);
    var map = this._map, el = this._container;
    if (this.options.permanent || !map || !el) { return; }
    var at = L.DomUtil.getPosition(el), size = map.getSize();
    var p = map.layerPointToContainerPoint(at), dx = 0, dy = 0;
    if (p.x + el.offsetWidth > size.x - PAD) { dx = size.x - PAD - el.offsetWidth - p.x; }
    if (p.x + dx < PAD) { dx = PAD - p.x; }
    if (p.y + el.offsetHeight > size.y - PAD) { dy = size.y - PAD - el.offsetHeight - p.y; }
    if (p.y + dy < PAD) { dy = PAD - p.y; }
    if (dx || dy) { L.DomUtil.setPosition(el, at.add([dx, dy])); }
  };

  /* Names on a map: each feature of ``layer`` with a ``name`` and a place for it
     (its ``label`` [lat, lon] property, or the point itself) for which
     ``options.filter(properties)`` holds gets a permanent tooltip of class
     ``options.className(properties)``: centred on its place, or to the right of a
     point (``options.beside(properties)``).  ``options.minZoom``: shown from that
     zoom on.  A name that would overlap one already shown, or cross the edge of the
     map, is hidden until there is room. */
  function labels(map, layer, options) {
    var group = L.layerGroup();
    if (!map.getPane("labels")) {  // names under the markers, over the areas and roads
      var pane = map.createPane("labels");
      pane.style.zIndex = 550;
      pane.style.pointerEvents = "none";
    }
    var keep = options.filter || function () { return true; };
    var beside = options.beside || function () { return false; };
    layer.eachLayer(function (l) {
      var p = l.feature && l.feature.properties;
      if (!p || !p.name || !keep(p)) { return; }
      var at = p.label || (l.getLatLng ? l.getLatLng() : null);
      if (!at) { return; }
      var el = document.createElement("span");
      el.textContent = p.name;
      var right = beside(p);
      L.tooltip({ permanent: true, direction: right ? "right" : "center",
                  offset: right ? [6, 0] : [0, 0], className: options.className(p),
                  interactive: false, pane: "labels" })
        .setLatLng(at).setContent(el).addTo(group);
    });
    /* Boxes from the map's own projection, not mid-animation page positions. */
    function declutter() {
      var shown = [], size = map.getSize();
      group.eachLayer(function (t) {
        var el = t.getElement();
        if (!el) { return; }
        var c = map.latLngToContainerPoint(t.getLatLng());
        var w = el.offsetWidth, h = el.offsetHeight / 2 + 1;
        var left = t.options.direction === "right" ? c.x + 4 : c.x - w / 2 - 2;
        var r = { left: left, right: left + w + 4, top: c.y - h, bottom: c.y + h };
        var out = r.left < 0 || r.top < 0 || r.right > size.x || r.bottom > size.y;
        var hit = out || shown.some(function (s) {
          return r.left < s.right && r.right > s.left && r.top < s.bottom && r.bottom > s.top;
        });
        el.style.visibility = hit ? "hidden" : "";
        if (!hit) { shown.push(r); }
      });
    }
    function toggle() {
      if (map.getZoom() >= (options.minZoom || 0)) {
        group.addTo(map);
        group.eachLayer(function (t) { t.update(); });  // placed for the zoom reached
        declutter();
      }
      else { group.remove(); }
    }
    map.on("zoomend moveend", toggle);
    toggle();
    return group;
  }

  /* The map's zoom level on its box (data-zoom): what a test, or a style, can read. */
  function track(map) {
    var box = map.getContainer();
    function note() { box.setAttribute("data-zoom", String(map.getZoom())); }
    map.on("zoomend", note);
    note();
  }

  window.YVMMaps = { labels: labels, track: track };

  /* A service page map: its zoom noted; with a context layer (no basemap), area names
     at the point inside each area and place names beside their dot. */
  Array.prototype.forEach.call(document.querySelectorAll(".service-map[data-map]"), function (box) {
    var map = window[box.getAttribute("data-map")];
    var context = box.hasAttribute("data-context") ? window[box.getAttribute("data-context")] : null;
    if (!map) { return; }
    track(map);
    if (!context) { return; }
    labels(map, context, {
      filter: function (p) { return p.kind === "area" || p.kind === "place"; },
      className: function (p) { return p.kind === "area" ? "map-area-label" : "map-place-label"; },
      beside: function (p) { return p.kind === "place"; }
    });
  });
})();
