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
  var testing = null;  // {until, before}: the TEST button's check, from the push seen before it
  function judge(body) {
    if (!testing) return;
    var result = document.getElementById('test-result'), push = body.push;
    var fresh = push && push.at !== testing.before;
    if (body.state === 'live') result.textContent = '✓ ' + T.test_live;
    else if (fresh && !push.accepted) result.textContent = T.test_refused + ' ' + (T['reason:' + push.reason] || T['reason:other']);
    else if (Date.now() < testing.until) return;
    else result.textContent = T.test_none;
    testing = null;
  }
  var button = document.getElementById('test-push');
  if (button) button.addEventListener('click', function () {
    testing = {until: Date.now() + 30000, before: root.dataset.pushed};
    document.getElementById('test-result').textContent = T.test_running;
    clearTimeout(next);
    poll();
  });
  var next = 0;
  function poll() {
    fetch(root.dataset.stateUrl, {cache: 'no-store'})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) return;
        root.dataset.pushed = body.push ? body.push.at : '';
        judge(body);
        root.dataset.state = body.state;
        var line = document.getElementById('state');
        line.className = 'state state-' + body.state;
        line.textContent = T[body.state];
        var watching = document.getElementById('watching');
        if (watching) watching.textContent = T.watching.replace('{n}', body.watching);
      })
      .catch(function () { /* the next poll tells */ })
      .then(function () { clearTimeout(next); next = setTimeout(poll, testing ? 2000 : POLL_MS); });
  }
  poll();
})();
