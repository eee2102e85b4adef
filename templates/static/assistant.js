/* The assistant's page: reports go into an outbox on the phone first, then to the server. */
(function () {
  'use strict';
  var app = document.getElementById('app');
  if (!app || !window.localStorage) return;
  var T = JSON.parse(document.getElementById('strings').textContent);
  var who = app.dataset.assistant;
  var BOX = 'coordinator.outbox.' + who;
  var TOKEN = 'coordinator.token.' + who;
  var BASE_MS = 2000, MAX_MS = 5 * 60 * 1000, TIMEOUT_MS = 15000;
  var busy = false, timer = 0, needSignin = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(BOX)) || []; } catch (e) { return []; }
  }
  function save(items) { localStorage.setItem(BOX, JSON.stringify(items)); }
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
    var held = localStorage.getItem(TOKEN);
    if (held) return held;
    var res = await fetch(app.dataset.tokenUrl, {
      method: 'POST', credentials: 'same-origin',
      headers: {'X-CSRF-Token': app.dataset.csrf, 'Accept': 'application/json'}
    });
    if (res.status === 201) {
      held = (await res.json()).token;
      localStorage.setItem(TOKEN, held);
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
    if (res.ok) return {sent: true};
    if (res.status === 401) { localStorage.removeItem(TOKEN); return {retry: true}; }
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
  window.addEventListener('online', function () {
    save(load().map(function (i) { i.next = 0; return i; }));
    flush();
  });
  window.coordinatorOutbox = {flush: flush, load: load, save: save};
  render();
  token().then(function () { app.dataset.token = 'ready'; },
    function () { /* offline now: fetched before the first send */ });
  flush();
})();
