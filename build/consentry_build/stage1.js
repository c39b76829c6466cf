// The first stage, dist/consentry.js: the one script a page includes (contract §1). No runtime:
// this shell and the engine + gating compiled from Python by PScript, whose functions it calls
// through `E` (linked by fastpath.link). Synchronously, in <head>, it pushes the Consent Mode
// default, reads the cookie, decides with the engine and starts the gate, so a returning
// visitor's consented tags run at once. It owns the public API object, the queue and the events; the Brython SDK (stage 2,
// consentry-sdk.<hash>.js: UI, full API, validator, tabs, log) attaches to it through
// __attach, loaded at once when this stage cannot finish alone, else when the page is idle.
(function (window, document) {
  'use strict';
  var PREFIX = '[consentry] ';
  var STAGE2 = /*@STAGE2@*/null;           // {src, integrity} of the SDK file; null: same file
  var CONFIG = /*@DECISION_CONFIG@*/null;  // the built configuration's decision fields

  // ---- Built-ins, once, from the prototypes. Elements named like a built-in shadow what a
  // lookup on `document` (and, for names that are not built in, on `window`) finds; these
  // references cannot be shadowed (contract §1, docs/security.md).
  var getOwn = Object.getOwnPropertyDescriptor;
  function accessor(proto, name) {
    for (var p = proto; p; p = Object.getPrototypeOf(p)) {
      var d = getOwn(p, name);
      if (d) { return d; }
    }
    return {};
  }
  var docProto = Object.getPrototypeOf(document);
  var cookieGet = accessor(docProto, 'cookie').get;
  var readyStateGet = accessor(docProto, 'readyState').get;
  var docElGet = accessor(docProto, 'documentElement').get;
  var currentScriptGet = accessor(docProto, 'currentScript').get;
  var querySelector = accessor(docProto, 'querySelector').value;
  var querySelectorAll = accessor(docProto, 'querySelectorAll').value;
  var createElement = accessor(docProto, 'createElement').value;
  var listen = EventTarget.prototype.addEventListener;
  var getAttribute = Element.prototype.getAttribute;
  var closest = Element.prototype.closest;
  var appendChild = Node.prototype.appendChild;
  var console = window.console;
  var MutationObserver = window.MutationObserver;
  var own = Object.prototype.hasOwnProperty;

  var previous = getOwn(window, 'Consentry');
  if (previous && previous.value && previous.value.__consentry) {
    console.warn(PREFIX + 'consentry.js is included more than once; only the first copy runs.');
    return;
  }
  var me = currentScriptGet.call(document);
  var docEl = docElGet.call(document);
  var ownNonce = (me && me.nonce) || '';

  function warn(text) { console.warn(PREFIX + text); }
  // "" when cookies cannot be read here (a sandboxed frame throws): no choice, this page only
  function readCookie() {
    try { return String(cookieGet.call(document)); } catch (e) { return ''; }
  }
  function parsing() { return readyStateGet.call(document) === 'loading'; }
  function now() { return Date.now(); }

  // ---- Trusted Types: our policy blesses exactly the value the SDK itself just decided to
  // load (the SDK file, a revived gated element), nothing else.
  var policy = null;
  var blessed = null;
  function bless(value) {
    if (value !== blessed) { throw new TypeError(PREFIX + 'refused: not a value the SDK chose'); }
    blessed = null;
    return value;
  }
  function trusted(kind, value) {
    if (policy === null) {
      policy = false;
      if (window.trustedTypes && window.trustedTypes.createPolicy) {
        policy = window.trustedTypes.createPolicy('consentry', {createScriptURL: bless, createScript: bless});
      }
    }
    if (!policy) { return value; }
    blessed = value;
    try { return kind === 'url' ? policy.createScriptURL(value) : policy.createScript(value); }
    finally { blessed = null; }
  }

  // ---- Consent Mode (contract §6): through the page's dataLayer only when it is an array.
  var layer;
  var layerWarned = false;
  function gtag() {
    if (layer === undefined) {
      var d = getOwn(window, 'dataLayer');
      if (!d) { window.dataLayer = []; d = getOwn(window, 'dataLayer'); }
      layer = d && Array.isArray(d.value) ? d.value : null;
    }
    if (layer === null) {
      if (!layerWarned) {
        layerWarned = true;
        warn('window.dataLayer is not an array: no Consent Mode signals are sent');
      }
      return;
    }
    layer.push(arguments);
  }
  function consentMode(kind, state) {
    var cm = CONFIG.consentMode;
    if (!cm.enabled) { return; }
    var signals = E.consent_mode(CONFIG, state);
    if (kind === 'default') { signals.wait_for_update = cm.waitForUpdate; }
    gtag('consent', kind, signals);
  }
  // Fail-closed: every signal denied (a state in which no category is on).
  function consentModeDenied() { consentMode('default', {categories: {}}); }

  // ---- The gate: the compiled gating engine with the built-ins it may use.
  var dom = {
    own_nonce: ownNonce,
    parsing: parsing,
    warn: warn,
    query_all: function (selector) { return querySelectorAll.call(document, selector); },
    observe: function (callback) {
      // nothing the page's markup does may throw out of our observer into the page
      var observer = new MutationObserver(function () {
        try { callback(); } catch (err) { console.error(PREFIX + 'gating failed:', err); }
      });
      observer.observe(docEl, {childList: true, subtree: true});
      return observer;
    },
    create_script: function () { return createElement.call(document, 'script'); },
    load_script: function (script, src, code) {
      if (src) { script.src = trusted('url', src); } else { script.text = trusted('script', code); }
    }
  };
  var gate = null;
  var state = null;            // the policy state the gate and allowed() follow
  function startGate(known, next) {
    state = next;
    if (gate === null) {
      gate = E.new_gate(dom, known, next);
      E.gate_watch(gate);
    } else {
      E.gate_set_state(gate, next);
      E.gate_apply(gate);
    }
  }

  // ---- The decision, when this stage can make it alone (no page override to validate).
  var decided = false;
  var hasOverride = false;
  try {
    hasOverride = !!querySelector.call(document, 'script#consentry-config[type="application/json"]');
    if (!hasOverride) {
      var hint = getAttribute.call(docEl, 'data-consentry-region');
      var tz = null;
      if (E.needs_timezone(CONFIG, hint)) {
        try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { tz = null; }
      }
      var gpc = window.navigator.globalPrivacyControl === true;
      var t = now();
      var read = E.read(readCookie(), CONFIG, t);
      var first = E.decide(CONFIG, read[0], hint, gpc, t, tz, read[1], true);
      consentMode('default', first);
      if (first.record !== null) { consentMode('update', first); }
      decided = true;
      var known = [];
      for (var c = 0; c < CONFIG.categories.length; c++) { known.push(CONFIG.categories[c].id); }
      startGate(known, first);
    }
  } catch (err) {
    console.error(PREFIX + 'the first stage could not decide; the SDK decides instead:', err);
  }
  if (!decided) { consentModeDenied(); }

  // ---- The public API (contract §5). allowed() answers from the gate's state at any time;
  // listeners and hooks are kept here; the rest is the SDK's (`impl`, made by stage2.js when
  // it attaches) and asks for it.
  var impl = null;
  var listeners = {};
  var categoryHooks = [];
  var EVENTS = ['ready', 'consent', 'first-consent', 'change'];
  var resolveReady, rejectReady;
  var ready = new Promise(function (resolve, reject) { resolveReady = resolve; rejectReady = reject; });
  ready.catch(function () { /* reported on the console; a page that awaits it gets the Error */ });

  function need() {
    if (!impl) {
      requestStage2();
      throw new Error(PREFIX + 'not started yet; use consentryQueue or Consentry.ready');
    }
    return impl;
  }
  var api = {
    version: /*@VERSION@*/'',
    acceptAll: function () { need().acceptAll(); },
    rejectAll: function () { need().rejectAll(); },
    update: function (choices) { need().update(choices); },
    allowed: function (category, service) {
      if (state === null || typeof category !== 'string') { return false; }
      if (service !== undefined && service !== null && typeof service !== 'string') { return false; }
      try { return E.allowed(state, category, service === undefined ? null : service) === true; }
      catch (err) { return false; }
    },
    getConsent: function () { return impl ? impl.getConsent() : null; },
    showBanner: function () { need().showBanner(); },
    showPreferences: function () { need().showPreferences(); },
    hide: function () { if (impl) { impl.hide(); } },
    reset: function () { need().reset(); },
    on: function (name, fn) {
      if (typeof name !== 'string' || typeof fn !== 'function') {
        throw new TypeError(PREFIX + 'on(event, function) needs an event name and a function');
      }
      if (EVENTS.indexOf(name) < 0) {
        throw new Error(PREFIX + 'on(): unknown event "' + name + '" (one of: ' + EVENTS.join(', ') + ')');
      }
      requestStage2();
      (own.call(listeners, name) ? listeners[name] : (listeners[name] = [])).push(fn);
      return function () { api.off(name, fn); };
    },
    off: function (name, fn) {
      var list = own.call(listeners, name) ? listeners[name] : [];
      var at = list.indexOf(fn);
      if (at >= 0) { list.splice(at, 1); }
    },
    onCategory: function (id, handlers) {
      if (typeof id !== 'string' || !handlers || typeof handlers !== 'object') {
        throw new TypeError(PREFIX + 'onCategory(id, {accept, reject}) needs an id and an object');
      }
      requestStage2();
      var hook = {id: id, accept: handlers.accept, reject: handlers.reject, accepted: false};
      categoryHooks.push(hook);
      if (impl && api.allowed(id)) { impl.runHook(hook, true); }
    }
  };
  Object.defineProperty(api, '__consentry', {value: true});
  Object.defineProperty(api, 'ready', {enumerable: true, get: function () { requestStage2(); return ready; }});
  Object.defineProperty(api, '__attach', {value: attach});

  // ---- What the SDK is given when it attaches (stage2.js adds the dispatching).
  var host = {
    decided: decided,          // this stage decided and pushed Consent Mode default (+ update)
    // data-cc accept triggers may choose when our own tag has this attribute ('' or a value)
    cc_accept: me && getAttribute.call(me, 'data-consentry-cc-accept'),
    api: api,
    listeners: listeners,
    categoryHooks: categoryHooks,
    gtag: gtag,
    // The gate follows every state the SDK computes (a choice, another tab, a page override).
    gate_state: function (known, next) { startGate(known, next); },
    gate_revived: function (category) { return gate !== null && E.gate_revived(gate, category); },
    gate_allow_once: function (el) { if (gate !== null) { E.gate_allow_once(gate, el); } },
    gate_embed_hooks: function (blocked, revived) {
      if (gate !== null) { E.gate_set_embed_hooks(gate, blocked, revived); }
    }
  };

  // ---- Stage 2: loaded at once when this stage cannot finish alone, else when the page is
  // idle, or (data-load="lazy" on our script) only when something asks for it.
  var requested = false;
  var failed = false;
  var pendingClick = null;
  function requestStage2() {
    if (requested || impl || failed) { return; }
    requested = true;
    watchdog();
    if (STAGE2 === null) { return; }          // single file: the SDK follows in this script
    var url = new URL(STAGE2.src, (me && me.src) || window.location.href).href;
    // While the parser runs, the file is only preloaded: it arrives in parallel and runs after
    // DOMContentLoaded, so the host page's own start is never held up by ours.
    if (parsing()) {
      insert(element('link', {rel: 'preload', as: 'script', href: url}));
      listen.call(document, 'DOMContentLoaded', function () { load(url); });
    } else {
      load(url);
    }
  }
  function element(tag, props) {
    var el = createElement.call(document, tag);
    el.integrity = STAGE2.integrity;
    el.crossOrigin = 'anonymous';             // integrity needs a CORS fetch from another origin
    if (ownNonce) { el.nonce = ownNonce; }
    for (var k in props) { el[k] = props[k]; }
    return el;
  }
  function insert(el) { appendChild.call(docEl, el); }
  function load(url) {
    var script = element('script', {async: true});
    try {
      script.src = trusted('url', url);
    } catch (err) {
      return fail(new Error(PREFIX + "Trusted Types refused the SDK file: allow the policy " +
                            "'consentry' or build --single-file"));
    }
    listen.call(script, 'error', function () {
      fail(new Error(PREFIX + 'could not load ' + STAGE2.src + ' (network, integrity or CSP)'));
    });
    insert(script);
  }
  // contract §5: `ready` settles at the latest 5 s after DOMContentLoaded (or after the SDK
  // was asked for, when that is later): a page that awaits it never hangs.
  function watchdog() {
    function arm() {
      setTimeout(function () { fail(new Error(PREFIX + 'could not start within 5 s')); }, 5000);
    }
    if (parsing()) { listen.call(document, 'DOMContentLoaded', arm); } else { arm(); }
  }
  function fail(err) {
    if (impl || failed) { return; }
    failed = true;
    rejectReady(err);
    console.error(err.message);
  }

  // Called by the SDK file (stage2.js) with the function that starts it.
  function attach(start) {
    if (impl || failed) { return; }
    requested = true;
    try {
      impl = start(host);
    } catch (err) {
      fail(err instanceof Error ? err : new Error(PREFIX + 'the SDK could not start'));
      return;
    }
    resolveReady(api);
    impl.started(pendingClick);
  }

  window.Consentry = api;
  // Markup that opens the UI before the SDK is there: remembered, opened once it attaches.
  listen.call(document, 'click', function (event) {
    if (impl) { return; }
    var target = event.target;
    var el = target && target.nodeType === 1 ? closest.call(target, '[data-consentry],[data-cc]') : null;
    if (!el) { return; }
    var kind = getAttribute.call(el, 'data-consentry');
    // vanilla-cookieconsent's data-cc: kept only from a visitor's click; the SDK decides
    if (kind === 'preferences' || kind === 'banner' || (kind === null && event.isTrusted)) {
      event.preventDefault();
      pendingClick = el;
      requestStage2();
    }
  }, true);

  var queuedAtStart = getOwn(window, 'consentryQueue');
  var lazy = me && getAttribute.call(me, 'data-load') === 'lazy';
  if (STAGE2 === null || !decided || state.showBanner ||
      (queuedAtStart && Array.isArray(queuedAtStart.value) && queuedAtStart.value.length)) {
    requestStage2();
  } else if (!lazy) {
    var idle = function () {
      if (window.requestIdleCallback) { window.requestIdleCallback(requestStage2, {timeout: 2000}); }
      else { setTimeout(requestStage2, 1); }
    };
    if (readyStateGet.call(document) === 'complete') { idle(); } else { listen.call(window, 'load', idle); }
  }
  /*@TESTHOOK1@*/
})(window, document);
