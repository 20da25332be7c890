// The target card form: the sum of the indicators' weights, updated while typing (the server
// checks it again on saving: exactly 100).
(function () {
  "use strict";
  var line = document.querySelector("[data-test=weight-total]");
  if (!line) { return; }
  function update() {
    var total = 0, known = true;
    document.querySelectorAll("[data-weight]").forEach(function (input) {
      var text = input.value.trim().replace(",", ".");
      if (text === "") { return; }
      var value = Number(text);
      if (isNaN(value)) { known = false; } else { total += value; }
    });
    total = Math.round(total * 100) / 100;
    var ok = known && total === 100;
    line.textContent = line.getAttribute(ok ? "data-ok" : "data-bad").replace("{total}", known ? String(total) : "?");
    line.className = ok ? "ok" : "field-error";
  }
  document.querySelectorAll("[data-weight]").forEach(function (input) { input.addEventListener("input", update); });
}());
