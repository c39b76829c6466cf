/* Cookie-notice page: a live view of the visitor's current choice (getConsent()), refreshed on the
 * `consent` (page view with a choice, first choice) and `change` events. Text only (textContent). */
(function () {
  'use strict';

  function row(tbody, label, value) {
    var tr = document.createElement('tr');
    var th = document.createElement('th');
    var td = document.createElement('td');
    th.textContent = label;
    td.textContent = value;
    tr.appendChild(th);
    tr.appendChild(td);
    tbody.appendChild(tr);
  }

  function when(ms) {
    return typeof ms === 'number' ? new Date(ms).toLocaleString() : String(ms);
  }

  function render(api) {
    var summary = document.getElementById('consent-summary');
    var tbody = document.getElementById('consent-view');
    if (!summary || !tbody) { return; }
    var c = api.getConsent();
    tbody.textContent = '';
    if (!c) {
      summary.textContent = 'You have not made a choice on this site yet (or it has expired), so ' +
        'only strictly necessary cookies are in use where the law requires your consent.';
      return;
    }
    summary.textContent = 'This is the choice stored in your browser:';
    var cats = c.categories || {};
    Object.keys(cats).forEach(function (id) { row(tbody, id, cats[id] ? 'yes' : 'no'); });
    var services = c.services || {};
    Object.keys(services).forEach(function (cat) {
      Object.keys(services[cat] || {}).forEach(function (svc) {
        row(tbody, cat + ' / ' + svc, services[cat][svc] ? 'yes' : 'no');
      });
    });
    row(tbody, 'given', when(c.givenAt));
    row(tbody, 'expires', when(c.expiresAt));
    row(tbody, 'how', String(c.method));
    row(tbody, 'consent id', String(c.id));
  }

  (window.consentryQueue = window.consentryQueue || []).push(function (api) {
    function go() {
      render(api);
      api.on('consent', function () { render(api); });
      api.on('change', function () { render(api); });
    }
    if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', go); } else { go(); }
  });
})();
