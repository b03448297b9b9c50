/* Survey enhancements.  Everything works without this file. */
(function () {
  "use strict";

  // Show-if: hide a question while its condition is not met.
  function valuesOf(name) {
    var out = [];
    var inputs = document.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if ((el.type === "radio" || el.type === "checkbox")) { if (el.checked) out.push(el.value); }
      else if (el.value) out.push(el.value);
    }
    return out;
  }
  function refreshShowIf() {
    var blocks = document.querySelectorAll("[data-show-if]");
    for (var i = 0; i < blocks.length; i++) {
      var block = blocks[i];
      var wanted = block.getAttribute("data-show-values").split(" ");
      var have = valuesOf(block.getAttribute("data-show-if"));
      var show = have.some(function (v) { return wanted.indexOf(v) !== -1; });
      block.hidden = !show;
      var hint = block.querySelector(".show-if-hint");
      if (hint) hint.hidden = true;
    }
  }
  document.addEventListener("change", refreshShowIf);
  refreshShowIf();

  // Area: a list you can type into (an <input list> over the plain <select>).
  var select = document.getElementById("area");
  if (select && select.tagName === "SELECT") {
    var list = document.createElement("datalist");
    list.id = "area-options";
    var byName = {};
    for (var i = 0; i < select.options.length; i++) {
      var opt = select.options[i];
      if (!opt.value) continue;
      var o = document.createElement("option");
      o.value = opt.text;
      list.appendChild(o);
      byName[opt.text.toLowerCase()] = opt.value;
    }
    var input = document.createElement("input");
    input.type = "text";
    input.id = "area-typeahead";
    input.className = "input area-typeahead";
    input.setAttribute("list", "area-options");
    input.setAttribute("autocomplete", "off");
    if (select.getAttribute("aria-describedby")) {
      input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
    }
    if (select.value) input.value = select.options[select.selectedIndex].text;
    var label = document.querySelector('label[for="area"]');
    if (label) {
      label.setAttribute("for", "area-typeahead");
      // In the page's language (templates/survey/_questions.html, issue 25).
      label.textContent = label.getAttribute("data-typeahead-label") ||
        "Start typing your town or village, then pick it";
    }
    select.parentNode.insertBefore(list, select);
    select.parentNode.insertBefore(input, select);
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    // Error summary links point at the list we replaced: send them to the typing box.
    var links = document.querySelectorAll('a[href="#area"]');
    for (var k = 0; k < links.length; k++) links[k].setAttribute("href", "#area-typeahead");
    input.addEventListener("input", function () {
      var code = byName[input.value.trim().toLowerCase()];
      select.value = code || "";
    });
  }

  // Move focus to the error summary so screen readers hear it first.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();
})();
