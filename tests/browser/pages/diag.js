/* Test diagnostics: MUST be the first script of every test page (an external file, so it also runs
 * under `script-src 'self'`). It records into window.__diag everything a test should see fail:
 *   errors       uncaught exceptions (window 'error' ErrorEvents)
 *   resources    failed loads of <script>/<img>/<link>/<iframe> (capturing 'error' on elements)
 *   rejections   unhandled promise rejections
 *   console      console.error / console.warn calls (still forwarded to the real console)
 *   csp          securitypolicyviolation events (directive, blocked URI, source)
 * Read it with tests/browser/helpers.py: diag(driver), assert_clean_console(driver).
 */
(function () {
  'use strict';
  if (window.__diag) { return; }
  var d = { errors: [], resources: [], rejections: [], console: [], csp: [] };
  Object.defineProperty(window, '__diag', { value: d, enumerable: false });

  function text(v) {
    try {
      if (v instanceof Error) { return v.name + ': ' + v.message; }
      if (typeof v === 'string') { return v; }
      if (v && typeof v === 'object') { return JSON.stringify(v); }
      return String(v);
    } catch (e) { return Object.prototype.toString.call(v); }
  }

  window.addEventListener('error', function (ev) {
    var t = ev.target;
    if (t && t !== window && t.tagName) {           // a resource failed to load (no ErrorEvent)
      d.resources.push({ tag: t.tagName.toLowerCase(), url: t.src || t.href || t.currentSrc || '' });
      return;
    }
    d.errors.push({
      message: String(ev.message || text(ev.error)),
      source: ev.filename || '', line: ev.lineno || 0, column: ev.colno || 0,
      stack: ev.error && ev.error.stack ? String(ev.error.stack) : ''
    });
  }, true);

  window.addEventListener('unhandledrejection', function (ev) {
    var r = ev.reason;
    d.rejections.push({ message: text(r), stack: r && r.stack ? String(r.stack) : '' });
  });

  ['error', 'warn'].forEach(function (level) {
    var original = console[level];
    console[level] = function () {
      var args = Array.prototype.slice.call(arguments);
      d.console.push({ level: level, message: args.map(text).join(' ') });
      return original.apply(console, arguments);
    };
  });

  // Fired at the element (or the document) and composed/bubbling: capture on window sees them all.
  window.addEventListener('securitypolicyviolation', function (ev) {
    d.csp.push({
      directive: ev.effectiveDirective || ev.violatedDirective, violated: ev.violatedDirective,
      blockedURI: ev.blockedURI, source: ev.sourceFile || '', line: ev.lineNumber || 0,
      sample: ev.sample || '', disposition: ev.disposition
    });
  }, true);
})();
