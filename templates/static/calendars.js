// Calendars: find a feed by name as you type, and copy an address with one tap.
// Without JavaScript every feed shows and the address fields can be selected and copied by hand.
(function () {
  "use strict";
  var search = document.getElementById("feed-search");
  var rows = document.querySelectorAll(".feed-row");
  if (search) {
    search.addEventListener("input", function () {
      var wanted = search.value.trim().toLowerCase();
      for (var i = 0; i < rows.length; i++) {
        var name = (rows[i].getAttribute("data-name") || "").toLowerCase();
        rows[i].hidden = wanted !== "" && name.indexOf(wanted) === -1;
      }
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (!button) { return; }
    var field = button.parentNode.querySelector("input.address");
    var done = function () {
      var label = button.textContent;
      button.textContent = button.getAttribute("data-copied");
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
    } else {  // plain http or an old in-app browser: select it, and try the old command
      field.select();
      try { if (document.execCommand("copy")) { done(); } } catch (ignored) { /* selected */ }
    }
  });
})();
