/* The teacher's go-live page: copy buttons, and the live status polled every few seconds. */
(function () {
  'use strict';
  var root = document.getElementById('go-live');
  if (!root) return;
  var T = JSON.parse(document.getElementById('go-live-strings').textContent);
  var POLL_MS = (+root.dataset.poll || 3) * 1000;
  root.addEventListener('click', function (event) {
    var name = event.target.dataset && event.target.dataset.copy;
    if (!name) return;
    var field = document.getElementById(name);
    field.select();
    var done = function () { event.target.textContent = T.copied; };
    if (navigator.clipboard) navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand('copy'); done(); });
    else { document.execCommand('copy'); done(); }
  });
  function poll() {
    fetch(root.dataset.stateUrl, {cache: 'no-store'})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) return;
        root.dataset.state = body.state;
        var line = document.getElementById('state');
        line.className = 'state state-' + body.state;
        line.textContent = T[body.state];
        document.getElementById('watching').textContent = T.watching.replace('{n}', body.watching);
      })
      .catch(function () { /* the next poll tells */ })
      .then(function () { setTimeout(poll, POLL_MS); });
  }
  poll();
})();
