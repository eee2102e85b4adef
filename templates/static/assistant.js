/* The assistant's page: reports go into an outbox on the phone first, then to the server.
   The outbox is kept twice, in IndexedDB and in localStorage, so either one alone keeps it (a
   WeChat log-out wipes localStorage; some in-app browsers refuse IndexedDB). A service worker
   (/assistant/sw.js) keeps the page itself for reloads with no signal. */
(function () {
  'use strict';
  var app = document.getElementById('app');
  if (!app) return;
  var T = JSON.parse(document.getElementById('strings').textContent);
  var who = app.dataset.assistant;
  var BOX = 'coordinator.outbox.' + who;
  var TOKEN = 'coordinator.token.' + who;
  var SYNCED = 'coordinator.synced.' + who;
  var BASE_MS = 2000, MAX_MS = 5 * 60 * 1000, TIMEOUT_MS = 15000;
  var FRESH_MS = 2 * 60 * 1000, DAY_MS = 86400000;
  var busy = false, timer = 0, needSignin = false;
  var memory = {};  // where localStorage is refused (private mode, some in-app browsers)

  function get(name) {
    try { return localStorage.getItem(name); } catch (e) { return memory[name] || null; }
  }
  function set(name, value) {
    memory[name] = value;
    try { localStorage.setItem(name, value); } catch (e) { /* memory and IndexedDB keep it */ }
  }
  function drop(name) {
    delete memory[name];
    try { localStorage.removeItem(name); } catch (e) { /* nothing kept there */ }
  }

  var db = new Promise(function (resolve) {
    try {
      var open = indexedDB.open(BOX, 1);
      open.onupgradeneeded = function () { open.result.createObjectStore('items', {keyPath: 'key'}); };
      open.onsuccess = function () { resolve(open.result); };
      open.onerror = open.onblocked = function () { resolve(null); };
    } catch (e) { resolve(null); }
  });
  function mirror(items) {  // IndexedDB holds what localStorage holds, in one transaction
    db.then(function (d) {
      if (!d) return;
      var store = d.transaction('items', 'readwrite').objectStore('items');
      store.clear();
      items.forEach(function (item) { store.put(item); });
    }).catch(function () { /* localStorage still holds it */ });
  }
  function restore() {  // reports only IndexedDB kept come back into the outbox
    return db.then(function (d) {
      if (!d) return [];
      return new Promise(function (resolve) {
        var all = d.transaction('items').objectStore('items').getAll();
        all.onsuccess = function () { resolve(all.result || []); };
        all.onerror = function () { resolve([]); };
      });
    }).catch(function () { return []; }).then(function (kept) {
      var items = load(), keys = items.map(function (i) { return i.key; });
      kept.forEach(function (item) { if (keys.indexOf(item.key) < 0) items.push(item); });
      save(items);
    });
  }

  function load() {
    try { return JSON.parse(get(BOX)) || []; } catch (e) { return []; }
  }
  function save(items) { set(BOX, JSON.stringify(items)); mirror(items); }
  function synced() { set(SYNCED, String(Date.now())); }
  function clock(ms) {  // {month, day, hour, minute} in the school's zone, as the lessons are
    var parts = {}, d = new Date(ms);
    try {
      new Intl.DateTimeFormat('en-GB', {timeZone: app.dataset.zone, month: '2-digit', day: '2-digit',
        hour: '2-digit', minute: '2-digit', hourCycle: 'h23'}).formatToParts(d)
        .forEach(function (p) { parts[p.type] = p.value; });
      return parts;
    } catch (e) {
      return {month: pad(d.getMonth() + 1), day: pad(d.getDate()), hour: pad(d.getHours()), minute: pad(d.getMinutes())};
    }
  }
  function when(ms) {  // 14:05 today, 12-07 14:05 another day
    var at = clock(ms), now = clock(Date.now()), hm = at.hour + ':' + at.minute;
    return at.month === now.month && at.day === now.day ? hm : at.month + '-' + at.day + ' ' + hm;
  }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function deviceTime(d) {
    var off = -d.getTimezoneOffset(), sign = off < 0 ? '-' : '+';
    off = Math.abs(off);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' +
      pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) +
      sign + pad(Math.floor(off / 60)) + ':' + pad(off % 60);
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
  }
  function cardOf(item) {
    var cards = app.querySelectorAll('.card');
    for (var i = 0; i < cards.length; i++) {
      if (cards[i].dataset.lesson === item.body.lesson_key &&
          cards[i].dataset.classroom === item.body.classroom_id) return cards[i];
    }
    return null;
  }
  function say(item, text) {
    var card = cardOf(item);
    if (card) card.querySelector('.state').textContent = T[item.body.kind] + ': ' + text;
  }

  function render() {
    var items = load(), waiting = items.filter(function (i) { return !i.refused; }).length;
    document.getElementById('outbox-count').textContent =
      (waiting ? T.waiting.replace('{n}', waiting) : T.none) + (waiting && needSignin ? ' · ' + T.signin : '');
    app.classList.toggle('pending', waiting > 0);
    var last = Math.max(Date.parse(app.dataset.synced) || 0, +get(SYNCED) || 0);
    document.getElementById('synced').textContent = last ? T.synced.replace('{time}', when(last)) : T.never;
    var list = document.getElementById('outbox-list');
    list.textContent = '';
    items.forEach(function (item) {
      var li = document.createElement('li');
      li.textContent = item.label + ' · ' + T[item.body.kind] + ' · ' +
        (item.refused ? T.refused + ' ' + item.refused : T.queued);
      if (item.refused) {
        li.className = 'refused';
        var drop = document.createElement('button');
        drop.type = 'button';
        drop.textContent = T.dismiss;
        drop.onclick = function () { save(load().filter(function (i) { return i.key !== item.key; })); render(); };
        li.appendChild(drop);
      }
      list.appendChild(li);
      say(item, item.refused ? T.refused + ' ' + item.refused : T.queued);
    });
  }

  function update(key, change) {
    save(load().map(function (i) { return i.key === key ? Object.assign(i, change) : i; }));
  }
  function remove(key) { save(load().filter(function (i) { return i.key !== key; })); }

  async function token() {
    var held = get(TOKEN);
    if (held) return held;
    var res = await fetch(app.dataset.tokenUrl, {
      method: 'POST', credentials: 'same-origin',
      headers: {'X-CSRF-Token': app.dataset.csrf, 'Accept': 'application/json'}
    });
    if (res.status === 201) {
      held = (await res.json()).token;
      set(TOKEN, held);
      synced();
      return held;
    }
    if (res.status === 401 || res.status === 403 || res.redirected) throw new Error(T.signin);
    throw new Error('token ' + res.status);
  }

  async function send(item) {
    var bearer = await token();
    var abort = new AbortController(), stop = setTimeout(function () { abort.abort(); }, TIMEOUT_MS);
    try {
      var res = await fetch(app.dataset.api, {
        method: 'POST', credentials: 'omit', signal: abort.signal,
        headers: {
          'Content-Type': 'application/json', 'Authorization': 'Bearer ' + bearer,
          'Idempotency-Key': '"' + item.key + '"'
        },
        body: JSON.stringify(item.body)
      });
    } finally { clearTimeout(stop); }
    synced();
    if (res.ok) return {sent: true};
    if (res.status === 401) { drop(TOKEN); return {retry: true}; }
    if (res.status >= 500 || res.status === 408 || res.status === 429) return {retry: true};
    var message = res.status + '';
    try { message = (await res.json()).error.message; } catch (e) { /* not JSON */ }
    return {refused: message};
  }

  async function flush() {
    if (busy) return;
    busy = true;
    clearTimeout(timer);
    try {
      var now = Date.now();
      var due = load().filter(function (i) { return !i.refused && i.next <= now; });
      for (var k = 0; k < due.length; k++) {
        var item = due[k], outcome;
        say(item, T.sending);
        try { outcome = await send(item); } catch (e) { outcome = {retry: true, why: e.message}; }
        if (!outcome.why) needSignin = false;
        if (outcome.sent) { remove(item.key); say(item, '✓ ' + T.sent); markDone(item); continue; }
        if (outcome.refused) { update(item.key, {refused: outcome.refused}); continue; }
        var tries = item.tries + 1, wait = Math.min(MAX_MS, BASE_MS * Math.pow(2, tries - 1));
        update(item.key, {tries: tries, next: Date.now() + wait * (0.75 + Math.random() / 2)});
        needSignin = outcome.why === T.signin;
      }
    } finally {
      busy = false;
      render();
      schedule();
    }
  }
  function schedule() {
    var next = load().filter(function (i) { return !i.refused; })
      .reduce(function (m, i) { return Math.min(m, i.next); }, Infinity);
    if (next !== Infinity) timer = setTimeout(flush, Math.max(0, next - Date.now()));
  }
  function markDone(item) {
    var card = cardOf(item);
    if (card && item.body.kind !== 'problem') {
      var opener = card.querySelector('[data-open="' + item.body.kind + '"]');
      if (opener) opener.hidden = true;
    }
  }

  function fieldsOf(form, kind) {
    var f = form.elements, note = f.note ? f.note.value.trim() : '';
    if (kind === 'check_in') return {stream_up: true, students_present: +f.students_present.value};
    if (kind === 'end_report') {
      return {students_present: +f.students_present.value, stream_quality: f.stream_quality.value,
        teacher_showed: f.teacher_showed.value === 'yes', note: note};
    }
    return {problem: f.problem.value, note: note};
  }

  function report(card, form) {
    var kind = form.dataset.kind, fields = fieldsOf(form, kind);
    if (kind === 'problem' && fields.problem === 'other' && !fields.note) {
      card.querySelector('.state').textContent = T.note;
      return;
    }
    var item = {
      key: newKey(), tries: 0, next: 0, label: card.dataset.label,
      body: {lesson_key: card.dataset.lesson, classroom_id: card.dataset.classroom, kind: kind,
        device_time: deviceTime(new Date()), fields: fields}
    };
    var items = load();
    items.push(item);
    save(items);  // on the phone first, then the network
    form.hidden = true;
    markDone(item);
    render();
    flush();
  }

  app.addEventListener('click', function (event) {
    var button = event.target.closest('button');
    if (!button) return;
    var card = button.closest('.card');
    if (button.dataset.open) {
      card.querySelectorAll('.sheet').forEach(function (s) { s.hidden = s.dataset.kind !== button.dataset.open; });
      var first = card.querySelector('.sheet:not([hidden]) input, .sheet:not([hidden]) button');
      if (first) first.focus();
    } else if (button.hasAttribute('data-close')) {
      button.closest('.sheet').hidden = true;
    }
  });
  app.addEventListener('submit', function (event) {
    event.preventDefault();
    report(event.target.closest('.card'), event.target);
  });
  function retryNow() {
    save(load().map(function (i) { i.next = 0; return i; }));
    flush();
  }
  window.addEventListener('online', retryNow);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') retryNow();
  });

  /* A copy from the phone (offline, or a slow network gave way) says how old its lessons are;
     past the week it covered, its lessons are hidden and only the outbox remains. */
  function age() {
    var synced = Date.parse(app.dataset.synced), stale = document.getElementById('stale');
    var end = Date.parse(app.dataset.today + 'T00:00:00') + (+app.dataset.days) * DAY_MS;
    if (!synced) return;
    if (Date.now() >= end) {
      stale.textContent = T.expired.replace('{time}', when(synced));
      document.getElementById('lessons').hidden = true;
      stale.hidden = false;
    } else if (!navigator.onLine || Date.now() - synced > FRESH_MS) {
      stale.textContent = T.stale.replace('{time}', when(synced));
      stale.hidden = false;
    }
  }
  window.addEventListener('offline', age);

  function worker() {
    var hint = document.getElementById('no-offline');
    if (!('serviceWorker' in navigator)) { hint.hidden = false; return; }
    navigator.serviceWorker.register('/assistant/sw.js', {scope: '/assistant'})
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () { app.dataset.offline = 'ready'; }, function () { hint.hidden = false; });
  }

  window.coordinatorOutbox = {flush: flush, load: load, save: save};
  age();
  render();
  worker();
  restore().then(function () {
    render();
    app.dataset.outbox = 'ready';
    flush();
  });
  token().then(function () { app.dataset.token = 'ready'; render(); },
    function () { /* offline now: fetched before the first send */ });
})();
