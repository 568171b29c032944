// Pre-fills the percentage when the status changes and narrows the field to the status's
// range. The server checks the range again: this only saves typing.
(function () {
  "use strict";
  function init() {
    var status = document.querySelector("select[data-percentages]");
    var percentage = document.querySelector("input[name=percentage]");
    if (!status || !percentage) { return; }
    var ranges;
    try { ranges = JSON.parse(status.getAttribute("data-percentages")); } catch (e) { return; }
    function narrow(prefill) {
      var range = ranges[status.value];
      if (!range) { return; }
      percentage.min = range[0];
      percentage.max = range[1];
      var value = parseInt(percentage.value, 10);
      if (prefill || isNaN(value) || value < range[0] || value > range[1]) {
        percentage.value = range[2];
      }
    }
    status.addEventListener("change", function () { narrow(true); });
    narrow(false);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
