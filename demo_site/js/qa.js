/* QA panel. Loaded right after /consentry.js so the event listeners exist before the SDK starts
 * (if the SDK fired `ready` even earlier, the log still shows when Consentry.ready resolved).
 * Everything is rendered as text (textContent), never as HTML. */
(function () {
  'use strict';
  var EVENTS = ['ready', 'consent', 'first-consent', 'change'];
  var COOKIE = 'consentry';
  var pending = [];

  function $(id) { return document.getElementById(id); }

  function stamp() {
    var d = new Date();
    return d.toTimeString().slice(0, 8) + '.' + ('00' + d.getMilliseconds()).slice(-3);
  }

  function log(name, detail) {
    var entry = stamp() + '  ' + name + (detail === undefined ? '' : '  ' + JSON.stringify(detail));
    var list = $('event-log');
    if (!list) { pending.push(entry); return; }
    var li = document.createElement('li');
    li.textContent = entry;
    list.appendChild(li);
  }

  EVENTS.forEach(function (name) {
    window.addEventListener('consentry:' + name, function (ev) {
      log('consentry:' + name, ev.detail);
      render();
      if (name === 'consent') { setTimeout(loadConsentLog, 300); }   // after the beacon is stored
    });
  });

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split('; ') : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf('=');
      if (parts[i].slice(0, eq) === name) { return parts[i].slice(eq + 1); }
    }
    return null;
  }

  function decode(raw) {
    var text = raw;
    try { text = decodeURIComponent(raw); } catch (e) { /* keep raw */ }
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON */ }
    try {                                            // base64 / base64url
      var b = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
      try { return JSON.stringify(JSON.parse(b), null, 2); } catch (e) { return b; }
    } catch (e) { /* not base64 */ }
    return text;
  }

  function render() {
    if (!$('qa-record')) { return; }
    var api = window.Consentry;
    var record = api && typeof api.getConsent === 'function' ? api.getConsent() : undefined;
    $('qa-record').textContent = record === undefined ? '(Consentry not started)' : JSON.stringify(record, null, 2);
    var raw = readCookie(COOKIE);
    $('qa-cookie-raw').textContent = raw === null ? '(no cookie)' : raw;
    $('qa-cookie-decoded').textContent = raw === null ? '' : decode(raw);
    if (window.demoRenderStatus) { window.demoRenderStatus(); }
  }

  // The consent log's last entries (GET /qa/consent-log, served by the dev server).
  function loadConsentLog() {
    var list = $('qa-consent-log');
    if (!list || !window.fetch) { return; }
    fetch('/qa/consent-log', {cache: 'no-store'}).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (rows) {
      list.textContent = '';
      var lines = rows === null ? ['(the consent log is off on this server)'] : rows.map(function (row) {
        return new Date(row.given_at).toISOString() + '  ' + row.method + '  ' + row.consent_id +
          '  ' + JSON.stringify(row.categories) + '  ' + row.path;
      });
      if (rows !== null && rows.length === 0) { lines = ['(no entry yet)']; }
      lines.forEach(function (text) {
        var li = document.createElement('li');
        li.textContent = text;
        list.appendChild(li);
      });
    }, function () { list.textContent = '(could not read the consent log)'; });
  }

  function call(method) {
    return function () {
      try {
        var result = window.Consentry[method]();
        log('Consentry.' + method + '()');
        if (result && typeof result.then === 'function') { result.then(render, render); }
      } catch (e) {
        log('Consentry.' + method + '() threw', String(e));
      }
      render();
    };
  }

  function setQaCookie(name, value) {
    document.cookie = value === null
      ? name + '=; Path=/; Max-Age=0; SameSite=Lax'
      : name + '=' + value + '; Path=/; Max-Age=2592000; SameSite=Lax';
  }

  // A page URL without the one-off ?region / ?gpc, so the cookie setting is what shows after reload.
  function reloadClean() { location.assign(location.pathname); }

  function start() {
    pending.forEach(function (entry) {
      var li = document.createElement('li');
      li.textContent = entry;
      $('event-log').appendChild(li);
    });
    pending = [];
    $('qa-accept').addEventListener('click', call('acceptAll'));
    $('qa-reject').addEventListener('click', call('rejectAll'));
    $('qa-banner').addEventListener('click', call('showBanner'));
    $('qa-prefs').addEventListener('click', call('showPreferences'));
    $('qa-reset').addEventListener('click', call('reset'));
    $('qa-reload').addEventListener('click', function () { location.reload(); });
    $('qa-clear-log').addEventListener('click', function () { $('event-log').textContent = ''; });
    $('qa-consent-log-refresh').addEventListener('click', loadConsentLog);
    loadConsentLog();

    var region = document.documentElement.getAttribute('data-consentry-region') || '';
    $('qa-region-now').textContent = region || '(none)';
    var select = $('qa-region');
    var current = readCookie('qa-region') || '';
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === current) { select.selectedIndex = i; }
    }
    $('qa-region-set').addEventListener('click', function () {
      setQaCookie('qa-region', select.value || null);
      reloadClean();
    });

    $('qa-gpc-now').textContent = String(navigator.globalPrivacyControl);
    $('qa-gpc-on').addEventListener('click', function () { setQaCookie('qa-gpc', '1'); reloadClean(); });
    $('qa-gpc-off').addEventListener('click', function () { setQaCookie('qa-gpc', null); reloadClean(); });

    render();
    if (window.Consentry && window.Consentry.ready) {
      window.Consentry.ready.then(function () { log('(Consentry.ready resolved)'); render(); },
                                  function (e) { log('(Consentry.ready rejected)', String(e)); });
    } else {
      log('(window.Consentry is missing: is dist/consentry.js built?)');
    }
  }

  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
})();
