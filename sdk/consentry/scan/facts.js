// Run by `consentry scan` after a page has loaded (execute_script): what the DOM says about
// consent. Returns plain JSON; every list is capped by arguments[0] so a huge page stays bounded.
var cap = arguments[0];
var out = {url: location.href, title: String(document.title || '').slice(0, 200)};
var executable = /^(|text\/javascript|application\/javascript|module)$/;
var scripts = [], all = document.scripts, sdk = /(^|\/)consentry[^\/]*\.js$/i;
for (var i = 0; i < all.length && scripts.length < cap; i++) {
  var s = all[i], type = (s.getAttribute('type') || '').trim().toLowerCase();
  if (!executable.test(type) || s.getAttribute('data-consentry-state') === 'revived') { continue; }
  var src = s.src || null;
  scripts.push({src: src, consentry: !!src && sdk.test(new URL(src).pathname)});
}
out.scripts = scripts;
out.consentry = !!(window.Consentry && window.Consentry.ready);
out.consentryFirst = scripts.length > 0 && scripts[0].consentry;
out.consentryScript = scripts.some(function (x) { return x.consentry; });
var link = document.querySelector('[data-consentry="preferences"],[data-consentry="banner"],[data-cc="show-preferencesModal"],[data-cc="show-consentModal"]');
if (!link) {
  var words = /(cookie|privacy|consent)[^<]{0,30}(setting|preference|choice|option)|manage (cookies|consent)|do not sell/i;
  var clickables = document.querySelectorAll('a,button');
  for (var j = 0; j < clickables.length && j < 5000 && !link; j++) {
    if (words.test(clickables[j].textContent || '')) { link = clickables[j]; }
  }
}
out.settingsLink = link ? String(link.textContent || '').trim().slice(0, 80) || link.tagName.toLowerCase() : null;
var dl = window.dataLayer, cm = {dataLayer: Array.isArray(dl), defaultAt: -1, firstOtherAt: -1, entries: 0};
if (cm.dataLayer) {
  cm.entries = dl.length;
  for (var k = 0; k < dl.length && k < 200; k++) {
    var e = dl[k], args = null;
    if (e && typeof e === 'object' && typeof e.length === 'number') { args = Array.prototype.slice.call(e, 0, 2); }
    var isDefault = !!args && args[0] === 'consent' && args[1] === 'default';
    var isConsent = !!args && args[0] === 'consent';
    if (isDefault && cm.defaultAt < 0) { cm.defaultAt = k; }
    if (!isConsent && cm.firstOtherAt < 0) { cm.firstOtherAt = k; }
  }
}
out.consentMode = cm;
var gated = [], els = document.querySelectorAll('[data-category]');
out.gatedTotal = els.length;
for (var g = 0; g < els.length && gated.length < cap; g++) {
  var el = els[g], tag = el.tagName.toLowerCase(), state = el.getAttribute('data-consentry-state'), ran;
  if (state) { ran = state === 'revived' || state === 'ungated'; }
  else if (tag === 'script') { ran = (el.getAttribute('type') || '').trim().toLowerCase() !== 'text/plain'; }
  else { ran = el.hasAttribute('src'); }
  gated.push({tag: tag, category: el.getAttribute('data-category'), service: el.getAttribute('data-service'),
              src: el.getAttribute('data-src') || el.getAttribute('src') || null, state: state, ran: ran});
}
out.gated = gated;
var links = [];
for (var l = 0; l < document.links.length && links.length < cap; l++) { links.push(document.links[l].href); }
out.links = links;
out.linksTotal = document.links.length;
var inline = document.getElementById('consentry-config');
out.pageConfig = inline && inline.type === 'application/json' ? String(inline.textContent).slice(0, 200000) : null;
out.cookieWrites = (window.__consentryScanCookies || []).slice(0, cap);
return out;
