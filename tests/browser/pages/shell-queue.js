// Three callbacks queued before the bundle runs; the second throws.
(function () {
  window.__q = [];
  var q = (window.consentryQueue = window.consentryQueue || []);
  q.push(function (api) { window.__q.push(['first', api === window.Consentry, !!window.Consentry && typeof window.Consentry.allowed]); });
  q.push(function () { window.__q.push(['second']); throw new Error('queue boom'); });
  q.push(function (api) { window.__q.push(['third', api === window.Consentry]); });
})();
