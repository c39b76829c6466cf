// The end of the SDK file (stage 2): start the SDK for the first stage, which owns the API
// object, the listeners, the queue and the gate; give it back the API's implementation.
// Window.Consentry is read as an own property: page markup cannot shadow it.
var __consentryApi = Object.getOwnPropertyDescriptor(window, 'Consentry');
__consentryApi = __consentryApi && __consentryApi.value;
if (__consentryApi && typeof __consentryApi.__attach === 'function') {
  (function (attach) {
  'use strict';
  // Two-file build: the start's steps (loader.js) run as separate tasks after this file's own
  // evaluation, so no single task holds the page for the whole start. The single file keeps
  // one synchronous start: a page may use the API right after its script tag.
  var SPLIT = /*@SPLIT@*/false;
  var boot = null;
  function nextTask(fn) {
    var channel = new MessageChannel();
    channel.port1.onmessage = function () { channel.port1.onmessage = null; fn(); };
    channel.port2.postMessage(null);
  }
  function step(fn, then) {
    nextTask(function () {
      try {
        fn();
      } catch (err) {             // the first stage rejects `ready` with it
        attach(function () { throw err; });
        return;
      }
      then();
    });
  }
  if (SPLIT) {
    step(function () { boot = __consentryBoot(); }, function () {
      step(function () { boot.runModules(); }, function () {
        nextTask(function () { attach(start); });
      });
    });
  } else {
    attach(start);
  }

  function start(host) {
    var PREFIX = '[consentry] ';
    var console = window.console;
    var api = host.api;
    var own = Object.prototype.hasOwnProperty;
    var $B = null;
    var core = null;

    // Errors thrown to page code are real Errors; values cross as plain JS (null, not None).
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
      if (value === undefined || value === null || value === $B.builtins.None) { return null; }
      if (typeof value === 'boolean' || typeof value === 'string' || typeof value === 'number') {
        return value;
      }
      return $B.pyobj2structuredclone(value);
    }
    function invoke(method, args) {
      return $B.$call.apply(null, [$B.$getattr(core, method)].concat(args));
    }
    function call(method, args) {
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
      var fns = (own.call(host.listeners, name) ? host.listeners[name] : []).slice();
      for (var i = 0; i < fns.length; i++) { safely(fns[i], detail, "a '" + name + "' listener"); }
      try {
        window.dispatchEvent(new CustomEvent('consentry:' + name, {detail: detail}));
      } catch (err) { console.error(PREFIX + 'event dispatch failed:', err); }
    }
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
    host.dispatch = function (events, view) {
      var detail = toJS(view);
      var list = toJS(events) || [];
      for (var i = 0; i < list.length; i++) {
        var name = list[i][0];
        var payload = list[i][1];
        if (name === 'category-accept' || name === 'category-reject') {
          for (var j = 0; j < host.categoryHooks.length; j++) {
            if (host.categoryHooks[j].id === payload) { runHook(host.categoryHooks[j], name === 'category-accept'); }
          }
          continue;
        }
        var d = detail ? Object.assign({}, detail) : {};
        if (name === 'change') { d.changed = payload; }
        emit(name, name === 'ready' && !detail ? null : d);
      }
    };
    host.report = __consentryReport;

    if (boot === null) {
      boot = __consentryBoot();
      boot.runModules();
    }
    var started = __consentryStart(host, {config: /*@CONFIG@*/null, css: /*@CSS@*/'', version: /*@VERSION@*/''},
                                   boot);
    $B = started.$B;
    core = started.core;
    var testHook = /*@TESTHOOK2@*/null;
    if (testHook) { testHook(api, started); }
    return {
      acceptAll: function () { call('accept_all'); },
      rejectAll: function () { call('reject_all'); },
      update: function (choices) {
        if (!choices || typeof choices !== 'object' || Array.isArray(choices)) {
          throw new TypeError(PREFIX + 'update() takes an object like {analytics: true}');
        }
        var clean = {};
        for (var key in choices) {
          if (own.call(choices, key)) {
            if (typeof choices[key] !== 'boolean') {
              throw new TypeError(PREFIX + 'update(): the value of "' + key + '" must be true or false');
            }
            clean[key] = choices[key];
          }
        }
        call('update', [$B.structuredclone2pyobj(clean)]);
      },
      getConsent: function () { return call('get_consent'); },
      showBanner: function () { call('show_banner'); },
      showPreferences: function () { call('show_preferences'); },
      hide: function () { call('hide'); },
      reset: function () { call('reset'); },
      runHook: runHook,
      // Right after `ready` resolved: the queue, the start events, a click that came early.
      started: function (clicked) {
        var queued = Object.getOwnPropertyDescriptor(window, 'consentryQueue');
        var queue = {push: function (fn) {
          if (typeof fn === 'function') { safely(fn, api, 'a consentryQueue callback'); }
          return 0;
        }};
        window.consentryQueue = queue;
        if (queued && Array.isArray(queued.value)) {
          for (var q = 0; q < queued.value.length; q++) { queue.push(queued.value[q]); }
        }
        host.dispatch(invoke('start_events', []), invoke('get_consent', []));
        if (clicked) { call('open_from_markup', [clicked]); }
      }
    };
  }
  })(__consentryApi.__attach);
} else {
  window.console.error('[consentry] the SDK file is started by consentry.js: include that script instead');
}
