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
    /* A service that does not meet the filter is drawn hollow (class svc-out), now
       and whenever its marker is drawn again (clusters redraw them). */
    var services = layer("services");
    if (services) {
      services.eachLayer(function (l) {
        var icon = l.options.icon && l.options.icon.options;
        var m = icon && /svc-(\d+)/.exec(icon.className || "");
        if (!m) { return; }
        var out = !passing[m[1]];
        icon.className = icon.className.replace(/\s*svc-out/g, "") + (out ? " svc-out" : "");
        var el = l.getElement();
        if (el) { el.classList.toggle("svc-out", out); }
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

  /* Area names on the map (static/js/maps.js): plain text from each feature's "name"
     property at its "label" point; more than 150 areas wait for one zoom step. */
  function addLabels() {
    var map = layer("map"), areas = layer("areas");
    if (!map || !areas || !window.YVMMaps) { return; }
    var many = areas.getLayers().length > 150;
    window.YVMMaps.track(map);
    window.YVMMaps.labels(map, areas, {
      className: function () { return "gap-area-label"; },
      minZoom: map.getZoom() + (many ? 1 : 0)
    });
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
