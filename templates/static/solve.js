// Solve: the progress bar follows the job without reloading; the page reloads once it ends.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box) { return; }
  var url = box.getAttribute("data-url");
  function set(id, text) {
    var element = document.getElementById(id);
    if (element) { element.textContent = text; }
  }
  var ended = false;
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (p) {
        if (!p) { return; }
        if (p.ended) { ended = true; window.location.reload(); return; }
        var bar = document.getElementById("bar");
        bar.max = p.time_limit_s;
        bar.value = p.elapsed_s;
        set("state", p.state_text);
        set("phase", p.phase_text);
        set("delivered", String(p.delivered));
        set("demand", String(p.demand));
        set("bound", String(p.bound));
        set("left", String(Math.round(p.seconds_left)));
        if (p.stop_requested) { document.getElementById("stop").disabled = true; }
      })
      .catch(function () { /* weak network: the next poll tries again */ })
      .then(function () { if (!ended) { window.setTimeout(poll, 1000); } });
  }
  window.setTimeout(poll, 500);
})();
