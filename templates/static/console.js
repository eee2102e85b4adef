// Today board: refresh the table in place every few seconds; without JavaScript a meta refresh does it.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board || !window.fetch) { return; }
  function refresh() {
    fetch(board.getAttribute("data-refresh"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { board.innerHTML = html; } })
      .catch(function () { /* offline for a moment: try again next time */ });
  }
  var seconds = parseInt(board.getAttribute("data-interval"), 10) || 20;
  setInterval(refresh, seconds * 1000);
})();
