/* Shared helpers of the demo pages (an external file, so the pages work under a strict CSP).
 *
 * - window.demoReport(id): called by the demo trackers in /trackers/; counts runs per tracker and
 *   marks its badge ([data-badge="id"]) so QA can see at a glance what ran and how often.
 * - Gated <img>/<iframe> (data-category) report when they really load something.
 * - [data-status="category"] elements show Consentry.allowed(category), kept live through the
 *   `consent` and `change` events.
 */
(function () {
  'use strict';
  var runs = window.demoRuns = window.demoRuns || {};

  function whenReady(fn) {
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', fn);
    } else {
      fn();
    }
  }

  function markBadge(id) {
    var badges = document.querySelectorAll('[data-badge]');
    for (var i = 0; i < badges.length; i++) {
      if (badges[i].getAttribute('data-badge') !== id) { continue; }
      badges[i].textContent = runs[id] === 1 ? 'ran' : 'ran \u00d7' + runs[id];
      badges[i].className = runs[id] === 1 ? 'badge badge-ran' : 'badge badge-twice';
    }
  }

  window.demoReport = function (id) {
    runs[id] = (runs[id] || 0) + 1;
    whenReady(function () { markBadge(id); });
  };

  // load does not bubble, but a capturing listener on the document sees it for every element.
  document.addEventListener('load', function (ev) {
    var el = ev.target;
    if (!el || !el.getAttribute || !el.hasAttribute('data-category') || !el.getAttribute('src')) { return; }
    if (el.tagName === 'IMG') { window.demoReport('pixel'); }
    if (el.tagName === 'IFRAME') { window.demoReport('video'); }
  }, true);

  function renderStatus(api) {
    var cells = document.querySelectorAll('[data-status]');
    for (var i = 0; i < cells.length; i++) {
      var category = cells[i].getAttribute('data-status');
      var parts = category.split(':');             // "analytics:ga" = a service
      var on = parts.length > 1 ? api.allowed(parts[0], parts[1]) : api.allowed(category);
      cells[i].textContent = on ? 'allowed' : 'blocked';
      cells[i].className = on ? 'status status-on' : 'status status-off';
    }
  }
  window.demoRenderStatus = function () {
    if (window.Consentry && typeof window.Consentry.allowed === 'function') { renderStatus(window.Consentry); }
  };

  (window.consentryQueue = window.consentryQueue || []).push(function (api) {
    whenReady(function () {
      renderStatus(api);
      api.on('consent', function () { renderStatus(api); });
      api.on('change', function () { renderStatus(api); });
    });
  });
})();
