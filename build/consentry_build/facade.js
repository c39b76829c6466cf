// The public JS face of Consentry (contract §5). Hand-written and small on purpose: it makes the
// API independent of Brython's JS bridge (real Error objects, null instead of a truthy None,
// plain objects out), replays consentryQueue, dispatches events, and pushes a fail-closed
// Consent Mode default if the Python side cannot start.
(function (window, document) {
  'use strict';
  var PREFIX = '[consentry] ';
  var console = window.console;
  var previous = window.Consentry;
  if (previous && previous.__consentry) {
    console.warn(PREFIX + 'consentry.js is included more than once; only the first copy runs.');
    return;
  }
  var core = null;
  var $B = null;
  var listeners = {};
  var categoryHooks = [];
  var resolveReady;
  var ready = new Promise(function (resolve) { resolveReady = resolve; });

  function toError(err) {
    if (err instanceof Error) { return err; }
    var msg = 'unknown error';
    try {
      var args = err && err.args;
      msg = (err && err.ob_type && err.ob_type.__name__ || 'Error') +
            (args && args.length ? ': ' + String(args[0]) : '');
    } catch (e) { /* keep the generic message */ }
    return new Error(PREFIX + msg);
  }

  function toJS(value) {
    if (value === undefined || value === null || ($B && value === $B.builtins.None)) { return null; }
    if (typeof value === 'boolean' || typeof value === 'string' || typeof value === 'number') {
      return value;
    }
    return $B.pyobj2structuredclone(value);
  }

  function invoke(method, args) {
    return $B.$call.apply(null, [$B.$getattr(core, method)].concat(args));
  }

  function call(method, args) {
    if (!core) { throw new Error(PREFIX + 'not started yet; use consentryQueue or Consentry.ready'); }
    try {
      return toJS(invoke(method, args || []));
    } catch (err) {
      throw toError(err);
    }
  }

  function safely(fn, arg, what) {
    try { fn(arg); } catch (err) { console.error(PREFIX + what + ' threw:', err); }
  }

  function emit(name, detail) {
    var fns = (listeners[name] || []).slice();
    for (var i = 0; i < fns.length; i++) { safely(fns[i], detail, "a '" + name + "' listener"); }
    try {
      window.dispatchEvent(new CustomEvent('consentry:' + name, {detail: detail}));
    } catch (err) { console.error(PREFIX + 'event dispatch failed:', err); }
  }

  var api = {
    __consentry: true,
    ready: ready,
    acceptAll: function () { call('accept_all'); },
    rejectAll: function () { call('reject_all'); },
    update: function (choices) {
      if (!choices || typeof choices !== 'object' || Array.isArray(choices)) {
        throw new TypeError(PREFIX + 'update() takes an object like {analytics: true}');
      }
      var clean = {};
      for (var key in choices) {
        if (Object.prototype.hasOwnProperty.call(choices, key)) {
          if (typeof choices[key] !== 'boolean') {
            throw new TypeError(PREFIX + 'update(): the value of "' + key + '" must be true or false');
          }
          clean[key] = choices[key];
        }
      }
      call('update', [$B.structuredclone2pyobj(clean)]);
    },
    allowed: function (category, service) {
      if (!core || typeof category !== 'string') { return false; }
      if (service !== undefined && typeof service !== 'string') { return false; }
      try {
        return invoke('allowed', [category, service === undefined ? $B.builtins.None : service]) === true;
      } catch (err) { return false; }
    },
    getConsent: function () { return core ? call('get_consent') : null; },
    showBanner: function () { call('show_banner'); },
    showPreferences: function () { call('show_preferences'); },
    hide: function () { call('hide'); },
    reset: function () { call('reset'); },
    on: function (name, fn) {
      if (typeof name !== 'string' || typeof fn !== 'function') {
        throw new TypeError(PREFIX + 'on(event, function) needs an event name and a function');
      }
      (listeners[name] = listeners[name] || []).push(fn);
    },
    off: function (name, fn) {
      var list = listeners[name] || [];
      var at = list.indexOf(fn);
      if (at >= 0) { list.splice(at, 1); }
    },
    onCategory: function (id, handlers) {
      if (typeof id !== 'string' || !handlers || typeof handlers !== 'object') {
        throw new TypeError(PREFIX + 'onCategory(id, {accept, reject}) needs an id and an object');
      }
      var hook = {id: id, accept: handlers.accept, reject: handlers.reject, accepted: false};
      categoryHooks.push(hook);
      if (api.allowed(id)) { runHook(hook, true); }
    }
  };

  function runHook(hook, allowed) {
    if (allowed && !hook.accepted && typeof hook.accept === 'function') {
      hook.accepted = true;
      safely(hook.accept, api, "onCategory('" + hook.id + "').accept");
    } else if (!allowed && hook.accepted && typeof hook.reject === 'function') {
      hook.accepted = false;
      safely(hook.reject, api, "onCategory('" + hook.id + "').reject");
    }
  }

  // Called by the Python shell. `events` is a list of [name, payload]; `view` is getConsent().
  var host = {
    builtinConfig: /*@CONFIG@*/null,
    css: /*@CSS@*/'',
    version: /*@VERSION@*/'',
    dispatch: function (events, view) {
      var detail = toJS(view);
      var list = toJS(events) || [];
      for (var i = 0; i < list.length; i++) {
        var name = list[i][0];
        var payload = list[i][1];
        if (name === 'category-accept' || name === 'category-reject') {
          for (var j = 0; j < categoryHooks.length; j++) {
            if (categoryHooks[j].id === payload) { runHook(categoryHooks[j], name === 'category-accept'); }
          }
          continue;
        }
        var d = detail ? Object.assign({}, detail) : {};
        if (name === 'change') { d.changed = payload; }
        emit(name, name === 'ready' && !detail ? null : d);
      }
    },
    gtag: function () { (window.dataLayer = window.dataLayer || []).push(arguments); },
    report: function (err, B) {
      try { B.show_error(err); } catch (e) { console.error(PREFIX, err); }
    }
  };

  function failClosed(err, raw) {
    console.error(PREFIX + 'could not start; nothing gated will run. ' + (err && err.message || err));
    if (raw && raw.stack) { console.debug(raw.stack); }
    var cm = host.builtinConfig && host.builtinConfig.config.consentMode;
    if (cm && cm.enabled !== false) {
      var denied = {};
      var signals = ['ad_storage', 'ad_user_data', 'ad_personalization', 'analytics_storage',
                     'functionality_storage', 'personalization_storage', 'security_storage'];
      for (var i = 0; i < signals.length; i++) { denied[signals[i]] = 'denied'; }
      denied.wait_for_update = 500;
      host.gtag('consent', 'default', denied);
    }
  }

  window.Consentry = api;
  try {
    var started = __consentryStart(host);
    $B = started.$B;
    core = started.core;
    /*@TESTHOOK@*/
  } catch (err) {
    failClosed(toError(err), err);
    return;
  }
  var queued = window.consentryQueue;
  var queue = {push: function (fn) {
    if (typeof fn === 'function') { safely(fn, api, 'a consentryQueue callback'); }
    return 0;
  }};
  window.consentryQueue = queue;
  resolveReady(api);
  if (Array.isArray(queued)) {
    for (var q = 0; q < queued.length; q++) { queue.push(queued[q]); }
  }
  host.dispatch(invoke('start_events', []), invoke('get_consent', []));
})(window, document);
