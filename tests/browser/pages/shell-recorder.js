// Test helper for shell-*.html: record every Consentry event (callbacks and window CustomEvents)
// from before the bundle runs, through consentryQueue.
(function () {
  var names = ['ready', 'consent', 'first-consent', 'change'];
  window.__cb = [];
  window.__win = [];
  window.__q = [];
  names.forEach(function (n) {
    window.addEventListener('consentry:' + n, function (e) { window.__win.push([n, e.detail]); });
  });
  var q = (window.consentryQueue = window.consentryQueue || []);
  q.push(function (api) {
    window.__q.push(['q1', api === window.Consentry, typeof api.acceptAll]);
    names.forEach(function (n) { api.on(n, function (d) { window.__cb.push([n, d]); }); });
  });
  q.push(function (api) { window.__q.push(['q2', api === window.Consentry]); });
})();
