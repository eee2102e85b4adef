/* The watch page: plays the lesson's HLS (hls.js where the browser has Media Source, the
   browser's own HLS otherwise), follows the lesson's state and reconnects after a drop. */
(function () {
  'use strict';
  var root = document.getElementById('watch');
  if (!root) return;
  var T = JSON.parse(document.getElementById('watch-strings').textContent);
  var video = document.getElementById('video'), stateLine = document.getElementById('state');
  var source = root.dataset.hls, player = null, retry = 0, wait = 2000, beat = 0;
  var POLL_MS = (+root.dataset.poll || 5) * 1000, MAX_WAIT_MS = 30000;

  function show(state) {
    root.dataset.state = state;
    stateLine.className = 'state state-' + state;
    stateLine.textContent = T[state] || state;
  }

  function loadHls() {  // about 120 KB compressed: only where it is needed, then cached
    return new Promise(function (resolve, reject) {
      if (window.Hls) return resolve(window.Hls);
      var script = document.createElement('script');
      script.src = root.dataset.hlsJs;
      script.onload = function () { resolve(window.Hls); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function stop() {
    if (player) { player.destroy(); player = null; }
    clearTimeout(retry);
    clearTimeout(beat);
    delete root.dataset.playing;
  }
  function again() {  // after a drop: try again, 2 s, 4 s … up to 30 s apart
    stop();
    retry = setTimeout(play, wait);
    wait = Math.min(MAX_WAIT_MS, wait * 2);
  }

  function play() {
    if (!source || !video) return;
    var nativeHls = video.canPlayType('application/vnd.apple.mpegurl');
    if (nativeHls && !window.MediaSource) {
      stop();
      player = {destroy: function () { video.removeAttribute('src'); video.load(); }};
      video.src = source;
      video.play().catch(function () { /* autoplay refused: the controls are there */ });
      return;
    }
    loadHls().then(function (Hls) {
      if (!Hls.isSupported()) { video.src = source; return; }
      stop();
      player = new Hls({liveSyncDurationCount: 2, manifestLoadingMaxRetry: 2});
      player.on(Hls.Events.MANIFEST_PARSED, function () {
        wait = 2000;
        lightest();
        video.play().catch(function () { /* autoplay refused */ });
      });
      player.on(Hls.Events.ERROR, function (_event, data) { if (data.fatal) again(); });
      player.loadSource(source);
      player.attachMedia(video);
    }, again);
  }

  function poll() {
    fetch(root.dataset.stateUrl, {credentials: 'same-origin', cache: 'no-store'})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) return;
        var was = root.dataset.state;
        show(body.state);
        var on = body.state === 'live' || body.state === 'open';
        if (on && (was !== body.state || !player)) { wait = 2000; play(); }
        if (body.state === 'interrupted' && was === 'live') { wait = 2000; again(); }  // the push dropped
        if (body.state === 'ended' || body.state === 'cancelled') stop();
      })
      .catch(function () { /* offline a moment: the next poll tells */ })
      .then(function () {
        if (root.dataset.state !== 'ended' && root.dataset.state !== 'cancelled') setTimeout(poll, POLL_MS);
      });
  }

  var reportKey = '';  // one key per page: a second tap or a retry is the same report
  function report() {
    var said = document.getElementById('reported');
    if (!reportKey) {
      var bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      reportKey = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
    }
    fetch(root.dataset.reportUrl, {
      method: 'POST', credentials: 'same-origin',
      headers: {'Idempotency-Key': '"' + reportKey + '"', 'X-CSRF-Token': root.dataset.csrf}
    }).then(function (response) {
      said.textContent = response.ok ? '✓ ' + T.reported : T.report_failed;
    }, function () { said.textContent = T.report_failed; });
  }
  var button = document.getElementById('no-signal');
  if (button) button.addEventListener('click', report);

  var soundOnly = document.getElementById('audio-only');
  function lightest() {  // sound only: an audio-only level where the stream has one, else the lowest
    if (!player || !player.levels) return;
    if (!(soundOnly && soundOnly.checked)) { player.currentLevel = -1; return; }
    var weight = function (level) { return !level.videoCodec && !level.height ? -1 : level.bitrate; };
    var pick = 0;
    player.levels.forEach(function (level, n) { if (weight(level) < weight(player.levels[pick])) pick = n; });
    player.currentLevel = pick;
    root.dataset.level = pick;
  }
  function sound() { root.classList.toggle('sound-only', !!(soundOnly && soundOnly.checked)); lightest(); }
  if (soundOnly) soundOnly.addEventListener('change', function () { sound(); if (video) video.muted = false; });
  var BEAT_MS = (+root.dataset.heartbeat || 20) * 1000;
  function heartbeat() {  // tells the teacher's go-live page this classroom is watching
    clearTimeout(beat);
    if (!video || video.paused || video.ended) return;
    fetch(root.dataset.playingUrl, {method: 'POST', credentials: 'same-origin', headers: {'X-CSRF-Token': root.dataset.csrf}})
      .catch(function () { /* offline a moment: the next beat tells */ });
    beat = setTimeout(heartbeat, BEAT_MS);
  }
  if (video) video.addEventListener('playing', function () { root.dataset.playing = 'yes'; heartbeat(); });
  sound();
  show(root.dataset.state);
  if (root.dataset.state === 'live' || root.dataset.state === 'open') play();
  poll();
})();
