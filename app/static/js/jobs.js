// Follow a background job: poll its JSON status, move the progress bar, and
// reload the page (which then links to the result) once the job is done.
// Without JavaScript the page refreshes itself with a meta refresh instead.
(function () {
  "use strict";
  var box = document.getElementById("job-status");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var message = document.getElementById("job-message");

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) { window.setTimeout(poll, 3000); return; }
        if (s.done) { window.location.reload(); return; }
        if (bar) { bar.value = Math.round(s.progress * 100); bar.textContent = bar.value + "%"; }
        if (message && s.message) { message.textContent = s.message; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
}());
