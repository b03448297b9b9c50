// Planning: a click on the planning map chooses the place of a proposed service or
// candidate site.  It asks the server (/planning/place) for the grid reference and
// the name of the area the click is in, fills the form's easting and northing
// (under "Advanced: grid reference"), clears the postcode and building, and says
// "Chosen on the map: near <area>".  Without JavaScript the postcode, building and
// grid reference fields work as they are.  Loaded in <head> after Leaflet, so it
// sees every map the page then makes; text from the server is set as text only.
(function () {
  "use strict";
  var maps = [];
  if (window.L && L.Map && L.Map.addInitHook) {
    L.Map.addInitHook(function () { maps.push(this); });
  }

  function start() {
    var picker = document.querySelector("[data-place-picker]");
    if (!picker) { return; }
    if (!maps.length) {
      Array.prototype.forEach.call(document.querySelectorAll(".folium-map"), function (el) {
        var m = window[el.id];
        if (m && typeof m.on === "function") { maps.push(m); }
      });
    }
    if (!maps.length) { return; }
    function field(name) { return document.getElementById(picker.getAttribute("data-" + name)); }
    var postcode = field("postcode"), building = field("building");
    var east = field("easting"), north = field("northing");
    var chosen = picker.querySelector(".place-chosen");
    var form = picker.closest("form");
    var heading = picker.closest("section") && picker.closest("section").querySelector("h2[id]");
    var marker = null, fromMap = false, statuses = [];

    Array.prototype.forEach.call(picker.querySelectorAll(".place-map-hint"), function (el) {
      el.hidden = false;
    });

    function say(text, isError) {
      chosen.textContent = text;
      chosen.classList.toggle("place-chosen-error", !!isError);
      statuses.forEach(function (s) {
        s.textContent = text;
        s.classList.toggle("place-chosen-error", !!isError);
        if (!isError && text && heading) {
          var link = document.createElement("a");
          link.href = "#" + heading.id;
          link.textContent = "Go to “" + heading.textContent + "”";
          s.appendChild(document.createTextNode(" "));
          s.appendChild(link);
        }
      });
    }

    function forgetMapPoint() {
      if (!fromMap) { return; }
      fromMap = false;
      east.value = "";
      north.value = "";
      if (marker) { marker.remove(); marker = null; }
      say("", false);
    }
    postcode.addEventListener("input", function () { if (postcode.value.trim()) { forgetMapPoint(); } });
    building.addEventListener("change", function () { if (building.value) { forgetMapPoint(); } });
    east.addEventListener("input", function () { fromMap = false; });
    north.addEventListener("input", function () { fromMap = false; });

    maps.forEach(function (map) {
      var container = map.getContainer();
      container.classList.add("place-pick");
      var box = container.closest(".planning-map") || container;
      var status = document.createElement("p");
      status.className = "place-chosen place-map-status";
      status.setAttribute("role", "status");
      box.parentNode.insertBefore(status, box.nextSibling);
      statuses.push(status);

      map.on("click", function (e) {
        var url = picker.getAttribute("data-place-url") + "?lat=" +
          encodeURIComponent(e.latlng.lat.toFixed(6)) + "&lng=" + encodeURIComponent(e.latlng.lng.toFixed(6));
        say("Finding that place…", false);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
          .then(function (data) {
            if (data.error) { say(String(data.error), true); return; }
            east.value = String(data.easting);
            north.value = String(data.northing);
            postcode.value = "";
            building.value = "";
            fromMap = true;
            if (marker) { marker.remove(); }
            marker = L.circleMarker(e.latlng, { radius: 9, color: "#0b0c0c", weight: 2,
                                                fillColor: "#ffdd00", fillOpacity: 1 }).addTo(map);
            say("Chosen on the map: " + String(data.description) + ".", false);
          })
          .catch(function () {
            say("That place could not be looked up. Give a postcode or a council building instead.", true);
          });
      });
    });
    if (form) {
      form.addEventListener("reset", forgetMapPoint);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
