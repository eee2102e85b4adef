/* The assistant page's service worker: the app shell and the last copy of the page, for no signal.
   Served by coordinator/web/pages/assistant_app.py, which fills in VERSION and SHELL. */
'use strict';
var VERSION = '__VERSION__';
var SHELL = __SHELL__;  // the page's scripts, styles, manifest and icon
var SHELL_CACHE = 'assistant-shell-' + VERSION;
var PAGE_CACHE = 'assistant-page';
var PAGE = '/assistant';
var PAGE_WAIT_MS = 5000;  // after this a slow network gives way to the copy on the phone

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(SHELL_CACHE)
    .then(function (cache) { return cache.addAll(SHELL); })
    .then(keepPage)
    .then(function () { return self.skipWaiting(); }));
});

/* The first visit was not the worker's to keep: fetch the page once more, with the cookie. */
function keepPage() {
  return fetch(PAGE, {credentials: 'same-origin'}).then(function (response) {
    if (!response.ok || response.redirected) return;
    return caches.open(PAGE_CACHE).then(function (cache) { return cache.put(PAGE, response); });
  }).catch(function () { /* offline while installing: kept at the next visit */ });
}

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf('assistant-shell-') === 0 && name !== SHELL_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

/* The page: the network first (fresh lessons, a fresh CSRF token); its last good copy when the
   network fails or is too slow. A redirect to the sign-in page (signed out) drops the copy. */
function page(event) {
  var fresh = fetch(event.request).then(function (response) {
    if (response.type === 'opaqueredirect' || response.redirected) {
      return caches.open(PAGE_CACHE).then(function (cache) { return cache.delete(PAGE); })
        .then(function () { return response; });
    }
    if (response.ok) {
      var copy = response.clone();
      event.waitUntil(caches.open(PAGE_CACHE).then(function (cache) { return cache.put(PAGE, copy); }));
    }
    return response;
  });
  event.waitUntil(fresh.catch(function () { /* offline: the copy answers */ }));
  var slow = new Promise(function (resolve) { setTimeout(resolve, PAGE_WAIT_MS); });
  var copy = function () { return caches.match(PAGE, {cacheName: PAGE_CACHE}); };
  return Promise.race([fresh, slow.then(function () { return copy().then(function (hit) { return hit || fresh; }); })])
    .catch(function () {
      return copy().then(function (hit) { return hit || offline(); });
    });
}

function offline() {
  var text = '<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
    '<title>离线 · Offline</title><p>没有网络，此手机上还没有保存过课表。请联网后再打开。</p>' +
    '<p lang="en">No network, and no copy of your lessons on this phone yet. Open it again when online.</p>';
  return new Response(text, {status: 503, headers: {'Content-Type': 'text/html; charset=utf-8'}});
}

/* The shell: the copy on the phone at once, refreshed behind it for the next load. */
function shell(event) {
  return caches.open(SHELL_CACHE).then(function (cache) {
    return cache.match(event.request).then(function (hit) {
      var fresh = fetch(event.request).then(function (response) {
        if (response.ok) cache.put(event.request, response.clone());
        return response;
      });
      if (hit) {
        event.waitUntil(fresh.catch(function () { /* offline */ }));
        return hit;
      }
      return fresh;
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && url.pathname === PAGE) {
    event.respondWith(page(event));
  } else if (SHELL.indexOf(url.pathname) >= 0) {
    event.respondWith(shell(event));
  }
});
