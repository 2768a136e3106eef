// Live rows: the server pushes the HTML of each row that changed (Server-Sent Events); the page
// swaps them in place, keeping checkbox selections. Without EventSource it falls back to reloading
// every `stats refresh` seconds, as the page does without JavaScript.
(function () {
  'use strict';
  var body = document.body;
  var refresh = Number(body.dataset.refresh || 0);
  var filter = document.getElementById('problems-only');
  var state = document.getElementById('live-state');
  function applyFilter() {
    body.classList.toggle('problems-only', !!(filter && filter.checked));
  }
  function blockStates() {
    document.querySelectorAll('section.px').forEach(function (sec) {
      var bad = sec.querySelector('tr.problem') !== null;
      sec.classList.toggle('problem', bad);
      sec.classList.toggle('ok', !bad);
    });
  }
  if (filter) {
    filter.parentElement.hidden = false;
    filter.addEventListener('change', applyFilter);
    applyFilter();
  }
  document.querySelectorAll('input.all').forEach(function (all) {
    all.addEventListener('change', function () {
      all.closest('table').querySelectorAll('tbody input[name=s]').forEach(function (c) { c.checked = all.checked; });
    });
  });
  function swap(row) {
    var old = document.getElementById(row.id);
    if (!old) return;
    var t = document.createElement('template');
    t.innerHTML = row.html.trim();
    var tr = t.content.firstElementChild;
    if (!tr) return;
    var was = old.querySelector('input[name=s]');
    var now = tr.querySelector('input[name=s]');
    if (was && now) now.checked = was.checked;
    old.replaceWith(tr);
  }
  var url = body.dataset.events;
  if (!url) return;
  var fallback = null;
  function reloadLater() {
    if (fallback === null && refresh > 0) fallback = setTimeout(function () { location.reload(); }, refresh * 1000);
  }
  if (!window.EventSource) { reloadLater(); return; }
  var es = new EventSource(url);
  es.addEventListener('open', function () {
    if (state) state.textContent = 'on';
    if (fallback !== null) { clearTimeout(fallback); fallback = null; }
  });
  es.addEventListener('rows', function (ev) {
    var d = JSON.parse(ev.data);
    d.rows.forEach(swap);
    if (d.info) {
      ['uptime', 'actconn', 'gentime'].forEach(function (k) {
        var el = document.getElementById(k);
        if (el && d.info[k] !== undefined) el.textContent = d.info[k];
      });
    }
    blockStates();
    applyFilter();
  });
  es.addEventListener('bye', function () { es.close(); if (state) state.textContent = 'off (server stopping)'; });
  es.addEventListener('error', function () {
    if (state) state.textContent = 'reconnecting';
    reloadLater();
  });
})();
