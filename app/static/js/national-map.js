/* The national map (templates/national/map_embed.html): MapLibre GL JS drawing the
   app's own vector tiles from one PMTiles archive (pmtiles protocol, HTTP Range
   requests to the app).  No base map tiles: nothing leaves the app.  Settings come
   from <script type="application/json" id="national-map-config">; names and codes
   from the tiles are data and are written with textContent only. */
(function () {
  "use strict";
  var holder = document.getElementById("national-map-config");
  var el = document.getElementById("national-map");
  if (!holder || !el || !window.maplibregl || !window.pmtiles) { return; }
  var cfg = JSON.parse(holder.textContent);
  var detail = document.getElementById("national-map-detail");

  maplibregl.setWorkerUrl(cfg.worker);
  var protocol = new pmtiles.Protocol();
  maplibregl.addProtocol("pmtiles", protocol.tile);

  var colour = ["match", ["to-number", ["get", "class"]]];
  Object.keys(cfg.colours).forEach(function (key) {
    if (key !== "-1") { colour.push(Number(key), cfg.colours[key]); }
  });
  colour.push(cfg.colours["-1"] || "#bdbdbd");

  var source = "pmtiles://" + new URL(cfg.url, window.location.href).href;
  var map = new maplibregl.Map({
    container: el,
    style: {
      version: 8,
      sources: { areas: { type: "vector", url: source, attribution: cfg.attribution } },
      layers: [
        { id: "background", type: "background", paint: { "background-color": "#f4f4f2" } },
        { id: "overview", type: "fill", source: "areas", "source-layer": cfg.overview,
          paint: { "fill-color": colour } },
        { id: "areas", type: "fill", source: "areas", "source-layer": cfg.areas,
          paint: { "fill-color": colour, "fill-outline-color": "#6f6f6f" } },
        { id: "picked", type: "line", source: "areas", "source-layer": cfg.areas,
          filter: ["==", ["get", "code"], ""], paint: { "line-color": "#0b0c0c", "line-width": 3 } }
      ]
    },
    bounds: cfg.bounds,
    fitBoundsOptions: { padding: 10 },
    dragRotate: false,
    pitchWithRotate: false,
    attributionControl: { compact: true }
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  map.getCanvas().setAttribute("aria-label", cfg.text.mapLabel);

  function row(list, term, value) {
    var dt = document.createElement("dt");
    dt.textContent = term;
    var dd = document.createElement("dd");
    dd.textContent = value;
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function show(feature) {
    detail.replaceChildren();
    if (!feature) {
      var p = document.createElement("p");
      p.className = "small";
      p.textContent = cfg.text.zoomIn;
      detail.appendChild(p);
      map.setFilter("picked", ["==", ["get", "code"], ""]);
      return;
    }
    var props = feature.properties || {};
    var heading = document.createElement("h3");
    heading.className = "heading-s";
    heading.textContent = String(props.name || props.code || "");
    var list = document.createElement("dl");
    row(list, cfg.text.code, String(props.code || ""));
    Object.keys(cfg.labels).forEach(function (key) {
      var value = props[key];
      row(list, cfg.labels[key], value === undefined || value === null ? cfg.text.noFigure
        : Number(value).toLocaleString());
    });
    detail.appendChild(heading);
    detail.appendChild(list);
    map.setFilter("picked", ["==", ["get", "code"], String(props.code || "")]);
  }

  function pickAt(point) {
    var found = map.queryRenderedFeatures(point, { layers: ["areas"] });
    show(found.length ? found[0] : null);
  }

  map.on("click", function (event) { pickAt(event.point); });
  map.on("mousemove", "areas", function () { map.getCanvas().style.cursor = "pointer"; });
  map.on("mouseleave", "areas", function () { map.getCanvas().style.cursor = ""; });
  // Keyboard: MapLibre pans with the arrow keys and zooms with + and -; Enter or
  // Space picks the area at the centre of the map.
  map.getCanvas().addEventListener("keydown", function (event) {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      var c = map.getCanvas();
      pickAt([c.clientWidth / 2, c.clientHeight / 2]);
    }
  });
  el.setAttribute("data-ready", "false");
  map.on("load", function () { el.setAttribute("data-ready", "true"); });
}());
