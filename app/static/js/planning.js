// Planning: show only the fields that fit the chosen change.  Without JavaScript
// every field shows and the server ignores the ones that do not apply.
(function () {
  "use strict";
  var form = document.querySelector("form[data-change-form]");
  if (!form) { return; }
  var needs = { until: ["extend_grant"], on: ["end_grant"],
                annual_cost: ["make_free", "extend_grant", "end_grant"] };
  function group(name) {
    var input = document.getElementById("chg-" + name);
    return input ? input.closest(".form-group") : null;
  }
  function update() {
    var checked = form.querySelector("input[name='chg-kind']:checked");
    var kind = checked ? checked.value : "close";
    Object.keys(needs).forEach(function (name) {
      var g = group(name);
      if (!g) { return; }
      var show = needs[name].indexOf(kind) !== -1 || g.classList.contains("form-group-error");
      g.hidden = !show;
    });
  }
  form.addEventListener("change", update);
  update();
}());
