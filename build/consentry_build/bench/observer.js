// Consentry bench observer. Injected with CDP Page.addScriptToEvaluateOnNewDocument, so it runs in
// every new document before any of the page's own scripts; harness.py replaces the two placeholders.
// Every time it records is performance.now(): ms since the navigation start of this document.
//
// A "target" is {css} (light DOM) or {host, css}: an element matching `css` inside the OPEN shadow
// root of the element matching `host` (Consentry's <div data-consentry-root>). A document-level
// MutationObserver does not see inside a shadow root, so once the host and its shadowRoot exist
// the same observer is attached to the shadow root too; a requestAnimationFrame loop catches what
// no mutation announces (attachShadow itself, stylesheets arriving, CSS transitions).
(() => {
  const BANNER = __BANNER__;   // target of the first-layer banner, or null (no banner expected)
  const ACCEPT = __ACCEPT__;   // target of the accept-all button, or null
  const st = (window.__bench = {
    bannerInDom: null,     // first time the banner target matched
    bannerVisible: null,   // first time it matched AND was rendered visible (see isVisible)
    acceptClick: null,     // event.timeStamp of the first click that landed on the accept button
    longTasks: [],         // [{start, duration}] from the 'longtask' PerformanceObserver
    errors: [],            // uncaught errors / unhandled rejections seen by the page (first 5)
  });

  let resolveBanner, resolveAnalytics;
  st.bannerPromise = new Promise((r) => (resolveBanner = r));
  st.analyticsPromise = new Promise((r) => (resolveAnalytics = r));

  // The gated analytics tag does `window.__analyticsRan = performance.now()`: trap the write so the
  // harness can await it instead of polling.
  let ran;
  Object.defineProperty(window, '__analyticsRan', {
    configurable: true,
    get() { return ran; },
    set(v) { if (ran === undefined) { ran = v; resolveAnalytics(v); } },
  });

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) st.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { st.longTasks = null; }  // not supported: reported as n/a

  const note = (m) => { if (st.errors.length < 5) st.errors.push(String(m).slice(0, 300)); };
  addEventListener('error', (e) => note(e.message || e.type), true);
  addEventListener('unhandledrejection', (e) => note('unhandled rejection: ' + (e.reason && e.reason.message || e.reason)));

  const observed = new WeakSet();
  function find(t) {
    if (!t.host) return document.querySelector(t.css);
    const host = document.querySelector(t.host);
    const root = host && host.shadowRoot;
    if (!root) return null;
    if (!observed.has(root)) { observed.add(root); if (mo) mo.observe(root, MO_OPTS); }
    return root.querySelector(t.css);
  }

  function isVisible(el) {
    if (!el.isConnected) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    if (r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth) return false;
    // walk up through shadow roots to their hosts (composed ancestors)
    for (let e = el; e && e.nodeType === 1; e = e.parentElement || (e.parentNode && e.parentNode.host)) {
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden' || parseFloat(cs.opacity) === 0) return false;
    }
    return true;
  }

  let done = !BANNER;
  st.stop = () => { done = true; if (mo) mo.disconnect(); };  // the harness gave up waiting
  function check() {
    if (done) return;
    const el = find(BANNER);
    if (!el) return;
    const t = performance.now();
    if (st.bannerInDom === null) st.bannerInDom = t;
    if (isVisible(el)) {
      st.bannerVisible = t;
      done = true;
      mo.disconnect();
      resolveBanner(t);
    }
  }

  const MO_OPTS = { childList: true, subtree: true, attributes: true,
                    attributeFilter: ['class', 'style', 'hidden', 'open', 'aria-hidden', 'part'] };
  const mo = BANNER ? new MutationObserver(check) : null;
  if (BANNER) {
    mo.observe(document, MO_OPTS);
    const stopAt = 30000;
    const frame = () => { check(); if (!done && performance.now() < stopAt) requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
  }

  if (ACCEPT) {
    // capture on window: composedPath() includes nodes inside (open) shadow roots, whereas
    // e.target is retargeted to the shadow host at this level
    addEventListener('click', (e) => {
      if (st.acceptClick !== null) return;
      for (const n of e.composedPath()) {
        if (n instanceof Element && n.matches(ACCEPT.css)) {
          if (ACCEPT.host) {
            const root = n.getRootNode();
            if (!(root instanceof ShadowRoot) || !root.host.matches(ACCEPT.host)) continue;
          }
          st.acceptClick = e.timeStamp;
          return;
        }
      }
    }, true);
  }
})();
