/* Gap map: change the figure, filters and threshold without reloading the page.
   Without JavaScript the filter form submits and the server redraws the page. */
(function () {
  "use strict";
  var box = document.getElementById("gap-map");
  var form = document.getElementById("gap-filters");
  if (!box || !form || !window.fetch) { return; }
  var initialLevel = form.elements.level ? form.elements.level.value : null;
  var status = document.getElementById("gap-status");

  function layer(name) { return window[box.getAttribute("data-" + name)]; }

  function query() {
    var params = new URLSearchParams(new FormData(form));
    params.forEach(function (value, key) { if (value === "") { params.delete(key); } });
    return params;
  }

  function text(el, value) { if (el) { el.textContent = value; } }

  function drawLegend(legend) {
    text(document.getElementById("gap-legend-title"), legend.title);
    var list = document.querySelector("#gap-legend .gap-legend-rows");
    list.innerHTML = "";
    legend.rows.forEach(function (row) {
      var li = document.createElement("li");
      var sw = document.createElement("span");
      sw.className = "gap-swatch";
      sw.style.background = row.colour;
      var label = document.createElement("span");
      label.className = "gap-legend-label";
      label.textContent = row.label;
      li.appendChild(sw);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(label);
      if (row.count !== null && row.count !== undefined) {
        var n = document.createElement("span");
        n.className = "small";
        n.textContent = " (" + row.count + " areas)";
        li.appendChild(n);
      }
      list.appendChild(li);
    });
    var scheme = form.elements.scheme;
    var schemeText = scheme ? scheme.options[scheme.selectedIndex].text : legend.scheme;
    text(document.getElementById("gap-legend-source"),
         "Classes: " + schemeText + ". Source: " + legend.source + ".");
    text(document.getElementById("gap-legend-note"), legend.note);
  }

  function drawTop(data) {
    var fig = form.elements.figure;
    text(document.getElementById("gap-top-figure"), fig ? fig.options[fig.selectedIndex].text : "");
    var body = document.querySelector("#gap-top tbody");
    body.innerHTML = "";
    data.top.forEach(function (r) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-code", r.code);
      [r.rank, r.name, r.value].forEach(function (v) {
        var td = document.createElement("td");
        td.textContent = v === null ? "–" : v;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    var summary = document.getElementById("gap-summary");
    summary.innerHTML = "";
    data.summary.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      summary.appendChild(p);
    });
  }

  function restyle(data) {
    var byCode = {};
    data.features.forEach(function (f) { byCode[f.properties.code] = f.properties; });
    var areas = layer("areas");
    if (areas) {
      areas.eachLayer(function (l) {
        var props = byCode[l.feature.properties.code];
        if (!props) { return; }
        l.feature.properties.value_text = props.value_text;
        l.feature.properties.colour = props.colour;
        l.setStyle(areaStyle(props.colour, props.complete === false));
      });
    }
    var passing = {};
    data.services_passing.forEach(function (id) { passing[id] = true; });
    function fade(l, on, full, faded) {
      var m = /svc-(\d+)/.exec(l.options.className || "");
      if (!m) { return; }
      var ok = !!passing[m[1]];
      l.setStyle(ok ? full : faded);
      if (on) { on(l, ok); }
    }
    var services = layer("services");
    if (services) {
      services.eachLayer(function (l) {
        fade(l, null, { opacity: 1, fillOpacity: 0.95 }, { opacity: 0.25, fillOpacity: 0.15 });
      });
    }
    var catchments = layer("catchments");
    if (catchments) {
      catchments.eachLayer(function (l) {
        if (l.setRadius) { l.setRadius(data.catchment_m); }
        fade(l, null, { opacity: 0.5, fillOpacity: 0.05 }, { opacity: 0.1, fillOpacity: 0 });
      });
    }
  }

  /* Incomplete areas (scored without an input) get a dashed, heavier edge,
     as the server draws them (app/maps/gap_map.py). */
  function areaStyle(colour, incomplete) {
    return incomplete ? { fillColor: colour, color: "#000000", weight: 2, dashArray: "5 4" }
                      : { fillColor: colour, color: "#333333", weight: 0.6, dashArray: null };
  }

  /* Area names on the map: plain text from each feature's "name" property,
     placed at its "label" point (a point inside the area), set as textContent. */
  function addLabels() {
    var map = layer("map"), areas = layer("areas");
    if (!map || !areas || !window.L) { return; }
    var group = L.layerGroup(), count = 0;
    areas.eachLayer(function (l) {
      var p = l.feature && l.feature.properties;
      if (!p || !p.label || !p.name) { return; }
      var el = document.createElement("span");
      el.textContent = p.name;
      L.tooltip({ permanent: true, direction: "center", className: "gap-area-label",
                  interactive: false })
        .setLatLng(p.label).setContent(el).addTo(group);
      count += 1;
    });
    // Many small areas or a narrow screen: names once zoomed in enough to read them.
    var minZoom = map.getZoom() + (count > 60 || map.getSize().x < 600 ? 1.5 : 0);
    // A name that would overlap one already shown is hidden until there is room
    // (boxes from the map's own projection, not mid-animation page positions).
    function declutter() {
      var shown = [];
      group.eachLayer(function (t) {
        var el = t.getElement();
        if (!el) { return; }
        var c = map.latLngToContainerPoint(t.getLatLng());
        var w = el.offsetWidth / 2 + 2, h = el.offsetHeight / 2 + 1;
        var r = { left: c.x - w, right: c.x + w, top: c.y - h, bottom: c.y + h };
        var hit = shown.some(function (s) {
          return r.left < s.right && r.right > s.left && r.top < s.bottom && r.bottom > s.top;
        });
        el.style.visibility = hit ? "hidden" : "";
        if (!hit) { shown.push(r); }
      });
    }
    function toggle() {
      if (map.getZoom() >= minZoom) { group.addTo(map); declutter(); } else { group.remove(); }
    }
    map.on("zoomend", toggle);
    toggle();
  }
  addLabels();

  function links(params) {
    ["table-link", "evidence-link"].forEach(function (id) {
      var a = document.getElementById(id);
      if (a) { a.href = a.href.split("?")[0] + "?" + params.toString(); }
    });
  }

  var pending = null;
  function update() {
    var params = query();
    if (form.elements.level && form.elements.level.value !== initialLevel) {
      form.submit();  // new geometry: let the server draw the new map
      return;
    }
    if (pending) { pending.abort(); }
    pending = new AbortController();
    text(status, "Updating the map…");
    fetch(box.getAttribute("data-geojson-url") + "?" + params.toString(),
          { credentials: "same-origin", headers: { Accept: "application/geo+json" },
            signal: pending.signal })
      .then(function (r) {
        if (r.status === 400) { return r.json().then(function (e) { throw new Error(Object.values(e.errors).join(" ")); }); }
        if (!r.ok) { throw new Error("The map could not be updated (" + r.status + ")."); }
        return r.json();
      })
      .then(function (data) {
        restyle(data);
        drawLegend(data.legend);
        drawTop(data);
        links(params);
        if (window.history && history.replaceState) {
          history.replaceState(null, "", window.location.pathname + "?" + params.toString());
        }
        text(status, "");
      })
      .catch(function (err) {
        if (err.name === "AbortError") { return; }
        text(status, err.message + " Press Show to reload the page.");
      });
  }

  form.addEventListener("change", update);
  form.addEventListener("submit", function (e) {
    if (form.elements.level && form.elements.level.value !== initialLevel) { return; }
    e.preventDefault();
    update();
  });
})();
